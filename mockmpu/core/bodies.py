"""Where kept part bodies live: in memory up to a budget, then in one temporary file per state.

Leaf module: stdlib only. :func:`store_body` is the one function that keeps a part body (S3
UploadPart, Glacier UploadMultipartPart and the arrange helpers all call it); it returns what
goes in ``Part.body``: ``None`` when the state does not keep bodies, the ``bytes`` themselves
while the state's in-memory budget lasts, and a :class:`SpilledBody` (an offset and a length in
the state's spill file) past it. So 10,000 parts of 5 MiB cost the budget plus a few hundred
bytes per part of memory; the rest is on disk, in a file deleted when the state is dropped.

Equal bodies are kept once: :meth:`BodyStore.keep` finds an earlier one by size and MD5, and
an UploadPart still being read asks :meth:`BodyStore.candidate` (by size and first 4 KiB) for
one to compare its blocks with as they arrive, so a repeated body is never gathered at all.

Readers never care which it is: :func:`body_bytes` and :func:`body_range` read either, and a
:class:`SpilledBody` compares equal to the ``bytes`` it holds.

Not modelled: the space of overwritten or aborted parts is given back only when the state is
dropped (the spill file only grows).
"""

from __future__ import annotations

import os
import tempfile
import threading
import weakref
import zlib
from typing import IO, Protocol, Union

__all__ = [
    "MEMORY_BUDGET",
    "BodyStore",
    "KeptBody",
    "SpilledBody",
    "body_bytes",
    "body_range",
    "body_size",
    "body_startswith",
    "store_body",
    "store_of",
]


class Keeper(Protocol):
    """A state that may keep part bodies (``MpuState`` is one; a Protocol so that this leaf
    module does not import the state that holds its bodies)."""

    @property
    def keep_bodies(self) -> bool: ...


#: Bytes of kept bodies a state holds in memory before it spills the next ones to disk.
MEMORY_BUDGET = 32 * 1024 * 1024
_READ_CHUNK = 8 * 1024 * 1024
#: Bodies at least this large are indexed by their first ``_HEAD`` bytes (:meth:`candidate`).
_HEAD_MIN = 64 * 1024
_HEAD = 4096


def _head_key(size: int, data: bytes | bytearray | memoryview) -> tuple[int, int]:
    return size, zlib.crc32(memoryview(data)[:_HEAD])


class SpilledBody:
    """A kept body in a state's spill file: ``size`` bytes at ``offset``.

    ``bytes(body)`` reads it; it compares equal to the bytes it holds.
    """

    __slots__ = ("_store", "offset", "size")

    def __init__(self, store: BodyStore, offset: int, size: int) -> None:
        self._store = store
        self.offset = offset
        self.size = size

    def __len__(self) -> int:
        return self.size

    def __bytes__(self) -> bytes:
        return self._store.read(self.offset, self.size)

    def read(self, start: int = 0, length: int | None = None) -> bytes:
        """Read ``length`` bytes (default: to the end) from ``start`` within this body."""
        start = max(0, min(start, self.size))
        end = self.size if length is None else min(self.size, start + max(0, length))
        return self._store.read(self.offset + start, end - start)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SpilledBody):
            return bytes(self) == bytes(other)
        if isinstance(other, (bytes, bytearray, memoryview)):
            return len(other) == self.size and bytes(self) == bytes(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<SpilledBody {self.size} bytes at {self.offset}>"


#: What ``Part.body`` / ``GlacierPart.body`` / ``Archive.body`` hold when a body is kept.
KeptBody = Union[bytes, SpilledBody]


def _close(file: IO[bytes]) -> None:
    file.close()


class BodyStore:
    """One state's kept bodies: ``budget`` bytes in memory, then one temporary file.

    Thread-safe: appends happen under a lock; reads use ``os.pread`` (no shared file position)
    where the platform has it.
    """

    def __init__(self, budget: int | None = None) -> None:
        self.budget = MEMORY_BUDGET if budget is None else budget
        self.in_memory = 0
        self.spilled = 0
        self._lock = threading.Lock()
        self._file: IO[bytes] | None = None
        # The last ``bytes`` object kept and where: arrange helpers share one filler object
        # across thousands of parts, and it is kept once.
        self._last: tuple[bytes, KeptBody] | None = None
        # (size, MD5) -> where a body with that digest is kept: a body equal to one already
        # kept (tests upload the same bytes again and again) is kept once. Equality is checked
        # byte for byte, so an MD5 collision is kept apart.
        self._by_digest: dict[tuple[int, bytes], KeptBody] = {}
        # (size, CRC32 of the first _HEAD bytes) -> a kept body: what an UploadPart still being
        # read is compared with as its blocks arrive (:meth:`candidate`).
        self._by_head: dict[tuple[int, int], KeptBody] = {}

    def keep(
        self, data: bytes | bytearray | memoryview | SpilledBody, digest: bytes | None = None
    ) -> KeptBody:
        """Keep ``data``; return the bytes (within the budget) or where it was spilled.

        ``digest`` (the body's MD5, when the caller has it) lets equal bodies share one copy.
        A body this store already spilled is returned as it is.
        """
        if isinstance(data, SpilledBody):
            if data._store is self:
                return data
            data = bytes(data)
        size = len(data)
        with self._lock:
            last = self._last
            if last is not None and last[0] is data:
                return last[1]
            key = (size, digest) if digest is not None else None
            same = self._by_digest.get(key) if key is not None else None
            if same is not None and (same is data or self._equal(same, data)):
                return same
            kept = self._keep(data, size)
            if key is not None and same is None:
                self._by_digest[key] = kept
                if size >= _HEAD_MIN:
                    self._by_head.setdefault(_head_key(size, data), kept)
            if isinstance(data, bytes):
                self._last = (data, kept)
            return kept

    def candidate(self, size: int, head: bytes | bytearray | memoryview) -> KeptBody | None:
        """A kept body of ``size`` bytes that starts like ``head`` (the first block of a body
        being read), to compare the rest with as it arrives; ``None`` when there is none or
        ``head`` is too short to tell. A hint only: equality is for the caller to check."""
        if size < _HEAD_MIN or len(head) < min(size, _HEAD):
            return None
        with self._lock:
            return self._by_head.get(_head_key(size, head))

    def _equal(self, kept: KeptBody, data: bytes | bytearray | memoryview) -> bool:
        # startswith is a memcmp; == between bytes and a memoryview compares byte by byte.
        if len(kept) != len(data):
            return False
        if isinstance(kept, bytes):
            return kept.startswith(data)
        view = memoryview(data)
        for start in range(0, kept.size, _READ_CHUNK):
            chunk = self.read(kept.offset + start, min(_READ_CHUNK, kept.size - start))
            if not chunk.startswith(view[start : start + len(chunk)]):
                return False
        return True

    def _keep(self, data: bytes | bytearray | memoryview, size: int) -> KeptBody:
        if self.in_memory + size <= self.budget:
            self.in_memory += size
            return bytes(data)
        file = self._file
        if file is None:
            file = self._file = tempfile.TemporaryFile(prefix="mockmpu-bodies-")  # noqa: SIM115
            weakref.finalize(self, _close, file)
        offset = self.spilled
        file.seek(offset)
        file.write(data)
        file.flush()
        self.spilled += size
        return SpilledBody(self, offset, size)

    def read(self, offset: int, size: int) -> bytes:
        """Read ``size`` bytes at ``offset`` of the spill file."""
        if size <= 0:
            return b""
        file = self._file
        if file is None:  # pragma: no cover - a SpilledBody implies the file
            raise ValueError("nothing was spilled")
        if hasattr(os, "pread"):
            chunks = []
            done = 0
            while done < size:
                chunk = os.pread(file.fileno(), min(_READ_CHUNK, size - done), offset + done)
                if not chunk:  # pragma: no cover - the file holds what was written
                    break
                chunks.append(chunk)
                done += len(chunk)
            return b"".join(chunks)
        with self._lock:  # pragma: no cover - Windows
            file.seek(offset)
            return file.read(size)


_STORES: weakref.WeakKeyDictionary[Keeper, BodyStore] = weakref.WeakKeyDictionary()
_stores_lock = threading.Lock()


def store_of(state: Keeper) -> BodyStore:
    """The state's body store (created on first use)."""
    store = _STORES.get(state)
    if store is None:
        with _stores_lock:
            store = _STORES.setdefault(state, BodyStore())
    return store


def store_body(
    state: Keeper,
    data: bytes | bytearray | memoryview | SpilledBody | None,
    digest: bytes | None = None,
) -> KeptBody | None:
    """Keep one part body if the state keeps bodies; return what goes in ``Part.body``.

    ``None`` when ``state.keep_bodies`` is false or there is no body. The data is copied (the
    caller may reuse its buffer). ``digest``, the body's MD5 when the caller has it, lets a
    body equal to one already kept share its copy (checked byte for byte).
    """
    if data is None or not state.keep_bodies:
        return None
    return store_of(state).keep(data, digest)


def body_bytes(body: KeptBody | None) -> bytes | None:
    """The bytes of a kept body (``None`` stays ``None``)."""
    if body is None or isinstance(body, bytes):
        return body
    return bytes(body)


def body_size(body: KeptBody) -> int:
    return len(body)


def body_range(body: KeptBody, start: int, end: int) -> bytes:
    """Bytes ``start`` to ``end`` (exclusive) of a kept body."""
    if isinstance(body, SpilledBody):
        return body.read(start, end - start)
    return body[start:end]


def body_startswith(body: KeptBody, piece: bytes | bytearray | memoryview, start: int) -> bool:
    """Whether ``piece`` equals the bytes of ``body`` at ``start`` (a ``memcmp``; the
    comparison of a ``memoryview`` goes byte by byte in Python's C code, about 50x slower)."""
    if isinstance(body, SpilledBody):
        if start + len(piece) > body.size:
            return False
        return body.read(start, len(piece)).startswith(piece)
    return body.startswith(piece, start)
