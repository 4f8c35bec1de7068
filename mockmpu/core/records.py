"""The records an ``MpuState`` holds: S3 buckets, uploads and parts; Glacier vaults and archives.

Stdlib and ``sortedcontainers`` only, no AWS wire names. Re-exported by
:mod:`mockmpu.core.state`. The records a state holds by the hundred thousand (``Upload``,
``Part``, ``RetiredUpload``) have ``__slots__``, which keeps a million uploads in well under a
gigabyte. ``Bucket.index`` is a ``SortedList``, so uploads created in any key order cost
O(log n) each."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sortedcontainers import SortedList

from mockmpu.core.bodies import KeptBody, body_bytes
from mockmpu.core.upload import Part, Upload, slotted

__all__ = [
    "Archive",
    "Bucket",
    "CompletedObject",
    "GlacierPart",
    "GlacierUpload",
    "Part",
    "RetiredUpload",
    "Upload",
    "Vault",
    "order_of",
    "position_after",
]

# --------------------------------------------------------------------------------------------- S3


@dataclass
class CompletedObject:
    """An object produced by CompleteMultipartUpload: size in bytes, quoted ``"<hex>-N"`` ETag."""

    bucket: str
    key: str
    upload_id: str
    size: int
    etag: str
    part_count: int
    completed: datetime
    parts: list[Part] = field(default_factory=list)
    #: the object checksum of a COMPOSITE-checksum upload (``"<base64>-N"``) and its algorithm.
    checksum_algorithm: str | None = None
    checksum: str | None = None
    checksum_type: str | None = None
    #: what CreateMultipartUpload set: storage class, ``Content-Type``, ``x-amz-meta-*``.
    storage_class: str = "STANDARD"
    content_type: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    #: when the upload that made it was initiated (UTC); ``None`` for objects made without one.
    initiated: datetime | None = None

    @property
    def last_modified(self) -> datetime:
        """The object's ``Last-Modified`` (UTC): its upload's initiation time, else ``completed``.

        "For multipart uploads, the object creation date is the date of initiation of the
        multipart upload" (S3 User Guide, system-defined object metadata,
        https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMetadata.html).
        """
        return self.initiated if self.initiated is not None else self.completed

    @property
    def body(self) -> bytes | None:
        """The assembled bytes, when part bodies were kept; otherwise ``None``."""
        if any(p.body is None for p in self.parts):
            return None
        return b"".join(body_bytes(p.body) or b"" for p in self.parts)


@slotted
@dataclass
class RetiredUpload:
    """Where a completed or aborted S3 upload stood in the listing order.

    S3 still accepts such an upload's id as ``upload-id-marker`` (the paginate-and-abort pattern
    of every cleanup tool depends on it) and resumes after its old position.
    """

    upload_id: str
    key: str
    initiated: datetime
    seq: int


@dataclass
class Bucket:
    """An S3 bucket with its in-progress uploads and completed objects.

    The ListMultipartUploads order is key UTF-8 byte order, then initiation time, then creation.
    ``index`` is a ``SortedList`` of the keys that have in-progress uploads: Python orders ``str``
    by code point, which is the order of the UTF-8 bytes (UTF-8 keeps code point order), so keys
    sort as S3 sorts them without an encoded copy. ``by_key`` maps each of those keys to its
    upload, or to a list of its uploads in (initiated, seq, upload_id) order when it has several.
    Adding or removing one upload costs O(log n) in any key order (plus O(m) list moves for m
    uploads of one key).
    """

    name: str
    region: str
    created: datetime
    uploads: dict[str, Upload] = field(default_factory=dict)
    index: SortedList = field(default_factory=SortedList)
    by_key: dict[str, Upload | list[Upload]] = field(default_factory=dict)
    objects: dict[str, CompletedObject] = field(default_factory=dict)
    retired: dict[str, RetiredUpload] = field(default_factory=dict)

    def add_upload(self, upload: Upload) -> None:
        self.uploads[upload.upload_id] = upload
        key = upload.key
        if key in self.by_key:
            self._index_add(upload)
        else:  # a new key, the common case, without the call
            self.by_key[key] = upload
            self.index.add(key)

    def _index_add(self, upload: Upload) -> None:
        key = upload.key
        have = self.by_key.get(key)
        if have is None:
            self.by_key[key] = upload
            self.index.add(key)
        elif isinstance(have, list):
            have.insert(position_after(have, order_of(upload)), upload)
        else:
            pair = [have]
            pair.insert(position_after(pair, order_of(upload)), upload)
            self.by_key[key] = pair

    def add_uploads(self, uploads: list[Upload]) -> None:
        """Add many uploads at once (for bulk arrangement): one sort, not one insert each."""
        fresh = {u.key: u for u in uploads}
        if len(fresh) < len(uploads) or not fresh.keys().isdisjoint(self.by_key):
            for upload in uploads:  # keys repeat: one by one
                self.add_upload(upload)
            return
        self.uploads.update({u.upload_id: u for u in uploads})
        self.by_key.update(fresh)
        self.index.update(fresh)

    def remove_upload(self, upload: Upload) -> None:
        """Drop a completed or aborted upload from ``uploads`` and the index; keep its place."""
        del self.uploads[upload.upload_id]
        key = upload.key
        have = self.by_key[key]
        if isinstance(have, list):
            have.remove(upload)
            if len(have) == 1:
                self.by_key[key] = have[0]
        else:
            del self.by_key[key]
            self.index.remove(key)
        self.retired[upload.upload_id] = RetiredUpload(
            upload.upload_id, upload.key, upload.initiated, upload.seq
        )

    def uploads_in(self, keys: Iterable[str]) -> list[Upload]:
        """The uploads of ``keys`` (taken from ``index``, in its order), in listing order."""
        by_key = self.by_key
        out: list[Upload] = []
        for key in keys:
            have = by_key[key]
            if isinstance(have, list):
                out.extend(have)
            else:
                out.append(have)
        return out

    def sorted_uploads(self) -> Iterator[Upload]:
        return iter(self.uploads_in(self.index))

    def rebuild_index(self) -> None:
        """Make ``index`` and ``by_key`` anew from ``uploads`` (after loading a state file)."""
        self.index = SortedList()
        self.by_key = {}
        for upload in self.uploads.values():
            self._index_add(upload)


def order_of(upload: Upload | RetiredUpload) -> tuple[datetime, int, str]:
    """Where an upload stands among the uploads of its key: ``(initiated, seq, upload_id)``."""
    return (upload.initiated, upload.seq, upload.upload_id)


def position_after(group: list[Upload], order: tuple[datetime, int, str]) -> int:
    """The index in ``group`` (uploads of one key, in order) right after ``order``."""
    lo, hi = 0, len(group)
    while lo < hi:
        mid = (lo + hi) // 2
        if order < order_of(group[mid]):
            hi = mid
        else:
            lo = mid + 1
    return lo


# ---------------------------------------------------------------------------------------- Glacier


@dataclass
class GlacierPart:
    """One uploaded Glacier part: inclusive byte range, hex SHA-256 tree hash, size in bytes."""

    range_start: int
    range_end: int
    tree_hash: str
    size: int
    body: KeptBody | None = None


@dataclass
class GlacierUpload:
    """An in-progress Glacier multipart upload; ``parts`` is keyed by the range's first byte."""

    account_id: str
    region: str
    vault_name: str
    upload_id: str
    part_size: int
    description: str | None
    created: datetime
    seq: int
    parts: dict[int, GlacierPart] = field(default_factory=dict)
    part_starts: list[int] = field(default_factory=list)  # sorted keys of ``parts``

    @property
    def vault_arn(self) -> str:
        return f"arn:aws:glacier:{self.region}:{self.account_id}:vaults/{self.vault_name}"

    def put_part(self, part: GlacierPart) -> None:
        """Add or overwrite a part, keeping ``part_starts`` sorted."""
        if part.range_start not in self.parts:
            bisect.insort(self.part_starts, part.range_start)
        self.parts[part.range_start] = part

    def sorted_parts(self) -> Iterator[GlacierPart]:
        return (self.parts[start] for start in self.part_starts)


@dataclass
class Archive:
    """A Glacier archive produced by CompleteMultipartUpload (size in bytes, hex tree hash)."""

    archive_id: str
    vault_name: str
    size: int
    tree_hash: str
    description: str | None
    created: datetime
    upload_id: str | None = None
    body: KeptBody | None = None


@dataclass
class Vault:
    """A Glacier vault, keyed in the state by ``(account_id, region, name)``."""

    account_id: str
    region: str
    name: str
    created: datetime
    uploads: dict[str, GlacierUpload] = field(default_factory=dict)
    archives: dict[str, Archive] = field(default_factory=dict)
    #: ``(seq, upload_id)`` of every in-progress upload, sorted: the listing order.
    upload_index: list[tuple[int, str]] = field(default_factory=list)
    #: upload id -> archive id, for uploads that completed (Complete is idempotent).
    completed_uploads: dict[str, str] = field(default_factory=dict)
    #: ids of aborted uploads (aborting again succeeds).
    aborted_uploads: set[str] = field(default_factory=set)
    #: the last inventory: when, and the archive count and bytes it saw (``None``: never ran).
    last_inventory: datetime | None = None
    inventory_archives: int = 0
    inventory_size: int = 0
    #: an archive was written after the last inventory (DeleteVault then fails).
    written_since_inventory: bool = False

    @property
    def arn(self) -> str:
        return f"arn:aws:glacier:{self.region}:{self.account_id}:vaults/{self.name}"

    def add_upload(self, upload: GlacierUpload) -> None:
        self.uploads[upload.upload_id] = upload
        bisect.insort(self.upload_index, (upload.seq, upload.upload_id))

    def remove_upload(self, upload: GlacierUpload) -> None:
        """Drop an upload (completed or aborted) from ``uploads`` and ``upload_index``."""
        del self.uploads[upload.upload_id]
        i = bisect.bisect_left(self.upload_index, (upload.seq, upload.upload_id))
        del self.upload_index[i]

    def sorted_uploads(self) -> Iterator[GlacierUpload]:
        return (self.uploads[upload_id] for _, upload_id in self.upload_index)
