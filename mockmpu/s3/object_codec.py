"""S3 wire codec for object reads: HeadObject and GetObject of objects multipart completed.

Each handler reads the request (``Range``, ``partNumber``, the conditional headers,
``x-amz-checksum-mode``), asks :mod:`mockmpu.s3.objects` and renders the headers AWS sends, in
its order: ``Last-Modified``, ``ETag``, the checksum (``ChecksumMode=ENABLED``), SSE,
``x-amz-meta-*``, the storage class (when not STANDARD), ``x-amz-mp-parts-count`` (part reads),
``Accept-Ranges``, ``Content-Range`` (206), ``Content-Type`` (``binary/octet-stream`` when the
upload set none) and ``Content-Length``. A 304 carries ``ETag`` and ``Last-Modified`` only.
HEAD responses never carry a body, errors included.

Not modelled: see :mod:`mockmpu.s3.objects`.
"""

from __future__ import annotations

from email.utils import format_datetime

from mockmpu.core.errors import ServiceError
from mockmpu.core.state import MpuState
from mockmpu.core.wire import Handler, WireRequest, WireResponse
from mockmpu.s3 import objects
from mockmpu.s3.render import render_error, respond
from mockmpu.s3.request import bucket_of, checksum_header, key_of

__all__ = ["HANDLERS", "call_read_object", "object_headers"]

_DEFAULT_CONTENT_TYPE = "binary/octet-stream"


def call_read_object(state: MpuState, req: WireRequest) -> objects.ObjectRead:
    """HeadObject/GetObject: the object named, with the request's range, part and conditions."""
    h = req.headers
    return objects.read_object(
        state,
        bucket_of(req),
        key_of(req),
        range_header=h.get("range"),
        part_number=req.query.get("partNumber"),
        if_match=h.get("if-match"),
        if_none_match=h.get("if-none-match"),
        if_modified_since=h.get("if-modified-since"),
        if_unmodified_since=h.get("if-unmodified-since"),
        checksum_mode=h.get("x-amz-checksum-mode"),
    )


def object_headers(read: objects.ObjectRead) -> dict[str, str]:
    """The response headers of one read, in AWS's order (see the module docstring)."""
    obj = read.object
    headers = {
        "Last-Modified": format_datetime(objects._seconds(obj.last_modified), usegmt=True),
        "ETag": obj.etag,
    }
    if read.status == objects.NOT_MODIFIED:
        return headers
    if read.checksum is not None:
        algorithm, value, kind = read.checksum
        headers[checksum_header(algorithm)] = value
        headers["x-amz-checksum-type"] = kind
    headers["x-amz-server-side-encryption"] = "AES256"
    for name, value in obj.metadata.items():
        headers[f"x-amz-meta-{name}"] = value
    if obj.storage_class != "STANDARD":
        headers["x-amz-storage-class"] = obj.storage_class
    if read.parts_count is not None:
        headers["x-amz-mp-parts-count"] = str(read.parts_count)
    headers["Accept-Ranges"] = "bytes"
    if read.partial:
        headers["Content-Range"] = f"bytes {read.start}-{read.end}/{obj.size}"
    headers["Content-Type"] = obj.content_type or _DEFAULT_CONTENT_TYPE
    headers["Content-Length"] = str(read.length)
    return headers


def _read(state: MpuState, req: WireRequest, *, head: bool) -> WireResponse:
    try:
        read = call_read_object(state, req)
        body = b"" if head or read.status == objects.NOT_MODIFIED else objects.read_bytes(read)
    except ServiceError as error:
        return render_error(state, error, head=head)
    return respond(state, read.status, body=body, headers=object_headers(read))


def head_object(state: MpuState, req: WireRequest) -> WireResponse:
    """HeadObject: 200/206/304 with the object's headers and no body; errors without a body."""
    return _read(state, req, head=True)


def get_object(state: MpuState, req: WireRequest) -> WireResponse:
    """GetObject: 200 (whole), 206 (Range or partNumber) or 304, with the bytes."""
    return _read(state, req, head=False)


#: The S3 object reads mockmpu answers, keyed by AWS operation name.
HANDLERS: dict[str, Handler] = {"GetObject": get_object, "HeadObject": head_object}
