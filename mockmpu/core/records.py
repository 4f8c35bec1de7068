"""The records an ``MpuState`` holds: S3 buckets, uploads and parts; Glacier vaults and archives.

Stdlib and ``sortedcontainers`` only, no AWS wire names. Re-exported by
:mod:`mockmpu.core.state`. The records a state holds by the hundred thousand (``Upload``,
``Part``, ``RetiredUpload``) have ``__slots__``, which keeps a million uploads in well under a
gigabyte. ``Bucket.index`` is a ``SortedList``, so uploads created in any key order cost
O(log n) each.
"""

from __future__ import annotations

import bisect
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, TypeVar

from sortedcontainers import SortedList

from mockmpu.core.bodies import KeptBody, body_bytes

__all__ = [
    "Archive",
    "Bucket",
    "CompletedObject",
    "GlacierPart",
    "GlacierUpload",
    "IndexEntry",
    "Part",
    "RetiredUpload",
    "Upload",
    "Vault",
]

_C = TypeVar("_C", bound=type)

#: One ``Bucket.index`` entry: ``(utf-8 key bytes, initiated, seq, upload_id)``.
IndexEntry = tuple[bytes, datetime, int, str]


def _slotted(cls: _C) -> _C:
    """Give a dataclass ``__slots__`` (what ``dataclass(slots=True)`` does on Python 3.10+)."""
    names = tuple(f.name for f in fields(cls))
    namespace: dict[str, Any] = {
        k: v for k, v in cls.__dict__.items() if k not in (*names, "__dict__", "__weakref__")
    }
    namespace["__slots__"] = names
    slotted = type(cls)(cls.__name__, cls.__bases__, namespace)
    slotted.__qualname__ = cls.__qualname__
    return slotted


# --------------------------------------------------------------------------------------------- S3


@_slotted
@dataclass
class Part:
    """One uploaded S3 part. ``etag`` is quoted hex MD5; ``md5`` the binary digest; sizes in bytes.

    ``checksums`` maps the algorithm (``"CRC32"``, ``"SHA256"`` ...) to the base64 value sent.
    ``body`` is kept only when the state keeps bodies: the bytes, or where they were spilled to
    disk (``core.bodies``; read either with ``body_bytes``).
    """

    part_number: int
    size: int
    etag: str
    md5: bytes
    last_modified: datetime
    checksums: dict[str, str] = field(default_factory=dict)
    body: KeptBody | None = None
    #: base64 CRC64NVME of the part, for uploads created without a checksum algorithm: S3's
    #: default full-object checksum of the completed object is combined from these.
    crc64nvme: str | None = None


class _Unwritable:
    """Marks the shared empty containers of an upload without parts."""

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(
            "this upload's parts or metadata are a shared empty container: add parts with "
            "Upload.put_part, give metadata as a new dict"
        )


class _NoParts(_Unwritable, dict):  # type: ignore[type-arg]
    __slots__ = ()
    __hash__ = object.__hash__  # type: ignore[assignment]  # a dataclass default must hash
    __setitem__ = __delitem__ = update = setdefault = pop = popitem = clear = _Unwritable._refuse
    __ior__ = _Unwritable._refuse


class _NoPartNumbers(_Unwritable, list):  # type: ignore[type-arg]
    __slots__ = ()
    __hash__ = object.__hash__  # type: ignore[assignment]
    __setitem__ = __delitem__ = append = insert = extend = remove = pop = clear = (
        _Unwritable._refuse
    )
    sort = reverse = __iadd__ = __imul__ = _Unwritable._refuse


_NO_PARTS: dict[int, Any] = _NoParts()
_NO_METADATA: dict[str, str] = _NoParts()
_NO_PART_NUMBERS: list[int] = _NoPartNumbers()


def _shared(empty: Any) -> Any:
    """A field defaulting to one of the shared empty containers above.

    Python 3.11+ accepts it as a plain default (it hashes); older dataclasses refuse any dict or
    list default, so there the same object comes from a factory (one call per record).
    """
    if sys.version_info >= (3, 11):
        return field(default=empty)
    return field(default_factory=lambda: empty)


@_slotted
@dataclass
class Upload:
    """An in-progress S3 multipart upload; ``seq`` is its initiation order in the whole state."""

    bucket: str
    key: str
    upload_id: str
    initiated: datetime
    seq: int
    storage_class: str = "STANDARD"
    checksum_algorithm: str | None = None
    checksum_type: str | None = None
    content_type: str | None = None
    #: without metadata, a shared empty mapping that refuses writes (pass a dict to have one).
    metadata: dict[str, str] = _shared(_NO_METADATA)  # noqa: RUF009 - a field(), see _shared
    #: until the first part, both are shared empty containers that refuse writes (an upload
    #: without parts then costs no containers of its own); write parts with :meth:`put_part`.
    parts: dict[int, Part] = _shared(_NO_PARTS)  # noqa: RUF009 - a field(), see _shared
    part_numbers: list[int] = _shared(_NO_PART_NUMBERS)  # noqa: RUF009 - sorted keys of parts

    def put_part(self, part: Part) -> None:
        """Add or overwrite a part, keeping ``part_numbers`` sorted."""
        if isinstance(self.parts, _Unwritable):
            self.parts = {}
        if isinstance(self.part_numbers, _Unwritable):
            self.part_numbers = list(self.part_numbers)
        if part.part_number not in self.parts:
            bisect.insort(self.part_numbers, part.part_number)
        self.parts[part.part_number] = part

    def sorted_parts(self) -> Iterator[Part]:
        return (self.parts[n] for n in self.part_numbers)


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


@_slotted
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

    ``index`` holds an :data:`IndexEntry` ``(utf-8 key bytes, initiated, seq, upload_id)`` for
    every in-progress upload in a ``SortedList``: the ListMultipartUploads order (key byte order,
    then initiation time, then creation). Adding or removing one upload costs O(log n) in any
    key order.
    """

    name: str
    region: str
    created: datetime
    uploads: dict[str, Upload] = field(default_factory=dict)
    index: SortedList = field(default_factory=SortedList)
    objects: dict[str, CompletedObject] = field(default_factory=dict)
    retired: dict[str, RetiredUpload] = field(default_factory=dict)

    def add_upload(self, upload: Upload) -> None:
        self.uploads[upload.upload_id] = upload
        self.index.add(self.index_entry(upload))

    def add_uploads(self, uploads: list[Upload]) -> None:
        """Add many uploads at once (for bulk arrangement): one sort, not one insert each."""
        self.uploads.update((u.upload_id, u) for u in uploads)
        entry = self.index_entry
        self.index.update([entry(u) for u in uploads])

    def remove_upload(self, upload: Upload) -> None:
        """Drop a completed or aborted upload from ``uploads`` and ``index``; keep its place."""
        del self.uploads[upload.upload_id]
        self.index.remove(self.index_entry(upload))
        self.retired[upload.upload_id] = RetiredUpload(
            upload.upload_id, upload.key, upload.initiated, upload.seq
        )

    def sorted_uploads(self) -> Iterator[Upload]:
        return (self.uploads[entry[3]] for entry in self.index)

    @staticmethod
    def index_entry(upload: Upload) -> IndexEntry:
        return (upload.key.encode("utf-8"), upload.initiated, upload.seq, upload.upload_id)


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
