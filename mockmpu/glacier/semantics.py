"""Amazon S3 Glacier vault semantics: vaults, multipart uploads, parts, archives and listings.

Pure functions over :class:`~mockmpu._state.MpuState` (stdlib only, no botocore), named after the
boto3 methods. Inputs are the values as they arrive on the wire (``limit``, ``partSize`` and
``archiveSize`` are strings in the botocore model), so error messages can echo them. Faults are
raised as :class:`~mockmpu._errors.ServiceError` with AWS's code, message and HTTP status; the codec
renders them. Every function takes ``state.lock``. No lookup scans: vaults, uploads and parts are
found by key, and pages are cut from sorted indexes with ``bisect``.

Sources: the S3 Glacier developer guide pages ``api-vault-put``, ``api-vault-get``,
``api-vaults-get``, ``api-vault-delete``, ``api-multipart-initiate-upload``, ``api-upload-part``,
``api-multipart-complete-upload``, ``api-multipart-abort-upload``, ``api-multipart-list-uploads``,
``api-multipart-list-parts``, ``api-error-responses`` and ``checksum-calculations``
(``https://docs.aws.amazon.com/amazonglacier/latest/dev/<page>.html``), botocore's glacier model,
and error texts reported from real AWS (cited per message below; "inferred" marks a wording no
source shows).
"""

from __future__ import annotations

import base64
import binascii
import bisect
import functools
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, cast

from mockmpu.core.errors import MockmpuError, ServiceError
from mockmpu.core.numbers import decimal
from mockmpu.core.state import Archive, GlacierPart, GlacierUpload, MpuState, Vault

__all__ = [
    "DEFAULT_LISTING",
    "LIST_LIMIT_DEFAULT",
    "MAX_PARTS",
    "MAX_PART_SIZE",
    "MIB",
    "MIN_PART_SIZE",
    "VAULT_LIST_LIMIT_DEFAULT",
    "ArchiveReceipt",
    "EndMarker",
    "ListingBehaviour",
    "PartPage",
    "PartReceipt",
    "UnknownMarker",
    "UploadPage",
    "UploadReceipt",
    "VaultInfo",
    "VaultPage",
    "VaultReceipt",
    "abort_multipart_upload",
    "combine_tree_hashes",
    "complete_multipart_upload",
    "create_vault",
    "delete_vault",
    "describe_vault",
    "initiate_multipart_upload",
    "list_multipart_uploads",
    "list_parts",
    "list_vaults",
    "listing_behaviour",
    "set_listing_behaviour",
    "tree_hash",
    "upload_multipart_part",
    "zero_tree_hash",
]

MIB = 1024 * 1024
MIN_PART_SIZE = MIB
MAX_PART_SIZE = 4 * 1024 * MIB
MAX_PARTS = 10_000
MAX_DESCRIPTION = 1024
LIST_LIMIT_DEFAULT = 50  # ListMultipartUploads / ListParts: 1..50, default 50
LIST_LIMIT_MAX = 50
VAULT_LIST_LIMIT_DEFAULT = 10  # ListVaults: 1..10, default 10
VAULT_LIST_LIMIT_MAX = 10

_VAULT_NAME = re.compile(r"[A-Za-z0-9_.\-]{1,255}")
_DIGITS = re.compile(r"[0-9]+")
_HEX64 = re.compile(r"[0-9A-Fa-f]{64}")
_CONTENT_RANGE = re.compile(r"bytes ([0-9]+)-([0-9]+)/\*")

_INVALID = "InvalidParameterValueException"
_MISSING = "MissingParameterValueException"
_NOT_FOUND = "ResourceNotFoundException"


# ------------------------------------------------------------------------------- listing switches

#: How the last page says "no more": JSON ``null`` (AWS), the key left out, or the *strings*
#: ``"null"`` / ``"None"`` (fault scenarios for BUG-12e). Rendered in one place, the codec.
EndMarker = Literal["null", "absent", "string-null", "string-None"]
#: What a marker this fake did not issue does: a 400 (default), or the first page again.
UnknownMarker = Literal["error", "restart"]


@dataclass(frozen=True)
class ListingBehaviour:
    """Switches for the three Glacier listings (ListVaults, ListMultipartUploads, ListParts)."""

    end_marker: EndMarker = "null"
    unknown_marker: UnknownMarker = "error"


DEFAULT_LISTING = ListingBehaviour()


def listing_behaviour(state: MpuState) -> ListingBehaviour:
    """Return the listing switches in force for ``state`` (AWS's behaviour unless changed).

    They live in ``state.behaviour`` (so scenario files keep them).
    """
    b = state.behaviour
    if b.glacier_end_marker == "null" and b.glacier_unknown_marker == "error":
        return DEFAULT_LISTING
    return ListingBehaviour(
        end_marker=cast(EndMarker, b.glacier_end_marker),
        unknown_marker=cast(UnknownMarker, b.glacier_unknown_marker),
    )


def set_listing_behaviour(state: MpuState, behaviour: ListingBehaviour) -> None:
    """Change how ``state``'s Glacier listings end and treat unknown markers."""
    state.behaviour.glacier_end_marker = behaviour.end_marker
    state.behaviour.glacier_unknown_marker = behaviour.unknown_marker


# ------------------------------------------------------------------------------------ tree hashes


def _combine(digests: Sequence[bytes]) -> bytes:
    level = list(digests)
    while len(level) > 1:
        paired = [
            hashlib.sha256(level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            paired.append(level[-1])  # an odd node is carried up unchanged
        level = paired
    return level[0]


def tree_hash(data: bytes) -> str:
    """Return the hex SHA-256 tree hash of ``data`` (1 MiB leaves; ``sha256(b"")`` when empty).

    Same algorithm as ``botocore.utils.calculate_tree_hash`` (checksum-calculations).
    """
    leaves = [hashlib.sha256(data[i : i + MIB]).digest() for i in range(0, len(data), MIB)]
    return _combine(leaves or [hashlib.sha256(b"").digest()]).hex()


def combine_tree_hashes(hashes: Iterable[str]) -> str:
    """Combine consecutive parts' hex tree hashes into the whole archive's tree hash.

    This equals the tree hash of the concatenated bytes when every part but the last is the same
    power-of-two number of MiB and starts at a multiple of that size, which Glacier enforces: a
    full part of ``2**k`` MiB is exactly one aligned subtree of ``2**k`` leaves, and the pairing
    below level ``k`` never crosses a part boundary (every earlier part has an even number of
    nodes at each of those levels), so the short last part reduces to the same node it would
    alone. Combining the part hashes pairwise is then the rest of the whole-archive tree.
    """
    digests = [bytes.fromhex(h) for h in hashes]
    if not digests:
        raise ValueError("combine_tree_hashes needs at least one part hash")
    return _combine(digests).hex()


@functools.lru_cache(maxsize=64)
def zero_tree_hash(size: int) -> str:
    """Return the tree hash of ``size`` zero bytes without building them (cheap for GiB parts)."""
    full, rest = divmod(size, MIB)
    leaves = [hashlib.sha256(bytes(MIB)).digest()] * full
    if rest or not leaves:
        leaves.append(hashlib.sha256(bytes(rest)).digest())
    return _combine(leaves).hex()


# ---------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class VaultInfo:
    """DescribeVault / ListVaults item. Counts and bytes are as of the last inventory."""

    vault_arn: str
    vault_name: str
    creation_date: datetime
    last_inventory_date: datetime | None
    number_of_archives: int
    size_in_bytes: int


@dataclass(frozen=True)
class VaultReceipt:
    vault: Vault
    location: str


@dataclass(frozen=True)
class VaultPage:
    vaults: list[VaultInfo]
    marker: str | None  # ``None``: last page


@dataclass(frozen=True)
class UploadReceipt:
    upload: GlacierUpload
    location: str


@dataclass(frozen=True)
class PartReceipt:
    upload: GlacierUpload
    part: GlacierPart  # ``part.tree_hash`` is what Glacier computed


@dataclass(frozen=True)
class ArchiveReceipt:
    archive: Archive
    location: str


@dataclass(frozen=True)
class UploadPage:
    uploads: list[GlacierUpload]
    marker: str | None


@dataclass(frozen=True)
class PartPage:
    upload: GlacierUpload
    parts: list[GlacierPart]
    marker: str | None


# ---------------------------------------------------------------------------------------- helpers


def _invalid(message: str) -> ServiceError:
    return ServiceError(_INVALID, message, 400)


def _missing(name: str) -> ServiceError:
    # boto/boto3#251 (real AWS): "Required parameter missing: x-amz-sha256-tree-hash".
    return ServiceError(_MISSING, f"Required parameter missing: {name}", 400)


def _arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:glacier:{region}:{account}:vaults/{name}"


def _vault(state: MpuState, account_id: str, region: str, vault_name: str) -> Vault:
    account = state.resolve_account(account_id)
    vault = state.vaults.get((account, region, vault_name))
    if vault is None:
        # api-error-responses: 404 "Vault not found for ARN: arn:aws:glacier:...:vaults/<name>".
        raise ServiceError(
            _NOT_FOUND, f"Vault not found for ARN: {_arn(region, account, vault_name)}", 404
        )
    return vault


def _upload_not_found(upload_id: str) -> ServiceError:
    # Inferred from api-error-responses' "The job ID was not found: <id>" (aws-semantics §7.5).
    return ServiceError(_NOT_FOUND, f"The upload ID was not found: {upload_id}", 404)


def _upload(vault: Vault, upload_id: str) -> GlacierUpload:
    upload = vault.uploads.get(upload_id)
    if upload is None:
        raise _upload_not_found(upload_id)
    return upload


def _limit(raw: str | None, default: int, maximum: int) -> int:
    if raw is None:
        return default
    if _DIGITS.fullmatch(raw) and 1 <= decimal(raw) <= maximum:
        return decimal(raw)
    raise _invalid(f"Invalid limit: {raw}")  # inferred wording (pattern of "Invalid part size: N")


def _marker_scope(kind: bytes, scope: str) -> bytes:
    return kind + hashlib.sha256(scope.encode("utf-8")).digest()[:6]


def _encode_marker(kind: bytes, scope: str, position: int) -> str:
    raw = _marker_scope(kind, scope) + position.to_bytes(8, "big")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _decode_marker(kind: bytes, scope: str, marker: str) -> int | None:
    try:
        raw = base64.urlsafe_b64decode(marker + "=" * (-len(marker) % 4))
    except (binascii.Error, ValueError):
        return None
    head = _marker_scope(kind, scope)
    if len(raw) != len(head) + 8 or not raw.startswith(head):
        return None
    return int.from_bytes(raw[len(head) :], "big")


def _start_position(marker: str | None, decode: int | None, behaviour: ListingBehaviour) -> int:
    """Where a page starts: 0 without a marker, the decoded position, or the unknown-marker rule."""
    if not marker:
        return 0
    if decode is not None:
        return decode
    if behaviour.unknown_marker == "restart":
        return 0
    raise _invalid(f"Invalid marker: {marker}")  # inferred wording


def _vault_info(vault: Vault) -> VaultInfo:
    return VaultInfo(
        vault_arn=vault.arn,
        vault_name=vault.name,
        creation_date=vault.created,
        last_inventory_date=vault.last_inventory,
        number_of_archives=vault.inventory_archives,
        size_in_bytes=vault.inventory_size,
    )


# ----------------------------------------------------------------------------------------- vaults


def create_vault(state: MpuState, *, account_id: str, region: str, vault_name: str) -> VaultReceipt:
    """Create a vault, or return the existing one (CreateVault is idempotent); 201.

    Names are 1-255 characters of ``a-z A-Z 0-9 _ - .``. ``location`` is
    ``/<account id>/vaults/<name>`` with the numeric account id even when the request said ``-``.
    Errors: InvalidParameterValueException 400 for a bad name (wording inferred:
    ``Invalid vault name: <name>``). Source: api-vault-put.

    Not modelled: the 1,000-vaults-per-region LimitExceededException; AccessDeniedException for
    an account id other than the caller's.
    """
    if not _VAULT_NAME.fullmatch(vault_name):
        raise _invalid(f"Invalid vault name: {vault_name}")
    account = state.resolve_account(account_id)
    with state.lock:
        vault = state.vaults.get((account, region, vault_name))
        if vault is None:
            vault = Vault(
                account_id=account, region=region, name=vault_name, created=state.clock.now()
            )
            state.add_vault(vault)
    return VaultReceipt(vault, f"/{account}/vaults/{vault_name}")


def describe_vault(state: MpuState, *, account_id: str, region: str, vault_name: str) -> VaultInfo:
    """Describe a vault; counts and size are those of the last inventory; 200.

    Before any inventory ``NumberOfArchives`` and ``SizeInBytes`` are 0 and ``LastInventoryDate``
    is null: the doc says the counts "will return null" then, botocore's example shows 0 for a
    new vault, and clients do arithmetic on them, so 0 was chosen. Archives completed since the
    last inventory are not counted (GlacierView.take_inventory runs one).
    Errors: ResourceNotFoundException 404 ``Vault not found for ARN: <arn>``.
    Source: api-vault-get.

    Not modelled: per-archive storage overhead in SizeInBytes; the daily automatic inventory.
    """
    with state.lock:
        return _vault_info(_vault(state, account_id, region, vault_name))


def list_vaults(
    state: MpuState,
    *,
    account_id: str,
    region: str,
    limit: str | None = None,
    marker: str | None = None,
    behaviour: ListingBehaviour = DEFAULT_LISTING,
) -> VaultPage:
    """List the account's vaults in the region, ASCII-sorted by name; 200.

    ``limit`` is a string, 1..10, default 10. The returned ``marker`` is the ARN of the first
    vault of the next page and is ``None`` on the last page; a request ``marker`` (a vault ARN of
    this account and region) starts the page at that name, inclusive, whether or not the vault
    still exists, so the listing is stable when vaults come and go between pages. The doc's
    parameter table says "after which" but both of its examples (request ``marker=vault1`` returns
    vault1; response marker is the next, unreturned vault3) show start-at, which is what is
    modelled. ``""`` starts from the first vault.
    Errors: InvalidParameterValueException 400 for a bad limit (``Invalid limit: <v>``) or a
    marker that is not such an ARN (``Invalid marker: <v>``; both wordings inferred), unless the
    behaviour says ``restart``. Source: api-vaults-get.

    Not modelled: AccessDeniedException for an account id other than the caller's.
    """
    size = _limit(limit, VAULT_LIST_LIMIT_DEFAULT, VAULT_LIST_LIMIT_MAX)
    account = state.resolve_account(account_id)
    prefix = _arn(region, account, "")
    start_name = ""
    if marker:
        name = marker[len(prefix) :] if marker.startswith(prefix) else None
        if name is not None and _VAULT_NAME.fullmatch(name):
            start_name = name
        elif behaviour.unknown_marker == "error":
            raise _invalid(f"Invalid marker: {marker}")
    with state.lock:
        keys = state.vault_keys
        i = bisect.bisect_left(keys, (account, region, start_name))
        page: list[VaultInfo] = []
        next_marker: str | None = None
        while i < len(keys) and keys[i][0] == account and keys[i][1] == region:
            vault = state.vaults[keys[i]]
            if len(page) == size:
                next_marker = vault.arn
                break
            page.append(_vault_info(vault))
            i += 1
    return VaultPage(page, next_marker)


def delete_vault(state: MpuState, *, account_id: str, region: str, vault_name: str) -> None:
    """Delete a vault that holds nothing; 204.

    AWS deletes a vault only if it had no archives as of the last inventory and nothing was
    written to it since. Completing an upload writes an archive, so a vault that ever received
    one stays undeletable here (DeleteArchive is not modelled). In-progress multipart uploads
    also block deletion: the docs are silent, and an upload being assembled is a pending write
    (decision recorded in the report); abort them first.
    Errors: ResourceNotFoundException 404; InvalidParameterValueException 400
    ``Vault not empty or recently written to: <arn>`` (the real AWS text, seen in many CLI
    transcripts). Source: api-vault-delete.

    Not modelled: vault access policies and notifications deleted with the vault.
    """
    with state.lock:
        vault = _vault(state, account_id, region, vault_name)
        if vault.written_since_inventory or vault.inventory_archives or vault.uploads:
            raise _invalid(f"Vault not empty or recently written to: {vault.arn}")
        state.remove_vault(vault)


# ---------------------------------------------------------------------------------------- uploads


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
        vault = _vault(state, account_id, region, vault_name)
        if part_size is None:
            raise _missing("x-amz-part-size")
        size = decimal(part_size) if _DIGITS.fullmatch(part_size) else 0
        if not (MIN_PART_SIZE <= size <= MAX_PART_SIZE and size & (size - 1) == 0):
            raise _invalid(
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
                raise _invalid(f"Invalid x-amz-archive-description: {archive_description}")
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

    ``content_range`` is ``bytes <first>-<last>/*`` (inclusive, a space, no ``=``); its length
    must equal ``body_size`` (Content-Length), ``first`` must be a multiple of the part size and
    the length at most the part size (a short non-last part is accepted here and fails at
    Complete). The part's number, ``first // part_size + 1``, may not exceed 10,000. ``checksum``
    (the ``x-amz-sha256-tree-hash`` sent) must equal ``computed_tree_hash``, the tree hash of the
    body that the caller computed (the codec uses ``botocore.utils.calculate_tree_hash``).
    Uploading a range again overwrites it. ``body`` is kept only with ``state.keep_bodies``.
    Errors, in this order: ResourceNotFoundException 404 (vault, then
    ``The upload ID was not found: <id>``); MissingParameterValueException 400
    ``Required parameter missing: Content-Range``; InvalidParameterValueException 400:
    ``Invalid Content-Range: <v>`` (malformed or last < first: real AWS, glacier-rsync#3; also
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
        vault = _vault(state, account_id, region, vault_name)
        upload = _upload(vault, upload_id)
        if content_range is None:
            raise _missing("Content-Range")
        match = _CONTENT_RANGE.fullmatch(content_range)
        if match is None or decimal(match.group(2)) < decimal(match.group(1)):
            raise _invalid(f"Invalid Content-Range: {content_range}")
        first, last = decimal(match.group(1)), decimal(match.group(2))
        length = last - first + 1
        if length != body_size:
            raise _invalid(
                f"Content-Range: {content_range} is incompatible with Content-Length: {body_size}"
            )
        if first % upload.part_size or length > upload.part_size:
            raise _invalid(f"Invalid Content-Range: {content_range}")
        number = first // upload.part_size + 1
        if number > MAX_PARTS:
            raise _invalid(
                f"This is part number {number} for the current multipart upload. "
                f"It exceeds the limit of {MAX_PARTS} parts."
            )
        if checksum is None:
            raise _missing("x-amz-sha256-tree-hash")
        if not _HEX64.fullmatch(checksum):
            raise _invalid(f"Invalid x-amz-sha256-tree-hash: {checksum}")
        if checksum.lower() != computed_tree_hash:
            raise _invalid(f"Checksum mismatch: expected {checksum}, computed {computed_tree_hash}")
        part = GlacierPart(
            range_start=first,
            range_end=last,
            tree_hash=computed_tree_hash,
            size=length,
            body=body if state.keep_bodies else None,
        )
        upload.put_part(part)
    return PartReceipt(upload, part)


def _check_complete(archive_size: str | None, checksum: str | None) -> tuple[int, str]:
    if archive_size is None:
        raise _missing("x-amz-archive-size")
    if checksum is None:
        raise _missing("x-amz-sha256-tree-hash")  # real AWS text, boto/boto3#251
    if not _DIGITS.fullmatch(archive_size):
        raise _invalid(f"Invalid x-amz-archive-size: {archive_size}")
    if not _HEX64.fullmatch(checksum):
        raise _invalid(f"Invalid x-amz-sha256-tree-hash: {checksum}")
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
        vault = _vault(state, account_id, region, vault_name)
        done = vault.completed_uploads.get(upload_id)
        if done is not None:
            size, expected = _check_complete(archive_size, checksum)
            archive = vault.archives[done]
            if size != archive.size:
                raise _invalid(f"Invalid x-amz-archive-size: {archive_size}")
            if expected != archive.tree_hash:
                raise _invalid(f"Invalid x-amz-sha256-tree-hash: {checksum}")
            return ArchiveReceipt(archive, _archive_location(vault, archive))
        upload = _upload(vault, upload_id)
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
            raise _invalid(f"Invalid x-amz-archive-size: {archive_size}")
        parts = list(upload.sorted_parts())
        computed = combine_tree_hashes(p.tree_hash for p in parts)
        if expected != computed:
            raise _invalid(f"Invalid x-amz-sha256-tree-hash: {checksum}")
        bodies = [p.body for p in parts]
        archive = Archive(
            archive_id=state.ids.archive_id(),
            vault_name=vault.name,
            size=size,
            tree_hash=computed,
            description=upload.description,
            created=state.clock.now(),
            upload_id=upload.upload_id,
            body=b"".join(b for b in bodies if b is not None)
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
        vault = _vault(state, account_id, region, vault_name)
        if upload_id in vault.aborted_uploads:
            return
        upload = _upload(vault, upload_id)
        vault.remove_upload(upload)
        vault.aborted_uploads.add(upload_id)


# --------------------------------------------------------------------------------------- listings


def list_multipart_uploads(
    state: MpuState,
    *,
    account_id: str,
    region: str,
    vault_name: str,
    limit: str | None = None,
    marker: str | None = None,
    behaviour: ListingBehaviour = DEFAULT_LISTING,
) -> UploadPage:
    """List in-progress uploads of a vault, in initiation order; 200.

    AWS guarantees no order; initiation order is what this fake uses. ``limit`` is a string,
    1..50, default 50. The marker is opaque: it encodes the initiation position just after the
    last upload returned (scoped to the vault), so uploads initiated, completed or aborted between
    pages never make a page skip or repeat an upload present throughout. ``marker`` is ``None``
    exactly when no upload follows the page.
    Errors, in this order: ResourceNotFoundException 404; InvalidParameterValueException 400
    ``Invalid limit: <v>`` / ``Invalid marker: <v>`` (wordings inferred; ``restart`` behaviour
    serves the first page for an unknown marker instead). Source: api-multipart-list-uploads.

    Not modelled: AWS's own marker format.
    """
    with state.lock:
        vault = _vault(state, account_id, region, vault_name)
        size = _limit(limit, LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX)
        decoded = _decode_marker(b"U", vault.arn, marker) if marker else None
        start = _start_position(marker, decoded, behaviour)
        index = vault.upload_index
        i = bisect.bisect_left(index, (start, ""))
        window = index[i : i + size + 1]
        page = [vault.uploads[upload_id] for _, upload_id in window[:size]]
        next_marker = (
            _encode_marker(b"U", vault.arn, page[-1].seq + 1) if len(window) > size else None
        )
    return UploadPage(page, next_marker)


def list_parts(
    state: MpuState,
    *,
    account_id: str,
    region: str,
    vault_name: str,
    upload_id: str,
    limit: str | None = None,
    marker: str | None = None,
    behaviour: ListingBehaviour = DEFAULT_LISTING,
) -> PartPage:
    """List an in-progress upload's parts sorted by range; 200.

    ``limit`` is a string, 1..50, default 50. The opaque marker encodes the byte offset just
    after the last part's first byte (scoped to the upload), so parts uploaded between pages are
    neither skipped (when after the position) nor repeated. ``marker`` is ``None`` exactly when no
    part follows the page. Completed and aborted uploads give the upload-not-found error.
    Errors, in this order: ResourceNotFoundException 404 (vault, upload);
    InvalidParameterValueException 400 ``Invalid limit: <v>`` / ``Invalid marker: <v>``
    (wordings inferred).
    Source: api-multipart-list-parts.

    Not modelled: AWS's own marker format.
    """
    with state.lock:
        vault = _vault(state, account_id, region, vault_name)
        upload = _upload(vault, upload_id)
        size = _limit(limit, LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX)
        decoded = _decode_marker(b"P", upload.upload_id, marker) if marker else None
        start = _start_position(marker, decoded, behaviour)
        starts = upload.part_starts
        i = bisect.bisect_left(starts, start)
        window = starts[i : i + size + 1]
        page = [upload.parts[s] for s in window[:size]]
        next_marker = (
            _encode_marker(b"P", upload.upload_id, page[-1].range_start + 1)
            if len(window) > size
            else None
        )
    return PartPage(upload, page, next_marker)
