"""Glacier vault semantics: CreateVault, DescribeVault, ListVaults, DeleteVault.

Pure functions over :class:`~mockmpu.core.state.MpuState` raising
:class:`~mockmpu.core.errors.ServiceError`; re-exported by :mod:`mockmpu.glacier.semantics`.
"""

from __future__ import annotations

import bisect

from mockmpu.core.state import MpuState, Vault
from mockmpu.glacier.rules import (
    DEFAULT_LISTING,
    VAULT_LIST_LIMIT_DEFAULT,
    VAULT_LIST_LIMIT_MAX,
    VAULT_NAME_RE,
    ListingBehaviour,
    VaultInfo,
    VaultPage,
    VaultReceipt,
    arn_of,
    get_vault,
    invalid_parameter,
    page_limit,
    vault_info,
)


def create_vault(state: MpuState, *, account_id: str, region: str, vault_name: str) -> VaultReceipt:
    """Create a vault, or return the existing one (CreateVault is idempotent); 201.

    Names are 1-255 characters of ``a-z A-Z 0-9 _ - .``. ``location`` is
    ``/<account id>/vaults/<name>`` with the numeric account id even when the request said ``-``.
    Errors: InvalidParameterValueException 400 for a bad name (wording inferred:
    ``Invalid vault name: <name>``). Source: api-vault-put.

    Not modelled: the 1,000-vaults-per-region LimitExceededException; AccessDeniedException for
    an account id other than the caller's.
    """
    if not VAULT_NAME_RE.fullmatch(vault_name):
        raise invalid_parameter(f"Invalid vault name: {vault_name}")
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
        return vault_info(get_vault(state, account_id, region, vault_name))


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
    size = page_limit(limit, VAULT_LIST_LIMIT_DEFAULT, VAULT_LIST_LIMIT_MAX)
    account = state.resolve_account(account_id)
    prefix = arn_of(region, account, "")
    start_name = ""
    if marker:
        name = marker[len(prefix) :] if marker.startswith(prefix) else None
        if name is not None and VAULT_NAME_RE.fullmatch(name):
            start_name = name
        elif behaviour.unknown_marker == "error":
            raise invalid_parameter(f"Invalid marker: {marker}")
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
            page.append(vault_info(vault))
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
        vault = get_vault(state, account_id, region, vault_name)
        if vault.written_since_inventory or vault.inventory_archives or vault.uploads:
            raise invalid_parameter(f"Vault not empty or recently written to: {vault.arn}")
        state.remove_vault(vault)
