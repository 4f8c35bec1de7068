"""Glacier on the dict path (``mock_mpu(wire=False)``): ``_glacier`` results, parsed.

Each answer reads the request the way ``_codec_glacier`` does (path labels from the API
parameters, the rest from headers and the query string), calls the same ``_glacier`` semantics,
builds the JSON document the codec sends (``None`` values included, so ``Content-Length`` and the
loop guard's fingerprint are the wire's) and returns what botocore's rest-json parser makes of it:
members in model order, nulls dropped (so the last page of a listing has no ``Marker`` key, as
on the wire), header members from the output shape, Glacier's modeled error fields. The
end-marker styles of ``state.behaviour`` come out of ``_codec_glacier.render_marker`` itself.

Sources: ``_codec_glacier`` (aws-semantics.md §7); ``botocore.parsers.RestJSONParser``. Not
modelled: see ``_parsed``.
"""

from __future__ import annotations

import hashlib
import io
from typing import Any, Callable
from urllib.parse import unquote, urlsplit

from botocore.utils import calculate_tree_hash

from . import _glacier as glacier
from ._codec_glacier import iso_date, render_marker
from ._errors import ServiceError
from ._parsed import ParsedAnswer, ParsedReply, glacier_error_reply, glacier_reply
from ._state import GlacierPart, GlacierUpload, MpuState
from ._wire import WireRequest

__all__ = ["ANSWERS"]

_Answer = Callable[[MpuState, WireRequest, Any], ParsedReply]


def _answering(fn: _Answer) -> ParsedAnswer:
    """Turn a ServiceError raised while answering into the parsed Glacier error."""

    def answer(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
        try:
            return fn(state, req, model)
        except ServiceError as error:
            return glacier_error_reply(state, model, error)

    answer.__name__ = fn.__name__
    answer.__doc__ = fn.__doc__
    return answer


_LABELS = {"accountId": 0, "vaultName": 2, "uploadId": 4}


def _label(request: WireRequest, name: str) -> str:
    """A path label: from the API parameters, else from the URL (as ``_codec_glacier``)."""
    value = request.params.get(name)
    if isinstance(value, str):
        return value
    segments = urlsplit(request.url).path.lstrip("/").split("/")
    index = _LABELS[name]
    return unquote(segments[index]) if index < len(segments) else ""


def _where(request: WireRequest) -> tuple[str, str, str]:
    return _label(request, "accountId"), request.region, _label(request, "vaultName")


def _upload_element(upload: GlacierUpload) -> dict[str, Any]:
    return {
        "ArchiveDescription": upload.description,
        "CreationDate": iso_date(upload.created),
        "MultipartUploadId": upload.upload_id,
        "PartSizeInBytes": upload.part_size,
        "VaultARN": upload.vault_arn,
    }


def _part_element(part: GlacierPart) -> dict[str, Any]:
    return {
        "RangeInBytes": f"{part.range_start}-{part.range_end}",
        "SHA256TreeHash": part.tree_hash,
    }


def _vault_element(info: glacier.VaultInfo) -> dict[str, Any]:
    last = info.last_inventory_date
    return {
        "CreationDate": iso_date(info.creation_date),
        "LastInventoryDate": iso_date(last) if last is not None else None,
        "NumberOfArchives": info.number_of_archives,
        "SizeInBytes": info.size_in_bytes,
        "VaultARN": info.vault_arn,
        "VaultName": info.vault_name,
    }


# ------------------------------------------------------------------------------------- answers


def create_vault(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """CreateVault: 201, ``location``."""
    account, region, name = _where(req)
    receipt = glacier.create_vault(state, account_id=account, region=region, vault_name=name)
    return glacier_reply(state, model, 201, headers={"Location": receipt.location})


def describe_vault(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """DescribeVault: the vault's inventory figures."""
    account, region, name = _where(req)
    info = glacier.describe_vault(state, account_id=account, region=region, vault_name=name)
    return glacier_reply(state, model, 200, document=_vault_element(info))


def list_vaults(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """ListVaults: one page and its ``Marker`` (absent on the last page)."""
    behaviour = glacier.listing_behaviour(state)
    page = glacier.list_vaults(
        state,
        account_id=_label(req, "accountId"),
        region=req.region,
        limit=req.query.get("limit"),
        marker=req.query.get("marker"),
        behaviour=behaviour,
    )
    document: dict[str, Any] = dict(render_marker(page.marker, behaviour))
    document["VaultList"] = [_vault_element(v) for v in page.vaults]
    return glacier_reply(state, model, 200, document=document)


def delete_vault(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """DeleteVault: 204, metadata only."""
    account, region, name = _where(req)
    glacier.delete_vault(state, account_id=account, region=region, vault_name=name)
    return glacier_reply(state, model, 204)


def initiate_multipart_upload(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """InitiateMultipartUpload: 201, ``location`` and ``uploadId``."""
    account, region, name = _where(req)
    receipt = glacier.initiate_multipart_upload(
        state,
        account_id=account,
        region=region,
        vault_name=name,
        part_size=req.headers.get("x-amz-part-size"),
        archive_description=req.headers.get("x-amz-archive-description"),
    )
    return glacier_reply(
        state,
        model,
        201,
        headers={
            "Location": receipt.location,
            "x-amz-multipart-upload-id": receipt.upload.upload_id,
        },
    )


def upload_multipart_part(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """UploadMultipartPart: 204, ``checksum`` (the part's tree hash)."""
    account, region, name = _where(req)
    body = req.body
    sent_sha256 = req.headers.get("x-amz-content-sha256")
    if sent_sha256 is not None and sent_sha256 != "UNSIGNED-PAYLOAD":
        actual = hashlib.sha256(body).hexdigest()
        if sent_sha256 != actual:
            # The SigV4 payload check, as _codec_glacier answers it.
            raise ServiceError(
                "InvalidSignatureException",
                "The value passed in as x-amz-content-sha256 does not match the computed "
                f"payload hash. Computed digest: {actual} expected hash: {sent_sha256}",
                403,
            )
    receipt = glacier.upload_multipart_part(
        state,
        account_id=account,
        region=region,
        vault_name=name,
        upload_id=_label(req, "uploadId"),
        content_range=req.headers.get("content-range"),
        body_size=len(body),
        checksum=req.headers.get("x-amz-sha256-tree-hash"),
        computed_tree_hash=calculate_tree_hash(io.BytesIO(body)),
        body=body,
    )
    return glacier_reply(
        state, model, 204, headers={"x-amz-sha256-tree-hash": receipt.part.tree_hash}
    )


def complete_multipart_upload(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """CompleteMultipartUpload: 201, ``location``, ``archiveId`` and ``checksum``."""
    account, region, name = _where(req)
    receipt = glacier.complete_multipart_upload(
        state,
        account_id=account,
        region=region,
        vault_name=name,
        upload_id=_label(req, "uploadId"),
        archive_size=req.headers.get("x-amz-archive-size"),
        checksum=req.headers.get("x-amz-sha256-tree-hash"),
    )
    archive = receipt.archive
    return glacier_reply(
        state,
        model,
        201,
        headers={
            "Location": receipt.location,
            "x-amz-archive-id": archive.archive_id,
            "x-amz-sha256-tree-hash": archive.tree_hash,
        },
    )


def abort_multipart_upload(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """AbortMultipartUpload: 204, metadata only."""
    account, region, name = _where(req)
    glacier.abort_multipart_upload(
        state, account_id=account, region=region, vault_name=name, upload_id=_label(req, "uploadId")
    )
    return glacier_reply(state, model, 204)


def list_multipart_uploads(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """ListMultipartUploads: one page of the vault's uploads and its ``Marker``."""
    account, region, name = _where(req)
    behaviour = glacier.listing_behaviour(state)
    page = glacier.list_multipart_uploads(
        state,
        account_id=account,
        region=region,
        vault_name=name,
        limit=req.query.get("limit"),
        marker=req.query.get("marker"),
        behaviour=behaviour,
    )
    document: dict[str, Any] = dict(render_marker(page.marker, behaviour))
    document["UploadsList"] = [_upload_element(u) for u in page.uploads]
    return glacier_reply(state, model, 200, document=document)


def list_parts(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """ListParts: one page of an upload's parts and its ``Marker``."""
    account, region, name = _where(req)
    behaviour = glacier.listing_behaviour(state)
    page = glacier.list_parts(
        state,
        account_id=account,
        region=region,
        vault_name=name,
        upload_id=_label(req, "uploadId"),
        limit=req.query.get("limit"),
        marker=req.query.get("marker"),
        behaviour=behaviour,
    )
    upload = page.upload
    document: dict[str, Any] = {
        "ArchiveDescription": upload.description,
        "CreationDate": iso_date(upload.created),
        **render_marker(page.marker, behaviour),
        "MultipartUploadId": upload.upload_id,
        "PartSizeInBytes": upload.part_size,
        "Parts": [_part_element(p) for p in page.parts],
        "VaultARN": upload.vault_arn,
    }
    return glacier_reply(state, model, 200, document=document)


#: The Glacier operations the dict path answers, by AWS operation name.
ANSWERS: dict[str, ParsedAnswer] = {
    "CreateVault": _answering(create_vault),
    "DescribeVault": _answering(describe_vault),
    "ListVaults": _answering(list_vaults),
    "DeleteVault": _answering(delete_vault),
    "InitiateMultipartUpload": _answering(initiate_multipart_upload),
    "UploadMultipartPart": _answering(upload_multipart_part),
    "CompleteMultipartUpload": _answering(complete_multipart_upload),
    "AbortMultipartUpload": _answering(abort_multipart_upload),
    "ListMultipartUploads": _answering(list_multipart_uploads),
    "ListParts": _answering(list_parts),
}
