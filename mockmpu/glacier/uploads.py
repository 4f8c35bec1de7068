"""Glacier multipart-upload semantics: initiate, upload a part, complete, abort.

Pure functions over :class:`~mockmpu.core.state.MpuState` raising
:class:`~mockmpu.core.errors.ServiceError`; re-exported by :mod:`mockmpu.glacier.semantics`.
"""

from __future__ import annotations

from datetime import datetime

from mockmpu.core.bodies import body_bytes, store_body
from mockmpu.core.errors import MockmpuError
from mockmpu.core.numbers import decimal
from mockmpu.core.state import Archive, GlacierPart, GlacierUpload, MpuState, Vault
from mockmpu.glacier.rules import (
    CONTENT_RANGE_RE,
    DIGITS_RE,
    HEX64_RE,
    MAX_DESCRIPTION,
    MAX_PART_SIZE,
    MAX_PARTS,
    MIN_PART_SIZE,
    ArchiveReceipt,
    PartReceipt,
    UploadReceipt,
    get_upload,
    get_vault,
    invalid_parameter,
    missing_parameter,
)
from mockmpu.glacier.treehash import (
    combine_tree_hashes,
)


def initiate_multipart_upload(
    state: MpuState,
    *,
    account_id: str,
    region: str,
    vault_name: str,
    part_size: str | None,
    archive_description: str | None = None,
    created: datetime | None = None,
    upload_id: str | None = None,
) -> UploadReceipt:
    """Start a multipart upload; 201 with ``Location`` and ``x-amz-multipart-upload-id``.

    ``part_size`` (bytes, a string) must be 1 MiB times a power of two, 1 MiB..4 GiB. The
    description is at most 1024 bytes of ASCII 0x20-0x7E; leading whitespace is removed, and an
    empty result is stored as no description (``ArchiveDescription: null``). ``created`` lets
    arrange code back-date the upload (default: the state's clock). ``upload_id`` replaces the
    generated id (imports of real listings keep AWS's ids verbatim; no id is drawn then); an id
    this vault already knows (in progress, completed or aborted) raises ``MockmpuError``.
    Errors: ResourceNotFoundException 404; InvalidParameterValueException 400
    ``Invalid part size: <v>. Part size must not be null, must be a power of two and be between
    1048576 and 4294967296 bytes.`` (real AWS, uskudnik/amazon-glacier-cmd-interface#58,
    MoriTanosuke/glacieruploader#47); MissingParameterValueException 400 without
    ``x-amz-part-size`` (wording follows boto3#251); InvalidParameterValueException
    ``Invalid x-amz-archive-description: <v>`` for a bad description (wording inferred).
    Source: api-multipart-initiate-upload.

    Not modelled: removal of uploads idle for 24 hours.
    """
    with state.lock:
        vault = get_vault(state, account_id, region, vault_name)
        if part_size is None:
            raise missing_parameter("x-amz-part-size")
        size = decimal(part_size) if DIGITS_RE.fullmatch(part_size) else 0
        if not (MIN_PART_SIZE <= size <= MAX_PART_SIZE and size & (size - 1) == 0):
            raise invalid_parameter(
                f"Invalid part size: {part_size}. Part size must not be null, must be a power of "
                f"two and be between {MIN_PART_SIZE} and {MAX_PART_SIZE} bytes."
            )
        if upload_id is not None and (
            upload_id in vault.uploads
            or upload_id in vault.completed_uploads
            or upload_id in vault.aborted_uploads
        ):
            raise MockmpuError(
                f"Upload {upload_id!r} is already known to vault {vault.name!r}; import or "
                "initiate each upload once."
            )
        description: str | None = None
        if archive_description is not None:
            if len(archive_description) > MAX_DESCRIPTION or any(
                not 0x20 <= ord(c) <= 0x7E for c in archive_description
            ):
                raise invalid_parameter(f"Invalid x-amz-archive-description: {archive_description}")
            description = archive_description.lstrip(" ") or None
        upload = GlacierUpload(
            account_id=vault.account_id,
            region=vault.region,
            vault_name=vault.name,
            upload_id=upload_id if upload_id is not None else state.ids.glacier_upload_id(),
            part_size=size,
            description=description,
            created=created if created is not None else state.clock.now(),
            seq=state.next_seq(),
        )
        vault.add_upload(upload)
    location = f"/{vault.account_id}/vaults/{vault.name}/multipart-uploads/{upload.upload_id}"
    return UploadReceipt(upload, location)


def upload_multipart_part(
    state: MpuState,
    *,
    account_id: str,
    region: str,
    vault_name: str,
    upload_id: str,
    content_range: str | None,
    body_size: int,
    checksum: str | None,
    computed_tree_hash: str,
    body: bytes | None = None,
) -> PartReceipt:
    """Store one part; 204 with the computed ``x-amz-sha256-tree-hash``.

    ``content_range`` is ``bytes <first>-<last>/*`` or ``bytes <first>-<last>/<total>``
    (inclusive, a space, no ``=``): api-upload-part says the header "follows RFC 2616", whose
    §14.16 allows both (AWS's example uses ``*``; glacier upload tools send the total, which must
    exceed ``last``, and is not compared with the archive size); its length
    must equal ``body_size`` (Content-Length), ``first`` must be a multiple of the part size and
    the length at most the part size (a short non-last part is accepted here and fails at
    Complete). The part's number, ``first // part_size + 1``, may not exceed 10,000. ``checksum``
    (the ``x-amz-sha256-tree-hash`` sent) must equal ``computed_tree_hash``, the tree hash of the
    body that the caller computed (the codec uses ``botocore.utils.calculate_tree_hash``).
    Uploading a range again overwrites it. ``body`` is kept only with ``state.keep_bodies``.
    Errors, in this order: ResourceNotFoundException 404 (vault, then
    ``The upload ID was not found: <id>``); MissingParameterValueException 400
    ``Required parameter missing: Content-Range``; InvalidParameterValueException 400:
    ``Invalid Content-Range: <v>`` (malformed, last < first or total <= last: real AWS,
    glacier-rsync#3; also
    used, inferred, for a misaligned or oversized range),
    ``Content-Range: <v> is incompatible with Content-Length: <n>`` (real AWS, aws-cli#5027),
    ``This is part number <n> for the current multipart upload. It exceeds the limit of 10000
    parts.`` (real AWS, boto#1478); ``Required parameter missing: x-amz-sha256-tree-hash``;
    ``Invalid x-amz-sha256-tree-hash: <v>`` when not 64 hex digits (real AWS for UploadArchive,
    aws-sdk-js glacier feature test); ``Checksum mismatch: expected <sent>, computed <computed>``
    (real AWS for UploadArchive, boto3#1708; assumed the same here). Source: api-upload-part.

    Not modelled: RequestTimeoutException (408) for slow bodies.
    """
    with state.lock:
        vault = get_vault(state, account_id, region, vault_name)
        upload = get_upload(vault, upload_id)
        if content_range is None:
            raise missing_parameter("Content-Range")
        match = CONTENT_RANGE_RE.fullmatch(content_range)
        if (
            match is None
            or decimal(match.group(2)) < decimal(match.group(1))
            or (match.group(3) != "*" and decimal(match.group(3)) <= decimal(match.group(2)))
        ):
            raise invalid_parameter(f"Invalid Content-Range: {content_range}")
        first, last = decimal(match.group(1)), decimal(match.group(2))
        length = last - first + 1
        if length != body_size:
            raise invalid_parameter(
                f"Content-Range: {content_range} is incompatible with Content-Length: {body_size}"
            )
        if first % upload.part_size or length > upload.part_size:
            raise invalid_parameter(f"Invalid Content-Range: {content_range}")
        number = first // upload.part_size + 1
        if number > MAX_PARTS:
            raise invalid_parameter(
                f"This is part number {number} for the current multipart upload. "
                f"It exceeds the limit of {MAX_PARTS} parts."
            )
        if checksum is None:
            raise missing_parameter("x-amz-sha256-tree-hash")
        if not HEX64_RE.fullmatch(checksum):
            raise invalid_parameter(f"Invalid x-amz-sha256-tree-hash: {checksum}")
        if checksum.lower() != computed_tree_hash:
            raise invalid_parameter(
                f"Checksum mismatch: expected {checksum}, computed {computed_tree_hash}"
            )
        part = GlacierPart(
            range_start=first,
            range_end=last,
            tree_hash=computed_tree_hash,
            size=length,
            body=store_body(state, body),
        )
        upload.put_part(part)
    return PartReceipt(upload, part)


def _check_complete(archive_size: str | None, checksum: str | None) -> tuple[int, str]:
    if archive_size is None:
        raise missing_parameter("x-amz-archive-size")
    if checksum is None:
        raise missing_parameter("x-amz-sha256-tree-hash")  # real AWS text, boto/boto3#251
    if not DIGITS_RE.fullmatch(archive_size):
        raise invalid_parameter(f"Invalid x-amz-archive-size: {archive_size}")
    if not HEX64_RE.fullmatch(checksum):
        raise invalid_parameter(f"Invalid x-amz-sha256-tree-hash: {checksum}")
    return decimal(archive_size), checksum.lower()


def complete_multipart_upload(
    state: MpuState,
    *,
    account_id: str,
    region: str,
    vault_name: str,
    upload_id: str,
    archive_size: str | None,
    checksum: str | None,
) -> ArchiveReceipt:
    """Assemble the archive; 201 with Location, x-amz-archive-id and x-amz-sha256-tree-hash.

    ``archive_size`` (bytes, a string) must be covered exactly by the parts: parts at
    ``0, P, 2P, ...`` with every part but the last exactly ``P`` bytes (the upload's part size)
    and no part beyond. ``checksum`` must equal the archive's tree hash, computed by combining
    the parts' tree hashes (see :func:`combine_tree_hashes`). On any mismatch the upload stays in
    progress and Complete can be retried. On success the archive (id, size, tree hash,
    description, the bytes if kept) is recorded, the upload leaves the listings, and the vault
    counts as written since its last inventory. Completing again returns the same archive when
    size and hash match it (AWS: "within a short period"; here for the state's lifetime).
    Errors: ResourceNotFoundException 404 (vault, upload); MissingParameterValueException 400
    ``Required parameter missing: x-amz-archive-size`` / ``...: x-amz-sha256-tree-hash`` (the
    latter real AWS, boto3#251); InvalidParameterValueException 400
    ``Invalid x-amz-sha256-tree-hash: <sent>`` for a malformed or wrong hash (real AWS,
    aws-sdk-core-ruby#33, botocore#1396), ``Invalid x-amz-archive-size: <sent>`` when the size is
    malformed or the parts do not cover it (wording inferred from the same pattern).
    Source: api-multipart-complete-upload.

    Not modelled: the expiry of idempotent Complete.
    """
    with state.lock:
        vault = get_vault(state, account_id, region, vault_name)
        done = vault.completed_uploads.get(upload_id)
        if done is not None:
            size, expected = _check_complete(archive_size, checksum)
            archive = vault.archives[done]
            if size != archive.size:
                raise invalid_parameter(f"Invalid x-amz-archive-size: {archive_size}")
            if expected != archive.tree_hash:
                raise invalid_parameter(f"Invalid x-amz-sha256-tree-hash: {checksum}")
            return ArchiveReceipt(archive, _archive_location(vault, archive))
        upload = get_upload(vault, upload_id)
        size, expected = _check_complete(archive_size, checksum)
        step = upload.part_size
        count = -(-size // step)
        covered = count > 0 and len(upload.parts) == count
        for i in range(count if covered else 0):
            part = upload.parts.get(i * step)
            if part is None or part.size != min(step, size - i * step):
                covered = False
                break
        if not covered:
            raise invalid_parameter(f"Invalid x-amz-archive-size: {archive_size}")
        parts = list(upload.sorted_parts())
        computed = combine_tree_hashes(p.tree_hash for p in parts)
        if expected != computed:
            raise invalid_parameter(f"Invalid x-amz-sha256-tree-hash: {checksum}")
        bodies = [p.body for p in parts]
        archive = Archive(
            archive_id=state.ids.archive_id(),
            vault_name=vault.name,
            size=size,
            tree_hash=computed,
            description=upload.description,
            created=state.clock.now(),
            upload_id=upload.upload_id,
            body=store_body(state, b"".join(body_bytes(b) or b"" for b in bodies))
            if all(b is not None for b in bodies)
            else None,
        )
        vault.archives[archive.archive_id] = archive
        vault.completed_uploads[upload.upload_id] = archive.archive_id
        vault.remove_upload(upload)
        vault.written_since_inventory = True
    return ArchiveReceipt(archive, _archive_location(vault, archive))


def _archive_location(vault: Vault, archive: Archive) -> str:
    return f"/{vault.account_id}/vaults/{vault.name}/archives/{archive.archive_id}"


def abort_multipart_upload(
    state: MpuState, *, account_id: str, region: str, vault_name: str, upload_id: str
) -> None:
    """Abort an upload: its parts are dropped and it leaves the listings; 204.

    Aborting an already-aborted upload succeeds again (AWS: "for a short time"; here for the
    state's lifetime). Aborting a completed upload fails.
    Errors: ResourceNotFoundException 404 (vault; ``The upload ID was not found: <id>`` for an
    unknown or completed upload: which error AWS gives for the completed case is undocumented).
    Source: api-multipart-abort-upload.

    Not modelled: the expiry of the aborted-upload grace period.
    """
    with state.lock:
        vault = get_vault(state, account_id, region, vault_name)
        if upload_id in vault.aborted_uploads:
            return
        upload = get_upload(vault, upload_id)
        vault.remove_upload(upload)
        vault.aborted_uploads.add(upload_id)
