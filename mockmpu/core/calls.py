"""Records of the calls a mock served, in the ``unittest.mock`` vocabulary."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "BodySummary",
    "Call",
    "CallList",
    "Listed",
    "describe_call",
    "format_operation",
    "parse_operation_ref",
]

_DISPLAY = {"s3": "S3", "glacier": "Glacier"}


def format_operation(service: str, operation: str) -> str:
    """``("s3", "ListParts")`` -> ``"S3 ListParts"``, the form used in messages."""
    return f"{_DISPLAY.get(service, service)} {operation}"


def _short(value: Any) -> str:
    if isinstance(value, (bytes, bytearray)):
        return f"<{len(value)} bytes>"
    if hasattr(value, "read"):
        return f"<{type(value).__name__}>"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def describe_call(service: str, operation: str, params: Mapping[str, Any]) -> str:
    """``S3 GetObject (Bucket='data', Key='a.csv')``: each value's repr cut to 60 characters."""
    args = ", ".join(f"{k}={_short(v)}" for k, v in params.items())
    return f"{format_operation(service, operation)} ({args})"


def parse_operation_ref(ref: str) -> tuple[str, str]:
    """Split ``"s3:ListParts"`` (or ``"s3:*"``) into ``("s3", "ListParts")``."""
    service, sep, operation = ref.partition(":")
    if not sep or not service or not operation:
        from mockmpu.core.errors import MockmpuError

        raise MockmpuError(
            f"Operation references are spelled 'service:Operation', e.g. 's3:GetObject' or "
            f"'s3:*'; got {ref!r}."
        )
    return service.lower(), operation


@dataclass(frozen=True)
class BodySummary:
    """What :class:`Call` keeps of a request body: its size in bytes, not the bytes.

    ``size`` is ``None`` for a file-like body (its length is not read); ``kind`` is the type name.
    """

    size: int | None
    kind: str

    def __repr__(self) -> str:
        return f"<{self.size} bytes>" if self.size is not None else f"<{self.kind}>"


@dataclass(frozen=True)
class Listed:
    """What one listing page answered, kept cheaply (ids, never bodies) for explanations.

    Attributes:
        items: the page's items in order: upload ids (S3 and Glacier ListMultipartUploads),
            part numbers (S3 ListParts) or ``RangeInBytes`` strings (Glacier ListParts).
        truncated: S3's ``IsTruncated``; for Glacier, whether a ``Marker`` that names a next
            page was sent (a real marker, not ``null`` or a stringified end marker).
        markers: the next-page members exactly as sent: S3 ``NextKeyMarker`` and
            ``NextUploadIdMarker`` (URL-encoded under ``EncodingType=url``; a member the server
            left out is absent), ``NextPartNumberMarker`` (an ``int``); Glacier ``Marker``
            (``None`` for JSON ``null``; absent when the member was left out).
    """

    items: tuple[Any, ...]
    truncated: bool
    markers: Mapping[str, Any]


#: Fills a frozen instance's ``__dict__`` in one step (a frozen dataclass's generated
#: ``__init__`` makes one ``object.__setattr__`` call per field: twice the cost).
_set_dict = object.__setattr__


@dataclass(frozen=True, init=False)
class Call:
    """One call the mock answered.

    Attributes:
        service: botocore's service id (``"s3"``, ``"glacier"``).
        operation: the AWS operation name (``"ListParts"``).
        params: the API parameters the caller passed; a body (bytes or a file) is recorded as a
            :class:`BodySummary` so that calls never keep part data alive.
        status: the HTTP status of the answer.
        error_code: the AWS error code answered (``"NoSuchUpload"``), or ``None`` on success.
        answer: for a listing answered with a page (ListMultipartUploads, ListParts), what
            came back (:class:`Listed`); ``None`` for other calls and errors.
    """

    service: str
    operation: str
    params: Mapping[str, Any]
    status: int
    error_code: str | None = None
    answer: Listed | None = None

    def __init__(
        self,
        service: str,
        operation: str,
        params: Mapping[str, Any],
        status: int,
        error_code: str | None = None,
        answer: Listed | None = None,
    ) -> None:
        _set_dict(
            self,
            "__dict__",
            {
                "service": service,
                "operation": operation,
                "params": params,
                "status": status,
                "error_code": error_code,
                "answer": answer,
            },
        )

    @property
    def outcome(self) -> str:
        """``"ok"``, or the AWS error code that was answered."""
        return self.error_code or "ok"

    @property
    def ref(self) -> str:
        """The call's operation as ``"service:Operation"``."""
        return f"{self.service}:{self.operation}"


class CallList(list[Call]):
    """The calls a mock served, oldest first (a ``list`` of :class:`Call`)."""

    @property
    def called(self) -> bool:
        return bool(self)

    @property
    def call_count(self) -> int:
        return len(self)

    @property
    def last(self) -> Call:
        """The most recent call; ``IndexError`` if there was none."""
        return self[-1]

    def filter(
        self,
        ref: str | None = None,
        *,
        service: str | None = None,
        operation: str | None = None,
        outcome: str | None = None,
    ) -> CallList:
        """Return the calls matching every criterion given.

        ``ref`` is ``"service:Operation"`` (``"s3:ListParts"``, ``"glacier:*"``).
        """
        if ref is not None:
            service, op = parse_operation_ref(ref)
            operation = None if op == "*" else op
        return CallList(
            c
            for c in self
            if (service is None or c.service == service)
            and (operation is None or c.operation == operation)
            and (outcome is None or c.outcome == outcome)
        )
