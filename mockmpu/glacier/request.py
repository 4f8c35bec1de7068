"""Glacier requests -> semantics: ``call_<operation>(state, request)`` for every served operation.

Each ``call_<operation>`` reads one routed :class:`~mockmpu.core.wire.WireRequest` (path labels
as the dispatcher read them, ``x-amz-*`` headers, the query string, the body) and calls
:mod:`mockmpu.glacier.semantics`; it returns the semantics layer's result and raises its
:class:`~mockmpu.core.errors.ServiceError`. The wire codec (:mod:`mockmpu.glacier.codec`) renders
the result as bytes; the dict path (:mod:`mockmpu.glacier.parsed`) builds botocore's parsed dict
from the same result, so the two paths never read a request differently.

Part tree hashes are computed with ``botocore.utils.calculate_tree_hash`` so the fake agrees with
the client byte for byte. Not modelled: SigV4 signatures (only the ``x-amz-content-sha256``
payload hash is checked).
"""

from __future__ import annotations

import hashlib
import io

from botocore.utils import calculate_tree_hash

from mockmpu.core.errors import ServiceError
from mockmpu.core.state import MpuState
from mockmpu.core.wire import WireRequest
from mockmpu.glacier import semantics as glacier

__all__ = [
    "call_abort_multipart_upload",
    "call_complete_multipart_upload",
    "call_create_vault",
    "call_delete_vault",
    "call_describe_vault",
    "call_initiate_multipart_upload",
    "call_list_multipart_uploads",
    "call_list_parts",
    "call_list_vaults",
    "call_upload_multipart_part",
]


def _label(request: WireRequest, name: str) -> str:
    """A path label (``accountId``, ``vaultName``, ``uploadId``) as the dispatcher read it."""
    return request.labels.get(name, "")


def _where(request: WireRequest) -> tuple[str, str, str]:
    """``(account id as sent, client region, vault name)``."""
    return _label(request, "accountId"), request.region, _label(request, "vaultName")


def call_create_vault(state: MpuState, request: WireRequest) -> glacier.VaultReceipt:
    """CreateVault: create (or find) the vault named in the path."""
    account, region, name = _where(request)
    return glacier.create_vault(state, account_id=account, region=region, vault_name=name)


def call_describe_vault(state: MpuState, request: WireRequest) -> glacier.VaultInfo:
    """DescribeVault: the vault's inventory figures."""
    account, region, name = _where(request)
    return glacier.describe_vault(state, account_id=account, region=region, vault_name=name)


def call_list_vaults(
    state: MpuState, request: WireRequest
) -> tuple[glacier.VaultPage, glacier.ListingBehaviour]:
    """ListVaults: one page (``limit``/``marker`` from the query) and the behaviour it used."""
    behaviour = glacier.listing_behaviour(state)
    page = glacier.list_vaults(
        state,
        account_id=_label(request, "accountId"),
        region=request.region,
        limit=request.query.get("limit"),
        marker=request.query.get("marker"),
        behaviour=behaviour,
    )
    return page, behaviour


def call_delete_vault(state: MpuState, request: WireRequest) -> None:
    """DeleteVault: delete the vault named in the path."""
    account, region, name = _where(request)
    glacier.delete_vault(state, account_id=account, region=region, vault_name=name)


def call_initiate_multipart_upload(state: MpuState, request: WireRequest) -> glacier.UploadReceipt:
    """InitiateMultipartUpload: part size and description from the ``x-amz-*`` headers."""
    account, region, name = _where(request)
    return glacier.initiate_multipart_upload(
        state,
        account_id=account,
        region=region,
        vault_name=name,
        part_size=request.headers.get("x-amz-part-size"),
        archive_description=request.headers.get("x-amz-archive-description"),
    )


def call_upload_multipart_part(state: MpuState, request: WireRequest) -> glacier.PartReceipt:
    """UploadMultipartPart: the SigV4 payload check, then the part with its computed tree hash."""
    account, region, name = _where(request)
    body = request.body
    sent_sha256 = request.headers.get("x-amz-content-sha256")
    if sent_sha256 is not None and sent_sha256 != "UNSIGNED-PAYLOAD":
        actual = hashlib.sha256(body).hexdigest()
        if sent_sha256 != actual:
            # SigV4 payload check, real AWS text (basak/glacier-cli#27); not a modeled exception.
            raise ServiceError(
                "InvalidSignatureException",
                "The value passed in as x-amz-content-sha256 does not match the computed "
                f"payload hash. Computed digest: {actual} expected hash: {sent_sha256}",
                403,
            )
    return glacier.upload_multipart_part(
        state,
        account_id=account,
        region=region,
        vault_name=name,
        upload_id=_label(request, "uploadId"),
        content_range=request.headers.get("content-range"),
        body_size=len(body),
        checksum=request.headers.get("x-amz-sha256-tree-hash"),
        computed_tree_hash=calculate_tree_hash(io.BytesIO(body)),
        body=body,
    )


def call_complete_multipart_upload(state: MpuState, request: WireRequest) -> glacier.ArchiveReceipt:
    """CompleteMultipartUpload: archive size and tree hash from the ``x-amz-*`` headers."""
    account, region, name = _where(request)
    return glacier.complete_multipart_upload(
        state,
        account_id=account,
        region=region,
        vault_name=name,
        upload_id=_label(request, "uploadId"),
        archive_size=request.headers.get("x-amz-archive-size"),
        checksum=request.headers.get("x-amz-sha256-tree-hash"),
    )


def call_abort_multipart_upload(state: MpuState, request: WireRequest) -> None:
    """AbortMultipartUpload: abort the upload named in the path."""
    account, region, name = _where(request)
    glacier.abort_multipart_upload(
        state,
        account_id=account,
        region=region,
        vault_name=name,
        upload_id=_label(request, "uploadId"),
    )


def call_list_multipart_uploads(
    state: MpuState, request: WireRequest
) -> tuple[glacier.UploadPage, glacier.ListingBehaviour]:
    """ListMultipartUploads: one page of the vault's uploads and the behaviour it used."""
    account, region, name = _where(request)
    behaviour = glacier.listing_behaviour(state)
    page = glacier.list_multipart_uploads(
        state,
        account_id=account,
        region=region,
        vault_name=name,
        limit=request.query.get("limit"),
        marker=request.query.get("marker"),
        behaviour=behaviour,
    )
    return page, behaviour


def call_list_parts(
    state: MpuState, request: WireRequest
) -> tuple[glacier.PartPage, glacier.ListingBehaviour]:
    """ListParts: one page of the upload's parts and the behaviour it used."""
    account, region, name = _where(request)
    behaviour = glacier.listing_behaviour(state)
    page = glacier.list_parts(
        state,
        account_id=account,
        region=region,
        vault_name=name,
        upload_id=_label(request, "uploadId"),
        limit=request.query.get("limit"),
        marker=request.query.get("marker"),
        behaviour=behaviour,
    )
    return page, behaviour
