"""Injected service errors: :class:`InjectedFault`, the codes mockmpu knows, and their answer.

An injected fault answers attempts at one served operation with an AWS error document rendered by
the service's wire codec (``mpu.faults.fail``, :class:`mockmpu.faults.Faults`). This module
imports neither botocore nor the codecs at import time; the codecs are imported when a fault
first fires.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from mockmpu.core.calls import format_operation, parse_operation_ref
from mockmpu.core.errors import MockmpuError, ServiceError
from mockmpu.services import SERVED

if TYPE_CHECKING:
    from mockmpu.core.state import MpuState
    from mockmpu.core.wire import WireRequest, WireResponse

__all__ = ["KNOWN_ERRORS", "InjectedFault", "check_status", "render", "served_operation"]

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

    def fires(self, attempt: int) -> bool:
        """True if the ``attempt``-th attempt (1-based) is one this fault answers."""
        if attempt < self.nth:
            return False
        return self.times is None or attempt < self.nth + self.times

    def __repr__(self) -> str:
        times = "every attempt" if self.times is None else f"times={self.times}"
        return (
            f"<InjectedFault {self.ref} {self.code} {self.status}, nth={self.nth}, "
            f"{times}, triggered {self.triggered} of {self.seen} attempts>"
        )


def render(state: MpuState, fault: InjectedFault, request: WireRequest) -> WireResponse:
    """The error document ``fault`` answers ``request`` with, rendered by the service's codec."""
    error = ServiceError(fault.code, fault.message, fault.status, sender=fault.sender)
    if fault.service == "s3":
        from mockmpu.s3.codec import render_error as render_s3_error

        return render_s3_error(state, error, head=request.method.upper() == "HEAD")
    from mockmpu.glacier.codec import render_error as render_glacier_error

    return render_glacier_error(state, error)


def served_operation(ref: str) -> tuple[str, str]:
    """``"s3:ListParts"`` -> ``("s3", "ListParts")``; ``MockmpuError`` unless it is served."""
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


def check_status(service: str, operation: str, status: object) -> None:
    """Refuse a status an injected ``service:operation`` error cannot have (``MockmpuError``)."""
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
