"""The fake's state: the clock, the id factory, the server switches and the ``MpuState``.

The records it holds (buckets, uploads, parts, vaults, archives) live in
:mod:`mockmpu.core.records` and are re-exported here.

Stdlib only, no AWS wire names. Every mutation goes through the semantics modules (``s3``,
``glacier``), which take ``state.lock`` (an ``RLock``) around their work.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import random
import string
import threading
from binascii import b2a_base64
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Callable, Union

from mockmpu.core.errors import MockmpuError
from mockmpu.core.records import (
    Archive,
    Bucket,
    CompletedObject,
    GlacierPart,
    GlacierUpload,
    Part,
    RetiredUpload,
    Upload,
    Vault,
)

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
    "http_date",
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
            # A clock standing still hands out one instance (datetimes are immutable), not an
            # equal copy per call: a million uploads arranged at one instant share it.
            return self._frozen + self._offset if self._offset else self._frozen
        base = datetime.now(timezone.utc) if self._source is None else _utc(self._source())
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
#: ``base64.urlsafe_b64encode``'s alphabet from the standard one.
_URLSAFE = bytes.maketrans(b"+/", b"-_")


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
        # ``_token(72)`` without its calls: 72 bytes are 96 base64 characters, never padded.
        with self._lock:
            raw = self._rng.getrandbits(576).to_bytes(72, "big")
        return b2a_base64(raw, newline=False).translate(_URLSAFE).decode("ascii")

    def s3_upload_ids(self, n: int) -> list[str]:
        """``n`` S3 upload ids: the same ids as ``n`` calls of :meth:`s3_upload_id`, faster.

        ``getrandbits(576 * k)`` draws the same 32-bit words as ``k`` draws of 576 bits, the
        first draw in the lowest bits; 72 bytes are 96 base64 characters without padding, so
        one encoding of the big-endian bytes holds every id, the last drawn first.
        """
        ids: list[str] = []
        with self._lock:
            while len(ids) < n:
                k = min(n - len(ids), 4096)
                raw = self._rng.getrandbits(576 * k).to_bytes(72 * k, "big")
                text = base64.urlsafe_b64encode(raw).decode("ascii")
                ids.extend(text[i : i + 96] for i in range(96 * (k - 1), -1, -96))
        return ids

    def glacier_upload_id(self) -> str:
        return self._token(69)

    def archive_id(self) -> str:
        return self._token(104)[:138]

    def request_id(self) -> str:
        # What 16 calls of ``self._rng.choice(_ALNUM_UPPER)`` return (``Random._randbelow``:
        # draw bit_length(36) = 6 bits, again while >= 36), without their Python frames.
        getrandbits = self._rng.getrandbits
        chars: list[str] = []
        with self._lock:
            while len(chars) < 16:
                r = getrandbits(6)
                if r < 36:
                    chars.append(_ALNUM_UPPER[r])
        return "".join(chars)

    def glacier_request_id(self) -> str:
        """A Glacier ``x-amzn-RequestId``: ``AAAB`` + 43 URL-safe characters, as AWS sends."""
        return "AAAB" + self._token(32)

    def host_id(self) -> str:
        # base64 of the first 56 characters of ``self._token(56)``, with binascii directly.
        with self._lock:
            raw = self._rng.getrandbits(448).to_bytes(56, "big")
        token = binascii.b2a_base64(raw, newline=False)[:56].translate(_URLSAFE)
        return binascii.b2a_base64(token, newline=False).decode("ascii")


#: The last value formatted, its whole second and its text.
_LAST_HTTP_DATE: tuple[datetime, datetime, str] | None = None


def http_date(value: datetime) -> str:
    """``Sat, 05 Dec 2026 09:04:32 GMT``: an HTTP ``Date`` (IMF-fixdate, whole seconds, UTC).

    ``email.utils.format_datetime(value, usegmt=True)`` of the UTC time; the last second
    formatted is remembered, since a test's calls mostly fall in the same second.
    """
    global _LAST_HTTP_DATE
    last = _LAST_HTTP_DATE
    if last is not None and last[0] == value:  # the very instant again (a frozen clock)
        return last[2]
    whole = value.replace(microsecond=0)
    if last is not None and last[1] == whole:
        text = last[2]
    else:
        text = format_datetime(whole.astimezone(timezone.utc), usegmt=True)
    _LAST_HTTP_DATE = (value, whole, text)
    return text


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

    def next_seqs(self, n: int) -> range:
        """Take ``n`` initiation sequence numbers at once (as ``n`` calls of :meth:`next_seq`)."""
        with self.lock:
            first = self._seq + 1
            self._seq += n
            return range(first, first + n)

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
