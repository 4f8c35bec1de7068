"""The listing loop guard: stop a client that keeps asking for the same page and getting it.

A listing request for the same position (:data:`POSITION_FIELDS`) that gets the same answer
(status and body digest, or error code) more than ``limit`` times raises
:class:`ListingLoopError`, so a client stuck in a pagination loop fails fast instead of hanging
the test run. ``mpu.faults`` (:class:`mockmpu.faults.Faults`) owns one guard per mock handle.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING

from mockmpu.core.calls import describe_call
from mockmpu.core.errors import MockmpuError

if TYPE_CHECKING:
    from mockmpu.core.state import MpuState
    from mockmpu.core.wire import WireRequest, WireResponse

    #: (source, wire name, API name) of one field of a listing position.
    _Field = tuple[str, str, str]
    #: (service, operation, region, ((API name, value), ...)).
    _Position = tuple[str, str, str, tuple[tuple[str, str], ...]]
    #: (status, error code, body length, body hash): what "the same answer" compares.
    _Answer = tuple[int, str, int, int]

__all__ = ["DEFAULT_LOOP_GUARD", "LISTINGS", "ListingLoopError", "LoopGuard"]

#: How many times one listing position may be answered identically before the guard trips.
DEFAULT_LOOP_GUARD = 100

#: The listing operations the loop guard watches.
LISTINGS = frozenset(
    {
        ("s3", "ListMultipartUploads"),
        ("s3", "ListParts"),
        ("glacier", "ListMultipartUploads"),
        ("glacier", "ListParts"),
        ("glacier", "ListVaults"),
    }
)

# The fields that make up a listing position: (source, wire name, API name). ``label`` values
# come from the URI labels the router read, ``query`` values from the real query string (only
# when sent), so "sent empty" and "not sent" are different positions.
_S3_LIST_UPLOADS: tuple[_Field, ...] = (
    ("label", "Bucket", "Bucket"),
    ("query", "prefix", "Prefix"),
    ("query", "delimiter", "Delimiter"),
    ("query", "encoding-type", "EncodingType"),
    ("query", "key-marker", "KeyMarker"),
    ("query", "upload-id-marker", "UploadIdMarker"),
    ("query", "max-uploads", "MaxUploads"),
)
_S3_LIST_PARTS: tuple[_Field, ...] = (
    ("label", "Bucket", "Bucket"),
    ("label", "Key", "Key"),
    ("query", "uploadId", "UploadId"),
    ("query", "part-number-marker", "PartNumberMarker"),
    ("query", "max-parts", "MaxParts"),
)
_GLACIER_PAGE: tuple[_Field, ...] = (("query", "marker", "marker"), ("query", "limit", "limit"))
POSITION_FIELDS: Mapping[tuple[str, str], tuple[_Field, ...]] = {
    ("s3", "ListMultipartUploads"): _S3_LIST_UPLOADS,
    ("s3", "ListParts"): _S3_LIST_PARTS,
    ("glacier", "ListVaults"): (("label", "accountId", "accountId"), *_GLACIER_PAGE),
    ("glacier", "ListMultipartUploads"): (
        ("label", "accountId", "accountId"),
        ("label", "vaultName", "vaultName"),
        *_GLACIER_PAGE,
    ),
    ("glacier", "ListParts"): (
        ("label", "accountId", "accountId"),
        ("label", "vaultName", "vaultName"),
        ("label", "uploadId", "uploadId"),
        *_GLACIER_PAGE,
    ),
}


class ListingLoopError(MockmpuError, AssertionError):
    """A client asked for the same listing position, and got the same answer, too many times.

    Raised by the mock instead of answering (so botocore never retries it, and ``except
    ClientError`` cannot swallow it), and raised again when the mock stops if the code under test
    swallowed it. Change the limit with ``mock_mpu(loop_guard=N)``; ``loop_guard=None`` disables
    the guard.
    """


class LoopGuard:
    """Counts identical answers per listing position (thread-safe).

    Attributes:
        limit: how many identical answers one position may get (``None``: unlimited).
        loops: the message of every loop stopped, oldest first (one per position).
    """

    __slots__ = ("_lock", "_positions", "_state", "_tripped", "limit", "loops")

    def __init__(self, state: MpuState, limit: int | None) -> None:
        self._state = state
        self._lock = threading.Lock()
        self._positions: dict[_Position, tuple[_Answer, int]] = {}
        self._tripped: set[_Position] = set()
        self.limit = limit
        self.loops: list[str] = []

    def watches(self, request: WireRequest) -> bool:
        """True if the guard is on and ``request`` is a listing it watches."""
        return self.limit is not None and (request.service, request.operation) in LISTINGS

    def check(self, request: WireRequest, reply: WireResponse) -> None:
        """Count ``reply`` for ``request``'s position.

        Raises:
            ListingLoopError: the position got the same answer more than ``limit`` times.
        """
        position = _position(self._state, request)
        answer: _Answer
        if reply.error is not None:
            answer = (reply.status, reply.error.code, 0, 0)
        else:
            # Python's own hash of the bytes (64-bit SipHash, keyed per process; positions live
            # only in this process): five times faster than a blake2b digest, and with the
            # length beside it a false "same answer" is out of reach.
            body = reply.body
            answer = (
                reply.status,
                "",
                len(body),
                hash(bytes(body) if type(body) is not bytes else body),
            )
        with self._lock:
            limit = self.limit
            previous = self._positions.get(position)
            count = previous[1] + 1 if previous is not None and previous[0] == answer else 1
            self._positions[position] = (answer, count)
            if limit is None or count <= limit:
                return
            message = _loop_message(request, position, count, limit)
            if position not in self._tripped:
                self._tripped.add(position)
                self.loops.append(message)
        raise ListingLoopError(message)

    def assert_no_loops(self) -> None:
        """Raise :class:`ListingLoopError` if a loop was detected (and swallowed by the code)."""
        with self._lock:
            loops = list(self.loops)
        if not loops:
            return
        noun = "loop was" if len(loops) == 1 else "loops were"
        details = "\n".join(f"- {message}" for message in loops)
        raise ListingLoopError(
            f"mockmpu: {len(loops)} listing {noun} stopped and caught by the code under "
            f"test:\n{details}"
        )


def _position(state: MpuState, request: WireRequest) -> _Position:
    fields: list[tuple[str, str]] = []
    for source, name, api_name in POSITION_FIELDS[(request.service, request.operation)]:
        if source == "label":
            value = request.labels.get(name, "")
            if name == "accountId":
                value = state.resolve_account(value)
            fields.append((api_name, value))
        elif name in request.query:
            fields.append((api_name, request.query[name]))
    region = request.region if request.service == "glacier" else ""
    return (request.service, request.operation, region, tuple(fields))


def _loop_message(request: WireRequest, position: _Position, count: int, limit: int) -> str:
    described = describe_call(request.service, request.operation, dict(position[3]))
    return (
        f"mockmpu: listing loop: {described} was requested {count} times with the same answer "
        f"each time (loop_guard={limit}), so the client is not paging forward.\n"
        "  Likely cause: the next marker is not advanced or not sent back, it is sent back "
        "URL-encoded, or the listing restarts from the first page after a marker the server did "
        "not recognise.\n"
        "  To allow more repeats use mock_mpu(loop_guard=N); loop_guard=None disables the guard."
    )
