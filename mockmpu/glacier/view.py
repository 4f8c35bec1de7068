"""``mpu.glacier``: arrange and inspect Glacier vaults, multipart uploads, parts and archives.

Everything here writes through :mod:`._glacier`, so the state's invariants (sorted indexes,
tree hashes, part alignment) hold exactly as if the calls had come over the wire. Misuse raises
:class:`~mockmpu.MockmpuError` with one sentence saying what to do.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from mockmpu.core.errors import MockmpuError, ServiceError
from mockmpu.core.state import DEFAULT_REGION, Archive, GlacierPart, GlacierUpload, MpuState, Vault
from mockmpu.glacier import semantics as glacier
from mockmpu.glacier.aws_cli import import_glacier

__all__ = ["MIB", "GlacierView"]

MIB = glacier.MIB


class GlacierView:
    """Arrange and assert Glacier state in domain terms (exposed as ``mpu.glacier``).

    A vault is named by its name (with ``account_id=`` / ``region=``, default ``"-"`` = the
    state's account, and ``us-east-1``) or passed as the :class:`Vault` object a method returned.
    Part positions are 0-based indexes: part ``i`` covers bytes ``i * part_size`` onwards.
    """

    def __init__(self, state: MpuState) -> None:
        self.state = state

    # ----------------------------------------------------------------------------------- vaults

    def create_vault(
        self, name: str, *, account_id: str = "-", region: str = DEFAULT_REGION
    ) -> Vault:
        """Create a vault (or return the existing one, as CreateVault does)."""
        try:
            receipt = glacier.create_vault(
                self.state, account_id=account_id, region=region, vault_name=name
            )
        except ServiceError as error:
            raise MockmpuError(
                f"{name!r} is not a valid vault name ({error.message}); use 1-255 characters "
                "from a-z A-Z 0-9 _ - ."
            ) from None
        return receipt.vault

    def vault(self, name: str, *, account_id: str = "-", region: str = DEFAULT_REGION) -> Vault:
        """Return an existing vault."""
        return self._vault(name, account_id, region)

    def vaults(self, *, account_id: str | None = None, region: str | None = None) -> list[Vault]:
        """All vaults sorted by (account, region, name); filter by ``account_id`` / ``region``."""
        account = None if account_id is None else self.state.resolve_account(account_id)
        with self.state.lock:
            return [
                self.state.vaults[key]
                for key in self.state.vault_keys
                if (account is None or key[0] == account) and (region is None or key[1] == region)
            ]

    def take_inventory(
        self, vault: str | Vault, *, account_id: str = "-", region: str = DEFAULT_REGION
    ) -> Vault:
        """Run the vault inventory now: DescribeVault then reports the archives it holds."""
        v = self._vault(vault, account_id, region)
        with self.state.lock:
            v.last_inventory = self.state.clock.now()
            v.inventory_archives = len(v.archives)
            v.inventory_size = sum(a.size for a in v.archives.values())
            v.written_since_inventory = False
        return v

    def archives(
        self, vault: str | Vault, *, account_id: str = "-", region: str = DEFAULT_REGION
    ) -> list[Archive]:
        """The vault's archives, in completion order."""
        v = self._vault(vault, account_id, region)
        with self.state.lock:
            return list(v.archives.values())

    # ---------------------------------------------------------------------------------- uploads

    def initiate_multipart_upload(
        self,
        vault: str | Vault,
        *,
        part_size: int = MIB,
        description: str | None = None,
        parts: int | Iterable[int] | None = None,
        data: bytes | None = None,
        archive_size: int | None = None,
        created: datetime | None = None,
        account_id: str = "-",
        region: str = DEFAULT_REGION,
    ) -> GlacierUpload:
        """Initiate an upload and optionally upload some of its parts.

        Args:
            part_size: bytes, 1 MiB times a power of two up to 4 GiB.
            description: the archive description (``None``: none).
            parts: which parts to upload: a count ``n`` (parts ``0..n-1``) or 0-based indexes
                (``[0, 1, 3]`` leaves a gap). Default: every part of ``data`` /
                ``archive_size``, or none.
            data: the archive's bytes; part ``i`` is ``data[i*part_size:(i+1)*part_size]``.
            archive_size: without ``data``, the archive size in bytes: parts are zero-filled
                (hashed without building them) and the last one is short.
                Without either, every part is a full ``part_size`` of zeros.
            created: back-date the upload (its CreationDate); listing order stays creation order.
        """
        v = self._vault(vault, account_id, region)
        if data is not None and archive_size is not None and archive_size != len(data):
            raise MockmpuError("Pass either data= or archive_size=, not both with different sizes.")
        try:
            receipt = glacier.initiate_multipart_upload(
                self.state,
                account_id=v.account_id,
                region=v.region,
                vault_name=v.name,
                part_size=str(part_size),
                archive_description=description,
                created=created,
            )
        except ServiceError as error:
            raise MockmpuError(
                f"Cannot initiate this upload ({error.message}); use a part_size of 1 MiB times a "
                "power of two and a description of printable ASCII up to 1024 characters."
            ) from None
        upload = receipt.upload
        total = len(data) if data is not None else archive_size
        if parts is None:
            indexes: Iterable[int] = range(-(-total // part_size)) if total else ()
        elif isinstance(parts, int):
            indexes = range(parts)
        else:
            indexes = parts
        for index in indexes:
            self._put_part(v, upload, index, data, total)
        return upload

    def upload_multipart_part(
        self,
        vault: str | Vault,
        upload_id: str,
        *,
        index: int,
        data: bytes | None = None,
        size: int | None = None,
        account_id: str = "-",
        region: str = DEFAULT_REGION,
    ) -> GlacierPart:
        """Upload (or overwrite) part ``index``: ``data``, else ``size`` zero bytes (default: a
        full part)."""
        v = self._vault(vault, account_id, region)
        upload = self._upload(v, upload_id)
        if data is not None and size is not None and size != len(data):
            raise MockmpuError("Pass either data= or size=, not both with different lengths.")
        if data is None:
            total = index * upload.part_size + (size if size is not None else upload.part_size)
            return self._put_part(v, upload, index, None, total)
        return self._put_part(v, upload, index, data, None, whole=True)

    def complete_multipart_upload(
        self,
        vault: str | Vault,
        upload_id: str,
        *,
        account_id: str = "-",
        region: str = DEFAULT_REGION,
    ) -> Archive:
        """Complete an upload whose parts cover the archive, with the right size and tree hash."""
        v = self._vault(vault, account_id, region)
        upload = self._upload(v, upload_id)
        with self.state.lock:
            parts = list(upload.sorted_parts())
        if not parts:
            raise MockmpuError(f"Upload {upload_id} has no parts; upload them before completing.")
        try:
            receipt = glacier.complete_multipart_upload(
                self.state,
                account_id=v.account_id,
                region=v.region,
                vault_name=v.name,
                upload_id=upload_id,
                archive_size=str(parts[-1].range_end + 1),
                checksum=glacier.combine_tree_hashes(p.tree_hash for p in parts),
            )
        except ServiceError:
            raise MockmpuError(
                f"Upload {upload_id}'s parts do not form a whole archive (a gap, or a short part "
                "before the last); upload the missing or short parts first."
            ) from None
        return receipt.archive

    def abort_multipart_upload(
        self,
        vault: str | Vault,
        upload_id: str,
        *,
        account_id: str = "-",
        region: str = DEFAULT_REGION,
    ) -> None:
        """Abort an in-progress upload."""
        v = self._vault(vault, account_id, region)
        self._upload(v, upload_id)
        glacier.abort_multipart_upload(
            self.state,
            account_id=v.account_id,
            region=v.region,
            vault_name=v.name,
            upload_id=upload_id,
        )

    def uploads(
        self, vault: str | Vault, *, account_id: str = "-", region: str = DEFAULT_REGION
    ) -> list[GlacierUpload]:
        """The vault's in-progress uploads, in initiation order (the listing order)."""
        v = self._vault(vault, account_id, region)
        with self.state.lock:
            return list(v.sorted_uploads())

    def upload(
        self,
        vault: str | Vault,
        upload_id: str,
        *,
        account_id: str = "-",
        region: str = DEFAULT_REGION,
    ) -> GlacierUpload:
        """An in-progress upload."""
        return self._upload(self._vault(vault, account_id, region), upload_id)

    def parts(
        self,
        vault: str | Vault,
        upload_id: str,
        *,
        account_id: str = "-",
        region: str = DEFAULT_REGION,
    ) -> list[GlacierPart]:
        """An in-progress upload's parts, sorted by range."""
        upload = self._upload(self._vault(vault, account_id, region), upload_id)
        with self.state.lock:
            return list(upload.sorted_parts())

    def import_aws_cli(
        self,
        source: str | os.PathLike[str] | Mapping[str, Any],
        *,
        vault: str | None = None,
        account_id: str | None = None,
        region: str | None = None,
        upload_id: str | None = None,
    ) -> list[GlacierUpload]:
        """Recreate uploads (or parts) from what the AWS CLI printed against a real vault.

        ``source`` is the JSON text, the path of a file holding it, or the parsed dict of:

        - ``aws glacier list-multipart-uploads --account-id - --vault-name V``: every listed
          upload is created with its ``MultipartUploadId`` verbatim, ``ArchiveDescription``,
          ``PartSizeInBytes`` and ``CreationDate`` (UTC), in the vault its ``VaultARN`` names
          (created if missing, dated at the earliest upload); ListMultipartUploads then lists
          them in the order printed. Returns the uploads in that order.
        - ``aws glacier list-parts ... --upload-id U``: adds the parts (``RangeInBytes``,
          ``SHA256TreeHash``; no bodies) to upload U. Output that describes the upload
          (``--no-paginate``) creates it if missing; the CLI's paginated output names neither
          upload nor vault, so pass ``upload_id=`` and ``vault=``. Returns ``[that upload]``.

        ``vault``, ``account_id`` and ``region`` override the parts of the ``VaultARN`` (``vault``
        is needed when the output lists nothing). The import is all or nothing. Raises
        :class:`~mockmpu.MockmpuError` for output that is not one of these commands' JSON, a
        listing from another account than the mock's (create the mock with
        ``mock_mpu(account_id=...)`` or pass ``account_id="-"``), an id the vault already knows,
        or values Glacier would refuse (part size, ranges, tree hashes; the AWS message is named).

        Source: the CLI prints botocore's glacier ListMultipartUploadsOutput / ListPartsOutput
        (https://docs.aws.amazon.com/cli/latest/reference/glacier/list-multipart-uploads.html).

        Not modelled: part bodies (archives completed from imported parts have no bytes).
        """
        return import_glacier(
            self.state,
            source,
            vault=vault,
            account_id=account_id,
            region=region,
            upload_id=upload_id,
        )

    # ---------------------------------------------------------------------------------- helpers

    def _vault(self, vault: str | Vault, account_id: str, region: str) -> Vault:
        if isinstance(vault, Vault):
            return vault
        account = self.state.resolve_account(account_id)
        found = self.state.vaults.get((account, region, vault))
        if found is None:
            raise MockmpuError(
                f"There is no Glacier vault {vault!r} in account {account}, {region}; "
                f"create it first with mpu.glacier.create_vault({vault!r})."
            )
        return found

    def _upload(self, vault: Vault, upload_id: str) -> GlacierUpload:
        upload = vault.uploads.get(upload_id)
        if upload is None:
            raise MockmpuError(
                f"There is no in-progress upload {upload_id!r} in vault {vault.name!r}; "
                f"mpu.glacier.uploads({vault.name!r}) lists the ids."
            )
        return upload

    def _put_part(
        self,
        vault: Vault,
        upload: GlacierUpload,
        index: int,
        data: bytes | None,
        total: int | None,
        *,
        whole: bool = False,
    ) -> GlacierPart:
        """Upload part ``index``: all of ``data`` (``whole``), its slice of ``data``, or zeros."""
        step = upload.part_size
        if index < 0:
            raise MockmpuError(f"Part index {index} is negative; parts are numbered from 0.")
        start = index * step
        if whole and data is not None:
            body: bytes | None = data
            size = len(data)
        elif data is not None:
            body = data[start : start + step]
            size = len(body)
        else:
            body = None
            size = step if total is None else min(step, total - start)
        if size <= 0:
            raise MockmpuError(
                f"Part index {index} is past the end of the archive; use an index below "
                f"{-(-(total or 0) // step)}."
            )
        hashed = glacier.tree_hash(body) if body is not None else glacier.zero_tree_hash(size)
        try:
            receipt = glacier.upload_multipart_part(
                self.state,
                account_id=vault.account_id,
                region=vault.region,
                vault_name=vault.name,
                upload_id=upload.upload_id,
                content_range=f"bytes {start}-{start + size - 1}/*",
                body_size=size,
                checksum=hashed,
                computed_tree_hash=hashed,
                body=body,
            )
        except ServiceError as error:
            raise MockmpuError(
                f"Cannot upload part {index} ({error.message}); parts are at most part_size "
                f"({step}) bytes and at most {glacier.MAX_PARTS} per upload."
            ) from None
        return receipt.part
