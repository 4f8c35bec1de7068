"""Glacier on the dict path (``mock_mpu(wire=False)``): ``_glacier`` results, parsed.

Each answer reads the request and calls the ``_glacier`` semantics through the codec's own
``_codec_glacier.call_<operation>`` (path labels from the API parameters, the rest from headers
and the query string), builds the JSON document the codec sends with the codec's builders
(``None`` values included, so ``Content-Length`` and the loop guard's fingerprint are the
wire's) and returns what botocore's rest-json parser makes of it:
members in model order, nulls dropped (so the last page of a listing has no ``Marker`` key, as
on the wire), header members from the output shape, Glacier's modeled error fields. The
end-marker styles of ``state.behaviour`` come out of ``_codec_glacier.render_marker`` itself.

Sources: ``_codec_glacier`` (aws-semantics.md §7); ``botocore.parsers.RestJSONParser``. Not
modelled: see ``_parsed``.
"""

from __future__ import annotations

from typing import Any, Callable

from mockmpu.core.errors import ServiceError
from mockmpu.core.parsed import ParsedAnswer, ParsedReply
from mockmpu.core.state import MpuState
from mockmpu.core.wire import WireRequest
from mockmpu.glacier import codec
from mockmpu.glacier.replies import glacier_error_reply, glacier_reply

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


# ------------------------------------------------------------------------------------- answers


def create_vault(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """CreateVault: 201, ``location``."""
    receipt = codec.call_create_vault(state, req)
    return glacier_reply(state, model, 201, headers={"Location": receipt.location})


def describe_vault(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """DescribeVault: the vault's inventory figures."""
    info = codec.call_describe_vault(state, req)
    return glacier_reply(state, model, 200, document=codec.vault_element(info))


def list_vaults(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """ListVaults: one page and its ``Marker`` (absent on the last page)."""
    page, behaviour = codec.call_list_vaults(state, req)
    return glacier_reply(state, model, 200, document=codec.vaults_document(page, behaviour))


def delete_vault(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """DeleteVault: 204, metadata only."""
    codec.call_delete_vault(state, req)
    return glacier_reply(state, model, 204)


def initiate_multipart_upload(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """InitiateMultipartUpload: 201, ``location`` and ``uploadId``."""
    receipt = codec.call_initiate_multipart_upload(state, req)
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
    receipt = codec.call_upload_multipart_part(state, req)
    return glacier_reply(
        state, model, 204, headers={"x-amz-sha256-tree-hash": receipt.part.tree_hash}
    )


def complete_multipart_upload(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """CompleteMultipartUpload: 201, ``location``, ``archiveId`` and ``checksum``."""
    receipt = codec.call_complete_multipart_upload(state, req)
    return glacier_reply(state, model, 201, headers=codec.archive_headers(receipt))


def abort_multipart_upload(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """AbortMultipartUpload: 204, metadata only."""
    codec.call_abort_multipart_upload(state, req)
    return glacier_reply(state, model, 204)


def list_multipart_uploads(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """ListMultipartUploads: one page of the vault's uploads and its ``Marker``."""
    page, behaviour = codec.call_list_multipart_uploads(state, req)
    reply = glacier_reply(state, model, 200, document=codec.uploads_document(page, behaviour))
    reply.listing = codec.listed(page, behaviour)
    return reply


def list_parts(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """ListParts: one page of an upload's parts and its ``Marker``."""
    page, behaviour = codec.call_list_parts(state, req)
    reply = glacier_reply(state, model, 200, document=codec.parts_document(page, behaviour))
    reply.listing = codec.listed(page, behaviour)
    return reply


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
