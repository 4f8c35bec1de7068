"""S3 on the dict path (``mock_mpu(wire=False)``): the ``_s3`` results as botocore parses them.

Each answer reads the request and calls the ``_s3`` semantics through the codec's own
``_codec_s3.call_<operation>`` (so both paths read a request alike) and returns what botocore's
rest-xml parser would make of the bytes ``_codec_s3`` renders for that result: headers (the codec's
builders) and ``ResponseMetadata`` as ``_parsed.s3_reply`` builds them, body members in the parsed
form (``int`` counts, ``bool`` flags, datetimes for ``Initiated`` / ``LastModified``, ``""`` for an
empty element, absent lists when empty). An answer raises ``WireFallback`` (the wire path answers
instead) before it changes the state, whenever a response would carry a string XML 1.0 cannot
represent.

Sources: the wire shapes are ``_codec_s3``'s (aws-semantics.md §1-§4); the parsed form is
``botocore.parsers.RestXMLParser``. Not modelled: see ``_parsed``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

from mockmpu.core.errors import ServiceError
from mockmpu.core.parsed import ParsedAnswer, ParsedReply
from mockmpu.core.state import MpuState
from mockmpu.core.wire import WireRequest
from mockmpu.s3 import codec
from mockmpu.s3 import semantics as _s3
from mockmpu.s3.replies import s3_error_reply, s3_reply, timestamp_converter
from mockmpu.s3.replies import xml_safe as _xml_safe
from mockmpu.s3.request import bucket_of, header_checksums, key_of

__all__ = ["ANSWERS"]

_SSE = {"x-amz-server-side-encryption": "AES256"}

_Answer = Callable[[MpuState, WireRequest, Any], ParsedReply]


def _answering(fn: _Answer) -> ParsedAnswer:
    """Turn a ServiceError raised while answering into the parsed S3 error."""

    def answer(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
        try:
            return fn(state, req, model)
        except ServiceError as error:
            return s3_error_reply(state, model, error, head=req.method.upper() == "HEAD")

    answer.__name__ = fn.__name__
    answer.__doc__ = fn.__doc__
    return answer


def _fingerprint(*values: Any) -> bytes:
    return hash(values).to_bytes(8, "big", signed=True)


def _principals(shape: Any, principal: _s3.Principal) -> tuple[dict[str, str], dict[str, str]]:
    """The parsed ``Owner`` (``ID`` only, as rendered) and ``Initiator``, in model order."""
    owner_members = shape.members["Owner"].members
    initiator_members = shape.members["Initiator"].members
    values = {"ID": principal.id, "DisplayName": principal.display_name}
    owner = {k: values[k] for k in owner_members if k == "ID"}
    initiator = {k: values[k] for k in initiator_members if k in values}
    return owner, initiator


# ------------------------------------------------------------------------------------- buckets


def create_bucket(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """CreateBucket: ``Location`` and ``BucketArn`` from the headers."""
    bucket = codec.call_create_bucket(state, req).bucket
    return s3_reply(state, model, 200, headers=codec.create_bucket_headers(bucket))


def head_bucket(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """HeadBucket: the region headers; a missing bucket is ``{'Code': '404', ...}``."""
    bucket = codec.call_head_bucket(state, req)
    return s3_reply(state, model, 200, xml=True, headers=codec.head_bucket_headers(bucket))


def delete_bucket(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """DeleteBucket: 204, metadata only."""
    codec.call_delete_bucket(state, req)
    return s3_reply(state, model, 204)


# ------------------------------------------------------------------------------------- uploads


def create_multipart_upload(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """CreateMultipartUpload: ``Bucket``, ``Key``, ``UploadId``; SSE and checksum headers."""
    _xml_safe([bucket_of(req), key_of(req)])  # checked before the upload exists
    upload = codec.call_create_multipart_upload(state, req)
    return s3_reply(
        state,
        model,
        200,
        headers=codec.create_multipart_upload_headers(upload),
        xml=True,
        body={"Bucket": upload.bucket, "Key": upload.key, "UploadId": upload.upload_id},
    )


def upload_part(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """UploadPart: ``ETag`` and the checksums sent, from the headers."""
    part = codec.call_upload_part(state, req)
    return s3_reply(state, model, 200, headers=codec.upload_part_headers(part))


def complete_multipart_upload(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """CompleteMultipartUpload: ``Location``, ``Bucket``, ``Key``, ``ETag``, checksums."""
    bucket, key, upload_id = bucket_of(req), key_of(req), req.query.get("uploadId", "")
    # Every string the result may echo, checked before the upload is completed.
    texts = [bucket, key, *header_checksums(req.headers).values()]
    with state.lock:
        b = state.buckets.get(bucket)
        if b is not None:
            upload = b.uploads.get(upload_id)
            if upload is not None:
                texts += [upload.checksum_algorithm or "", upload.checksum_type or ""]
            done = b.objects.get(key)
            if done is not None:
                texts += [done.checksum_algorithm or "", done.checksum_type or ""]
                texts += [done.checksum or ""]
    _xml_safe(texts)
    result = codec.call_complete_multipart_upload(state, req)
    body: dict[str, Any] = dict(codec.complete_multipart_upload_fields(req, result))
    return s3_reply(state, model, 200, headers=_SSE, xml=True, body=body)


def abort_multipart_upload(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """AbortMultipartUpload: 204, metadata only."""
    codec.call_abort_multipart_upload(state, req)
    return s3_reply(state, model, 204)


# ------------------------------------------------------------------------------------- listing

#: The order botocore's parser gives an upload's members (the model's), for the members set.
_UPLOAD_ORDER = (
    "UploadId",
    "Key",
    "Initiated",
    "StorageClass",
    "Owner",
    "Initiator",
    "ChecksumAlgorithm",
    "ChecksumType",
)


def _same(value: str) -> str:
    return value


def _in_order(members: Any, order: tuple[str, ...]) -> bool:
    """True if the model lists every member of ``order`` it has in that order."""
    return [m for m in members if m in order] == [m for m in order if m in members]


def list_multipart_uploads(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """ListMultipartUploads: one page, markers and keys URL-encoded under ``EncodingType``."""
    r = codec.call_list_multipart_uploads(state, req)
    enc: Callable[[str], str] = _s3.url_encode if r.encoding_type is not None else _same
    shape = model.output_shape
    upload_shape = shape.members["Uploads"].member
    upload_members = upload_shape.members
    owner, initiator = _principals(upload_shape, r.owner)
    with_algorithm = "ChecksumAlgorithm" in upload_members
    with_type = "ChecksumType" in upload_members
    reorder = not _in_order(upload_members, _UPLOAD_ORDER)
    parse_time = timestamp_converter()
    omit_next = state.behaviour.omit_next_upload_id_marker
    texts = [r.bucket, r.owner.id, r.owner.display_name, r.upload_id_marker]
    times: list[datetime] = []
    uploads: list[dict[str, Any]] = []
    encoded = r.encoding_type is not None
    url_encode = _s3.url_encode
    for u in r.uploads:
        key = url_encode(u.key) if encoded else u.key
        item: dict[str, Any] = {
            "UploadId": u.upload_id,
            "Key": key,
            "Initiated": parse_time(u.initiated),
            "StorageClass": u.storage_class,
            "Owner": owner.copy(),
            "Initiator": initiator.copy(),
        }
        if u.checksum_algorithm and with_algorithm:
            item["ChecksumAlgorithm"] = u.checksum_algorithm
        if u.checksum_type and with_type:
            item["ChecksumType"] = u.checksum_type
        if reorder:
            item = {k: item[k] for k in upload_members if k in item}
        uploads.append(item)
        texts += (
            key,
            u.upload_id,
            u.storage_class,
            u.checksum_algorithm or "",
            u.checksum_type or "",
        )
        times.append(u.initiated)
    body: dict[str, Any] = {
        "Bucket": r.bucket,
        "KeyMarker": enc(r.key_marker),
        "UploadIdMarker": r.upload_id_marker,
        "NextKeyMarker": enc(r.next_key_marker),
    }
    if not omit_next:  # BUG-07 servers leave it out
        body["NextUploadIdMarker"] = r.next_upload_id_marker
    if r.delimiter:
        body["Delimiter"] = enc(r.delimiter)
    if r.prefix:
        body["Prefix"] = enc(r.prefix)
    body["MaxUploads"] = r.max_uploads
    if r.encoding_type is not None:
        body["EncodingType"] = r.encoding_type
    body["IsTruncated"] = r.is_truncated
    if uploads:
        body["Uploads"] = uploads
    prefixes = [enc(p) for p in r.common_prefixes]
    if prefixes:
        body["CommonPrefixes"] = [{"Prefix": p} for p in prefixes]
    scalars = tuple((k, v) for k, v in body.items() if not isinstance(v, list))
    texts += [v for _, v in scalars if isinstance(v, str)]
    texts += prefixes
    _xml_safe(texts)
    fingerprint = _fingerprint(scalars, tuple(texts), tuple(times))
    reply = s3_reply(state, model, 200, xml=True, body=body, fingerprint=fingerprint)
    reply.listing = codec.listed_uploads(state, r)
    return reply


#: The order of a part's members in the model (checksums come after ``Size``).
_PART_ORDER = ("PartNumber", "LastModified", "ETag", "Size")


def list_parts(state: MpuState, req: WireRequest, model: Any) -> ParsedReply:
    """ListParts: one page of parts, ascending part number."""
    r = codec.call_list_parts(state, req)
    u = r.upload
    shape = model.output_shape
    owner, initiator = _principals(shape, r.owner)
    part_members = shape.members["Parts"].member.members
    algorithm = u.checksum_algorithm
    checksum_member = "Checksum" + algorithm if algorithm else ""
    with_checksum = bool(checksum_member) and checksum_member in part_members
    reorder = not _in_order(part_members, (*_PART_ORDER, checksum_member))
    parse_time = timestamp_converter()
    stuck = state.behaviour.stuck_next_part_number_marker
    texts = [r.bucket, u.key, u.upload_id, r.owner.id, r.owner.display_name, u.storage_class]
    texts += [u.checksum_algorithm or "", u.checksum_type or ""]
    facts: list[Any] = []
    parts: list[dict[str, Any]] = []
    for p in r.parts:
        item: dict[str, Any] = {
            "PartNumber": p.part_number,
            "LastModified": parse_time(p.last_modified),
            "ETag": p.etag,
            "Size": p.size,
        }
        checksum = p.checksums.get(algorithm) if algorithm else None
        if checksum is not None:
            texts.append(checksum)
            if with_checksum:
                item[checksum_member] = checksum
        if reorder:
            item = {k: item[k] for k in part_members if k in item}
        parts.append(item)
        texts.append(p.etag)
        facts.append((p.part_number, p.size, p.last_modified, checksum))
    body: dict[str, Any] = {
        "Bucket": r.bucket,
        "Key": u.key,
        "UploadId": u.upload_id,
        "Initiator": initiator,
        "Owner": owner,
        "StorageClass": u.storage_class,
    }
    if u.checksum_algorithm:
        body["ChecksumAlgorithm"] = u.checksum_algorithm
    if u.checksum_type:
        body["ChecksumType"] = u.checksum_type
    # BUG-10 servers send the request's marker back, so it never advances.
    next_marker = r.part_number_marker if stuck else r.next_part_number_marker
    body["PartNumberMarker"] = r.part_number_marker
    body["NextPartNumberMarker"] = next_marker
    body["MaxParts"] = r.max_parts
    body["IsTruncated"] = r.is_truncated
    if parts:
        body["Parts"] = parts
    _xml_safe(texts)
    scalars = tuple((k, v) for k, v in body.items() if isinstance(v, (str, int)))
    fingerprint = _fingerprint(scalars, tuple(texts), tuple(facts))
    reply = s3_reply(state, model, 200, xml=True, body=body, fingerprint=fingerprint)
    reply.listing = codec.listed_parts(state, r)
    return reply


#: The S3 operations the dict path answers, keyed by AWS operation name.
ANSWERS: dict[str, ParsedAnswer] = {
    "AbortMultipartUpload": _answering(abort_multipart_upload),
    "CompleteMultipartUpload": _answering(complete_multipart_upload),
    "CreateBucket": _answering(create_bucket),
    "CreateMultipartUpload": _answering(create_multipart_upload),
    "DeleteBucket": _answering(delete_bucket),
    "HeadBucket": _answering(head_bucket),
    "ListMultipartUploads": _answering(list_multipart_uploads),
    "ListParts": _answering(list_parts),
    "UploadPart": _answering(upload_part),
}
