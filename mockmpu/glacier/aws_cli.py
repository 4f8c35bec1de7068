"""``mpu.glacier.import_aws_cli``: recreate Glacier uploads from what the AWS CLI printed.

Reads the JSON of ``aws glacier list-multipart-uploads`` and ``aws glacier list-parts``
(auto-paginated output, ``--no-paginate`` output, or a boto3 response dict) and recreates the
vault, uploads and parts through the Glacier semantics with AWS's ids, times, part sizes and tree
hashes kept verbatim (shapes: botocore ``glacier`` ``ListMultipartUploadsOutput`` /
``ListPartsOutput``). The vault is read from ``VaultARN`` unless ``vault=`` / ``account_id=`` /
``region=`` say otherwise. An import is all or nothing: on any error nothing is added. Reading and
checking the JSON is :mod:`mockmpu.core.cli_json`'s.

Not modelled: part bodies (only ranges and tree hashes are listed).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

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
from mockmpu.core.state import DEFAULT_REGION, GlacierUpload, MpuState
from mockmpu.glacier import semantics as _glacier

__all__ = ["import_glacier"]

_GLACIER_UPLOADS_KEYS = {"UploadsList", "Marker", "NextToken", "ResponseMetadata"}
_GLACIER_UPLOAD_KEYS = {
    "MultipartUploadId", "VaultARN", "ArchiveDescription", "PartSizeInBytes", "CreationDate",
}  # fmt: skip
_GLACIER_PARTS_KEYS = _GLACIER_UPLOAD_KEYS | {"Parts", "Marker", "NextToken", "ResponseMetadata"}
_GLACIER_PART_KEYS = {"RangeInBytes", "SHA256TreeHash"}

_VAULT_ARN_RE = re.compile(r"arn:aws[a-z-]*:glacier:([a-z0-9-]+):(\d{12}):vaults/(.+)")
_RANGE_RE = re.compile(r"(\d+)-(\d+)")


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
    added to. See :meth:`mockmpu.glacier.view.GlacierView.import_aws_cli`.
    """
    doc, name = load(source)
    if "Uploads" in doc:
        raise MockmpuError(
            f"{name} is S3 output; import it with mpu.s3.import_aws_cli(bucket, ...)."
        )
    if "Parts" in doc:
        command = "glacier list-parts"
        return [
            run_step(
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
        check_keys(doc, _GLACIER_UPLOADS_KEYS, "the output")
        specs = [
            _glacier_upload_spec(item, f"UploadsList[{i}]")
            for i, item in enumerate(items(doc, "UploadsList"))
        ]
        ids = [spec.upload_id for spec in specs]
        if len(set(ids)) != len(ids):
            raise BadOutput("an upload id appears twice in UploadsList")
        ref = _vault_ref(state, specs, vault, account_id, region)
        return _create_glacier_uploads(state, ref, specs)

    return run_step(name, command, run)


def _glacier_upload_spec(item: Any, where: str) -> _GlacierUpload:
    check_keys(item, _GLACIER_UPLOAD_KEYS, where)
    return _GlacierUpload(
        upload_id=field(item, "MultipartUploadId", str, where),
        vault_arn=optional(item, "VaultARN", where),
        description=optional(item, "ArchiveDescription", where),
        part_size=field(item, "PartSizeInBytes", int, where),
        created=time_field(item, "CreationDate", where),
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
        raise BadOutput(f"it lists uploads of several vaults ({', '.join(sorted(arns))})")
    arn_region = arn_account = arn_name = None
    if arns:
        arn = arns.pop()
        match = _VAULT_ARN_RE.fullmatch(arn)
        if match is None:
            raise BadOutput(f"VaultARN {arn!r} is not a Glacier vault ARN")
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
    check_keys(doc, _GLACIER_PARTS_KEYS, "the output")
    upload_id = parts_upload_id(doc, "MultipartUploadId", upload_id)
    # --no-paginate output (and older CLIs) carry the whole upload: it can be created from it.
    header: _GlacierUpload | None = None
    if doc.get("PartSizeInBytes") is not None and doc.get("CreationDate") is not None:
        described = {k: doc[k] for k in _GLACIER_UPLOAD_KEYS if k in doc}
        described["MultipartUploadId"] = upload_id
        header = _glacier_upload_spec(described, "the output")
    arn = optional(doc, "VaultARN", "the output")
    located = header or _GlacierUpload(upload_id, arn, None, 0, datetime.now(timezone.utc))
    ref = _vault_ref(state, [located], vault, account_id, region)
    parts: list[tuple[int, int, str]] = []
    for i, item in enumerate(items(doc, "Parts")):
        where = f"Parts[{i}]"
        check_keys(item, _GLACIER_PART_KEYS, where)
        span = field(item, "RangeInBytes", str, where)
        match = _RANGE_RE.fullmatch(span)
        if match is None:
            raise BadOutput(f"{where}.RangeInBytes is {span!r}, not 'first-last'")
        parts.append(
            (int(match.group(1)), int(match.group(2)), field(item, "SHA256TreeHash", str, where))
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
            raise BadOutput(
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
