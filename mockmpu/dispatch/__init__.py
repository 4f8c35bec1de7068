"""The one front door: a raw HTTP request in, a raw HTTP response (or "not served") out.

Every transport (the botocore hook, aiobotocore, the HTTP server, the moto bridge) turns what it
holds into an :class:`~mockmpu.core.wire.HttpRequest` and calls :func:`dispatch`. The dispatcher
identifies the service and operation as AWS does, from the request alone (S3: method, host, path
and query; Glacier: method and path), reads the URI labels, the query and the body, asks the
injected faults and the codec to answer, and records the call. A transport that already knows
the operation passes it as ``hint``; the dispatcher checks that the request agrees.

An operation mockmpu does not serve comes back as :class:`NotServed`, naming it, so each
transport can refuse or pass it on in its own way.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from mockmpu.core.calls import BodySummary, Call, describe_call
from mockmpu.core.errors import MockmpuError
from mockmpu.core.target import Target
from mockmpu.core.wire import Body, Handler, HttpRequest, WireRequest, WireResponse
from mockmpu.glacier import routes as glacier_routes
from mockmpu.s3 import routes as s3_routes
from mockmpu.services import SERVED, handler

__all__ = ["NotServed", "Target", "dispatch", "read_body", "route", "serve"]

_DEFAULT_REGION = "us-east-1"
_CREDENTIAL = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/,\s]+)/([^/,\s]+)/aws4_request")
_AWS_HOST = re.compile(
    r"(?:^|\.)(s3|glacier)(?:[.-](?:dualstack|fips))*[.-]([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.",
    re.IGNORECASE,
)
_GLACIER_HOST = re.compile(r"^glacier[.-]", re.IGNORECASE)
#: Served operations of which some forms are not (object reads of a version, or with
#: ``response-*`` overrides): those are named but not served.
_SOME_FORMS = frozenset({("s3", "GetObject"), ("s3", "HeadObject")})


@dataclass(frozen=True)
class NotServed:
    """A request for an operation mockmpu does not serve.

    Attributes:
        service: ``"s3"`` or ``"glacier"``.
        operation: the operation's name (from the transport's hint or botocore's model;
            ``"Unknown"`` when neither names it).
        params: what the request carries, for messages (URI labels, query and header members).
    """

    service: str
    operation: str
    params: Mapping[str, Any]

    @property
    def ref(self) -> str:
        """``"s3:GetObject"``."""
        return f"{self.service}:{self.operation}"

    def describe(self) -> str:
        """``S3 GetObject (Bucket='data', Key='a.csv')``."""
        return describe_call(self.service, self.operation, self.params)


def read_body(body: Body) -> bytes:
    """Read a request body to bytes; a stream is read from its position and put back there."""
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, (bytearray, memoryview)):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        try:
            start: int | None = body.tell()
        except (AttributeError, OSError, ValueError):
            start = None
        data = body.read()
        if start is not None:
            with contextlib.suppress(AttributeError, OSError, ValueError):
                body.seek(start)
        return data if isinstance(data, bytes) else bytes(data, "utf-8")
    return b"".join(bytes(chunk) for chunk in body)


def _headers(raw: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in raw.items():
        text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
        out[str(name).lower()] = text
    return out


def _query(text: str) -> dict[str, str]:
    """``dict(parse_qsl(text, keep_blank_values=True))``; without ``%`` or ``+`` (botocore's
    usual query: flags, numbers, upload ids) nothing needs decoding, so it is split directly
    (``;`` goes the long way too: Pythons before 3.9.2 split on it)."""
    if "%" in text or "+" in text or ";" in text:
        return dict(parse_qsl(text, keep_blank_values=True))
    query: dict[str, str] = {}
    for field in text.split("&"):
        if field:
            name, _, value = field.partition("=")
            query[name] = value
    return query


def _service_of(host: str, headers: Mapping[str, str], query: Mapping[str, str]) -> str:
    if "x-amz-glacier-version" in headers or _GLACIER_HOST.match(host):
        return "glacier"
    scope = _CREDENTIAL.search(headers.get("authorization", "")) or _CREDENTIAL.search(
        "Credential=" + query.get("X-Amz-Credential", "")
    )
    if scope is not None and scope.group(2) == "glacier":
        return "glacier"
    return "s3"


def _region_of(host: str, headers: Mapping[str, str], query: Mapping[str, str]) -> str:
    scope = _CREDENTIAL.search(headers.get("authorization", "")) or _CREDENTIAL.search(
        "Credential=" + query.get("X-Amz-Credential", "")
    )
    if scope is not None:
        return scope.group(1)
    match = _AWS_HOST.search(host)
    return match.group(2).lower() if match is not None else _DEFAULT_REGION


def route(
    request: HttpRequest,
    *,
    hint: tuple[str, str] | None = None,
    region: str | None = None,
    endpoint_hosts: Collection[str] = (),
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> WireRequest | NotServed:
    """Identify the operation a raw request names and read its inputs; touches no state.

    Args:
        hint: ``(service, operation)`` as the transport knows it (botocore's event name); the
            request must agree, or :class:`MockmpuError` says that mockmpu misrouted it.
        region: the client's region, when the transport knows it; else the signature's
            credential scope, then the host, then ``us-east-1``.
        endpoint_hosts: custom S3 endpoint hosts in use, so ``bkt.<host>`` is read as bucket
            ``bkt`` (virtual-hosted style). AWS's endpoints are always known.
        body: the body already read (else it is read from ``request.body``).
        headers: ``request.headers`` already read by the transport: a new dict with lower-case
            names and ``str`` values (the request keeps it).
    """
    parts = urlsplit(request.url)
    host = parts.netloc.rpartition("@")[2]
    raw_path = parts.path or "/"
    query = _query(parts.query)
    if headers is None:
        headers = _headers(request.headers)
    method = request.method.upper()
    service = hint[0] if hint is not None else _service_of(host, headers, query)
    if service == "glacier":
        operation, labels = glacier_routes.route(method, raw_path)
    elif service == "s3":
        operation, labels = s3_routes.route(method, host, raw_path, query, headers, endpoint_hosts)
    else:
        operation, labels = None, {}
    if (
        hint is not None
        and operation != hint[1]
        and (operation is not None or (hint in SERVED and hint not in _SOME_FORMS))
    ):
        raise MockmpuError(
            f"mockmpu routed a {method} {request.url} request as {service}:{operation}, but the "
            f"client sent it as {hint[0]}:{hint[1]}; please report this with the URL."
        )
    if operation is None:
        from mockmpu.dispatch.naming import api_params, name_operation

        if hint is not None:
            name = hint[1]
        else:
            path = raw_path
            if (
                service == "s3"
                and "Bucket" in labels
                and s3_routes.split_bucket(host, endpoint_hosts)
            ):
                path = "/" + labels["Bucket"] + raw_path
            name = name_operation(service, method, path, query, headers)
        return NotServed(service, name, api_params(service, name, labels, query, headers))
    stream: Body = None
    if body is None and (service, operation) == ("s3", "UploadPart"):
        raw = request.body
        if raw is not None and hasattr(raw, "read"):
            stream, body = raw, b""  # streamed by the codec (s3.payload), never held whole
    return WireRequest(
        service=service,
        operation=operation,
        labels=labels,
        method=method,
        url=request.url,
        query=query,
        headers=headers,
        body=read_body(request.body) if body is None else body,
        region=region or _region_of(host, headers, query),
        stream=stream,
    )


def _recorded_params(request: WireRequest) -> dict[str, Any]:
    from mockmpu.dispatch.naming import api_params

    params = api_params(
        request.service, request.operation, request.labels, request.query, request.headers
    )
    if request.stream is not None:
        params["Body"] = BodySummary(None, type(request.stream).__name__)
    elif request.body:
        params["Body"] = BodySummary(len(request.body), "bytes")
    return params


def serve(
    target: Target,
    handler: Handler,
    request: WireRequest,
    params: Mapping[str, Any] | None = None,
) -> WireResponse:
    """Answer one routed request (injected faults first, then the codec) and record the call.

    ``params`` are the API parameters as the caller passed them, when the transport has them;
    otherwise they are read back from the request. A listing loop raises ``ListingLoopError``
    (unrecorded).
    """
    reply = target.faults.serve(handler, request)
    target.record(
        Call(
            service=request.service,
            operation=request.operation,
            params=params if params is not None else _recorded_params(request),
            status=reply.status,
            error_code=reply.error.code if reply.error is not None else None,
            answer=reply.listing,
        )
    )
    return reply


def dispatch(
    target: Target,
    request: HttpRequest,
    *,
    hint: tuple[str, str] | None = None,
    region: str | None = None,
    endpoint_hosts: Collection[str] = (),
    params: Mapping[str, Any] | None = None,
) -> WireResponse | NotServed:
    """Answer one raw HTTP request from ``target``'s state, or say it is not served.

    See :func:`route` for ``hint``, ``region`` and ``endpoint_hosts``, and :func:`serve` for
    ``params``. The response is what AWS would send: status, headers and body bytes, with
    ``error`` set when it is an AWS error.
    """
    routed = route(request, hint=hint, region=region, endpoint_hosts=endpoint_hosts)
    if isinstance(routed, NotServed):
        return routed
    return serve(target, handler(routed.service, routed.operation), routed, params)
