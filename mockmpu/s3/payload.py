"""UploadPart bodies, streamed: de-chunk, hash and measure a part without building it.

A part body arrives as bytes or as a readable stream (botocore's ``AwsChunkedWrapper`` over the
caller's file). :func:`read_part` walks it once in blocks: ``aws-chunked`` framing is removed as
it goes (trailer fields kept), and every block of payload is fed to MD5 (the part's ETag) and to
the checksums asked for. The payload is joined into one ``bytes`` only when the state keeps
bodies. Hashing happens here, before the semantics take the state lock.

Framing: ``<hex size>[;chunk-signature=...]\\r\\n<data>\\r\\n`` frames ended by a zero-size frame,
trailer lines ``name:value\\r\\n`` and an empty line (``botocore.httpchecksum.AwsChunkedWrapper``).
Truncated or garbled framing is ``IncompleteBody`` 400 ``The request body terminated
unexpectedly``.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from mockmpu.core.checksums import ALGORITHMS, Hasher, new_hasher
from mockmpu.core.errors import ServiceError

__all__ = ["PartPayload", "read_part"]

_BLOCK = 1024 * 1024


@dataclass
class PartPayload:
    """A part body, read: size in bytes, binary MD5, computed checksums, trailer fields.

    ``computed`` maps an algorithm (``"CRC32"``) to the base64 checksum of the payload;
    ``trailers`` holds the aws-chunked trailer fields (lower-case names); ``body`` is the payload
    when it was kept, else ``None``.
    """

    size: int
    md5: bytes
    computed: dict[str, str] = field(default_factory=dict)
    trailers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None

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
    source: Any, *, chunked: bool, algorithms: Iterable[str] = (), keep: bool = False
) -> PartPayload:
    """Read a part body once: de-chunk it (when ``chunked``), hash it, measure it.

    ``source`` is bytes-like, a readable binary stream (read from its position, then put back
    there so a retry can send it again) or an iterable of chunks. ``algorithms`` are the
    checksums to compute (names of :data:`mockmpu.core.checksums.ALGORITHMS`; others ignored).
    """
    start: int | None = None
    if hasattr(source, "read"):
        try:
            start = source.tell()
        except (AttributeError, OSError, ValueError):
            start = None
    try:
        blocks = _blocks(source, _block_size(source))
        dechunker = _Dechunker(blocks) if chunked else None
        pieces: Iterator[memoryview] = dechunker.payload() if dechunker is not None else blocks
        md5 = hashlib.md5()
        hashers: dict[str, Hasher] = {
            name: new_hasher(name) for name in {a.upper() for a in algorithms} if name in ALGORITHMS
        }
        updates = [md5.update, *(h.update for h in hashers.values())]
        kept: list[bytes] = []
        size = 0
        for piece in pieces:
            size += len(piece)
            for update in updates:
                update(piece)
            if keep:
                kept.append(bytes(piece))
    finally:
        if start is not None:
            with contextlib.suppress(AttributeError, OSError, ValueError):
                source.seek(start)
    return PartPayload(
        size=size,
        md5=md5.digest(),
        computed={
            name: base64.b64encode(h.digest()).decode("ascii") for name, h in hashers.items()
        },
        trailers=dechunker.trailers if dechunker is not None else {},
        body=b"".join(kept) if keep else None,
    )
