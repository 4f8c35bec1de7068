"""``mpu.s3.import_aws_cli``: recreate S3 uploads from what the AWS CLI printed.

Reads the JSON of ``aws s3api list-multipart-uploads`` and ``aws s3api list-parts`` (auto-paginated
output, ``--no-paginate`` output, or a boto3 response dict) and recreates the uploads and parts
through the S3 semantics with AWS's ids, keys, times and sizes kept verbatim, so the mock then lists
them as AWS did (shapes: botocore ``s3`` ``ListMultipartUploadsOutput`` / ``ListPartsOutput``; the
CLI's paginated output keeps only the result keys plus the paginator's ``non_aggregate_keys``).
An import is all or nothing: on any error nothing is added. Reading and checking the JSON is
:mod:`mockmpu.core.cli_json`'s.

Not modelled: ``Owner`` / ``Initiator`` (the mock answers with its own account's principal),
``VersionId``, ``AbortDate`` / ``AbortRuleId``; part bodies (only sizes and ETags are listed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import unquote_plus

from mockmpu.core.cli_json import (
    BadOutput,
    CliSource,
    check_keys,
    field,
    items,
    load,
    optional,
    parts_upload_id,
    run_step,
    time_field,
)
from mockmpu.core.errors import MockmpuError
from mockmpu.core.state import DEFAULT_REGION, MpuState, Upload
from mockmpu.s3 import semantics as _s3

__all__ = ["import_s3"]

# Top-level keys each output may carry that the import reads or knowingly ignores.
_S3_UPLOADS_KEYS = {
    "Uploads", "CommonPrefixes", "Bucket", "KeyMarker", "UploadIdMarker", "NextKeyMarker",
    "NextUploadIdMarker", "Prefix", "Delimiter", "MaxUploads", "IsTruncated", "EncodingType",
    "RequestCharged", "NextToken", "ResponseMetadata",
}  # fmt: skip
_S3_UPLOAD_KEYS = {
    "UploadId", "Key", "Initiated", "StorageClass", "Owner", "Initiator", "ChecksumAlgorithm",
    "ChecksumType", "VersionId",
}  # fmt: skip
_S3_PARTS_KEYS = {
    "Parts", "Bucket", "Key", "UploadId", "PartNumberMarker", "NextPartNumberMarker", "MaxParts",
    "IsTruncated", "Initiator", "Owner", "StorageClass", "ChecksumAlgorithm", "ChecksumType",
    "AbortDate", "AbortRuleId", "RequestCharged", "VersionId", "NextToken", "ResponseMetadata",
}  # fmt: skip
_S3_PART_KEYS = {"PartNumber", "LastModified", "ETag", "Size"}


@dataclass(frozen=True)
class _S3Upload:
    upload_id: str
    key: str
    initiated: datetime
    storage_class: str | None
    checksum_algorithm: str | None
    checksum_type: str | None


def import_s3(
    state: MpuState,
    bucket: str,
    source: CliSource,
    *,
    region: str | None = None,
    upload_id: str | None = None,
) -> list[Upload]:
    """Import ``aws s3api list-multipart-uploads`` or ``list-parts`` output into ``bucket``.

    Returns the uploads created (listing output, in its order) or the one upload the parts were
    added to (list-parts output). See :meth:`mockmpu.s3.view.S3View.import_aws_cli`.
    """
    doc, name = load(source)
    if "UploadsList" in doc or "VaultARN" in doc:
        raise MockmpuError(
            f"{name} is Glacier output; import it with mpu.glacier.import_aws_cli(...)."
        )
    if "Parts" in doc:
        if region is not None:
            raise MockmpuError(
                "region= is for creating the bucket of a list-multipart-uploads import; leave it "
                "out when importing list-parts output."
            )
        return [
            run_step(name, "s3api list-parts", lambda: _s3_parts(state, bucket, doc, upload_id))
        ]
    if upload_id is not None:
        raise MockmpuError(
            f"{name} is not list-parts output, so upload_id= does not apply; leave it out to "
            "import a list-multipart-uploads listing."
        )
    uploads = run_step(name, "s3api list-multipart-uploads", lambda: _s3_upload_specs(doc))
    return run_step(
        name,
        "s3api list-multipart-uploads",
        lambda: _create_s3_uploads(state, bucket, region, uploads),
    )


def _s3_upload_specs(doc: Mapping[str, Any]) -> list[_S3Upload]:
    check_keys(doc, _S3_UPLOADS_KEYS, "the output")
    if items(doc, "CommonPrefixes"):
        raise BadOutput(
            "it has CommonPrefixes (it was listed with --delimiter), so the uploads under them "
            "are missing; list again without --delimiter"
        )
    url_encoded = doc.get("EncodingType") == "url"
    specs: list[_S3Upload] = []
    seen: set[str] = set()
    for i, item in enumerate(items(doc, "Uploads")):
        where = f"Uploads[{i}]"
        check_keys(item, _S3_UPLOAD_KEYS, where)
        upload_id = field(item, "UploadId", str, where)
        if upload_id in seen:
            raise BadOutput(f"{where}.UploadId {upload_id!r} appears twice")
        seen.add(upload_id)
        key = field(item, "Key", str, where)
        spec = _S3Upload(
            upload_id=upload_id,
            key=unquote_plus(key) if url_encoded else key,
            initiated=time_field(item, "Initiated", where),
            storage_class=optional(item, "StorageClass", where),
            checksum_algorithm=optional(item, "ChecksumAlgorithm", where),
            checksum_type=optional(item, "ChecksumType", where),
        )
        if specs and _s3_order(spec) < _s3_order(specs[-1]):
            raise BadOutput(
                f"{where} ({spec.key!r}, {spec.initiated.isoformat()}) is listed after "
                f"({specs[-1].key!r}, {specs[-1].initiated.isoformat()}), but S3 lists by key "
                "then initiation time; pass the listing in the order S3 printed it"
            )
        specs.append(spec)
    return specs


def _s3_order(spec: _S3Upload) -> tuple[bytes, datetime]:
    return spec.key.encode("utf-8"), spec.initiated


def _create_s3_uploads(
    state: MpuState, bucket: str, region: str | None, specs: Sequence[_S3Upload]
) -> list[Upload]:
    with state.lock:
        existing = state.buckets.get(bucket)
        if existing is not None and region is not None and existing.region != region:
            raise MockmpuError(
                f"Bucket {bucket!r} already exists in {existing.region!r}, not {region!r}; leave "
                "region= out to import into it."
            )
        for spec in specs:
            if existing is not None and spec.upload_id in existing.uploads:
                raise MockmpuError(
                    f"Upload {spec.upload_id!r} is already in progress in bucket {bucket!r}; "
                    "import each listing once."
                )
        created: list[Upload] = []
        try:
            if existing is None:
                where = region or DEFAULT_REGION
                b = _s3.create_bucket(
                    state,
                    bucket,
                    client_region=where,
                    location_constraint=None if where == DEFAULT_REGION else where,
                ).bucket
                if specs:
                    b.created = min(b.created, min(spec.initiated for spec in specs))
            for spec in specs:
                created.append(
                    _s3.create_multipart_upload(
                        state,
                        bucket,
                        spec.key,
                        checksum_algorithm=spec.checksum_algorithm,
                        checksum_type=spec.checksum_type,
                        storage_class=spec.storage_class,
                        initiated=spec.initiated,
                        upload_id=spec.upload_id,
                    )
                )
        except BaseException:
            b_now = state.buckets.get(bucket)
            if b_now is not None:
                for upload in created:
                    b_now.remove_upload(upload)
                if existing is None:
                    del state.buckets[bucket]
            raise
        return created


def _s3_parts(
    state: MpuState, bucket: str, doc: Mapping[str, Any], upload_id: str | None
) -> Upload:
    check_keys(doc, _S3_PARTS_KEYS, "the output")
    upload_id = parts_upload_id(doc, "UploadId", upload_id)
    listed_bucket = optional(doc, "Bucket", "the output")
    if listed_bucket is not None and listed_bucket != bucket:
        raise BadOutput(f"Bucket is {listed_bucket!r}, not {bucket!r}")
    with state.lock:
        b = state.buckets.get(bucket)
        upload = b.uploads.get(upload_id) if b is not None else None
        if upload is None:
            raise MockmpuError(
                f"Upload {upload_id!r} is not in progress in bucket {bucket!r}; import the "
                "`aws s3api list-multipart-uploads` output that lists it first."
            )
        listed_key = optional(doc, "Key", "the output")
        if listed_key is not None and listed_key != upload.key:
            raise BadOutput(f"Key is {listed_key!r}, but upload {upload_id!r} is of {upload.key!r}")
        parts: list[tuple[int, int, str, datetime, dict[str, str]]] = []
        for i, item in enumerate(items(doc, "Parts")):
            where = f"Parts[{i}]"
            check_keys(item, _S3_PART_KEYS, where, checksums=True)
            checksums = {
                k[len("Checksum") :]: v
                for k, v in item.items()
                if k.startswith("Checksum") and v is not None
            }
            for alg, value in checksums.items():
                if not isinstance(value, str):
                    raise BadOutput(f"{where}.Checksum{alg} is {value!r}, not a string")
            parts.append(
                (
                    field(item, "PartNumber", int, where),
                    field(item, "Size", int, where),
                    field(item, "ETag", str, where),
                    time_field(item, "LastModified", where),
                    checksums,
                )
            )
        before = dict(upload.parts)
        try:
            for number, size, etag, modified, checksums in parts:
                _s3.import_part(
                    state,
                    bucket,
                    upload.key,
                    upload_id,
                    number,
                    size=size,
                    etag=etag,
                    last_modified=modified,
                    checksums=checksums,
                )
        except BaseException:
            upload.parts = before
            upload.part_numbers = sorted(before)
            raise
        return upload
