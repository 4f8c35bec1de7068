"""The dict path of ``mock_mpu(wire=False)``: served calls answered at botocore's ``before-call``.

In wire mode (the default) every served call is rendered to the bytes AWS sends and botocore's own
parser reads them at ``before-send``. With ``wire=False`` a handler at ``before-call`` (registered
*last*, so botocore's own ``before-call`` handlers such as Glacier's tree-hash and version headers
have run) answers instead: the semantics layer's result becomes the dict botocore's parser would
have produced, and ``_make_api_call`` returns it (or raises the modeled exception for an error
status) without signing, sending, rendering or parsing. The per-service answers are
in ``mockmpu.s3.parsed`` / ``mockmpu.s3.replies`` and ``mockmpu.glacier.parsed`` /
``mockmpu.glacier.replies``; this module holds what they share (the reply record, the
header-member parser, the retry check).

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

Not modelled on the dict path (documented in docs/usage.md, "The dict path"): handlers on
``before-send``, ``request-created``, ``before-sign``, ``before-parse``, ``needs-retry`` and
``response-received`` do not run, so botocore's retry handler, its 200-with-error handling,
adaptive mode's rate limiter and client-side monitoring never see these calls;
``after-call-error`` is not emitted when the loop guard raises; ``http_response.content`` is
empty; a custom ``timestamp_parser`` set on a session's response-parser factory (the AWS CLI does
this; boto3 does not) is not followed (the module default is).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
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
    "error_shape",
    "headers_parsable",
    "lower_headers",
    "parse_header_members",
    "retried_by_botocore",
]

# Context keys the hook fills at provide-client-params / before-parameter-build (_hook.py).
_PARAMS = "mockmpu.params"
_CALLER_PARAMS = "mockmpu.caller_params"


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


def lower_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """``headers`` with lower-case names, as botocore's ``HTTPHeaders`` has them."""
    return {name.lower(): value for name, value in headers.items()}


def error_shape(model: Any, code: str | None) -> Any:
    """The modeled error shape of ``code`` in ``model``'s service, or ``None``."""
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
    shape = error_shape(model, code)
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
