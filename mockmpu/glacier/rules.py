"""Shared Glacier rules: limits, listing switches, result types, lookups, markers, errors.

Used by ``glacier.vaults``, ``glacier.uploads`` and ``glacier.listings``; the public names are
re-exported by :mod:`mockmpu.glacier.semantics`. Sources as in that module.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, cast

from mockmpu.core.errors import ServiceError
from mockmpu.core.numbers import decimal
from mockmpu.core.state import Archive, GlacierPart, GlacierUpload, MpuState, Vault

MIB = 1024 * 1024
MIN_PART_SIZE = MIB
MAX_PART_SIZE = 4 * 1024 * MIB
MAX_PARTS = 10_000
MAX_DESCRIPTION = 1024
LIST_LIMIT_DEFAULT = 50  # ListMultipartUploads / ListParts: 1..50, default 50
LIST_LIMIT_MAX = 50
VAULT_LIST_LIMIT_DEFAULT = 10  # ListVaults: 1..10, default 10
VAULT_LIST_LIMIT_MAX = 10

VAULT_NAME_RE = re.compile(r"[A-Za-z0-9_.\-]{1,255}")
DIGITS_RE = re.compile(r"[0-9]+")
HEX64_RE = re.compile(r"[0-9A-Fa-f]{64}")
#: ``bytes <first>-<last>/<total or *>`` (RFC 2616 §14.16, which api-upload-part cites).
CONTENT_RANGE_RE = re.compile(r"bytes ([0-9]+)-([0-9]+)/(\*|[0-9]+)")

_INVALID = "InvalidParameterValueException"
_MISSING = "MissingParameterValueException"
_NOT_FOUND = "ResourceNotFoundException"


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


def invalid_parameter(message: str) -> ServiceError:
    """InvalidParameterValueException 400 with ``message``."""
    return ServiceError(_INVALID, message, 400)


def missing_parameter(name: str) -> ServiceError:
    """MissingParameterValueException 400 ``Required parameter missing: <name>``."""
    # boto/boto3#251 (real AWS): "Required parameter missing: x-amz-sha256-tree-hash".
    return ServiceError(_MISSING, f"Required parameter missing: {name}", 400)


def arn_of(region: str, account: str, name: str) -> str:
    """The vault's ARN: ``arn:aws:glacier:<region>:<account>:vaults/<name>``."""
    return f"arn:aws:glacier:{region}:{account}:vaults/{name}"


def get_vault(state: MpuState, account_id: str, region: str, vault_name: str) -> Vault:
    """The vault, or ResourceNotFoundException 404 ``Vault not found for ARN: <arn>``."""
    account = state.resolve_account(account_id)
    vault = state.vaults.get((account, region, vault_name))
    if vault is None:
        # api-error-responses: 404 "Vault not found for ARN: arn:aws:glacier:...:vaults/<name>".
        raise ServiceError(
            _NOT_FOUND, f"Vault not found for ARN: {arn_of(region, account, vault_name)}", 404
        )
    return vault


def _upload_not_found(upload_id: str) -> ServiceError:
    # Inferred from api-error-responses' "The job ID was not found: <id>" (aws-semantics §7.5).
    return ServiceError(_NOT_FOUND, f"The upload ID was not found: {upload_id}", 404)


def get_upload(vault: Vault, upload_id: str) -> GlacierUpload:
    """The in-progress upload, or ResourceNotFoundException 404."""
    upload = vault.uploads.get(upload_id)
    if upload is None:
        raise _upload_not_found(upload_id)
    return upload


def page_limit(raw: str | None, default: int, maximum: int) -> int:
    """A listing's ``limit``: ``default`` when absent, else 1..``maximum`` or a 400."""
    if raw is None:
        return default
    if DIGITS_RE.fullmatch(raw) and 1 <= decimal(raw) <= maximum:
        return decimal(raw)
    raise invalid_parameter(
        f"Invalid limit: {raw}"
    )  # inferred wording (pattern of "Invalid part size: N")


def _marker_scope(kind: bytes, scope: str) -> bytes:
    return kind + hashlib.sha256(scope.encode("utf-8")).digest()[:6]


def encode_marker(kind: bytes, scope: str, position: int) -> str:
    """An opaque marker for ``position`` in the listing ``kind`` of ``scope``."""
    raw = _marker_scope(kind, scope) + position.to_bytes(8, "big")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_marker(kind: bytes, scope: str, marker: str) -> int | None:
    """The position a marker of this listing encodes, or ``None`` if it is not one."""
    try:
        raw = base64.urlsafe_b64decode(marker + "=" * (-len(marker) % 4))
    except (binascii.Error, ValueError):
        return None
    head = _marker_scope(kind, scope)
    if len(raw) != len(head) + 8 or not raw.startswith(head):
        return None
    return int.from_bytes(raw[len(head) :], "big")


def start_position(marker: str | None, decode: int | None, behaviour: ListingBehaviour) -> int:
    """Where a page starts: 0 without a marker, the decoded position, or the unknown-marker rule."""
    if not marker:
        return 0
    if decode is not None:
        return decode
    if behaviour.unknown_marker == "restart":
        return 0
    raise invalid_parameter(f"Invalid marker: {marker}")  # inferred wording


def vault_info(vault: Vault) -> VaultInfo:
    """The DescribeVault view of ``vault``."""
    return VaultInfo(
        vault_arn=vault.arn,
        vault_name=vault.name,
        creation_date=vault.created,
        last_inventory_date=vault.last_inventory,
        number_of_archives=vault.inventory_archives,
        size_in_bytes=vault.inventory_size,
    )
