"""S3 dict-path replies: the headers, ``ResponseMetadata`` and error dicts botocore's parser makes.

:func:`s3_reply` and :func:`s3_error_reply` build, from a result the S3 codec would render, the
dict botocore's rest-xml parser would return for those bytes; :func:`timestamp_converter` gives
the datetimes it would parse, and :func:`xml_safe` sends a call to the wire path when a string
could not be carried in XML 1.0. Used by :mod:`mockmpu.s3.parsed`; the shared machinery is in
:mod:`mockmpu.core.parsed`.

Sources: ``mockmpu.s3.codec`` (aws-semantics.md §1-§4); ``botocore.parsers.RestXMLParser``.
Not modelled: see :mod:`mockmpu.core.parsed`.
"""

from __future__ import annotations

import http.client
import importlib
import re
import threading
import time
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any, Callable

import botocore.parsers

from mockmpu.core.errors import ServiceError
from mockmpu.core.parsed import (
    ParsedReply,
    WireFallback,
    body_members,
    error_shape,
    lower_headers,
    parse_header_members,
    retried_by_botocore,
)
from mockmpu.core.state import MpuState

__all__ = ["s3_error_reply", "s3_reply", "timestamp_converter", "xml_safe"]

# dateutil comes with botocore (its parser makes these tzinfos); imported untyped on purpose.
_tz: Any = importlib.import_module("dateutil.tz")


#: Characters XML 1.0 cannot carry (its ``Char`` production), lone surrogates included.
_XML_UNSAFE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: The ASCII ones (a fast path: ``in`` on a string is a memchr).
_ASCII_UNSAFE = tuple(chr(c) for c in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)))


def xml_safe(texts: list[str]) -> None:
    """Raise :class:`WireFallback` if an S3 XML response would carry one of these strings badly.

    On the wire such a character makes botocore's XML parser fail; the dict path keeps that.
    """
    joined = "\t".join(texts)
    if joined.isascii():
        unsafe = any(c in joined for c in _ASCII_UNSAFE)
    else:
        unsafe = _XML_UNSAFE.search(joined) is not None
    if unsafe:
        raise WireFallback


_tz_lock = threading.Lock()
_tz_cache: dict[tuple[Any, ...], Any] = {}


def timestamp_converter() -> Callable[[datetime], datetime]:
    """Return a function giving, for an S3 timestamp, the datetime botocore's parser returns.

    The wire sends ``2024-01-01T00:00:00.000Z`` (whole seconds) and botocore's parser
    (``botocore.parsers.DEFAULT_TIMESTAMP_PARSER``, dateutil underneath) returns a datetime whose
    ``tzinfo`` is ``tzutc()``, or ``tzlocal()`` when the local zone is called UTC. That choice is
    made once (per parser and local zone) by parsing a sample; when it could depend on the value
    (a local zone named UTC that has daylight saving time, or a parser that is not botocore's),
    every value goes through the parser instead, which is exact and slower.
    """
    parser = botocore.parsers.DEFAULT_TIMESTAMP_PARSER
    key = (parser, time.tzname, time.daylight)
    tz = _tz_cache.get(key)
    if tz is None:
        with _tz_lock:
            tz = _tz_cache.setdefault(key, _zulu_tzinfo(parser))

    def exact(value: datetime) -> datetime:
        from mockmpu.s3.codec import timestamp

        try:
            parsed = parser(timestamp(value))
        except ValueError:
            raise WireFallback from None
        if not isinstance(parsed, datetime):
            raise WireFallback
        return parsed

    if tz is False:
        return exact
    utc = timezone.utc

    def fast(value: datetime) -> datetime:
        if value.tzinfo is not utc:
            value = value.astimezone(utc)
        year = value.year
        if year < 1000:  # strftime('%Y') does not pad: the wire text is odd, parse it
            return exact(value)
        # A plain datetime (as the parser makes, whatever subclass came in), whole seconds.
        return datetime(year, value.month, value.day, value.hour, value.minute, value.second, 0, tz)

    return fast


def _zulu_tzinfo(parser: Callable[[str], Any]) -> Any:
    """The tzinfo ``parser`` gives every ``...Z`` timestamp, or ``False`` if it may vary."""
    try:
        sample = parser("2024-07-01T12:34:56.000Z")
    except Exception:
        return False
    expected = datetime(2024, 7, 1, 12, 34, 56, tzinfo=timezone.utc)
    if not isinstance(sample, datetime) or sample != expected or sample.utcoffset() != timedelta(0):
        return False
    tz = sample.tzinfo
    if isinstance(tz, _tz.tzutc):
        return tz  # dateutil's zero-offset branch: the same for every value
    if isinstance(tz, _tz.tzlocal) and not time.daylight:
        return tz  # a local zone without daylight saving time: the same for every value
    return False


def s3_reply(
    state: MpuState,
    model: Any,
    status: int,
    *,
    headers: Mapping[str, str] | None = None,
    xml: bool = False,
    body: Mapping[str, Any] | None = None,
    fingerprint: bytes = b"",
) -> ParsedReply:
    """An S3 success, as ``mockmpu.s3.codec`` sends it and botocore's rest-xml parser reads it.

    Draws ``x-amz-id-2``, then ``x-amz-request-id``, then reads the clock for ``Date``, as the
    codec does. ``body`` holds the body members already in their parsed form.
    """
    host_id = state.ids.host_id()
    request_id = state.ids.request_id()
    wire = {
        "x-amz-id-2": host_id,
        "x-amz-request-id": request_id,
        "Date": format_datetime(state.clock.now(), usegmt=True),
    }
    if headers:
        wire.update(headers)
    if xml:
        wire["Content-Type"] = "application/xml"
    wire["Server"] = "AmazonS3"
    lower = lower_headers(wire)
    parsed: dict[str, Any] = {
        "ResponseMetadata": {
            "RequestId": request_id,
            "HostId": host_id,
            "HTTPStatusCode": status,
            "HTTPHeaders": lower,
            "RetryAttempts": 0,
        }
    }
    shape = model.output_shape
    if shape is not None:
        parse_header_members(shape, lower, parsed, xml=True, status=status)
        if body:
            body_members(shape, body, parsed)
    return ParsedReply(status, wire, parsed, None, fingerprint)


def _xml_text(value: str) -> str | None:
    # botocore reads S3 <Error> children as element text, and an empty element has none.
    return value if value != "" else None


def s3_error_reply(state: MpuState, model: Any, error: ServiceError, *, head: bool) -> ParsedReply:
    """An S3 error, as ``mockmpu.s3.codec.render_error`` sends it and botocore reads it.

    ``head``: a HEAD request, whose error has no body, so botocore reports the status
    (``{'Code': '404', 'Message': 'Not Found'}``). Raises :class:`WireFallback` for what only the
    wire path reproduces (see the module docstring), before drawing any id.
    """
    status = error.status
    if head:
        fields: dict[str, Any] = {
            "Code": str(status),
            "Message": http.client.responses.get(status, ""),
        }
    else:
        xml_safe([error.code, error.message, *error.extra.values()])
        fields = {"Code": _xml_text(error.code), "Message": _xml_text(error.message)}
        for name, value in error.extra.items():
            if name not in ("RequestId", "HostId"):
                fields[name] = _xml_text(value)
    code = fields["Code"]
    if status < 300 or retried_by_botocore("s3", model, code, status):
        raise WireFallback
    shape = error_shape(model, code)
    if shape is not None and shape.members:
        raise WireFallback
    request_id = state.ids.request_id()
    host_id = state.ids.host_id()
    wire = {
        "x-amz-id-2": host_id,
        "x-amz-request-id": request_id,
        "Date": format_datetime(state.clock.now(), usegmt=True),
        "Content-Type": "application/xml",
        "Server": "AmazonS3",
    }
    parsed: dict[str, Any] = {
        "Error": fields,
        "ResponseMetadata": {
            "RequestId": request_id,
            "HostId": host_id,
            "HTTPStatusCode": status,
            "HTTPHeaders": lower_headers(wire),
            "RetryAttempts": 0,
        },
    }
    return ParsedReply(status, wire, parsed, error)
