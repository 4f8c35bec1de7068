"""The fake's state: plain data, a deterministic id factory and an injectable clock.

Stdlib only, no AWS wire names. Every mutation goes through the semantics modules (``_s3``,
``_glacier``), which take ``state.lock`` (an ``RLock``) around their work.
"""

from __future__ import annotations

import base64
import bisect
import random
import string
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable, Union

from mockmpu.core.errors import MockmpuError

__all__ = [
    "DEFAULT_ACCOUNT_ID",
    "DEFAULT_REGION",
    "Archive",
    "Bucket",
    "Clock",
    "ClockSource",
    "CompletedObject",
    "GlacierPart",
    "GlacierUpload",
    "IdFactory",
    "MpuState",
    "Part",
    "RetiredUpload",
    "ServerBehaviour",
    "Upload",
    "Vault",
]

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"

ClockSource = Union[datetime, Callable[[], datetime], None]


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise MockmpuError(
            "mockmpu clocks need timezone-aware datetimes; pass e.g. "
            "datetime(2024, 1, 1, tzinfo=timezone.utc)."
        )
    return value.astimezone(timezone.utc)


class Clock:
    """The mock's clock (UTC).

    ``Clock()`` follows the wall clock; ``Clock(datetime)`` stands still at that instant;
    ``Clock(callable)`` asks the callable. In every mode :meth:`advance` and :meth:`set` move it, so
    "uploads initiated 30 days ago" can be arranged without sleeping.
    """

    def __init__(self, source: ClockSource = None) -> None:
        self._offset = timedelta(0)
        self._frozen: datetime | None = None
        self._source: Callable[[], datetime] | None = None
        if isinstance(source, datetime):
            self._frozen = _utc(source)
        elif callable(source):
            self._source = source
        elif source is not None:
            raise TypeError(
                "clock= takes a timezone-aware datetime, a callable returning one, or None "
                f"(the wall clock), not {type(source).__name__}."
            )

    def now(self) -> datetime:
        """Return the current mock time, timezone-aware UTC."""
        if self._frozen is not None:
            base = self._frozen
        elif self._source is not None:
            base = _utc(self._source())
        else:
            base = datetime.now(timezone.utc)
        return base + self._offset

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        """Move the clock forward by ``delta`` or ``timedelta(**kwargs)``; return the new time."""
        step = (delta or timedelta(0)) + timedelta(**kwargs)
        self._offset += step
        return self.now()

    def set(self, when: datetime) -> None:
        """Make :meth:`now` return ``when`` at this instant (it keeps following its source)."""
        self._offset += _utc(when) - self.now()


_ALNUM_UPPER = string.ascii_uppercase + string.digits


class IdFactory:
    """Deterministic, URL-safe identifiers drawn from one seeded generator.

    The same seed and the same sequence of calls give the same ids. Lengths follow what AWS sends:
    S3 upload ids of 96 characters from ``[A-Za-z0-9_-]`` (real ones are 100-130 of
    ``[A-Za-z0-9._-]``), Glacier upload ids of 92 and archive ids of 138 characters, request ids of
    16 upper-case alphanumerics.
    """

    def __init__(self, seed: int | None = 0) -> None:
        self.seed = seed
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def getstate(self) -> tuple[object, ...]:
        """Return the generator's position (``random.Random.getstate()``), for scenario files."""
        with self._lock:
            return self._rng.getstate()

    def setstate(self, rng_state: tuple[object, ...]) -> None:
        """Move the generator to a position returned by :meth:`getstate`."""
        with self._lock:
            self._rng.setstate(rng_state)

    def _token(self, nbytes: int) -> str:
        with self._lock:
            raw = self._rng.getrandbits(nbytes * 8).to_bytes(nbytes, "big")
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    def s3_upload_id(self) -> str:
        return self._token(72)

    def glacier_upload_id(self) -> str:
        return self._token(69)

    def archive_id(self) -> str:
        return self._token(104)[:138]

    def request_id(self) -> str:
        with self._lock:
            return "".join(self._rng.choice(_ALNUM_UPPER) for _ in range(16))

    def glacier_request_id(self) -> str:
        """A Glacier ``x-amzn-RequestId``: ``AAAB`` + 43 URL-safe characters, as AWS sends."""
        return "AAAB" + self._token(32)

    def host_id(self) -> str:
        return base64.b64encode(self._token(56).encode("ascii")[:56]).decode("ascii")


# --------------------------------------------------------------------------------------------- S3


@dataclass
class Part:
    """One uploaded S3 part. ``etag`` is quoted hex MD5; ``md5`` the binary digest; sizes in bytes.

    ``checksums`` maps the algorithm (``"CRC32"``, ``"SHA256"`` ...) to the base64 value sent.
    ``body`` is kept only when the state was created with ``keep_bodies=True``.
    """

    part_number: int
    size: int
    etag: str
    md5: bytes
    last_modified: datetime
    checksums: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    #: base64 CRC64NVME of the part, for uploads created without a checksum algorithm: S3's
    #: default full-object checksum of the completed object is combined from these.
    crc64nvme: str | None = None


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
    metadata: dict[str, str] = field(default_factory=dict)
    parts: dict[int, Part] = field(default_factory=dict)
    part_numbers: list[int] = field(default_factory=list)  # sorted keys of ``parts``

    def put_part(self, part: Part) -> None:
        """Add or overwrite a part, keeping ``part_numbers`` sorted."""
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

    @property
    def body(self) -> bytes | None:
        """The assembled bytes, when part bodies were kept; otherwise ``None``."""
        if any(p.body is None for p in self.parts):
            return None
        return b"".join(p.body or b"" for p in self.parts)


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

    ``index`` holds ``(utf-8 key bytes, initiated, seq, upload_id)`` for every in-progress upload,
    sorted: the ListMultipartUploads order (key byte order, then initiation time, then creation).
    """

    name: str
    region: str
    created: datetime
    uploads: dict[str, Upload] = field(default_factory=dict)
    index: list[tuple[bytes, datetime, int, str]] = field(default_factory=list)
    objects: dict[str, CompletedObject] = field(default_factory=dict)
    retired: dict[str, RetiredUpload] = field(default_factory=dict)

    def add_upload(self, upload: Upload) -> None:
        self.uploads[upload.upload_id] = upload
        bisect.insort(self.index, self.index_entry(upload))

    def add_uploads(self, uploads: list[Upload]) -> None:
        """Add many uploads, sorting the index once (for bulk arrangement)."""
        self.uploads.update((u.upload_id, u) for u in uploads)
        entry = self.index_entry
        self.index.extend(entry(u) for u in uploads)
        self.index.sort()

    def remove_upload(self, upload: Upload) -> None:
        """Drop a completed or aborted upload from ``uploads`` and ``index``; keep its place."""
        del self.uploads[upload.upload_id]
        i = bisect.bisect_left(self.index, self.index_entry(upload))
        del self.index[i]
        self.retired[upload.upload_id] = RetiredUpload(
            upload.upload_id, upload.key, upload.initiated, upload.seq
        )

    def sorted_uploads(self) -> Iterator[Upload]:
        return (self.uploads[entry[3]] for entry in self.index)

    @staticmethod
    def index_entry(upload: Upload) -> tuple[bytes, datetime, int, str]:
        return (upload.key.encode("utf-8"), upload.initiated, upload.seq, upload.upload_id)


# ---------------------------------------------------------------------------------------- Glacier


@dataclass
class GlacierPart:
    """One uploaded Glacier part: inclusive byte range, hex SHA-256 tree hash, size in bytes."""

    range_start: int
    range_end: int
    tree_hash: str
    size: int
    body: bytes | None = None


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
    body: bytes | None = None


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


# ------------------------------------------------------------------------------------------ state


@dataclass
class ServerBehaviour:
    """Switches for server behaviour other than AWS's, for fault and compatibility scenarios.

    The defaults are AWS's behaviour. They belong to the state, so scenario files keep them.

    Attributes:
        glacier_end_marker: how Glacier listings end: ``"null"`` (JSON null, AWS), ``"absent"``,
            ``"string-null"`` or ``"string-None"`` (the strings ``"null"`` / ``"None"``).
        glacier_unknown_marker: a Glacier marker the fake did not issue: ``"error"`` (400
            InvalidParameterValueException) or ``"restart"`` (the first page again).
        omit_next_upload_id_marker: S3 ListMultipartUploads leaves out ``NextUploadIdMarker``
            (lakeFS #9035, storj/edge #213).
        stuck_next_part_number_marker: S3 ListParts repeats the request's marker as
            ``NextPartNumberMarker`` (minio #1522, ceph tracker 50293).
        strict_empty_markers: S3 ListMultipartUploads rejects empty ``key-marker`` /
            ``upload-id-marker`` (Google Cloud Storage's S3 API; syslog-ng #4956).
    """

    glacier_end_marker: str = "null"
    glacier_unknown_marker: str = "error"
    omit_next_upload_id_marker: bool = False
    stuck_next_part_number_marker: bool = False
    strict_empty_markers: bool = False


class MpuState:
    """The whole fake: S3 buckets and Glacier vaults, with the clock, ids and lock they share.

    Args:
        seed: seeds every generated id (upload ids, archive ids, request ids).
        clock: a :class:`Clock`, or what :class:`Clock` accepts.
        account_id: the 12-digit account that Glacier's ``-`` stands for.
        keep_bodies: keep part bodies (otherwise only sizes and hashes are kept).
    """

    def __init__(
        self,
        *,
        seed: int | None = 0,
        clock: Clock | ClockSource = None,
        account_id: str = DEFAULT_ACCOUNT_ID,
        keep_bodies: bool = False,
    ) -> None:
        if not (isinstance(account_id, str) and len(account_id) == 12 and account_id.isdigit()):
            raise MockmpuError(
                f"account_id must be a 12-digit string such as {DEFAULT_ACCOUNT_ID!r}, "
                f"not {account_id!r}."
            )
        self.lock = threading.RLock()
        self.clock = clock if isinstance(clock, Clock) else Clock(clock)
        self.ids = IdFactory(seed)
        self.account_id = account_id
        self.keep_bodies = keep_bodies
        self.behaviour = ServerBehaviour()
        self.buckets: dict[str, Bucket] = {}
        self.vaults: dict[tuple[str, str, str], Vault] = {}
        #: sorted keys of ``vaults``: ListVaults pages through it without scanning.
        self.vault_keys: list[tuple[str, str, str]] = []
        self._seq = 0

    def next_seq(self) -> int:
        """Return the next initiation sequence number (strictly increasing over the state)."""
        with self.lock:
            self._seq += 1
            return self._seq

    @property
    def last_seq(self) -> int:
        """The last initiation sequence number issued (0: none yet); scenario files keep it."""
        with self.lock:
            return self._seq

    @last_seq.setter
    def last_seq(self, value: int) -> None:
        with self.lock:
            self._seq = value

    def resolve_account(self, account_id: str) -> str:
        """Map Glacier's ``-`` to the state's account id."""
        return self.account_id if account_id == "-" else account_id

    def add_vault(self, vault: Vault) -> None:
        """Register a vault under ``(account_id, region, name)``, keeping ``vault_keys`` sorted."""
        key = (vault.account_id, vault.region, vault.name)
        if key not in self.vaults:
            bisect.insort(self.vault_keys, key)
        self.vaults[key] = vault

    def remove_vault(self, vault: Vault) -> None:
        key = (vault.account_id, vault.region, vault.name)
        del self.vaults[key]
        del self.vault_keys[bisect.bisect_left(self.vault_keys, key)]
