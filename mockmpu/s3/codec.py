"""S3 wire codec: answer botocore's S3 requests with the REST-XML AWS sends.

Each handler reads a :class:`~mockmpu.core.wire.WireRequest` through ``call_<operation>``
(``s3.calls``, which the dict path ``s3.parsed`` uses too), then renders the result with
``xmltodict.unparse`` in AWS's element order (``s3.render``; aws-semantics.md §1.2, §2, §3, §4).
A handler never raises :class:`ServiceError`: it returns the rendered ``<Error>`` document with
``WireResponse.error`` set. ``HANDLERS`` maps each served operation to its handler.
"""

from __future__ import annotations

import operator
from typing import Any, Callable

from mockmpu.core.calls import Listed
from mockmpu.core.state import MpuState, Part, Upload
from mockmpu.core.wire import Handler, WireRequest, WireResponse
from mockmpu.s3 import semantics as _s3
from mockmpu.s3.calls import (
    call_abort_multipart_upload,
    call_complete_multipart_upload,
    call_create_bucket,
    call_create_multipart_upload,
    call_delete_bucket,
    call_head_bucket,
    call_list_multipart_uploads,
    call_list_parts,
    call_upload_part,
    complete_multipart_upload_fields,
    create_bucket_headers,
    create_multipart_upload_headers,
    head_bucket_headers,
    upload_part_headers,
)
from mockmpu.s3.render import (
    NAMESPACE,
    SSE,
    document,
    fragment,
    fragment_cache,
    principals,
    render_error,
    respond,
    serving,
    timestamp,
    xml_bool,
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


def create_bucket(state: MpuState, req: WireRequest) -> WireResponse:
    """CreateBucket: 200, empty body, ``Location`` (``/name`` or the bucket URL)."""
    bucket = call_create_bucket(state, req).bucket
    return respond(state, 200, headers=create_bucket_headers(bucket))


def head_bucket(state: MpuState, req: WireRequest) -> WireResponse:
    """HeadBucket: 200 with the bucket's region headers; 404 with an empty body."""
    bucket = call_head_bucket(state, req)
    return respond(state, 200, xml=True, headers=head_bucket_headers(bucket))


def delete_bucket(state: MpuState, req: WireRequest) -> WireResponse:
    """DeleteBucket: 204, empty body."""
    call_delete_bucket(state, req)
    return respond(state, 204)


# ------------------------------------------------------------------------------------- uploads


def create_multipart_upload(state: MpuState, req: WireRequest) -> WireResponse:
    """CreateMultipartUpload: 200, ``InitiateMultipartUploadResult{Bucket, Key, UploadId}``."""
    upload = call_create_multipart_upload(state, req)
    headers = create_multipart_upload_headers(upload)
    body = document(
        "InitiateMultipartUploadResult",
        {"Bucket": upload.bucket, "Key": upload.key, "UploadId": upload.upload_id},
    )
    return respond(state, 200, body=body, headers=headers, xml=True)


def upload_part(state: MpuState, req: WireRequest) -> WireResponse:
    """UploadPart: 200, empty body, ``ETag`` and the checksum headers sent echoed."""
    part = call_upload_part(state, req)
    return respond(state, 200, headers=upload_part_headers(part))


def complete_multipart_upload(state: MpuState, req: WireRequest) -> WireResponse:
    """CompleteMultipartUpload: 200, ``CompleteMultipartUploadResult``."""
    result = call_complete_multipart_upload(state, req)
    fields = complete_multipart_upload_fields(req, result)
    body = document("CompleteMultipartUploadResult", fields)
    return respond(state, 200, body=body, headers=SSE, xml=True)


def abort_multipart_upload(state: MpuState, req: WireRequest) -> WireResponse:
    """AbortMultipartUpload: 204, empty body."""
    call_abort_multipart_upload(state, req)
    return respond(state, 204)


# ------------------------------------------------------------------------------------- listing


def _checksum_fields(upload: Upload) -> dict[str, str]:
    fields: dict[str, str] = {}
    if upload.checksum_algorithm:
        fields["ChecksumAlgorithm"] = upload.checksum_algorithm
    if upload.checksum_type:
        fields["ChecksumType"] = upload.checksum_type
    return fields


_UPLOAD_ID = operator.attrgetter("upload_id")
_PART_NUMBER = operator.attrgetter("part_number")


def listed_uploads(state: MpuState, r: _s3.ListMultipartUploadsResult) -> Listed:
    """What a ListMultipartUploads page answered, for ``mpu.calls`` (upload ids, next markers)."""
    enc: Callable[[str], str] = _s3.url_encode if r.encoding_type is not None else str
    markers = {"NextKeyMarker": enc(r.next_key_marker)}
    if not state.behaviour.omit_next_upload_id_marker:
        markers["NextUploadIdMarker"] = r.next_upload_id_marker
    return Listed(tuple(map(_UPLOAD_ID, r.uploads)), r.is_truncated, markers)


def listed_parts(state: MpuState, r: _s3.ListPartsResult) -> Listed:
    """What a ListParts page answered, for ``mpu.calls`` (part numbers, the next marker)."""
    stuck = state.behaviour.stuck_next_part_number_marker
    marker = r.part_number_marker if stuck else r.next_part_number_marker
    items = tuple(map(_PART_NUMBER, r.parts))
    return Listed(items, r.is_truncated, {"NextPartNumberMarker": marker})


def list_multipart_uploads(state: MpuState, req: WireRequest) -> WireResponse:
    """ListMultipartUploads: 200, ``ListMultipartUploadsResult`` in AWS's element order."""
    r = call_list_multipart_uploads(state, req)
    enc: Callable[[str], str] = _s3.url_encode if r.encoding_type is not None else str
    people = principals(r.owner)
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
    fields["IsTruncated"] = xml_bool(r.is_truncated)
    encoded = r.encoding_type is not None
    cached = fragment_cache(state).uploads
    tail: list[bytes] = []
    for u in r.uploads:
        entry = cached.get((u.upload_id, encoded))
        if entry is None or entry[0] is not u:
            element = {
                "Key": enc(u.key),
                "UploadId": u.upload_id,
                **people,
                "StorageClass": u.storage_class,
                "Initiated": timestamp(u.initiated),
                **_checksum_fields(u),
            }
            entry = cached[(u.upload_id, encoded)] = (u, fragment("Upload", element))
        tail.append(entry[1])
    tail.extend(fragment("CommonPrefixes", {"Prefix": enc(p)}) for p in r.common_prefixes)
    body = document("ListMultipartUploadsResult", fields, tail=b"".join(tail))
    response = respond(state, 200, body=body, xml=True)
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
        **principals(r.owner),
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
        "IsTruncated": xml_bool(r.is_truncated),
    }
    cached = fragment_cache(state).parts
    tail: list[bytes] = []
    for p in r.parts:
        entry = cached.get((u.upload_id, p.part_number))
        if entry is None or entry[0] is not p:
            element = fragment("Part", _part_fields(p, u.checksum_algorithm))
            entry = cached[(u.upload_id, p.part_number)] = (p, element)
        tail.append(entry[1])
    body = document("ListPartsResult", fields, tail=b"".join(tail))
    response = respond(state, 200, body=body, xml=True)
    response.listing = listed_parts(state, r)
    return response


#: The S3 operations mockmpu answers, keyed by AWS operation name.
HANDLERS: dict[str, Handler] = {
    "AbortMultipartUpload": serving(abort_multipart_upload),
    "CompleteMultipartUpload": serving(complete_multipart_upload),
    "CreateBucket": serving(create_bucket),
    "CreateMultipartUpload": serving(create_multipart_upload),
    "DeleteBucket": serving(delete_bucket),
    "HeadBucket": serving(head_bucket),
    "ListMultipartUploads": serving(list_multipart_uploads),
    "ListParts": serving(list_parts),
    "UploadPart": serving(upload_part),
}
