"""The dict path of ``mock_mpu(wire=False)``: served calls answered at botocore's ``before-call``.

In wire mode (the default) every served call is rendered to the bytes AWS sends and botocore's own
parser reads them at ``before-send``. With ``wire=False`` a handler at ``before-call`` (registered
*last*, so botocore's own ``before-call`` handlers such as Glacier's tree-hash and version headers
have run) answers instead: the semantics layer's result becomes the dict botocore's parser would
have produced, and ``_make_api_call`` returns it (or raises the modeled exception for an error
status) without signing, sending, rendering or parsing. The per-service answers are
in ``_parsed_s3`` and ``_parsed_glacier``; this module holds the entry point and what they share.

What goes in is read from botocore's ``request_dict`` (it exists at ``before-call``: serialized,
with the final URL and query string, but not yet signed, and without the request checksum that
``apply_request_checksum`` adds afterwards). The same request parsers as the wire codec read it,
and the request checksum is computed here with botocore's own ``apply_request_checksum`` (so
UploadPart's default CRC32 under ``request_checksum_calculation="when_supported"`` is there).

What comes out follows botocore's parsers: header members by the output shape (so members an
older botocore does not model are left out, as its parser would), body members in model order,
``ResponseMetadata`` (``RequestId``, ``HostId`` for S3, ``HTTPStatusCode``, ``HTTPHeaders`` with
lower-case names, ``RetryAttempts: 0``), S3 timestamps as the datetimes
``botocore.parsers.DEFAULT_TIMESTAMP_PARSER`` gives, empty S3 error elements as ``None``, and
Glacier's modeled error fields (``code``, ``message``, ``type``). Request ids, ``Date`` and the
clock are drawn in the codecs' order, so a seed gives the same ids in both modes.

A call goes on to the wire path instead (the handler returns ``None``) when the dict path cannot
give exactly what the wire gives. It decides before changing the state, drawing an id or
recording the call (``WireFallback``), so the wire path then answers the call as if the dict path
had not been there (S3 bodies are put back where they were):

- an injected fault (``mpu.faults.fail``) is registered for the operation, exhausted or not:
  faults exist to exercise botocore's retry handler and its 200-with-``<Error>`` handling, which
  only run on the wire path;
- the answer is an error botocore's retry handler may retry (any status from 500 up, 429, 509,
  a code in botocore's legacy ``_retry.json`` for the service such as S3 ``BadDigest``, the
  standard mode's transient and throttling codes, an error shape marked retryable);
- an S3 error whose modeled shape has members (none of the errors mockmpu answers has any);
- an S3 response would carry a string XML 1.0 cannot represent (control characters, lone
  surrogates): botocore's parser would fail on the wire, and that failure is kept;
- a request body that cannot be read and put back (no ``tell``/``seek``, or an iterable);
- an output member of a kind the dict path does not reproduce (a header member that is a list
  or a JSON value, a Glacier body member of another type than mockmpu sends): none in today's
  models, checked against the client's model on every call.

Not modelled on the dict path (documented in README.md, "The dict path"): handlers on
``before-send``, ``request-created``, ``before-sign``, ``before-parse``, ``needs-retry`` and
``response-received`` do not run, so botocore's retry handler, its 200-with-error handling,
adaptive mode's rate limiter and client-side monitoring never see these calls;
``after-call-error`` is not emitted when the loop guard raises; ``http_response.content`` is
empty; a custom ``timestamp_parser`` set on a session's response-parser factory (the AWS CLI does
this; boto3 does not) is not followed (the module default is).
"""

from __future__ import annotations

import http.client
import importlib
import json
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Callable

import botocore.parsers

from mockmpu.core.calls import Listed
from mockmpu.core.errors import ServiceError
from mockmpu.core.wire import WireRequest, WireResponse

if TYPE_CHECKING:
    from mockmpu.core.state import MpuState

__all__ = [
    "ParsedAnswer",
    "ParsedReply",
    "WireFallback",
    "body_members",
    "glacier_error_reply",
    "glacier_reply",
    "headers_parsable",
    "json_body",
    "parse_header_members",
    "retried_by_botocore",
    "s3_error_reply",
    "s3_reply",
    "timestamp_converter",
    "xml_safe",
]

# Context keys the hook fills at provide-client-params / before-parameter-build (_hook.py).
_PARAMS = "mockmpu.params"
_CALLER_PARAMS = "mockmpu.caller_params"
# dateutil comes with botocore (its parser makes these tzinfos); imported untyped on purpose.
_tz: Any = importlib.import_module("dateutil.tz")


class WireFallback(Exception):
    """Raised by a dict-path answer before it changes anything: serve this call on the wire."""


@dataclass
class ParsedReply:
    """One dict-path answer.

    Attributes:
        status: the HTTP status the wire path would send.
        headers: the response headers the wire path would send (their names as the codec
            writes them); ``parsed["ResponseMetadata"]["HTTPHeaders"]`` has them lower-cased.
        parsed: the dict botocore's parser would return for the wire response.
        error: the AWS error answered, if any (for ``mpu.calls``).
        listing: what a listing page answered (``WireResponse.listing``).
        fingerprint: stands in for the response body in the loop guard's "same answer"
            comparison: Glacier's body itself; for S3 a 64-bit hash of everything the body
            renders, so equal when the wire bodies would be, and otherwise different but for a
            hash collision.
    """

    status: int
    headers: dict[str, str]
    parsed: dict[str, Any]
    error: ServiceError | None = None
    fingerprint: bytes = b""
    listing: Listed | None = None

    def stand_in(self) -> WireResponse:
        """A body-less ``WireResponse`` for ``MpuMock.serve``'s loop guard and call record."""
        return WireResponse(self.status, {}, self.fingerprint, self.error, self.listing)


#: A dict-path entry point: answer one request against the state for this operation model.
ParsedAnswer = Callable[["MpuState", WireRequest, Any], ParsedReply]


# ------------------------------------------------------------------------------ shared helpers

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


#: Header member types the dict path parses as botocore does (others: the wire path).
_HEADER_TYPES = frozenset({"string", "boolean", "integer", "long", "float", "double", "timestamp"})


def headers_parsable(model: Any) -> bool:
    """True if every non-body member of ``model``'s output is one :func:`parse_header_members`
    parses exactly (checked before answering, so an answer never has to fall back late)."""
    shape = model.output_shape
    if shape is None:
        return True
    for member in shape.members.values():
        serialization = member.serialization
        location = serialization.get("location")
        if location is None or location in ("headers", "statusCode"):
            continue
        if location != "header" or member.type_name not in _HEADER_TYPES:
            return False
        if serialization.get("jsonvalue"):
            return False
    return True


def parse_header_members(
    shape: Any, headers: Mapping[str, str], parsed: dict[str, Any], *, xml: bool, status: int
) -> None:
    """Add the output shape's non-body members, as botocore's REST parsers do.

    ``_parse_non_payload_attrs``: in model order, only members the model has; a ``header``
    member when its header (``headers`` has lower-case names) was sent, booleans as
    ``text == "true"`` in rest-xml and case-insensitively in rest-json, timestamps through
    ``DEFAULT_TIMESTAMP_PARSER``; a ``headers`` map (prefix members) always, possibly empty; a
    ``statusCode`` member. Only types :func:`headers_parsable` accepts reach here.
    """
    for name, member in shape.members.items():
        serialization = member.serialization
        location = serialization.get("location")
        if location is None:
            continue
        if location == "statusCode":
            parsed[name] = status
            continue
        if location == "headers":
            prefix = serialization.get("name", "").lower()
            parsed[name] = {h[len(prefix) :]: v for h, v in headers.items() if h.startswith(prefix)}
            continue
        value = headers.get(serialization.get("name", name).lower())
        if value is None:
            continue
        kind = member.type_name
        if kind == "boolean":
            parsed[name] = value == "true" if xml else value.lower() == "true"
        elif kind in ("integer", "long"):
            parsed[name] = int(value)
        elif kind in ("float", "double"):
            parsed[name] = float(value)
        elif kind == "timestamp":
            parsed[name] = botocore.parsers.DEFAULT_TIMESTAMP_PARSER(value)
        else:
            parsed[name] = value


def body_members(shape: Any, body: Mapping[str, Any], parsed: dict[str, Any]) -> None:
    """Add ``body``'s members to ``parsed`` in model order, leaving out members not modeled."""
    for name in shape.members:
        if name in body:
            parsed[name] = body[name]


# ------------------------------------------------------------------------------------ metadata


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


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
    """An S3 success, as ``_codec_s3._response`` sends it and botocore's rest-xml parser reads it.

    Draws ``x-amz-id-2``, then ``x-amz-request-id``, then reads the clock for ``Date``, as the
    codec does. ``body`` holds the body members already in their parsed form.
    """
    from email.utils import format_datetime

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
    lower = _lower(wire)
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
    """An S3 error, as ``_codec_s3.render_error`` sends it and botocore reads it.

    ``head``: a HEAD request, whose error has no body, so botocore reports the status
    (``{'Code': '404', 'Message': 'Not Found'}``). Raises :class:`WireFallback` for what only the
    wire path reproduces (see the module docstring), before drawing any id.
    """
    from email.utils import format_datetime

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
    error_shape = _error_shape(model, code)
    if error_shape is not None and error_shape.members:
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
            "HTTPHeaders": _lower(wire),
            "RetryAttempts": 0,
        },
    }
    return ParsedReply(status, wire, parsed, error)


def json_body(document: Mapping[str, Any]) -> bytes:
    """The body ``_codec_glacier`` sends for ``document`` (compact JSON)."""
    return json.dumps(document, separators=(",", ":")).encode("utf-8")


def _json_value(shape: Any, value: Any) -> Any:
    """``value`` (decoded JSON) as botocore's rest-json parser reads it against ``shape``."""
    kind = shape.type_name
    if kind == "structure":
        out: dict[str, Any] = {}
        for name, member in shape.members.items():
            raw = value.get(member.serialization.get("name", name))
            if raw is not None:
                out[name] = _json_value(member, raw)
        return out
    if kind == "list":
        return [_json_value(shape.member, item) for item in value]
    if kind == "string" and isinstance(value, str):
        return value
    if kind in ("integer", "long") and isinstance(value, int) and not isinstance(value, bool):
        return value
    raise WireFallback


def _glacier_headers(state: MpuState) -> dict[str, str]:
    from email.utils import format_datetime

    return {
        "x-amzn-RequestId": state.ids.glacier_request_id(),
        "Date": format_datetime(state.clock.now().astimezone(timezone.utc), usegmt=True),
    }


def glacier_reply(
    state: MpuState,
    model: Any,
    status: int,
    *,
    document: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> ParsedReply:
    """A Glacier success, as ``_codec_glacier`` sends it and botocore's rest-json parser reads it.

    ``document``: the JSON body (as the codec builds it, ``None`` values included), or ``None``
    for an empty body with ``headers``. The body's bytes give ``Content-Length`` and the loop
    guard's fingerprint; the parsed members follow the output shape (nulls dropped).
    """
    shape = model.output_shape
    # Read against the model before an id is drawn: a WireFallback here still leaves no trace.
    members = _json_value(shape, document) if shape is not None and document is not None else {}
    body = json_body(document) if document is not None else b""
    wire = _glacier_headers(state)
    if document is not None:
        wire["Content-Type"] = "application/json"
    elif headers:
        wire.update(headers)
    wire["Content-Length"] = str(len(body))
    lower = _lower(wire)
    parsed: dict[str, Any] = {
        "ResponseMetadata": {
            "RequestId": wire["x-amzn-RequestId"],
            "HTTPStatusCode": status,
            "HTTPHeaders": lower,
            "RetryAttempts": 0,
        }
    }
    if shape is not None:
        parse_header_members(shape, lower, parsed, xml=False, status=status)
        parsed.update(members)
    return ParsedReply(status, wire, parsed, None, body)


def glacier_error_reply(state: MpuState, model: Any, error: ServiceError) -> ParsedReply:
    """A Glacier error, as ``_codec_glacier`` renders it and botocore's rest-json parser reads it.

    ``Error`` holds ``Message`` then ``Code`` (from ``x-amzn-ErrorType``); a modeled error shape
    adds its members (``type``, ``code``, ``message``) from the body, as botocore's endpoint does.
    """
    code = error.code.split(":", 1)[0].rsplit("#", 1)[-1]
    if retried_by_botocore("glacier", model, code, error.status):
        raise WireFallback
    document = {"code": error.code, "message": error.message, "type": error.sender}
    modeled: dict[str, Any] = {}
    error_shape = _error_shape(model, code)
    if error_shape is not None:
        if any(m.serialization.get("location") for m in error_shape.members.values()):
            raise WireFallback
        modeled = _json_value(error_shape, document)
    body = json_body(document)
    wire = _glacier_headers(state)
    wire["Content-Type"] = "application/json"
    wire["Content-Length"] = str(len(body))
    wire["x-amzn-ErrorType"] = error.code
    parsed: dict[str, Any] = {
        "Error": {"Message": error.message, "Code": code},
        "ResponseMetadata": {
            "RequestId": wire["x-amzn-RequestId"],
            "HTTPStatusCode": error.status,
            "HTTPHeaders": _lower(wire),
            "RetryAttempts": 0,
        },
    }
    parsed.update(modeled)
    return ParsedReply(error.status, wire, parsed, error)


def _error_shape(model: Any, code: str | None) -> Any:
    if not code:
        return None
    return model.service_model.shape_for_error_code(code)


# --------------------------------------------------------------------------------------- retry

_retry_lock = threading.Lock()
_retry_rules: dict[str, tuple[frozenset[str], frozenset[int]]] = {}


def retried_by_botocore(service: str, model: Any, code: str | None, status: int) -> bool:
    """True if some botocore retry mode may retry this error (then the wire path answers).

    Over-approximates on purpose (a false positive only costs speed): any status from 500 up,
    429 and 509; the codes and statuses of botocore's legacy ``_retry.json`` policies for every
    operation of ``service`` and the general ones; the standard mode's transient and throttling
    codes; an error shape with the ``retryable`` trait.
    """
    if status >= 500 or status in (429, 509):
        return True
    codes, statuses = _retry_rules_for(service)
    if status in statuses or (code is not None and code in codes):
        return True
    shape = _error_shape(model, code)
    return shape is not None and bool(shape.metadata.get("retryable"))


def _retry_rules_for(service: str) -> tuple[frozenset[str], frozenset[int]]:
    rules = _retry_rules.get(service)
    if rules is None:
        with _retry_lock:
            rules = _retry_rules.get(service)
            if rules is None:
                rules = _load_retry_rules(service)
                _retry_rules[service] = rules
    return rules


def _load_retry_rules(service: str) -> tuple[frozenset[str], frozenset[int]]:
    from botocore.loaders import create_loader

    codes: set[str] = set()
    statuses: set[int] = set()
    try:
        config = create_loader().load_data("_retry")
    except Exception:  # no legacy config: the fixed lists below still apply
        config = {}
    definitions = config.get("definitions", {})
    retry = config.get("retry", {})
    sections = [retry.get("__default__", {})]
    sections.extend(retry.get(service, {}).values())
    for section in sections:
        for policy in section.get("policies", {}).values():
            if "$ref" in policy:
                policy = definitions.get(policy["$ref"], {})
            response = policy.get("applies_when", {}).get("response", {})
            if "service_error_code" in response:
                codes.add(str(response["service_error_code"]))
            elif "http_status_code" in response:
                statuses.add(int(response["http_status_code"]))
    try:
        from botocore.retries import standard
    except ImportError:  # pragma: no cover - every supported botocore has it
        standard = None
    for owner, attribute in (
        ("TransientRetryableChecker", "_TRANSIENT_ERROR_CODES"),
        ("ThrottledRetryableChecker", "_THROTTLED_ERROR_CODES"),
    ):
        codes.update(getattr(getattr(standard, owner, None), attribute, ()) or ())
    codes.update(
        {
            "RequestTimeout",
            "RequestTimeoutException",
            "PriorRequestNotComplete",
            "Throttling",
            "ThrottlingException",
            "ThrottledException",
            "RequestThrottledException",
            "TooManyRequestsException",
            "ProvisionedThroughputExceededException",
            "TransactionInProgressException",
            "RequestLimitExceeded",
            "BandwidthLimitExceeded",
            "LimitExceededException",
            "RequestThrottled",
            "SlowDown",
            "EC2ThrottledException",
        }
    )
    return frozenset(codes), frozenset(statuses)
