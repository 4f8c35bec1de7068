"""``mpu.faults``: the :class:`Faults` handle (injected errors, protocol switches, loop guard).

The package docstring (:mod:`mockmpu.faults`) says what each is for; the injected errors live in
:mod:`mockmpu.faults.injected`, the loop guard in :mod:`mockmpu.faults.loop_guard`.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from mockmpu.core.errors import MockmpuError
from mockmpu.faults.injected import (
    KNOWN_ERRORS,
    InjectedFault,
    check_status,
    render,
    served_operation,
)
from mockmpu.faults.loop_guard import DEFAULT_LOOP_GUARD, LoopGuard

if TYPE_CHECKING:
    from mockmpu.core.state import MpuState
    from mockmpu.core.wire import Handler, WireRequest, WireResponse

__all__ = ["Faults"]


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

    __slots__ = ("_faults", "_guard", "_lock", "_state")

    def __init__(self, state: MpuState, *, loop_guard: int | None = DEFAULT_LOOP_GUARD) -> None:
        _check_count("loop_guard", loop_guard, allow_none=True)
        self._state = state
        self._lock = threading.Lock()
        self._faults: list[InjectedFault] = []
        self._guard = LoopGuard(state, loop_guard)

    def __repr__(self) -> str:
        return (
            f"<Faults: {len(self._faults)} injected, loop_guard={self._guard.limit}, "
            f"{len(self.loops)} loops>"
        )

    @property
    def loops(self) -> list[str]:
        """The message of every listing loop the guard stopped, oldest first (one per position).

        The list itself: clear it to accept loops a test provoked on purpose.
        """
        return self._guard.loops

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
        service, op = served_operation(operation)
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
        check_status(service, op, status)
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
        return self._guard.limit

    @loop_guard.setter
    def loop_guard(self, value: int | None) -> None:
        _check_count("loop_guard", value, allow_none=True)
        self._guard.limit = value

    def assert_no_loops(self) -> None:
        """Raise :class:`ListingLoopError` if a loop was detected (and swallowed by the code)."""
        self._guard.assert_no_loops()

    # ------------------------------------------------------------------ serving

    def serve(self, handler: Handler, request: WireRequest) -> WireResponse:
        """Answer one request: an injected error if one fires, else ``handler``; guard loops.

        Raises:
            ListingLoopError: the loop guard tripped on this request.
        """
        reply = self._injected_reply(request) if self._faults else None
        if reply is None:
            reply = handler(self._state, request)
        if self._guard.watches(request):
            self._guard.check(request, reply)
        return reply

    def _injected_reply(self, request: WireRequest) -> WireResponse | None:
        chosen: InjectedFault | None = None
        with self._lock:
            for fault in self._faults:
                if fault.service == request.service and fault.operation == request.operation:
                    fault.seen += 1
                    if chosen is None and fault.fires(fault.seen):
                        fault.triggered += 1
                        chosen = fault
        if chosen is None:
            return None
        return render(self._state, chosen, request)
