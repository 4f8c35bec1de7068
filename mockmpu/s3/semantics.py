"""S3 multipart-upload semantics as pure functions over :class:`~mockmpu.core.state.MpuState`.

Every function takes ``state.lock``, works on the plain data in ``core.state`` and either returns
a typed result or raises :class:`~mockmpu.core.errors.ServiceError` carrying AWS's code, wire
message, HTTP status and extra ``<Error>`` children. Nothing here knows HTTP, XML or botocore: the
wire codec (``s3.codec``) parses requests into these arguments and renders the results.

This module is the one entry point; the functions live by responsibility in ``s3.buckets``
(CreateBucket, HeadBucket, DeleteBucket), ``s3.uploads`` (CreateMultipartUpload, UploadPart,
AbortMultipartUpload, arrange helpers), ``s3.completion`` (CompleteMultipartUpload),
``s3.listing`` (ListMultipartUploads, ListParts) and ``s3.rules`` (shared rules). Wire facts
come from the shared ``aws-semantics.md`` (sections named in each docstring) and the
AWS-validated LocalStack snapshots it cites.
"""

from __future__ import annotations

from mockmpu.s3.buckets import (
    CreateBucketResult,
    bucket_location,
    create_bucket,
    delete_bucket,
    head_bucket,
)
from mockmpu.s3.complete_parts import CompletedPartSpec
from mockmpu.s3.completion import (
    CompleteMultipartUploadResult,
    complete_multipart_upload,
)
from mockmpu.s3.listing import (
    ListMultipartUploadsResult,
    ListPartsResult,
    list_multipart_uploads,
    list_parts,
    uploads_in_order,
)
from mockmpu.s3.rules import (
    DEFAULT_REGION,
    MAX_PART_NUMBER,
    MIN_PART_SIZE,
    Principal,
    etag_hex,
    get_bucket,
    owner,
    url_encode,
)
from mockmpu.s3.uploads import (
    abort_multipart_upload,
    create_multipart_upload,
    create_multipart_uploads,
    import_part,
    part_algorithms,
    upload_part,
)

__all__ = [
    "DEFAULT_REGION",
    "MAX_PART_NUMBER",
    "MIN_PART_SIZE",
    "CompleteMultipartUploadResult",
    "CompletedPartSpec",
    "CreateBucketResult",
    "ListMultipartUploadsResult",
    "ListPartsResult",
    "Principal",
    "abort_multipart_upload",
    "bucket_location",
    "complete_multipart_upload",
    "create_bucket",
    "create_multipart_upload",
    "create_multipart_uploads",
    "delete_bucket",
    "etag_hex",
    "get_bucket",
    "head_bucket",
    "import_part",
    "list_multipart_uploads",
    "list_parts",
    "owner",
    "part_algorithms",
    "upload_part",
    "uploads_in_order",
    "url_encode",
]
