"""S3 wire codec: answer botocore's S3 requests with the REST-XML AWS sends.

Each handler parses a :class:`~mockmpu._wire.WireRequest` (``_codec_s3_request``) and calls the
semantics in ``_s3`` through ``call_<operation>(state, req)`` (which the dict path,
``_parsed_s3``, calls too, with the header and field builders here), then renders the result
with ``xmltodict.unparse`` in AWS's element order (aws-semantics.md §1.2, §2, §3, §4). A
handler never raises :class:`ServiceError`: it returns the rendered ``<Error>`` document with
``WireResponse.error`` set.

Every response carries ``x-amz-request-id`` and ``x-amz-id-2`` from ``state.ids``; XML bodies
start with ``<?xml version="1.0" encoding="UTF-8"?>`` (nothing before it, or botocore's
200-error check treats the body as broken) and are ``application/xml``.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Any, Callable
from urllib.parse import urlsplit, urlunsplit

import xmltodict

from mockmpu.core.calls import Listed
from mockmpu.core.errors import ServiceError
from mockmpu.core.state import Bucket, MpuState, Part, Upload
from mockmpu.core.wire import Handler, WireRequest, WireResponse
from mockmpu.s3 import semantics as _s3
from mockmpu.s3.request import (
    bucket_of,
    checksum_header,
    complete_parts,
    header_checksums,
    key_of,
    location_constraint,
    part_body,
)

__all__ = [
    "HANDLERS",
    "NAMESPACE",
    "call_abort_multipart_upload",
    "call_complete_multipart_upload",
    "call_create_bucket",
    "call_create_multipart_upload",
    "call_delete_bucket",
    "call_head_bucket",
    "call_list_multipart_uploads",
    "call_list_parts",
    "call_upload_part",
    "complete_multipart_upload_fields",
    "create_bucket_headers",
    "create_multipart_upload_headers",
    "head_bucket_headers",
    "render_error",
    "timestamp",
    "upload_part_headers",
]

NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/"
_XML = "application/xml"
_SSE = {"x-amz-server-side-encryption": "AES256"}


def timestamp(value: datetime) -> str:
    """Render a time as S3 lists it: ``2010-11-10T20:48:33.000Z`` (milliseconds always 000)."""
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _document(
    root: str, body: Mapping[str, Any], *, namespace: bool = True, tail: bytes = b""
) -> bytes:
    """Render ``<root>`` with xmltodict; ``tail`` (rendered children) goes before its end tag."""
    content = {"@xmlns": NAMESPACE, **body} if namespace else dict(body)
    text: str = xmltodict.unparse({root: content}, encoding="UTF-8")
    # A carriage return in a key must survive XML end-of-line normalisation, so it goes out as a
    # character reference, as S3 sends it; xmltodict leaves it raw (only text can contain one).
    doc = text.encode("utf-8").replace(b"\r", b"&#13;")
    if tail:
        if doc.endswith(b"/>"):  # no children rendered: xmltodict closed it short
            doc = doc[:-2] + b">" + tail + f"</{root}>".encode()
        else:
            end = f"</{root}>".encode()
            doc = doc[: -len(end)] + tail + end
    return doc


def _fragment(name: str, fields: Mapping[str, Any]) -> bytes:
    """Render one child element exactly as :func:`_document` would render it inside a list."""
    text: str = xmltodict.unparse({name: fields}, full_document=False)
    return text.encode("utf-8").replace(b"\r", b"&#13;")


class _FragmentCache:
    """Rendered ``<Upload>`` and ``<Part>`` elements, per state (caching immutable data).

    A listed upload's element depends only on fields fixed at creation (key, id, storage class,
    initiation time, checksum settings) plus the state's owner and the encoding; a part's on the
    ``Part`` object, which an overwrite replaces. Entries hold the object they were rendered
    from and are used only while it is still the same object, so they are never stale.
    """

    def __init__(self) -> None:
        self.uploads: dict[tuple[str, bool], tuple[Upload, bytes]] = {}
        self.parts: dict[tuple[str, int], tuple[Part, bytes]] = {}


_CACHES: weakref.WeakKeyDictionary[MpuState, _FragmentCache] = weakref.WeakKeyDictionary()


def _cache(state: MpuState) -> _FragmentCache:
    cache = _CACHES.get(state)
    if cache is None:
        cache = _CACHES.setdefault(state, _FragmentCache())
    return cache


def _response(
    state: MpuState,
    status: int,
    *,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
    xml: bool = False,
    request_id: str | None = None,
    host_id: str | None = None,
) -> WireResponse:
    out = {
        "x-amz-id-2": host_id or state.ids.host_id(),
        "x-amz-request-id": request_id or state.ids.request_id(),
        "Date": format_datetime(state.clock.now(), usegmt=True),
    }
    out.update(headers or {})
    if xml:
        out["Content-Type"] = _XML
    out["Server"] = "AmazonS3"
    return WireResponse(status=status, headers=out, body=body)


def render_error(state: MpuState, error: ServiceError, *, head: bool = False) -> WireResponse:
    """Render an S3 ``<Error>``: no namespace; Code, Message, extras, RequestId, HostId.

    A HEAD request gets the status and headers only: HEAD responses have no body, which botocore
    reports as ``{'Code': '404', 'Message': 'Not Found'}``. Status 200 is the mid-stream failure
    of CompleteMultipartUpload (API reference): whitespace follows the XML declaration, as S3's
    keep-alive whitespace does; botocore rewrites such a 200 to 500 and retries.
    """
    request_id = state.ids.request_id()
    host_id = state.ids.host_id()
    body = b""
    if not head:
        fields: dict[str, str] = {"Code": error.code, "Message": error.message}
        fields.update(error.extra)
        fields["RequestId"] = request_id
        fields["HostId"] = host_id
        body = _document("Error", fields, namespace=False)
        if error.status == 200:
            body = body.replace(b"?>\n", b"?>\n\n", 1)
    reply = _response(
        state, error.status, body=body, xml=True, request_id=request_id, host_id=host_id
    )
    reply.error = error
    return reply


def _serving(fn: Callable[[MpuState, WireRequest], WireResponse]) -> Handler:
    def handler(state: MpuState, req: WireRequest) -> WireResponse:
        try:
            return fn(state, req)
        except ServiceError as error:
            return render_error(state, error, head=req.method.upper() == "HEAD")

    handler.__name__ = fn.__name__
    handler.__doc__ = fn.__doc__
    return handler


def _principals(owner: _s3.Principal) -> dict[str, Any]:
    return {
        "Initiator": {"ID": owner.id, "DisplayName": owner.display_name},
        "Owner": {"ID": owner.id},
    }


# ------------------------------------------------------------------------- requests -> semantics
#
# Each ``call_<operation>`` reads one request (``_codec_s3_request``) and calls ``_s3``; it returns
# the semantics layer's result and raises its ServiceError. The handlers below render the result
# as bytes; ``_parsed_s3`` (the ``mock_mpu(wire=False)`` path) builds botocore's parsed dict from
# the same result, so the two paths never read a request differently.


def call_create_bucket(state: MpuState, req: WireRequest) -> _s3.CreateBucketResult:
    """CreateBucket: the client's region and the body's ``LocationConstraint``."""
    return _s3.create_bucket(
        state,
        bucket_of(req),
        client_region=req.region,
        location_constraint=location_constraint(req),
    )


def call_head_bucket(state: MpuState, req: WireRequest) -> Bucket:
    """HeadBucket: the bucket named in the request."""
    return _s3.head_bucket(state, bucket_of(req))


def call_delete_bucket(state: MpuState, req: WireRequest) -> None:
    """DeleteBucket: delete the bucket named in the request."""
    _s3.delete_bucket(state, bucket_of(req))


def _meta(headers: Mapping[str, str]) -> dict[str, str]:
    return {k[len("x-amz-meta-") :]: v for k, v in headers.items() if k.startswith("x-amz-meta-")}


def call_create_multipart_upload(state: MpuState, req: WireRequest) -> Upload:
    """CreateMultipartUpload: checksum, storage class, content type and ``x-amz-meta-*`` headers."""
    h = req.headers
    return _s3.create_multipart_upload(
        state,
        bucket_of(req),
        key_of(req),
        checksum_algorithm=h.get("x-amz-checksum-algorithm"),
        checksum_type=h.get("x-amz-checksum-type"),
        storage_class=h.get("x-amz-storage-class"),
        content_type=h.get("content-type"),
        metadata=_meta(h),
    )


def call_upload_part(state: MpuState, req: WireRequest) -> Part:
    """UploadPart: the decoded payload and the checksums sent (headers or aws-chunked trailer)."""
    body, checksums = part_body(req)
    return _s3.upload_part(
        state,
        bucket_of(req),
        key_of(req),
        req.query.get("uploadId", ""),
        req.query.get("partNumber"),
        body,
        checksums=checksums,
    )


def call_complete_multipart_upload(
    state: MpuState, req: WireRequest
) -> _s3.CompleteMultipartUploadResult:
    """CompleteMultipartUpload: the body's part list and the full-object checksum headers."""
    parts, malformed = complete_parts(req)
    return _s3.complete_multipart_upload(
        state,
        bucket_of(req),
        key_of(req),
        req.query.get("uploadId", ""),
        parts,
        malformed=malformed,
        checksum_type=req.headers.get("x-amz-checksum-type"),
        checksums=header_checksums(req.headers),
        mpu_object_size=req.headers.get("x-amz-mp-object-size"),
    )


def call_abort_multipart_upload(state: MpuState, req: WireRequest) -> None:
    """AbortMultipartUpload: abort the upload named by ``uploadId``."""
    _s3.abort_multipart_upload(state, bucket_of(req), key_of(req), req.query.get("uploadId", ""))


def call_list_multipart_uploads(
    state: MpuState, req: WireRequest
) -> _s3.ListMultipartUploadsResult:
    """ListMultipartUploads: one page; every parameter from the real query string."""
    q = req.query
    return _s3.list_multipart_uploads(
        state,
        bucket_of(req),
        prefix=q.get("prefix"),
        delimiter=q.get("delimiter"),
        key_marker=q.get("key-marker"),
        upload_id_marker=q.get("upload-id-marker"),
        max_uploads=q.get("max-uploads"),
        encoding_type=q.get("encoding-type"),
    )


def call_list_parts(state: MpuState, req: WireRequest) -> _s3.ListPartsResult:
    """ListParts: one page of the upload's parts; parameters from the real query string."""
    q = req.query
    return _s3.list_parts(
        state,
        bucket_of(req),
        key_of(req),
        q.get("uploadId", ""),
        max_parts=q.get("max-parts"),
        part_number_marker=q.get("part-number-marker"),
    )


# --------------------------------------------------------------------- results -> headers, fields


def create_bucket_headers(bucket: Bucket) -> dict[str, str]:
    """CreateBucket's response headers: ``Location`` (``/name`` or the bucket URL), the ARN."""
    return {
        "Location": _s3.bucket_location(bucket),
        "x-amz-bucket-arn": f"arn:aws:s3:::{bucket.name}",
    }


def head_bucket_headers(bucket: Bucket) -> dict[str, str]:
    """HeadBucket's response headers: the ARN, the bucket's region, no access point alias."""
    return {
        "x-amz-bucket-arn": f"arn:aws:s3:::{bucket.name}",
        "x-amz-bucket-region": bucket.region,
        "x-amz-access-point-alias": "false",
    }


def create_multipart_upload_headers(upload: Upload) -> dict[str, str]:
    """CreateMultipartUpload's response headers: SSE, then the upload's checksum settings."""
    headers = dict(_SSE)
    if upload.checksum_algorithm:
        headers["x-amz-checksum-algorithm"] = upload.checksum_algorithm
    if upload.checksum_type:
        headers["x-amz-checksum-type"] = upload.checksum_type
    return headers


def upload_part_headers(part: Part) -> dict[str, str]:
    """UploadPart's response headers: SSE, ``ETag`` and the part's checksums echoed."""
    headers = dict(_SSE)
    headers["ETag"] = part.etag
    for algorithm, value in part.checksums.items():
        headers[checksum_header(algorithm)] = value
    return headers


def _object_location(req: WireRequest) -> str:
    parts = urlsplit(req.url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def complete_multipart_upload_fields(
    req: WireRequest, result: _s3.CompleteMultipartUploadResult
) -> dict[str, str]:
    """``CompleteMultipartUploadResult``'s children in AWS's order (the object URL as Location)."""
    obj = result.object
    fields: dict[str, str] = {
        "Location": _object_location(req),
        "Bucket": obj.bucket,
        "Key": obj.key,
        "ETag": obj.etag,
    }
    if result.checksum_algorithm and result.checksum:
        fields["Checksum" + result.checksum_algorithm] = result.checksum
    if result.checksum_type:
        fields["ChecksumType"] = result.checksum_type
    return fields


# ------------------------------------------------------------------------------------- buckets


def create_bucket(state: MpuState, req: WireRequest) -> WireResponse:
    """CreateBucket: 200, empty body, ``Location`` (``/name`` or the bucket URL)."""
    bucket = call_create_bucket(state, req).bucket
    return _response(state, 200, headers=create_bucket_headers(bucket))


def head_bucket(state: MpuState, req: WireRequest) -> WireResponse:
    """HeadBucket: 200 with the bucket's region headers; 404 with an empty body."""
    bucket = call_head_bucket(state, req)
    return _response(state, 200, xml=True, headers=head_bucket_headers(bucket))


def delete_bucket(state: MpuState, req: WireRequest) -> WireResponse:
    """DeleteBucket: 204, empty body."""
    call_delete_bucket(state, req)
    return _response(state, 204)


# ------------------------------------------------------------------------------------- uploads


def create_multipart_upload(state: MpuState, req: WireRequest) -> WireResponse:
    """CreateMultipartUpload: 200, ``InitiateMultipartUploadResult{Bucket, Key, UploadId}``."""
    upload = call_create_multipart_upload(state, req)
    headers = create_multipart_upload_headers(upload)
    body = _document(
        "InitiateMultipartUploadResult",
        {"Bucket": upload.bucket, "Key": upload.key, "UploadId": upload.upload_id},
    )
    return _response(state, 200, body=body, headers=headers, xml=True)


def upload_part(state: MpuState, req: WireRequest) -> WireResponse:
    """UploadPart: 200, empty body, ``ETag`` and the checksum headers sent echoed."""
    part = call_upload_part(state, req)
    return _response(state, 200, headers=upload_part_headers(part))


def complete_multipart_upload(state: MpuState, req: WireRequest) -> WireResponse:
    """CompleteMultipartUpload: 200, ``CompleteMultipartUploadResult``."""
    result = call_complete_multipart_upload(state, req)
    fields = complete_multipart_upload_fields(req, result)
    body = _document("CompleteMultipartUploadResult", fields)
    return _response(state, 200, body=body, headers=_SSE, xml=True)


def abort_multipart_upload(state: MpuState, req: WireRequest) -> WireResponse:
    """AbortMultipartUpload: 204, empty body."""
    call_abort_multipart_upload(state, req)
    return _response(state, 204)


# ------------------------------------------------------------------------------------- listing


def _checksum_fields(upload: Upload) -> dict[str, str]:
    fields: dict[str, str] = {}
    if upload.checksum_algorithm:
        fields["ChecksumAlgorithm"] = upload.checksum_algorithm
    if upload.checksum_type:
        fields["ChecksumType"] = upload.checksum_type
    return fields


def listed_uploads(state: MpuState, r: _s3.ListMultipartUploadsResult) -> Listed:
    """What a ListMultipartUploads page answered, for ``mpu.calls`` (upload ids, next markers)."""
    enc: Callable[[str], str] = _s3.url_encode if r.encoding_type is not None else str
    markers = {"NextKeyMarker": enc(r.next_key_marker)}
    if not state.behaviour.omit_next_upload_id_marker:
        markers["NextUploadIdMarker"] = r.next_upload_id_marker
    return Listed(tuple(u.upload_id for u in r.uploads), r.is_truncated, markers)


def listed_parts(state: MpuState, r: _s3.ListPartsResult) -> Listed:
    """What a ListParts page answered, for ``mpu.calls`` (part numbers, the next marker)."""
    stuck = state.behaviour.stuck_next_part_number_marker
    marker = r.part_number_marker if stuck else r.next_part_number_marker
    items = tuple(p.part_number for p in r.parts)
    return Listed(items, r.is_truncated, {"NextPartNumberMarker": marker})


def list_multipart_uploads(state: MpuState, req: WireRequest) -> WireResponse:
    """ListMultipartUploads: 200, ``ListMultipartUploadsResult`` in AWS's element order."""
    r = call_list_multipart_uploads(state, req)
    enc: Callable[[str], str] = _s3.url_encode if r.encoding_type is not None else str
    principals = _principals(r.owner)
    fields: dict[str, Any] = {
        "Bucket": r.bucket,
        "KeyMarker": enc(r.key_marker),
        "UploadIdMarker": r.upload_id_marker,
        "NextKeyMarker": enc(r.next_key_marker),
    }
    if not state.behaviour.omit_next_upload_id_marker:  # BUG-07 servers leave it out
        fields["NextUploadIdMarker"] = r.next_upload_id_marker
    if r.delimiter:
        fields["Delimiter"] = enc(r.delimiter)
    if r.prefix:
        fields["Prefix"] = enc(r.prefix)
    fields["MaxUploads"] = str(r.max_uploads)
    if r.encoding_type is not None:
        fields["EncodingType"] = r.encoding_type
    fields["IsTruncated"] = _bool(r.is_truncated)
    encoded = r.encoding_type is not None
    cached = _cache(state).uploads
    tail: list[bytes] = []
    for u in r.uploads:
        entry = cached.get((u.upload_id, encoded))
        if entry is None or entry[0] is not u:
            element = {
                "Key": enc(u.key),
                "UploadId": u.upload_id,
                **principals,
                "StorageClass": u.storage_class,
                "Initiated": timestamp(u.initiated),
                **_checksum_fields(u),
            }
            entry = cached[(u.upload_id, encoded)] = (u, _fragment("Upload", element))
        tail.append(entry[1])
    tail.extend(_fragment("CommonPrefixes", {"Prefix": enc(p)}) for p in r.common_prefixes)
    body = _document("ListMultipartUploadsResult", fields, tail=b"".join(tail))
    response = _response(state, 200, body=body, xml=True)
    response.listing = listed_uploads(state, r)
    return response


def _part_fields(part: Part, algorithm: str | None) -> dict[str, str]:
    fields = {
        "PartNumber": str(part.part_number),
        "LastModified": timestamp(part.last_modified),
        "ETag": part.etag,
        "Size": str(part.size),
    }
    if algorithm and algorithm in part.checksums:
        fields["Checksum" + algorithm] = part.checksums[algorithm]
    return fields


def list_parts(state: MpuState, req: WireRequest) -> WireResponse:
    """ListParts: 200, ``ListPartsResult`` in the documented element order."""
    r = call_list_parts(state, req)
    u = r.upload
    fields: dict[str, Any] = {
        "Bucket": r.bucket,
        "Key": u.key,
        "UploadId": u.upload_id,
        **_principals(r.owner),
        "StorageClass": u.storage_class,
        **_checksum_fields(u),
        "PartNumberMarker": str(r.part_number_marker),
        "NextPartNumberMarker": str(
            # BUG-10 servers send the request's marker back, so it never advances
            r.part_number_marker
            if state.behaviour.stuck_next_part_number_marker
            else r.next_part_number_marker
        ),
        "MaxParts": str(r.max_parts),
        "IsTruncated": _bool(r.is_truncated),
    }
    cached = _cache(state).parts
    tail: list[bytes] = []
    for p in r.parts:
        entry = cached.get((u.upload_id, p.part_number))
        if entry is None or entry[0] is not p:
            element = _fragment("Part", _part_fields(p, u.checksum_algorithm))
            entry = cached[(u.upload_id, p.part_number)] = (p, element)
        tail.append(entry[1])
    body = _document("ListPartsResult", fields, tail=b"".join(tail))
    response = _response(state, 200, body=body, xml=True)
    response.listing = listed_parts(state, r)
    return response


#: The S3 operations mockmpu answers, keyed by AWS operation name.
HANDLERS: dict[str, Handler] = {
    "AbortMultipartUpload": _serving(abort_multipart_upload),
    "CompleteMultipartUpload": _serving(complete_multipart_upload),
    "CreateBucket": _serving(create_bucket),
    "CreateMultipartUpload": _serving(create_multipart_upload),
    "DeleteBucket": _serving(delete_bucket),
    "HeadBucket": _serving(head_bucket),
    "ListMultipartUploads": _serving(list_multipart_uploads),
    "ListParts": _serving(list_parts),
    "UploadPart": _serving(upload_part),
}
