"""``mpu.faults``: injected service errors, S3 protocol faults and the listing loop guard.

Three things a test may want from a server that is not behaving like a healthy AWS:

- **Injected service errors** (:meth:`Faults.fail`): the Nth and following attempts at one
  operation are answered with an AWS error document (``SlowDown`` 503, ``InternalError`` 500, a
  Glacier ``ServiceUnavailableException`` 500, CompleteMultipartUpload's 200 with ``<Error>``),
  rendered by the service's wire codec so that botocore's own parser and retry handler see it.
  They belong to the mock handle, not to the state.
- **S3 protocol faults** seen in real servers: switches in ``state.behaviour``
  (:class:`~mockmpu._state.ServerBehaviour`), exposed here as properties. Their effect is
  implemented where the concern lives: the S3 codec (``NextUploadIdMarker`` omitted,
  ``NextPartNumberMarker`` stuck) and the S3 listing semantics (empty markers rejected).
- **The loop guard**: a listing request for the same position that gets the same answer more
  than ``loop_guard`` times raises :class:`ListingLoopError`, so a client stuck in a pagination
  loop fails fast instead of hanging the test run.

The module imports neither botocore nor the codecs at import time (``import mockmpu`` stays
free of botocore); the codecs are imported when a fault first fires.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING

from mockmpu.core.calls import describe_call, format_operation, parse_operation_ref
from mockmpu.core.errors import MockmpuError, ServiceError

if TYPE_CHECKING:
    from mockmpu.core.state import MpuState
    from mockmpu.core.wire import Handler, WireRequest, WireResponse

    #: (source, wire name, API name) of one field of a listing position.
    _Field = tuple[str, str, str]
    #: (service, operation, region, ((API name, value), ...)).
    _Position = tuple[str, str, str, tuple[tuple[str, str], ...]]
    #: (status, error code, body digest): what "the same answer" compares.
    _Answer = tuple[int, str, bytes]

__all__ = ["DEFAULT_LOOP_GUARD", "Faults", "InjectedFault", "ListingLoopError"]

#: How many times one listing position may be answered identically before the guard trips.
DEFAULT_LOOP_GUARD = 100

#: Codes whose status and message mockmpu knows: service -> code -> (status, message).
#: S3: status and message from the error code list,
#: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList (the
#: RequestTimeout text is the longer one S3 sends on the wire). Glacier: code, status and type from
#: https://docs.aws.amazon.com/amazonglacier/latest/dev/api-error-responses.html, which gives no
#: message texts; none was found in a recording, so those messages are inferred (AWS's usual
#: "Rate exceeded" for throttling).
KNOWN_ERRORS: Mapping[str, Mapping[str, tuple[int, str]]] = {
    "s3": {
        "SlowDown": (503, "Please reduce your request rate."),
        "ServiceUnavailable": (503, "Reduce your request rate."),
        "InternalError": (500, "We encountered an internal error. Please try again."),
        "RequestTimeout": (
            400,
            "Your socket connection to the server was not read from or written to within the "
            "timeout period. Idle connections will be closed.",
        ),
        "AccessDenied": (403, "Access Denied"),
    },
    "glacier": {
        "ServiceUnavailableException": (500, "Service is temporarily unavailable."),
        "ThrottlingException": (400, "Rate exceeded"),
        "RequestTimeoutException": (408, "Request timed out."),
    },
}

#: The listing operations the loop guard watches.
_LISTINGS = frozenset(
    {
        ("s3", "ListMultipartUploads"),
        ("s3", "ListParts"),
        ("glacier", "ListMultipartUploads"),
        ("glacier", "ListParts"),
        ("glacier", "ListVaults"),
    }
)

# The fields that make up a listing position: (source, wire name, API name). ``label`` values
# come from the API parameters botocore serialised, ``query`` values from the real query string
# (only when sent), so "sent empty" and "not sent" are different positions.
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
_POSITION_FIELDS: Mapping[tuple[str, str], tuple[_Field, ...]] = {
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


class InjectedFault:
    """One injected service error, as returned by :meth:`Faults.fail`.

    Attempts at ``operation`` are counted from the moment the fault was registered, every HTTP
    attempt once (botocore's retries included); attempts ``nth`` to ``nth + times - 1`` are
    answered with the error (every attempt from ``nth`` on when ``times`` is ``None``).

    Attributes:
        service: botocore's service id (``"s3"``, ``"glacier"``).
        operation: the AWS operation name (``"ListParts"``).
        ref: ``"service:Operation"``, e.g. ``"s3:ListParts"``.
        code: the AWS error code answered.
        status: the HTTP status answered (``200`` for S3's 200-with-``<Error>``).
        message: the error message answered.
        nth: the first attempt (1-based) that fails.
        times: how many attempts fail, or ``None`` for all from ``nth`` on.
        seen: attempts at the operation since the fault was registered.
        triggered: attempts this fault answered.
        sender: the Glacier error ``type``: ``"Server"`` for a 5xx status, else ``"Client"``.
    """

    __slots__ = (
        "code",
        "message",
        "nth",
        "operation",
        "ref",
        "seen",
        "sender",
        "service",
        "status",
        "times",
        "triggered",
    )

    def __init__(
        self,
        service: str,
        operation: str,
        code: str,
        status: int,
        message: str,
        nth: int,
        times: int | None,
    ) -> None:
        self.service = service
        self.operation = operation
        self.ref = f"{service}:{operation}"
        self.code = code
        self.status = status
        self.message = message
        self.sender = "Server" if status >= 500 else "Client"
        self.nth = nth
        self.times = times
        self.seen = 0
        self.triggered = 0

    @property
    def exhausted(self) -> bool:
        """True once every attempt this fault was asked to fail has failed."""
        return self.times is not None and self.triggered >= self.times

    def _fires(self, attempt: int) -> bool:
        if attempt < self.nth:
            return False
        return self.times is None or attempt < self.nth + self.times

    def __repr__(self) -> str:
        times = "every attempt" if self.times is None else f"times={self.times}"
        return (
            f"<InjectedFault {self.ref} {self.code} {self.status}, nth={self.nth}, "
            f"{times}, triggered {self.triggered} of {self.seen} attempts>"
        )


def _check_count(name: str, value: object, *, allow_none: bool) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        none = " or None" if allow_none else ""
        raise MockmpuError(f"{name} must be an integer of 1 or more{none}, not {value!r}.")


def _check_flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise MockmpuError(f"faults.{name} is True or False, not {value!r}.")
    return value


class Faults:
    """The mock's fault switches: ``mpu.faults``.

    Injected errors (:meth:`fail`) and the loop guard belong to this mock handle; the S3
    protocol-fault properties read and write ``mpu.state.behaviour``, so they stay with the
    state (and with every mock sharing it). Every switch is off by default except the loop guard,
    which is on with a limit of :data:`DEFAULT_LOOP_GUARD` (100).

    Attributes:
        loops: the message of every listing loop the guard stopped, oldest first (one per
            position). The mock raises them again when it stops (like ``mpu.unmocked``); clear
            the list to accept loops a test provoked on purpose.

    Not modelled: connection-level faults (resets, timeouts before a response, truncated bodies),
    latency, and faults chosen at random.
    """

    __slots__ = ("_faults", "_limit", "_lock", "_positions", "_state", "_tripped", "loops")

    def __init__(self, state: MpuState, *, loop_guard: int | None = DEFAULT_LOOP_GUARD) -> None:
        _check_count("loop_guard", loop_guard, allow_none=True)
        self._state = state
        self._lock = threading.Lock()
        self._faults: list[InjectedFault] = []
        self._limit = loop_guard
        self._positions: dict[_Position, tuple[_Answer, int]] = {}
        self._tripped: set[_Position] = set()
        self.loops: list[str] = []

    def __repr__(self) -> str:
        return (
            f"<Faults: {len(self._faults)} injected, loop_guard={self._limit}, "
            f"{len(self.loops)} loops>"
        )

    # ------------------------------------------------------------------ injected errors

    def fail(
        self,
        operation: str,
        code: str,
        *,
        nth: int = 1,
        times: int | None = 1,
        status: int | None = None,
        message: str | None = None,
    ) -> InjectedFault:
        """Answer attempts at ``operation`` with the AWS error ``code``; return the fault.

        Args:
            operation: one served operation as ``"service:Operation"``, e.g.
                ``"s3:CompleteMultipartUpload"`` or ``"glacier:UploadMultipartPart"``.
            code: the AWS error code, verbatim. These have AWS's status and message built in:
                S3 ``SlowDown`` 503, ``ServiceUnavailable`` 503, ``InternalError`` 500,
                ``RequestTimeout`` 400, ``AccessDenied`` 403; Glacier
                ``ServiceUnavailableException`` 500, ``ThrottlingException`` 400,
                ``RequestTimeoutException`` 408 (Glacier messages inferred). Any other code
                needs ``status=`` and ``message=``.
            nth: the first attempt to fail, counting every HTTP attempt at ``operation`` made
                after this call (botocore's retries count: each attempt is one ``mpu.calls``
                entry). ``nth=1`` is the next attempt.
            times: how many consecutive attempts fail; ``None``: every attempt from ``nth`` on.
            status: the HTTP status, 400-599; on S3 also ``200``, which sends the error document
                in a 200 response (``<?xml ...?>``, whitespace, ``<Error>``) as
                CompleteMultipartUpload does when it fails after S3 has sent its 200 header;
                botocore treats it as a 500 and retries.
            message: the error message (default: AWS's, for the codes above).

        The error is rendered by the service's codec: S3 ``<Error>`` XML with ``RequestId`` and
        ``HostId``, Glacier ``{"code","message","type"}`` with ``x-amzn-ErrorType``. botocore's
        parser, retry handler and modeled exceptions then act on it as on AWS's answer, and
        ``mpu.calls`` records each faulted attempt with the code as its outcome. When several
        faults would answer the same attempt, the one registered first does (every fault still
        counts the attempt). Faults belong to this mock handle: a decorator creates a fresh mock
        per call, so register faults inside the test.

        Raises:
            MockmpuError: an operation mockmpu does not serve, an unknown code without
                ``status``/``message``, a status out of range, ``status=200`` for Glacier
                (rest-json has no such answer) or for S3 HeadBucket (a HEAD response has no body,
                so botocore would see a success).

        Source: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html,
        https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html,
        https://docs.aws.amazon.com/amazonglacier/latest/dev/api-error-responses.html

        Not modelled: extra error elements (e.g. ``RequestTimeTooSkewed``'s ``ServerTime``),
        ``Retry-After`` headers, errors for operations mockmpu does not serve.
        """
        service, op = _served_operation(operation)
        _check_count("nth", nth, allow_none=False)
        _check_count("times", times, allow_none=True)
        known = KNOWN_ERRORS[service].get(code)
        if known is not None:
            status = known[0] if status is None else status
            message = known[1] if message is None else message
        if status is None or message is None:
            names = ", ".join(KNOWN_ERRORS[service])
            raise MockmpuError(
                f"mockmpu does not know AWS's status and message for {code!r}; pass status= and "
                f"message= (AWS's wording), or use one of {names}."
            )
        _check_status(service, op, status)
        if not isinstance(message, str):
            raise MockmpuError(f"message= takes the error message as a str, not {message!r}.")
        fault = InjectedFault(service, op, code, status, message, nth, times)
        with self._lock:
            self._faults.append(fault)
        return fault

    @property
    def injected(self) -> list[InjectedFault]:
        """The faults registered with :meth:`fail`, oldest first (a copy)."""
        with self._lock:
            return list(self._faults)

    def clear(self) -> None:
        """Remove every injected fault (the protocol switches and the loop guard stay)."""
        with self._lock:
            self._faults.clear()

    # ------------------------------------------------------------------ S3 protocol faults

    @property
    def omit_next_upload_id_marker(self) -> bool:
        """S3 ListMultipartUploads leaves ``NextUploadIdMarker`` out of every page.

        As lakeFS's gateway did (treeverse/lakeFS #9035; also storj/edge #213). botocore's
        paginator then resumes with ``KeyMarker`` alone and skips the rest of the boundary key's
        uploads (bug-catalog BUG-07); code reading ``r["NextUploadIdMarker"]`` gets a KeyError.
        """
        return self._state.behaviour.omit_next_upload_id_marker

    @omit_next_upload_id_marker.setter
    def omit_next_upload_id_marker(self, value: bool) -> None:
        self._state.behaviour.omit_next_upload_id_marker = _check_flag(
            "omit_next_upload_id_marker", value
        )

    @property
    def stuck_next_part_number_marker(self) -> bool:
        """S3 ListParts sends the request's ``part-number-marker`` back as ``NextPartNumberMarker``.

        So the marker never advances: ``0`` on a first page (MinIO never set it before
        minio/minio#1528, fixing #1522). botocore's paginator treats ``0`` as "no token" and
        stops after the first page without an error; resumed from a non-zero marker it raises
        ``PaginationError`` ("The same next token was received twice"); a hand-written ``while
        IsTruncated`` loop repeats one page until the loop guard stops it (BUG-10).
        """
        return self._state.behaviour.stuck_next_part_number_marker

    @stuck_next_part_number_marker.setter
    def stuck_next_part_number_marker(self, value: bool) -> None:
        self._state.behaviour.stuck_next_part_number_marker = _check_flag(
            "stuck_next_part_number_marker", value
        )

    @property
    def strict_empty_markers(self) -> bool:
        """S3 ListMultipartUploads rejects an ``upload-id-marker`` sent empty, as GCS does.

        Answer: 400 ``InvalidArgument`` ``Invalid argument.`` with
        ``<Details>Invalid upload ID marker: </Details>`` (Google Cloud Storage's XML API, quoted
        in syslog-ng/syslog-ng#4956; BUG-06). AWS accepts empty markers, hence off by default.
        Not modelled: an empty ``key-marker`` sent alone (no recording of what GCS answers).
        """
        return self._state.behaviour.strict_empty_markers

    @strict_empty_markers.setter
    def strict_empty_markers(self, value: bool) -> None:
        self._state.behaviour.strict_empty_markers = _check_flag("strict_empty_markers", value)

    # ------------------------------------------------------------------ loop guard

    @property
    def loop_guard(self) -> int | None:
        """How many times one listing position may get the same answer (``None``: unlimited).

        A position is the operation with every parameter that selects a page: S3
        ListMultipartUploads bucket, prefix, delimiter, encoding type, key marker, upload-id
        marker and max-uploads; S3 ListParts bucket, key, upload id, part-number marker and
        max-parts; Glacier ListVaults / ListMultipartUploads / ListParts account, region, vault,
        upload id, marker and limit. Only a repeat that gets the *same answer* (status and
        body, or error code) counts; when the answer changes (an upload was added or aborted in
        between) the count starts again. A correct client asks for each position once per full
        listing, so the default of 100 allows 100 complete re-listings of an unchanged bucket,
        while a looping client fails after at most 100 rounds of its cycle. A client that polls
        an unchanged listing more than 100 times (waiting for something that never comes) trips
        it too. Set with ``mock_mpu(loop_guard=N)`` or by assigning here.
        """
        return self._limit

    @loop_guard.setter
    def loop_guard(self, value: int | None) -> None:
        _check_count("loop_guard", value, allow_none=True)
        with self._lock:
            self._limit = value

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

    # ------------------------------------------------------------------ serving

    def serve(self, handler: Handler, request: WireRequest) -> WireResponse:
        """Answer one request: an injected error if one fires, else ``handler``; guard loops.

        Raises:
            ListingLoopError: the loop guard tripped on this request.
        """
        reply = self._injected_reply(request) if self._faults else None
        if reply is None:
            reply = handler(self._state, request)
        if self._limit is not None and (request.service, request.operation) in _LISTINGS:
            self._guard(request, reply)
        return reply

    def _injected_reply(self, request: WireRequest) -> WireResponse | None:
        chosen: InjectedFault | None = None
        with self._lock:
            for fault in self._faults:
                if fault.service == request.service and fault.operation == request.operation:
                    fault.seen += 1
                    if chosen is None and fault._fires(fault.seen):
                        fault.triggered += 1
                        chosen = fault
        if chosen is None:
            return None
        error = ServiceError(chosen.code, chosen.message, chosen.status, sender=chosen.sender)
        if chosen.service == "s3":
            from mockmpu.s3.codec import render_error as render_s3_error

            return render_s3_error(self._state, error, head=request.method.upper() == "HEAD")
        from mockmpu.glacier.codec import render_error as render_glacier_error

        return render_glacier_error(self._state, error)

    def _guard(self, request: WireRequest, reply: WireResponse) -> None:
        position = _position(self._state, request)
        answer: _Answer = (
            (reply.status, reply.error.code, b"")
            if reply.error is not None
            else (reply.status, "", hashlib.blake2b(reply.body, digest_size=16).digest())
        )
        with self._lock:
            limit = self._limit
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


def _served_operation(ref: str) -> tuple[str, str]:
    from mockmpu.services import SERVED

    service, op = parse_operation_ref(ref)
    if (service, op) in SERVED:
        return service, op
    served = sorted(o for s, o in SERVED if s == service)
    if not served:
        services = ", ".join(sorted({s for s, _ in SERVED}))
        raise MockmpuError(
            f"mockmpu serves no service {service!r}; name an operation of {services}, "
            f"e.g. 's3:ListParts'."
        )
    raise MockmpuError(
        f"{format_operation(service, op)} is not an operation mockmpu serves; name one of "
        f"{', '.join(f'{service}:{o}' for o in served)}."
    )


def _check_status(service: str, operation: str, status: object) -> None:
    if isinstance(status, bool) or not isinstance(status, int):
        raise MockmpuError(f"status= takes an HTTP status code (int), not {status!r}.")
    if status == 200:
        if service != "s3":
            raise MockmpuError(
                "status=200 with an error body exists only on S3; give a Glacier fault a 4xx or "
                "5xx status (botocore would parse a 200 as a success)."
            )
        if operation == "HeadBucket":
            raise MockmpuError(
                "status=200 cannot carry an error on S3 HeadBucket (HEAD responses have no body, "
                "so botocore would see a success); use a 4xx or 5xx status."
            )
        return
    if not 400 <= status <= 599:
        raise MockmpuError(
            f"status= must be 400-599 (or 200 for S3's 200-with-<Error>), not {status}."
        )


def _position(state: MpuState, request: WireRequest) -> _Position:
    fields: list[tuple[str, str]] = []
    for source, name, api_name in _POSITION_FIELDS[(request.service, request.operation)]:
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
