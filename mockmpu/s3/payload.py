"""UploadPart bodies, streamed: de-chunk, hash and measure a part without building it.

A part body arrives as bytes or as a readable stream (botocore's ``AwsChunkedWrapper`` over the
caller's file). :func:`read_part` walks it once in blocks: ``aws-chunked`` framing is removed as
it goes (trailer fields kept), and every block of payload is fed to MD5 (the part's ETag, on a
worker thread beside the rest) and to the checksums asked for. The payload is gathered into one
``bytes`` only when the state keeps bodies, and not even then when it equals, byte for byte, a
body the state already keeps (compared block by block as it arrives). Hashing happens here,
before the semantics take the state lock.

Framing: ``<hex size>[;chunk-signature=...]\\r\\n<data>\\r\\n`` frames ended by a zero-size frame,
trailer lines ``name:value\\r\\n`` and an empty line (``botocore.httpchecksum.AwsChunkedWrapper``).
Truncated or garbled framing is ``IncompleteBody`` 400 ``The request body terminated
unexpectedly``.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from mockmpu.core.bodies import BodyStore, KeptBody, body_range, body_startswith
from mockmpu.core.checksums import ALGORITHMS, BackgroundUpdates, Hasher, new_hasher
from mockmpu.core.errors import ServiceError

__all__ = ["PartPayload", "read_part"]

_BLOCK = 1024 * 1024
#: Blocks at least this large are MD5-hashed on a worker thread (smaller ones are not worth
#: the hand-off of a few microseconds).
_OFFLOAD_MIN = 256 * 1024


@dataclass
class PartPayload:
    """A part body, read: size in bytes, binary MD5, computed checksums, trailer fields.

    ``computed`` maps an algorithm (``"CRC32"``) to the base64 checksum of the payload;
    ``trailers`` holds the aws-chunked trailer fields (lower-case names); ``body`` is the payload
    when it was kept, else ``None``; ``kept`` says that ``body`` is a body the state's store
    already keeps (equal byte for byte), to be shared rather than kept again.
    """

    size: int
    md5: bytes
    computed: dict[str, str] = field(default_factory=dict)
    trailers: dict[str, str] = field(default_factory=dict)
    body: KeptBody | None = None
    kept: bool = False

    @classmethod
    def of(cls, data: bytes, algorithms: Iterable[str] = (), *, keep: bool = False) -> PartPayload:
        """Read a payload already in memory (no framing)."""
        return read_part(data, chunked=False, algorithms=algorithms, keep=keep)


def _incomplete() -> ServiceError:
    return ServiceError("IncompleteBody", "The request body terminated unexpectedly", 400)


def _blocks(source: Any, block: int) -> Iterator[memoryview]:
    """Yield the source in blocks without copying bytes-like sources."""
    if source is None:
        return
    if isinstance(source, (bytes, bytearray, memoryview)):
        view = memoryview(source).cast("B")
        for start in range(0, len(view), block):
            yield view[start : start + block]
        return
    if isinstance(source, str):
        yield memoryview(source.encode("utf-8"))
        return
    if hasattr(source, "read"):
        while True:
            data = source.read(block)
            if not data:
                return
            yield memoryview(data.encode("utf-8") if isinstance(data, str) else data)
    else:  # an iterable of chunks
        for chunk in source:
            yield memoryview(bytes(chunk))


class _Dechunker:
    """aws-chunked framing removed from a stream of blocks, one frame piece at a time."""

    def __init__(self, blocks: Iterator[memoryview]) -> None:
        self._blocks = blocks
        self._buf: memoryview = memoryview(b"")
        self._pos = 0
        self.trailers: dict[str, str] = {}

    def _fill(self, need: int) -> bool:
        """Make ``need`` bytes available at the position (joining blocks); False at the end."""
        while len(self._buf) - self._pos < need:
            nxt = next(self._blocks, None)
            if nxt is None:
                return False
            rest = self._buf[self._pos :]
            self._buf = memoryview(bytes(rest) + bytes(nxt)) if len(rest) else nxt
            self._pos = 0
        return True

    def _line(self) -> bytes | None:
        """The next CRLF-ended line (without CRLF); ``None`` at the end of the input."""
        while True:
            found = bytes(self._buf[self._pos : self._pos + 4096]).find(b"\r\n")
            if found >= 0:
                line = bytes(self._buf[self._pos : self._pos + found])
                self._pos += found + 2
                return line
            have = len(self._buf) - self._pos
            if have > 4096 or not self._fill(have + 1):
                if have and have <= 4096:  # a last line without CRLF
                    line = bytes(self._buf[self._pos :])
                    self._pos = len(self._buf)
                    return line
                return None

    def payload(self) -> Iterator[memoryview]:
        while True:
            header = self._line()
            if header is None:
                raise _incomplete()
            try:
                size = int(header.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise _incomplete() from None
            if size < 0:
                raise _incomplete()
            if size == 0:
                break
            while size:
                if self._pos >= len(self._buf) and not self._fill(1):
                    raise _incomplete()
                take = min(size, len(self._buf) - self._pos)
                yield self._buf[self._pos : self._pos + take]
                self._pos += take
                size -= take
            if not self._fill(2) or bytes(self._buf[self._pos : self._pos + 2]) != b"\r\n":
                raise _incomplete()
            self._pos += 2
        while True:
            line = self._line()
            if not line:
                break
            name, sep, value = line.decode("utf-8", "replace").partition(":")
            if sep:
                self.trailers[name.strip().lower()] = value.strip()


def _block_size(source: Any) -> int:
    # botocore's AwsChunkedWrapper frames 1 MiB reads; asking for exactly one frame lets it hand
    # each frame over without copying (a pure speed matter: any size reads correctly).
    chunk = getattr(source, "_chunk_size", None)
    if isinstance(chunk, int) and chunk > 0:
        return chunk + len(f"{chunk:x}") + 4
    return _BLOCK


def read_part(
    source: Any,
    *,
    chunked: bool,
    algorithms: Iterable[str] = (),
    keep: bool = False,
    store: BodyStore | None = None,
    size_hint: int | None = None,
) -> PartPayload:
    """Read a part body once: de-chunk it (when ``chunked``), hash it, measure it.

    ``source`` is bytes-like, a readable binary stream (read from its position, then put back
    there so a retry can send it again) or an iterable of chunks. ``algorithms`` are the
    checksums to compute (names of :data:`mockmpu.core.checksums.ALGORITHMS`; others ignored).
    The MD5 runs on a pooled worker thread (:class:`~mockmpu.core.checksums.BackgroundUpdates`)
    beside the de-chunking and the other checksums once a block is large enough to pay for it.

    With ``keep`` the payload is gathered into one ``bytes`` (one copy of each block). With a
    ``store`` and the declared ``size_hint`` as well, blocks are first compared with a body the
    store already keeps that starts the same way (:meth:`BodyStore.candidate`): while they
    match nothing is copied, and a payload equal to it byte for byte comes back as that very
    body (``PartPayload.kept``), to be shared rather than kept again.
    """
    start: int | None = None
    if hasattr(source, "read"):
        try:
            start = source.tell()
        except (AttributeError, OSError, ValueError):
            start = None
    md5 = hashlib.md5()
    try:
        blocks = _blocks(source, _block_size(source))
        dechunker = _Dechunker(blocks) if chunked else None
        pieces: Iterator[memoryview] = dechunker.payload() if dechunker is not None else blocks
        hashers: dict[str, Hasher] = {
            name: new_hasher(name) for name in {a.upper() for a in algorithms} if name in ALGORITHMS
        }
        updates = [h.update for h in hashers.values()]
        sink = _Keeper(store if size_hint is not None else None, size_hint) if keep else None
        size = 0
        with BackgroundUpdates(md5.update) as background:
            for piece in pieces:
                size += len(piece)
                if len(piece) >= _OFFLOAD_MIN:
                    background.offload()
                background.update(piece)
                for update in updates:
                    update(piece)
                if sink is not None:
                    sink.write(piece)
    finally:
        if start is not None:
            with contextlib.suppress(AttributeError, OSError, ValueError):
                source.seek(start)
    body, kept = sink.finish() if sink is not None else (None, False)
    return PartPayload(
        size=size,
        md5=md5.digest(),
        computed={
            name: base64.b64encode(h.digest()).decode("ascii") for name, h in hashers.items()
        },
        trailers=dechunker.trailers if dechunker is not None else {},
        body=body,
        kept=kept,
    )


class _Keeper:
    """A payload gathered block by block, or matched against a body the store already keeps."""

    __slots__ = ("_buffer", "_candidate", "_pos", "_size", "_store")

    def __init__(self, store: BodyStore | None, size: int | None) -> None:
        self._store = store
        self._size = size
        self._candidate: KeptBody | None = None
        self._pos = 0
        self._buffer: io.BytesIO | None = None

    def write(self, piece: memoryview) -> None:
        if self._buffer is None:
            if self._pos == 0 and self._store is not None and self._size is not None:
                self._candidate = self._store.candidate(self._size, piece)
            candidate = self._candidate
            if candidate is not None and body_startswith(candidate, piece, self._pos):
                self._pos += len(piece)
                return
            self._materialize()
        assert self._buffer is not None
        self._buffer.write(piece)

    def _materialize(self) -> None:
        """Leave the candidate: copy what matched so far, gather the rest."""
        self._buffer = io.BytesIO()
        if self._candidate is not None and self._pos:
            self._buffer.write(body_range(self._candidate, 0, self._pos))
        self._candidate = None

    def finish(self) -> tuple[KeptBody | None, bool]:
        """The payload: ``(kept body, True)`` when it equals one the store keeps, else
        ``(bytes, False)``."""
        candidate = self._candidate
        if self._buffer is None and candidate is not None and self._pos == len(candidate):
            return candidate, True
        if self._buffer is None:
            self._materialize()
        assert self._buffer is not None
        # getvalue() hands over the buffer it wrote into (no copy) when nothing else shares it.
        return self._buffer.getvalue(), False
