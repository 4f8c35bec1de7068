"""Glacier wire codec (rest-json): read a :class:`WireRequest`, call the semantics, render.

Reading a request is :mod:`mockmpu.glacier.request`'s ``call_<operation>(state, request)``
(re-exported here), which returns the semantics layer's result (raising its
:class:`ServiceError`); the dict path (:mod:`mockmpu.glacier.parsed`) calls the same functions and
the same document builders, so both paths read requests alike.

Every handler returns a :class:`WireResponse`; a :class:`ServiceError` from the semantics layer
becomes AWS's error document (``{"code","message","type"}`` with ``x-amzn-ErrorType``,
``x-amzn-RequestId`` and ``Content-Type: application/json``) with ``WireResponse.error`` set.
Handlers never raise ``ServiceError``. JSON is compact (``json.dumps`` with no spaces) and keys
come in the order of the developer guide's examples. The end-of-list ``Marker`` is rendered in
one place, :func:`render_marker`.
"""

from __future__ import annotations

import json
import operator
import weakref
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any, Callable

from mockmpu.core.calls import Listed
from mockmpu.core.errors import ServiceError
from mockmpu.core.state import GlacierPart, GlacierUpload, MpuState, http_date
from mockmpu.core.wire import Handler, WireRequest, WireResponse
from mockmpu.glacier import semantics as glacier
from mockmpu.glacier.request import (
    call_abort_multipart_upload,
    call_complete_multipart_upload,
    call_create_vault,
    call_delete_vault,
    call_describe_vault,
    call_initiate_multipart_upload,
    call_list_multipart_uploads,
    call_list_parts,
    call_list_vaults,
    call_upload_multipart_part,
)

__all__ = [
    "HANDLERS",
    "archive_headers",
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
    "iso_date",
    "parts_document",
    "render_error",
    "render_marker",
    "uploads_document",
    "vault_element",
    "vaults_document",
]

_JSON = "application/json"


# ----------------------------------------------------------------------------------- rendering


def iso_date(value: datetime) -> str:
    """``2012-03-20T17:03:43.221Z``: UTC, ISO 8601, milliseconds (truncated)."""
    utc = value.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def render_marker(marker: str | None, behaviour: glacier.ListingBehaviour) -> dict[str, str | None]:
    """The ``Marker`` member of a listing: the next-page marker, or the configured end marker.

    AWS ends a listing with ``"Marker": null`` (botocore's parser then drops the key). The other
    styles exist for fault scenarios (BUG-12d/e): the key absent, or the strings ``"null"`` and
    ``"None"``. This is the only place the end marker is rendered.
    """
    if marker is not None:
        return {"Marker": marker}
    style = behaviour.end_marker
    if style == "absent":
        return {}
    if style == "string-null":
        return {"Marker": "null"}
    if style == "string-None":
        return {"Marker": "None"}
    return {"Marker": None}


def _base_headers(state: MpuState) -> dict[str, str]:
    return {
        "x-amzn-RequestId": state.ids.glacier_request_id(),
        "Date": http_date(state.clock.now()),
    }


_COMPACT = (",", ":")
#: ``json.dumps(document, separators=_COMPACT)`` builds this encoder on every call.
_ENCODE = json.JSONEncoder(separators=_COMPACT).encode
_UPLOAD_ID = operator.attrgetter("upload_id")
#: How that encoder writes a string (``ensure_ascii``): keys and values alike.
_QUOTE = json.encoder.encode_basestring_ascii


def _json(
    state: MpuState, status: int, document: Mapping[str, Any], *, body: bytes | None = None
) -> WireResponse:
    if body is None:
        body = _ENCODE(document).encode("utf-8")
    headers = _base_headers(state)
    headers["Content-Type"] = _JSON
    headers["Content-Length"] = str(len(body))
    return WireResponse(status, headers, body)


def _empty(state: MpuState, status: int, extra: Mapping[str, str] = {}) -> WireResponse:
    headers = _base_headers(state)
    headers.update(extra)
    headers["Content-Length"] = "0"
    return WireResponse(status, headers, b"")


def _error(state: MpuState, error: ServiceError) -> WireResponse:
    document = {"code": error.code, "message": error.message, "type": error.sender}
    reply = _json(state, error.status, document)
    reply.headers["x-amzn-ErrorType"] = error.code
    reply.error = error
    return reply


def render_error(state: MpuState, error: ServiceError) -> WireResponse:
    """Render AWS's Glacier error response for ``error`` (for faults injected by the mock)."""
    return _error(state, error)


def _upload_element(upload: GlacierUpload) -> dict[str, Any]:
    return {
        "ArchiveDescription": upload.description,
        "CreationDate": iso_date(upload.created),
        "MultipartUploadId": upload.upload_id,
        "PartSizeInBytes": upload.part_size,
        "VaultARN": upload.vault_arn,
    }


_ELEMENTS: weakref.WeakKeyDictionary[MpuState, dict[str, tuple[GlacierUpload, bytes]]] = (
    weakref.WeakKeyDictionary()
)


def _opening(head: Mapping[str, Any]) -> bytes:
    """``_ENCODE(head)`` without its closing brace; text and null members written directly."""
    members = []
    for key, value in head.items():
        if type(key) is not str or (value is not None and type(value) is not str):
            return _ENCODE(head).encode("utf-8")[:-1]
        members.append(f"{_QUOTE(key)}:{'null' if value is None else _QUOTE(value)}")
    return ("{" + ",".join(members)).encode("utf-8")


def _with_uploads(
    state: MpuState, head: Mapping[str, Any], uploads: Sequence[GlacierUpload]
) -> bytes:
    """``json.dumps({**head, "UploadsList": [...]})``, compact, each element rendered once.

    A listed upload's element is fixed at initiation, so its JSON is cached per state (keyed by
    the upload object, so a new upload is never served another's bytes).
    """
    cache = _ELEMENTS.get(state)
    if cache is None:
        cache = _ELEMENTS.setdefault(state, {})
    elements = []
    get = cache.get
    for upload in uploads:
        entry = get(upload.upload_id)
        if entry is None or entry[0] is not upload:
            text = _ENCODE(_upload_element(upload)).encode("utf-8")
            entry = cache[upload.upload_id] = (upload, text)
        elements.append(entry[1])
    opening = _opening(head)
    joiner = b"," if head else b""
    return opening + joiner + b'"UploadsList":[' + b",".join(elements) + b"]}"


def _part_element(part: GlacierPart) -> dict[str, Any]:
    return {
        "RangeInBytes": f"{part.range_start}-{part.range_end}",
        "SHA256TreeHash": part.tree_hash,
    }


def vault_element(info: glacier.VaultInfo) -> dict[str, Any]:
    last = info.last_inventory_date
    return {
        "CreationDate": iso_date(info.creation_date),
        "LastInventoryDate": iso_date(last) if last is not None else None,
        "NumberOfArchives": info.number_of_archives,
        "SizeInBytes": info.size_in_bytes,
        "VaultARN": info.vault_arn,
        "VaultName": info.vault_name,
    }


def vaults_document(page: glacier.VaultPage, behaviour: glacier.ListingBehaviour) -> dict[str, Any]:
    """ListVaults' JSON document: ``Marker`` (as :func:`render_marker` says), ``VaultList``."""
    document: dict[str, Any] = dict(render_marker(page.marker, behaviour))
    document["VaultList"] = [vault_element(v) for v in page.vaults]
    return document


def uploads_document(
    page: glacier.UploadPage, behaviour: glacier.ListingBehaviour
) -> dict[str, Any]:
    """ListMultipartUploads' JSON document as a dict (the handler renders the same bytes faster)."""
    document: dict[str, Any] = dict(render_marker(page.marker, behaviour))
    document["UploadsList"] = [_upload_element(u) for u in page.uploads]
    return document


def parts_document(page: glacier.PartPage, behaviour: glacier.ListingBehaviour) -> dict[str, Any]:
    """ListParts' JSON document, keys in the developer guide's order."""
    upload = page.upload
    return {
        "ArchiveDescription": upload.description,
        "CreationDate": iso_date(upload.created),
        **render_marker(page.marker, behaviour),
        "MultipartUploadId": upload.upload_id,
        "PartSizeInBytes": upload.part_size,
        "Parts": [_part_element(p) for p in page.parts],
        "VaultARN": upload.vault_arn,
    }


def archive_headers(receipt: glacier.ArchiveReceipt) -> dict[str, str]:
    """CompleteMultipartUpload's response headers: location, archive ID, tree hash."""
    archive = receipt.archive
    return {
        "Location": receipt.location,
        "x-amz-archive-id": archive.archive_id,
        "x-amz-sha256-tree-hash": archive.tree_hash,
    }


# -------------------------------------------------------------------------------------- parsing


Operation = Callable[[MpuState, WireRequest], WireResponse]


def _serves(operation: Operation) -> Handler:
    """Turn a ServiceError raised while serving into AWS's error response."""

    def handler(state: MpuState, request: WireRequest) -> WireResponse:
        try:
            return operation(state, request)
        except ServiceError as error:
            return _error(state, error)

    handler.__name__ = operation.__name__
    handler.__doc__ = operation.__doc__
    return handler


# ------------------------------------------------------------------------------------- handlers


def _create_vault(state: MpuState, request: WireRequest) -> WireResponse:
    receipt = call_create_vault(state, request)
    return _empty(state, 201, {"Location": receipt.location})


def _describe_vault(state: MpuState, request: WireRequest) -> WireResponse:
    return _json(state, 200, vault_element(call_describe_vault(state, request)))


def _list_vaults(state: MpuState, request: WireRequest) -> WireResponse:
    page, behaviour = call_list_vaults(state, request)
    return _json(state, 200, vaults_document(page, behaviour))


def _delete_vault(state: MpuState, request: WireRequest) -> WireResponse:
    call_delete_vault(state, request)
    return _empty(state, 204)


def _initiate_multipart_upload(state: MpuState, request: WireRequest) -> WireResponse:
    receipt = call_initiate_multipart_upload(state, request)
    return _empty(
        state,
        201,
        {"Location": receipt.location, "x-amz-multipart-upload-id": receipt.upload.upload_id},
    )


def _upload_multipart_part(state: MpuState, request: WireRequest) -> WireResponse:
    receipt = call_upload_multipart_part(state, request)
    return _empty(state, 204, {"x-amz-sha256-tree-hash": receipt.part.tree_hash})


def _complete_multipart_upload(state: MpuState, request: WireRequest) -> WireResponse:
    return _empty(state, 201, archive_headers(call_complete_multipart_upload(state, request)))


def _abort_multipart_upload(state: MpuState, request: WireRequest) -> WireResponse:
    call_abort_multipart_upload(state, request)
    return _empty(state, 204)


def listed(
    page: glacier.UploadPage | glacier.PartPage, behaviour: glacier.ListingBehaviour
) -> Listed:
    """What a ListMultipartUploads or ListParts page answered, for ``mpu.calls``."""
    items: tuple[str, ...]
    if isinstance(page, glacier.UploadPage):
        items = tuple(map(_UPLOAD_ID, page.uploads))
    else:
        items = tuple(f"{p.range_start}-{p.range_end}" for p in page.parts)
    return Listed(items, page.marker is not None, render_marker(page.marker, behaviour))


def _list_multipart_uploads(state: MpuState, request: WireRequest) -> WireResponse:
    page, behaviour = call_list_multipart_uploads(state, request)
    head = render_marker(page.marker, behaviour)
    response = _json(state, 200, {}, body=_with_uploads(state, head, page.uploads))
    response.listing = listed(page, behaviour)
    return response


def _list_parts(state: MpuState, request: WireRequest) -> WireResponse:
    page, behaviour = call_list_parts(state, request)
    response = _json(state, 200, parts_document(page, behaviour))
    response.listing = listed(page, behaviour)
    return response


#: The Glacier operations mockmpu serves, by AWS operation name.
HANDLERS: dict[str, Handler] = {
    "CreateVault": _serves(_create_vault),
    "DescribeVault": _serves(_describe_vault),
    "ListVaults": _serves(_list_vaults),
    "DeleteVault": _serves(_delete_vault),
    "InitiateMultipartUpload": _serves(_initiate_multipart_upload),
    "UploadMultipartPart": _serves(_upload_multipart_part),
    "CompleteMultipartUpload": _serves(_complete_multipart_upload),
    "AbortMultipartUpload": _serves(_abort_multipart_upload),
    "ListMultipartUploads": _serves(_list_multipart_uploads),
    "ListParts": _serves(_list_parts),
}
