"""The botocore event hook: the only module that knows botocore's events.

Three handlers, registered first so they run before moto's:

- ``before-parameter-build``: keeps a reference to the caller's API parameters in the request
  context (later botocore handlers, such as Glacier's ``accountId='-'`` injection, still show).
- ``choose-signer``: answers ``botocore.UNSIGNED`` while a mock would answer the call, so no
  credentials are needed and ``os.environ`` is never written.
- ``before-send``: builds a :class:`WireRequest`, lets the innermost active mock answer it, and
  returns an ``AWSResponse`` that botocore's own parser reads.

While no mock is active every handler returns ``None`` and botocore behaves as without mockmpu.
Installation into ``botocore.handlers.BUILTIN_HANDLERS`` happens once, at the first ``start()``
(or when the pytest plugin configures), never at import.
"""

from __future__ import annotations

import io
import sys
import threading
from collections.abc import Iterator, Mapping
from typing import Any, Optional
from urllib.parse import parse_qsl, urlsplit

import botocore
import botocore.handlers
from botocore.awsrequest import AWSPreparedRequest, AWSResponse

from . import _activation
from ._codec_glacier import HANDLERS as GLACIER_HANDLERS
from ._codec_s3 import HANDLERS as S3_HANDLERS
from ._wire import Handler, WireRequest

__all__ = ["SERVED", "attach", "install", "is_installed"]

#: Every operation mockmpu answers, keyed by (service id, operation name).
SERVED: dict[tuple[str, str], Handler] = {
    **{("s3", op): h for op, h in S3_HANDLERS.items()},
    **{("glacier", op): h for op, h in GLACIER_HANDLERS.items()},
}

_PARAMS = "mockmpu.params"
_CALLER_PARAMS = "mockmpu.caller_params"
_ANSWERED = "mockmpu.answered"
_install_lock = threading.Lock()
_installed = False


def _operation(event_name: str) -> tuple[str, str]:
    # "before-send.s3.ListParts" -> ("s3", "ListParts")
    _, service, operation = event_name.split(".", 2)
    return service, operation


def _capture_params(
    params: dict[str, Any], context: dict[str, Any], **_: Any
) -> None:
    context[_PARAMS] = params  # live: later handlers' additions (Glacier accountId) show
    context[_CALLER_PARAMS] = dict(params)  # as the caller passed them, for messages and records


def _choose_signer(event_name: str, **_: Any) -> Any:
    handle = _activation.current()
    if handle is None:
        return None
    service, operation = _operation(event_name)
    if handle.lets_through(service, operation):
        return None
    return botocore.UNSIGNED


class _RawBody(io.BytesIO):
    """The smallest raw-stream adapter botocore's ``AWSResponse`` reads (moto's pattern)."""

    def stream(self, amt: int = 1024 * 1024, decode_content: bool = True) -> Iterator[bytes]:
        while True:
            chunk = self.read(amt)
            if not chunk:
                return
            yield chunk


def _read_body(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, (bytearray, memoryview)):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        start = None
        try:
            start = body.tell()
        except (AttributeError, OSError, ValueError):
            start = None
        data = body.read()
        if start is not None:
            try:
                body.seek(start)
            except (AttributeError, OSError, ValueError):
                pass
        return data if isinstance(data, bytes) else bytes(data, "utf-8")
    return b"".join(bytes(chunk) for chunk in body)


def _headers(request: AWSPreparedRequest) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in request.headers.items():
        out[name.lower()] = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    return out


def _wire_request(request: AWSPreparedRequest, service: str, operation: str) -> WireRequest:
    context = request.context
    params: Mapping[str, Any] = context.get(_PARAMS) or {}
    return WireRequest(
        service=service,
        operation=operation,
        params=params,
        method=request.method,
        url=request.url,
        query=dict(parse_qsl(urlsplit(request.url).query, keep_blank_values=True)),
        headers=_headers(request),
        body=_read_body(request.body),
        region=context.get("client_region") or "us-east-1",
    )


def _moto_active() -> bool:
    models = sys.modules.get("moto.core.models")
    stubber = getattr(models, "botocore_stubber", None)
    return bool(getattr(stubber, "enabled", False))


def _before_send(request: AWSPreparedRequest, event_name: str, **_: Any) -> Optional[AWSResponse]:
    handle = _activation.current()
    if handle is None:
        return None
    context = request.context
    answered = context.get(_ANSWERED)
    if answered is not None and answered[0] is request:
        # The same handler reached twice (builtin and attach()): answer once.
        return answered[1]
    service, operation = _operation(event_name)
    handler = SERVED.get((service, operation))
    if handler is None or handle.lets_through(service, operation):
        if handle.lets_through(service, operation) or _moto_active():
            return None
        raise handle.unmocked_call(service, operation, context.get(_CALLER_PARAMS) or {})
    wire = _wire_request(request, service, operation)
    reply = handle.serve(handler, wire, context.get(_CALLER_PARAMS) or {})
    response = AWSResponse(request.url, reply.status, reply.headers, _RawBody(reply.body))
    context[_ANSWERED] = (request, response)
    return response


_HANDLERS = (
    ("before-parameter-build", _capture_params),
    ("choose-signer", _choose_signer),
    ("before-send", _before_send),
)


def is_installed() -> bool:
    return _installed


def install() -> None:
    """Add the handlers to ``BUILTIN_HANDLERS`` once, so every botocore session made later has them.

    Sessions that already exist are reached through :func:`attach`; ``boto3.DEFAULT_SESSION`` is
    attached by ``MpuMock.start()``.
    """
    global _installed
    with _install_lock:
        if _installed:
            return
        for event, handler in _HANDLERS:
            botocore.handlers.BUILTIN_HANDLERS.append(
                (event, handler, botocore.handlers.REGISTER_FIRST)
            )
        _installed = True


def _emitter_of(target: Any) -> Any:
    meta = getattr(target, "meta", None)
    if meta is not None and hasattr(meta, "events"):  # botocore client
        return meta.events
    if meta is not None and hasattr(meta, "client"):  # boto3 resource
        return meta.client.meta.events
    if hasattr(target, "get_component") and hasattr(target, "create_client"):  # botocore Session
        return target.get_component("event_emitter")
    events = getattr(target, "events", None)  # boto3.Session
    if events is not None and hasattr(events, "register_first"):
        return events
    return None


def attach(target: Any) -> None:
    """Register the handlers on one existing client, resource or session (idempotent)."""
    emitter = _emitter_of(target)
    if emitter is None:
        from ._errors import MockmpuError

        raise MockmpuError(
            "attach() takes a botocore/boto3 client, a boto3 resource, a boto3.Session or a "
            f"botocore Session, not {type(target).__name__}."
        )
    for event, handler in _HANDLERS:
        emitter.register_first(event, handler, unique_id=f"mockmpu.{event}")


def attach_default_session() -> None:
    """Attach to ``boto3.DEFAULT_SESSION`` if boto3 made one before the hook was installed."""
    boto3 = sys.modules.get("boto3")
    session = getattr(boto3, "DEFAULT_SESSION", None)
    if session is not None:
        attach(session)
