"""S3 requests -> semantics, and results -> response headers and fields.

Each ``call_<operation>`` reads one :class:`~mockmpu.core.wire.WireRequest`
(``s3.request``) and calls the semantics in ``s3.semantics``; it returns the semantics layer's
result and raises its ServiceError. The wire handlers (``s3.codec``) render the result as bytes;
the dict path (``s3.parsed``, ``mock_mpu(wire=False)``) builds botocore's parsed dict from the
same result with the header and field builders here, so the two paths never read a request
differently.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

from mockmpu.core.bodies import store_of
from mockmpu.core.state import Bucket, MpuState, Part, Upload
from mockmpu.core.wire import WireRequest
from mockmpu.s3 import semantics as _s3
from mockmpu.s3.limits import MAX_PART_SIZE
from mockmpu.s3.payload import PartPayload
from mockmpu.s3.render import (
    SSE,
)
from mockmpu.s3.request import (
    announced_checksums,
    bucket_of,
    checksum_header,
    complete_parts,
    declared_part_size,
    header_checksums,
    key_of,
    location_constraint,
    read_part_body,
)

#
# Each ``call_<operation>`` reads one request (``s3.request``) and calls the semantics; it returns
# the semantics layer's result and raises its ServiceError. The handlers in ``s3.codec`` render
# the result as bytes; ``s3.parsed`` (the ``mock_mpu(wire=False)`` path) builds botocore's parsed
# dict from the same result, so the two paths never read a request differently.


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
    """UploadPart: the payload streamed and hashed (outside the state lock), the checksums sent
    (headers or aws-chunked trailer), ``Content-MD5`` and the declared size."""
    bucket, upload_id = bucket_of(req), req.query.get("uploadId", "")
    declared = declared_part_size(req)
    if declared is not None and declared > MAX_PART_SIZE:
        # Refused before the body is read (as a server does from the declared length); the
        # semantics still check bucket, upload and part number first.
        payload, checksums = PartPayload(0, b""), header_checksums(req.headers)
    else:
        wanted = _s3.part_algorithms(state, bucket, upload_id, announced_checksums(req))
        keep = state.keep_bodies
        payload, checksums = read_part_body(
            req, wanted, keep=keep, store=store_of(state) if keep else None, size_hint=declared
        )
    return _s3.upload_part(
        state,
        bucket,
        key_of(req),
        upload_id,
        req.query.get("partNumber"),
        payload,
        checksums=checksums,
        content_md5=req.headers.get("content-md5"),
        content_length=declared,
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
        if_none_match=req.headers.get("if-none-match"),
        if_match=req.headers.get("if-match"),
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
    headers = dict(SSE)
    if upload.checksum_algorithm:
        headers["x-amz-checksum-algorithm"] = upload.checksum_algorithm
    if upload.checksum_type:
        headers["x-amz-checksum-type"] = upload.checksum_type
    return headers


def upload_part_headers(part: Part) -> dict[str, str]:
    """UploadPart's response headers: SSE, ``ETag`` and the part's checksums echoed."""
    headers = dict(SSE)
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
