"""Recreate state from what the AWS CLI printed against a real account (``import_aws_cli``).

Reads the JSON of ``aws s3api list-multipart-uploads``, ``aws s3api list-parts``,
``aws glacier list-multipart-uploads`` and ``aws glacier list-parts`` (auto-paginated output,
``--no-paginate`` output, or a boto3 response dict), and recreates the uploads and parts through
the ``_s3`` / ``_glacier`` semantics with AWS's ids, keys, times and sizes kept verbatim, so the
mock then lists them as AWS did. Timestamps are read as the CLI prints them: v1 keeps the wire
text (``2015-06-02T18:01:30.000Z``), v2 prints ISO 8601 (``2015-06-02T18:01:30+00:00``).

Shapes (botocore ``s3`` ``ListMultipartUploadsOutput`` / ``ListPartsOutput``, ``glacier``
``ListMultipartUploadsOutput`` / ``ListPartsOutput``; the CLI's paginated output keeps only the
result keys plus the paginator's ``non_aggregate_keys``). An import is all or nothing: on any
error nothing is added.

Not modelled: S3 ``Owner`` / ``Initiator`` (the mock answers with its own account's principal),
``VersionId``, ``AbortDate`` / ``AbortRuleId``; part bodies (only sizes, ETags and tree hashes are
listed); keys printed with ``--encoding-type url`` by paginated output, which does not say so.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, TypeVar, Union
from urllib.parse import unquote_plus

from mockmpu.core.errors import MockmpuError, ServiceError
from mockmpu.core.state import DEFAULT_REGION, GlacierUpload, MpuState, Upload
from mockmpu.glacier import semantics as _glacier
from mockmpu.s3 import semantics as _s3
from mockmpu.scenarios.store import read_source

__all__ = ["CliSource", "import_glacier", "import_s3", "parse_cli_time"]

#: JSON text, a path to a file holding it, or the parsed dict (e.g. a boto3 response).
CliSource = Union[str, "os.PathLike[str]", Mapping[str, Any]]

_T = TypeVar("_T")

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
_GLACIER_UPLOADS_KEYS = {"UploadsList", "Marker", "NextToken", "ResponseMetadata"}
_GLACIER_UPLOAD_KEYS = {
    "MultipartUploadId", "VaultARN", "ArchiveDescription", "PartSizeInBytes", "CreationDate",
}  # fmt: skip
_GLACIER_PARTS_KEYS = _GLACIER_UPLOAD_KEYS | {"Parts", "Marker", "NextToken", "ResponseMetadata"}
_GLACIER_PART_KEYS = {"RangeInBytes", "SHA256TreeHash"}

_TIME_RE = re.compile(
    r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})"
)
_VAULT_ARN_RE = re.compile(r"arn:aws[a-z-]*:glacier:([a-z0-9-]+):(\d{12}):vaults/(.+)")
_RANGE_RE = re.compile(r"(\d+)-(\d+)")


class _Bad(Exception):
    """A value of the CLI output is not what the command prints."""


# ---------------------------------------------------------------------------------------- reading


def _load(source: CliSource) -> tuple[dict[str, Any], str]:
    """Return the parsed JSON object and a name for it in messages."""
    if isinstance(source, Mapping):
        return dict(source), "The AWS CLI output"
    if isinstance(source, str) and source.lstrip()[:1] in ("{", "["):
        text, name = source, "The AWS CLI output"
    elif isinstance(source, (str, os.PathLike)):
        text = read_source(source, "AWS CLI output file")
        name = f"AWS CLI output file {os.fspath(source)!r}"
    else:
        raise MockmpuError(
            "import_aws_cli takes the JSON text the AWS CLI printed, the path of a file holding "
            f"it, or the parsed dict, not {type(source).__name__}."
        )
    try:
        doc = json.loads(text)
    except ValueError as error:
        raise MockmpuError(
            f"{name} is not JSON ({error}); pass what the AWS CLI printed with --output json."
        ) from None
    if not isinstance(doc, dict):
        raise MockmpuError(
            f"{name} is a JSON {type(doc).__name__}, not the object the AWS CLI prints; pass "
            "its whole output, without --query."
        )
    return doc, name


def parse_cli_time(value: Any) -> datetime:
    """Parse a timestamp as the AWS CLI (v1 or v2) or boto3 gives it; return it in UTC.

    Accepts ISO 8601 text with a ``Z`` or numeric offset (``2015-06-02T18:01:30.000Z``,
    ``2015-06-02T18:01:30+00:00``, ``2015-06-02 18:01:30+00:00``), epoch seconds, or a
    timezone-aware ``datetime``. Text without a timezone is refused: it would be read in some
    local zone and shift every upload.
    """
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise _Bad(f"{value!r} has no timezone")
        return value.astimezone(timezone.utc)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, timezone.utc)
    match = _TIME_RE.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise _Bad(f"{value!r} is not an ISO 8601 time with a timezone")
    date, time, fraction, zone = match.groups()
    micros = (fraction or "").ljust(6, "0")[:6]
    offset = "+00:00" if zone == "Z" else (zone if ":" in zone else f"{zone[:3]}:{zone[3:]}")
    try:
        parsed = datetime.fromisoformat(f"{date}T{time}.{micros}{offset}")
    except ValueError as error:
        raise _Bad(f"{value!r} is not a valid time ({error})") from None
    return parsed.astimezone(timezone.utc)


def _check_keys(
    obj: Any, allowed: set[str], where: str, *, checksums: bool = False
) -> dict[str, Any]:
    """Refuse keys the command does not print (``checksums``: also allow ``Checksum<ALG>``)."""
    if not isinstance(obj, dict):
        raise _Bad(f"{where} is not a JSON object")
    for key in obj:
        if key not in allowed and not (checksums and key.startswith("Checksum")):
            raise _Bad(f"{where} has the key {key!r}, which this command does not print")
    return obj


def _field(obj: Mapping[str, Any], key: str, kind: type[_T], where: str) -> _T:
    value = obj.get(key)
    if value is None:
        raise _Bad(f"{where} has no {key}")
    if not isinstance(value, kind) or isinstance(value, bool):
        raise _Bad(f"{where}.{key} is {value!r}, not a {kind.__name__}")
    return value


def _optional(obj: Mapping[str, Any], key: str, where: str) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise _Bad(f"{where}.{key} is {value!r}, not a string")
    return value


def _time(obj: Mapping[str, Any], key: str, where: str) -> datetime:
    if obj.get(key) is None:
        raise _Bad(f"{where} has no {key}")
    try:
        return parse_cli_time(obj[key])
    except _Bad as bad:
        raise _Bad(f"{where}.{key}: {bad}") from None


def _items(doc: Mapping[str, Any], key: str) -> list[Any]:
    value = doc.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _Bad(f"{key} is not a list")
    return value


def _run(name: str, command: str, action: Callable[[], _T]) -> _T:
    """Run an import step, turning format and service errors into one-sentence MockmpuErrors."""
    try:
        return action()
    except _Bad as bad:
        raise MockmpuError(
            f"{name} is not what `aws {command}` prints: {bad}; pass that command's JSON output "
            "unchanged."
        ) from None
    except ServiceError as error:
        raise MockmpuError(
            f"{name} cannot be imported: AWS would refuse it with {error.code} ({error.status}) "
            f"{error.message!r}; check the listing."
        ) from error


# --------------------------------------------------------------------------------------------- S3


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
    added to (list-parts output). See :meth:`mockmpu._s3_view.S3View.import_aws_cli`.
    """
    doc, name = _load(source)
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
        return [_run(name, "s3api list-parts", lambda: _s3_parts(state, bucket, doc, upload_id))]
    if upload_id is not None:
        raise MockmpuError(
            f"{name} is not list-parts output, so upload_id= does not apply; leave it out to "
            "import a list-multipart-uploads listing."
        )
    uploads = _run(name, "s3api list-multipart-uploads", lambda: _s3_upload_specs(doc))
    return _run(
        name,
        "s3api list-multipart-uploads",
        lambda: _create_s3_uploads(state, bucket, region, uploads),
    )


def _s3_upload_specs(doc: Mapping[str, Any]) -> list[_S3Upload]:
    _check_keys(doc, _S3_UPLOADS_KEYS, "the output")
    if _items(doc, "CommonPrefixes"):
        raise _Bad(
            "it has CommonPrefixes (it was listed with --delimiter), so the uploads under them "
            "are missing; list again without --delimiter"
        )
    url_encoded = doc.get("EncodingType") == "url"
    specs: list[_S3Upload] = []
    seen: set[str] = set()
    for i, item in enumerate(_items(doc, "Uploads")):
        where = f"Uploads[{i}]"
        _check_keys(item, _S3_UPLOAD_KEYS, where)
        upload_id = _field(item, "UploadId", str, where)
        if upload_id in seen:
            raise _Bad(f"{where}.UploadId {upload_id!r} appears twice")
        seen.add(upload_id)
        key = _field(item, "Key", str, where)
        spec = _S3Upload(
            upload_id=upload_id,
            key=unquote_plus(key) if url_encoded else key,
            initiated=_time(item, "Initiated", where),
            storage_class=_optional(item, "StorageClass", where),
            checksum_algorithm=_optional(item, "ChecksumAlgorithm", where),
            checksum_type=_optional(item, "ChecksumType", where),
        )
        if specs and _s3_order(spec) < _s3_order(specs[-1]):
            raise _Bad(
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


def _parts_upload_id(doc: Mapping[str, Any], field: str, upload_id: str | None) -> str:
    """The upload a list-parts output belongs to: ``upload_id=``, checked against ``field``."""
    listed_id = _optional(doc, field, "the output")
    if upload_id is None:
        if listed_id is None:
            raise MockmpuError(
                "This list-parts output does not name its upload (the CLI's paginated output "
                f"leaves {field} out); pass upload_id= with the id given to --upload-id."
            )
        return listed_id
    if listed_id is not None and listed_id != upload_id:
        raise _Bad(f"{field} is {listed_id!r}, not the upload_id= {upload_id!r}")
    return upload_id


def _s3_parts(
    state: MpuState, bucket: str, doc: Mapping[str, Any], upload_id: str | None
) -> Upload:
    _check_keys(doc, _S3_PARTS_KEYS, "the output")
    upload_id = _parts_upload_id(doc, "UploadId", upload_id)
    listed_bucket = _optional(doc, "Bucket", "the output")
    if listed_bucket is not None and listed_bucket != bucket:
        raise _Bad(f"Bucket is {listed_bucket!r}, not {bucket!r}")
    with state.lock:
        b = state.buckets.get(bucket)
        upload = b.uploads.get(upload_id) if b is not None else None
        if upload is None:
            raise MockmpuError(
                f"Upload {upload_id!r} is not in progress in bucket {bucket!r}; import the "
                "`aws s3api list-multipart-uploads` output that lists it first."
            )
        listed_key = _optional(doc, "Key", "the output")
        if listed_key is not None and listed_key != upload.key:
            raise _Bad(f"Key is {listed_key!r}, but upload {upload_id!r} is of {upload.key!r}")
        parts: list[tuple[int, int, str, datetime, dict[str, str]]] = []
        for i, item in enumerate(_items(doc, "Parts")):
            where = f"Parts[{i}]"
            _check_keys(item, _S3_PART_KEYS, where, checksums=True)
            checksums = {
                k[len("Checksum") :]: v
                for k, v in item.items()
                if k.startswith("Checksum") and v is not None
            }
            for alg, value in checksums.items():
                if not isinstance(value, str):
                    raise _Bad(f"{where}.Checksum{alg} is {value!r}, not a string")
            parts.append(
                (
                    _field(item, "PartNumber", int, where),
                    _field(item, "Size", int, where),
                    _field(item, "ETag", str, where),
                    _time(item, "LastModified", where),
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


# ---------------------------------------------------------------------------------------- Glacier


@dataclass(frozen=True)
class _GlacierUpload:
    upload_id: str
    vault_arn: str | None
    description: str | None
    part_size: int
    created: datetime


@dataclass(frozen=True)
class _VaultRef:
    account_id: str
    region: str
    name: str


def import_glacier(
    state: MpuState,
    source: CliSource,
    *,
    vault: str | None = None,
    account_id: str | None = None,
    region: str | None = None,
    upload_id: str | None = None,
) -> list[GlacierUpload]:
    """Import ``aws glacier list-multipart-uploads`` or ``list-parts`` output.

    Returns the uploads created (listing output, in its order) or the one upload the parts were
    added to. See :meth:`mockmpu._glacier_view.GlacierView.import_aws_cli`.
    """
    doc, name = _load(source)
    if "Uploads" in doc:
        raise MockmpuError(
            f"{name} is S3 output; import it with mpu.s3.import_aws_cli(bucket, ...)."
        )
    if "Parts" in doc:
        command = "glacier list-parts"
        return [
            _run(
                name,
                command,
                lambda: _glacier_parts(state, doc, vault, account_id, region, upload_id),
            )
        ]
    if upload_id is not None:
        raise MockmpuError(
            f"{name} is not list-parts output, so upload_id= does not apply; leave it out to "
            "import a list-multipart-uploads listing."
        )
    command = "glacier list-multipart-uploads"

    def run() -> list[GlacierUpload]:
        _check_keys(doc, _GLACIER_UPLOADS_KEYS, "the output")
        specs = [
            _glacier_upload_spec(item, f"UploadsList[{i}]")
            for i, item in enumerate(_items(doc, "UploadsList"))
        ]
        ids = [spec.upload_id for spec in specs]
        if len(set(ids)) != len(ids):
            raise _Bad("an upload id appears twice in UploadsList")
        ref = _vault_ref(state, specs, vault, account_id, region)
        return _create_glacier_uploads(state, ref, specs)

    return _run(name, command, run)


def _glacier_upload_spec(item: Any, where: str) -> _GlacierUpload:
    _check_keys(item, _GLACIER_UPLOAD_KEYS, where)
    return _GlacierUpload(
        upload_id=_field(item, "MultipartUploadId", str, where),
        vault_arn=_optional(item, "VaultARN", where),
        description=_optional(item, "ArchiveDescription", where),
        part_size=_field(item, "PartSizeInBytes", int, where),
        created=_time(item, "CreationDate", where),
    )


def _vault_ref(
    state: MpuState,
    specs: Sequence[_GlacierUpload],
    vault: str | None,
    account_id: str | None,
    region: str | None,
) -> _VaultRef:
    """Where to import: ``vault=`` / ``account_id=`` / ``region=`` over the VaultARN's parts."""
    arns = {spec.vault_arn for spec in specs if spec.vault_arn is not None}
    if len(arns) > 1:
        raise _Bad(f"it lists uploads of several vaults ({', '.join(sorted(arns))})")
    arn_region = arn_account = arn_name = None
    if arns:
        arn = arns.pop()
        match = _VAULT_ARN_RE.fullmatch(arn)
        if match is None:
            raise _Bad(f"VaultARN {arn!r} is not a Glacier vault ARN")
        arn_region, arn_account, arn_name = match.groups()
    name = vault or arn_name
    if name is None:
        raise MockmpuError(
            "This output names no vault (it lists no upload with a VaultARN); pass vault= with "
            "the name given to --vault-name."
        )
    account = state.resolve_account(account_id or arn_account or "-")
    if account_id is None and account != state.account_id:
        raise MockmpuError(
            f"The listing is from account {account}, but this mock's account is "
            f"{state.account_id}, so '-' would not reach it; create the mock with "
            f"mock_mpu(account_id={account!r}), or pass account_id='-' to import into this "
            "mock's account."
        )
    return _VaultRef(account, region or arn_region or DEFAULT_REGION, name)


def _create_glacier_uploads(
    state: MpuState, ref: _VaultRef, specs: Sequence[_GlacierUpload]
) -> list[GlacierUpload]:
    with state.lock:
        key = (ref.account_id, ref.region, ref.name)
        existing = state.vaults.get(key)
        created: list[GlacierUpload] = []
        try:
            if existing is None:
                v = _glacier.create_vault(
                    state, account_id=ref.account_id, region=ref.region, vault_name=ref.name
                ).vault
                if specs:
                    v.created = min(v.created, min(spec.created for spec in specs))
            for spec in specs:
                receipt = _glacier.initiate_multipart_upload(
                    state,
                    account_id=ref.account_id,
                    region=ref.region,
                    vault_name=ref.name,
                    part_size=str(spec.part_size),
                    archive_description=spec.description,
                    created=spec.created,
                    upload_id=spec.upload_id,
                )
                created.append(receipt.upload)
        except BaseException:
            v_now = state.vaults.get(key)
            if v_now is not None:
                for upload in created:
                    v_now.remove_upload(upload)
                if existing is None:
                    state.remove_vault(v_now)
            raise
        return created


def _glacier_parts(
    state: MpuState,
    doc: Mapping[str, Any],
    vault: str | None,
    account_id: str | None,
    region: str | None,
    upload_id: str | None,
) -> GlacierUpload:
    _check_keys(doc, _GLACIER_PARTS_KEYS, "the output")
    upload_id = _parts_upload_id(doc, "MultipartUploadId", upload_id)
    # --no-paginate output (and older CLIs) carry the whole upload: it can be created from it.
    header: _GlacierUpload | None = None
    if doc.get("PartSizeInBytes") is not None and doc.get("CreationDate") is not None:
        described = {k: doc[k] for k in _GLACIER_UPLOAD_KEYS if k in doc}
        described["MultipartUploadId"] = upload_id
        header = _glacier_upload_spec(described, "the output")
    arn = _optional(doc, "VaultARN", "the output")
    located = header or _GlacierUpload(upload_id, arn, None, 0, datetime.now(timezone.utc))
    ref = _vault_ref(state, [located], vault, account_id, region)
    parts: list[tuple[int, int, str]] = []
    for i, item in enumerate(_items(doc, "Parts")):
        where = f"Parts[{i}]"
        _check_keys(item, _GLACIER_PART_KEYS, where)
        span = _field(item, "RangeInBytes", str, where)
        match = _RANGE_RE.fullmatch(span)
        if match is None:
            raise _Bad(f"{where}.RangeInBytes is {span!r}, not 'first-last'")
        parts.append(
            (int(match.group(1)), int(match.group(2)), _field(item, "SHA256TreeHash", str, where))
        )
    with state.lock:
        v = state.vaults.get((ref.account_id, ref.region, ref.name))
        upload = v.uploads.get(upload_id) if v is not None else None
        made: list[GlacierUpload] = []
        if upload is None:
            if header is None:
                raise MockmpuError(
                    f"Upload {upload_id!r} is not in progress in vault {ref.name!r}; import the "
                    "`aws glacier list-multipart-uploads` output that lists it first."
                )
            made = _create_glacier_uploads(state, ref, [header])
            upload = made[0]
        elif header is not None and header.part_size != upload.part_size:
            raise _Bad(
                f"PartSizeInBytes is {header.part_size}, but upload {upload_id!r} has part size "
                f"{upload.part_size}"
            )
        before = dict(upload.parts)
        try:
            for first, last, tree_hash in parts:
                _glacier.upload_multipart_part(
                    state,
                    account_id=ref.account_id,
                    region=ref.region,
                    vault_name=ref.name,
                    upload_id=upload_id,
                    content_range=f"bytes {first}-{last}/*",
                    body_size=last - first + 1,
                    checksum=tree_hash,
                    computed_tree_hash=tree_hash.lower(),
                )
        except BaseException:
            upload.parts = before
            upload.part_starts = sorted(before)
            vault_now = state.vaults.get((ref.account_id, ref.region, ref.name))
            if made and vault_now is not None:
                vault_now.remove_upload(upload)
                if not vault_now.uploads and v is None:
                    state.remove_vault(vault_now)
            raise
        return upload
