"""Checksums S3 computes and checks: incremental hashers by algorithm name, and their forms.

The algorithms are those of botocore's S3 model (``ChecksumAlgorithm``): ``CRC32``, ``CRC32C``,
``CRC64NVME``, ``SHA1``, ``SHA256``, ``SHA512``, ``MD5``, ``XXHASH64``, ``XXHASH3`` and
``XXHASH128``. Values travel as base64 of the big-endian digest (``x-amz-checksum-<alg>``).

Implementations are the ones botocore itself uses (``botocore.httpchecksum``): ``zlib.crc32``,
``hashlib`` for the SHA family and MD5, and the AWS Common Runtime (``awscrt.checksums``, a
dependency of mockmpu) for CRC32C, CRC64NVME and the xxHash family. awscrt is hardware-accelerated
(5 MiB in well under a millisecond) and is what a boto3 installed with ``[crt]`` computes these
values with, so mockmpu and the client can never disagree about them. All of them release the
GIL on large buffers, so hashing a part does not stall other threads.

:class:`BackgroundUpdates` runs one hasher on a pooled worker thread, so a large part's MD5
overlaps with reading and the other checksums.

Stdlib plus awscrt (imported on first use, so ``import mockmpu`` stays cheap).
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import os
import queue
import threading
import zlib
from typing import Any, Callable, Protocol

__all__ = [
    "ALGORITHMS",
    "COMBINABLE",
    "DIGEST_SIZES",
    "BackgroundUpdates",
    "Hasher",
    "b64_checksum",
    "combine_crc",
    "crc_combiner",
    "crc_int",
    "decode_checksum",
    "new_hasher",
]

#: Decoded digest size in bytes, by algorithm name (upper case, as S3 names them).
DIGEST_SIZES = {
    "CRC32": 4,
    "CRC32C": 4,
    "CRC64NVME": 8,
    "SHA1": 20,
    "SHA256": 32,
    "SHA512": 64,
    "MD5": 16,
    "XXHASH64": 8,
    "XXHASH3": 8,
    "XXHASH128": 16,
}
ALGORITHMS = tuple(DIGEST_SIZES)


class Hasher(Protocol):
    """An incremental checksum: feed bytes with ``update``, read the big-endian ``digest``."""

    def update(self, data: bytes | memoryview) -> None: ...

    def digest(self) -> bytes: ...


class _Crc:
    """A CRC kept as an int and advanced by ``fn(data, previous)`` (zlib's and awscrt's form)."""

    __slots__ = ("_fn", "_size", "_value")

    def __init__(self, fn: Callable[[Any, int], int], size: int) -> None:
        self._fn = fn
        self._size = size
        self._value = 0

    def update(self, data: bytes | memoryview) -> None:
        self._value = self._fn(data, self._value)

    def digest(self) -> bytes:
        return self._value.to_bytes(self._size, "big")


class _Xxhash:
    __slots__ = ("_h",)

    def __init__(self, h: Any) -> None:
        self._h = h

    def update(self, data: bytes | memoryview) -> None:
        self._h.update(bytes(data) if isinstance(data, memoryview) else data)

    def digest(self) -> bytes:
        return bytes(self._h.finalize())


def _crt() -> Any:
    from awscrt import checksums

    return checksums


def new_hasher(algorithm: str) -> Hasher:
    """Return a fresh incremental hasher for ``algorithm`` (any case).

    Raises ``KeyError`` for a name that is not in :data:`ALGORITHMS`.
    """
    name = algorithm.upper()
    if name == "CRC32":
        return _Crc(zlib.crc32, 4)
    if name in ("SHA1", "SHA256", "SHA512", "MD5"):
        return hashlib.new(name.lower())
    if name == "CRC32C":
        return _Crc(_crt().crc32c, 4)
    if name == "CRC64NVME":
        return _Crc(_crt().crc64nvme, 8)
    if name == "XXHASH64":
        return _Xxhash(_crt().XXHash.new_xxhash64())
    if name == "XXHASH3":
        return _Xxhash(_crt().XXHash.new_xxhash3_64())
    if name == "XXHASH128":
        return _Xxhash(_crt().XXHash.new_xxhash3_128())
    raise KeyError(algorithm)


def b64_checksum(algorithm: str, data: bytes | memoryview) -> str:
    """Return the base64 ``algorithm`` checksum of ``data`` (what ``x-amz-checksum-*`` carries)."""
    hasher = new_hasher(algorithm)
    hasher.update(data)
    return base64.b64encode(hasher.digest()).decode("ascii")


def decode_checksum(algorithm: str, value: str) -> bytes | None:
    """Return the digest a base64 ``value`` carries, or ``None`` when it is not one of
    ``algorithm``'s size (S3 answers that with ``InvalidRequest``)."""
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == DIGEST_SIZES.get(algorithm.upper(), -1) else None


def crc_int(algorithm: str, data: bytes) -> int:
    """Return the CRC (``CRC32``, ``CRC32C``, ``CRC64NVME``) of ``data`` as an int."""
    hasher = new_hasher(algorithm)
    hasher.update(data)
    return int.from_bytes(hasher.digest(), "big")


# Reflected polynomials of the CRCs S3 can combine into a FULL_OBJECT checksum (all three use
# init = xorout = all ones, so zlib's crc32_combine method applies to each).
_CRC_POLY = {
    "CRC32": (0xEDB88320, 32),
    "CRC32C": (0x82F63B78, 32),
    "CRC64NVME": (0x9A6C9329AC4BC9B5, 64),
}


def _gf2_times(matrix: tuple[int, ...], vector: int) -> int:
    total, i = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[i]
        vector >>= 1
        i += 1
    return total


def _gf2_product(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    # (a . b)(v) = a(b(v)): column i of the product is a applied to column i of b.
    return tuple(_gf2_times(a, column) for column in b)


@functools.lru_cache(maxsize=64)
def _zeros_operator(algorithm: str, length: int) -> tuple[int, ...]:
    """The GF(2) matrix that advances a CRC register over ``length`` zero bytes (cached)."""
    poly, width = _CRC_POLY[algorithm]
    one_bit = (poly, *tuple(1 << n for n in range(width - 1)))
    step = one_bit
    for _ in range(3):  # one zero byte = eight zero bits
        step = _gf2_product(step, step)
    result = tuple(1 << n for n in range(width))  # identity
    while length:
        if length & 1:
            result = _gf2_product(step, result)
        length >>= 1
        if length:
            step = _gf2_product(step, step)
    return result


#: The CRCs whose values for consecutive pieces combine into the CRC of the whole.
COMBINABLE = tuple(_CRC_POLY)


def combine_crc(algorithm: str, crc1: int, crc2: int, length2: int) -> int:
    """Return the CRC of ``A + B`` from ``crc1`` = CRC(A), ``crc2`` = CRC(B), ``length2`` = len(B).

    awscrt's ``combine_*`` when present (awscrt 0.27 and later), else the same GF(2) method as
    zlib's ``crc32_combine`` (operators cached per length).
    """
    return crc_combiner(algorithm)(crc1, crc2, length2)


@functools.cache
def crc_combiner(algorithm: str) -> Callable[[int, int, int], int]:
    """:func:`combine_crc` for one algorithm, looked up once: ``(crc1, crc2, length2) -> crc``."""
    name = algorithm.upper()
    fn = getattr(_crt(), f"combine_{name.lower()}", None)
    if fn is not None:
        return fn  # type: ignore[no-any-return]

    def combine(crc1: int, crc2: int, length2: int) -> int:
        return _gf2_times(_zeros_operator(name, length2), crc1) ^ crc2

    return combine


class _Worker:
    """A persistent thread that runs ``update(block)`` jobs in the order they were handed over."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[tuple[Callable[[Any], Any] | None, Any]] = queue.SimpleQueue()
        self._done: queue.SimpleQueue[BaseException | None] = queue.SimpleQueue()
        # At most this many blocks wait for the worker: a fast reader does not queue a whole
        # multi-GiB part (each block keeps its buffer alive until it is hashed).
        self._room = threading.BoundedSemaphore(2)
        self._error: BaseException | None = None
        threading.Thread(target=self._run, name="mockmpu-hash", daemon=True).start()

    def _run(self) -> None:
        while True:
            update, data = self._jobs.get()
            if update is None:
                error, self._error = self._error, None
                self._done.put(error)
                continue
            try:
                if self._error is None:
                    update(data)
            except BaseException as exc:
                self._error = exc
            finally:
                update = data = None  # an idle worker holds no block
                self._room.release()

    def put(self, update: Callable[[Any], Any], data: Any) -> None:
        self._room.acquire()
        self._jobs.put((update, data))

    def wait(self) -> None:
        """Block until every job handed over so far has run; raise what one of them raised."""
        self._jobs.put((None, None))
        error = self._done.get()
        if error is not None:
            raise error


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


#: Worker threads at most: none on one CPU (a hand-off would only add to the work).
_MAX_WORKERS = min(4, _cpus()) if _cpus() > 1 else 0
_idle: list[_Worker] = []
_started = 0
#: Open ``BackgroundUpdates`` contexts (parts being read now, in every thread).
_active = 0
_pool_lock = threading.Lock()


def _reset_pool() -> None:  # pragma: no cover - runs in forked children
    global _started, _active, _pool_lock
    _idle.clear()
    _started = _active = 0
    _pool_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_pool)


class BackgroundUpdates:
    """Feed one hasher's ``update`` on a pooled worker thread while the caller reads on.

    MD5 of 5 MiB takes about 7 ms and releases the GIL, so a part's MD5 can run beside its
    de-chunking and CRC on a second core. After :meth:`offload`, ``update(block)`` runs the
    hasher on a worker if one was idle and no other ``BackgroundUpdates`` is open in any thread
    (concurrent readers already keep the cores busy; the pool holds up to ``min(4, cpus)``
    threads, none on one CPU, started on first use and kept), and inline otherwise, always in
    the order given;
    ``close()`` waits for the worker and gives it back. Blocks must not change until ``close()``
    returns. Use as a context manager.
    """

    __slots__ = ("_update", "_worker")

    def __init__(self, update: Callable[[Any], Any]) -> None:
        self._update = update
        self._worker: _Worker | None = None

    def __enter__(self) -> BackgroundUpdates:
        global _active
        with _pool_lock:
            _active += 1
        return self

    def __exit__(self, *exc: object) -> None:
        global _active
        with _pool_lock:
            _active -= 1
        self.close()

    def offload(self) -> bool:
        """Take a worker for the following updates (False when none is free: updates run inline)."""
        global _started
        if self._worker is not None:
            return True
        with _pool_lock:
            if _active > 1:
                # Other parts are being read at the same time: the cores are busy already,
                # and a hand-off would only keep blocks alive for longer.
                return False
            if _idle:
                self._worker = _idle.pop()
            elif _started < _MAX_WORKERS:
                _started += 1
                self._worker = _Worker()
        return self._worker is not None

    def update(self, data: Any) -> None:
        worker = self._worker
        if worker is None:
            self._update(data)
        else:
            worker.put(self._update, data)

    def close(self) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:
            try:
                worker.wait()
            finally:
                with _pool_lock:
                    _idle.append(worker)
