"""The botocore event hook: the only module that knows botocore's events.

Four handlers, registered first so they run before moto's:

- ``provide-client-params``: copies the API parameters as the caller passed them (for messages
  and ``mpu.calls``).
- ``before-parameter-build``: keeps a reference to the parameters botocore will serialize (later
  botocore handlers, such as Glacier's ``accountId='-'`` injection, still show).
- ``choose-signer``: answers ``botocore.UNSIGNED`` while a mock would answer the call, so no
  credentials are needed and ``os.environ`` is never written (calls moto answers stay signed).
- ``before-send``: builds a :class:`WireRequest`, lets the innermost active mock answer it, and
  returns an ``AWSResponse`` that botocore's own parser reads.

A fifth, ``before-call``, is registered *last* and answers only for ``mock_mpu(wire=False)``: the
dict path (``botocore_dict``), which returns the parsed response without rendering.

While no mock is active every handler returns ``None`` and botocore behaves as without mockmpu.
The handlers reach clients through :func:`install` (once, at the first ``start()``, never at
import), which wraps ``BaseClient._make_api_call`` so that each client is attached on its first
call while a mock is active, whenever it was created.
"""

from __future__ import annotations

import functools
import inspect
import io
import threading
from collections.abc import Iterator, Mapping
from typing import Any, Callable
from urllib.parse import urlsplit

import botocore
from botocore.awsrequest import AWSPreparedRequest, AWSResponse, HeadersDict
from botocore.client import BaseClient

from mockmpu.core import activation as _activation
from mockmpu.core.calls import BodySummary
from mockmpu.core.wire import HttpRequest, WireResponse
from mockmpu.dispatch import NotServed, route, serve
from mockmpu.services import SERVED
from mockmpu.services import handler as _handler
from mockmpu.transports import moto as _moto

__all__ = ["SERVED", "attach_emitter", "emitter_of", "install", "moto_active", "register"]

_CALLER_PARAMS = "mockmpu.caller_params"
_ENDPOINT = "mockmpu.endpoint_host"
_ATTACHED = "_mockmpu_attached"
_install_lock = threading.Lock()
_attach_lock = threading.Lock()
_thread = threading.local()
#: botocore 1.43+ passes the request context on to the prepared request that before-send gets.
_PREPARED_HAS_CONTEXT = "context" in inspect.signature(AWSPreparedRequest.__init__).parameters
_installed = False


def _operation(event_name: str) -> tuple[str, str]:
    # "before-send.s3.ListParts" -> ("s3", "ListParts")
    _, service, operation = event_name.split(".", 2)
    return service, operation


#: Parameter types recorded as they are (checked first: most parameters are strings).
_PLAIN = frozenset({str, int, bool, type(None)})


def _recorded(value: Any) -> Any:
    # Request bodies are summarised, not kept: mpu.calls would otherwise hold every part's bytes
    # (10,000 parts of 5 MiB = 49 GiB).
    if type(value) in _PLAIN:
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return BodySummary(len(value), type(value).__name__)
    if hasattr(value, "read"):
        return BodySummary(None, type(value).__name__)
    return value


def _capture_caller_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    # provide-client-params: the parameters exactly as the caller passed them (before botocore's
    # own handlers add e.g. EncodingType), for messages and call records; bodies summarised.
    context[_CALLER_PARAMS] = {k: _recorded(v) for k, v in params.items()}
    if not _PREPARED_HAS_CONTEXT:
        # Older botocore gives before-send a prepared request without ``.context``; one API call
        # runs on one thread from here to before-send, so the thread remembers its call's context.
        _thread.context = context


def _capture_endpoint(builtins: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    # before-endpoint-resolution: a custom endpoint_url's host, so that a virtual-hosted request
    # to it (bkt.localhost:9000) is read as bucket "bkt" by the dispatcher.
    endpoint = builtins.get("SDK::Endpoint")
    if endpoint:
        context[_ENDPOINT] = urlsplit(endpoint).netloc


def _request_context(request: AWSPreparedRequest) -> dict[str, Any]:
    context = getattr(request, "context", None)
    if context is None:
        context = getattr(_thread, "context", None)
    return context if context is not None else {}


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


def moto_active() -> bool:
    """True while moto's ``mock_aws`` is active (its botocore stubber is enabled)."""
    return _moto.active()


def _read_headers(headers: Any) -> dict[str, str] | None:
    """The request headers as the dispatcher reads them (lower-case names, ``str`` values).

    botocore's ``HeadersDict`` keeps each name beside its lower-case form: read them directly
    instead of through its case-insensitive lookups (a sixth of the cost). ``None`` for any other
    mapping: the dispatcher reads it.
    """
    if type(headers) is not HeadersDict:
        return None
    inner = getattr(headers, "_dict", None)
    if type(inner) is not dict:
        return None
    out: dict[str, str] = {}
    for key, value in inner.items():
        lower = getattr(key, "_lower", None)
        if type(lower) is not str:
            return None
        out[lower] = (
            value
            if type(value) is str
            else value.decode("utf-8", "replace")
            if isinstance(value, bytes)
            else str(value)
        )
    return out


def _before_send(request: AWSPreparedRequest, event_name: str, **_: Any) -> AWSResponse | None:
    handle = _activation.current()
    if handle is None:
        return None
    service, operation = _operation(event_name)
    if handle.lets_through(service, operation):
        return None
    reply = _answer(
        handle,
        request,
        service,
        operation,
        _request_context(request),
        HttpRequest(request.method, request.url, request.headers, request.body),
        headers=_read_headers(request.headers),
    )
    # Registered by unique_id (copies of an emitter keep it), so this runs once per attempt.
    return AWSResponse(request.url, reply.status, reply.headers, _RawBody(reply.body))


def _answer(
    handle: Any,
    request: Any,
    service: str,
    operation: str,
    context: Mapping[str, Any],
    raw: HttpRequest,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> WireResponse:
    """Route and serve one request a mock answers (both transports' before-send).

    Raises the mock's ``UnmockedCallError`` for an operation, or a form of one, it does not
    serve. With moto's ``mock_aws`` active too, the request is marked so that moto leaves it
    alone (moto's before-send runs after this one whatever it returns), and buckets and
    completed objects are kept in moto's backend.
    """
    caller_params = context.get(_CALLER_PARAMS) or {}
    if (service, operation) not in SERVED:
        raise handle.unmocked_call(service, operation, caller_params)
    endpoint = context.get(_ENDPOINT)
    routed = route(
        raw,
        hint=(service, operation),
        region=context.get("client_region") or "us-east-1",
        endpoint_hosts=(endpoint,) if endpoint else (),
        body=body,
        headers=headers,
    )
    if isinstance(routed, NotServed):  # a form of a served operation that is not served
        raise handle.unmocked_call(service, operation, caller_params)
    moto = _moto.active()
    if moto:
        _moto.claim(request)
    if not (moto and service == "s3"):
        return serve(handle, _handler(service, operation), routed, caller_params)
    _moto.sync_bucket(handle.state, routed)
    upload = _moto.pending_upload(handle.state, routed)
    reply = serve(handle, _handler(service, operation), routed, caller_params)
    _moto.completed(handle.state, routed, reply, upload)
    return reply


def _before_call(
    model: Any, params: dict[str, Any], context: dict[str, Any], event_name: str, **_: Any
) -> Any:
    # before-call, registered last: the dict path of mock_mpu(wire=False) (_parsed.py). None
    # lets the call go on to before-send, the wire path.
    handle = _activation.current()
    if handle is None or handle.wire or _moto.active():  # with moto: the wire path syncs it
        return None
    from mockmpu.transports.botocore_dict import before_call

    return before_call(handle, event_name, params, context, model)


_HANDLERS = (
    ("provide-client-params", _capture_caller_params),
    ("before-endpoint-resolution", _capture_endpoint),
    ("choose-signer", _choose_signer),
    ("before-send", _before_send),
)


def _ensure_attached(client: Any) -> None:
    # The unlocked read is the hot path; attach_emitter() re-checks under the lock.
    events = client.meta.events
    if not getattr(events, _ATTACHED, False):
        attach_emitter(events, register)


def install() -> None:
    """Make every botocore client reach the handlers while a mock is active (once per process).

    ``BaseClient._make_api_call``, the method every client operation, paginator, waiter, resource
    and s3transfer call goes through, is wrapped so that, while a mock is active, a client's event
    emitter gets the handlers (by ``unique_id``, once per client) before the call proceeds. So
    clients and sessions created at any time, before or after the mock started, inside or outside
    pytest, are served; none can silently reach AWS while a mock is active. While no mock is
    active the wrapper only checks an empty list.
    """
    global _installed
    with _install_lock:
        if _installed:
            return
        original = BaseClient._make_api_call

        @functools.wraps(original)
        def _make_api_call(self: Any, operation_name: str, api_params: Any) -> Any:
            if _activation.has_active():
                _ensure_attached(self)
            if _PREPARED_HAS_CONTEXT:
                return original(self, operation_name, api_params)
            try:
                return original(self, operation_name, api_params)
            finally:
                _thread.context = None  # the call is over: keep nothing of it (its body)

        BaseClient._make_api_call = _make_api_call
        _installed = True


def emitter_of(target: Any) -> Any:
    """The event emitter of a client, resource or session; ``MockmpuError`` for anything else."""
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
    from mockmpu.core.errors import MockmpuError

    raise MockmpuError(
        "attach() takes a botocore/boto3 client, a boto3 resource, a boto3.Session or a "
        f"botocore Session (or their aiobotocore/aioboto3 versions), not {type(target).__name__}."
    )


def is_aio_emitter(emitter: Any) -> bool:
    """True for an aiobotocore emitter (it awaits handler results), also behind botocore's
    ``EventAliaser``."""
    inner = getattr(emitter, "_emitter", emitter)
    return type(inner).__module__.startswith("aiobotocore.")


def register(emitter: Any) -> None:
    """Register this hook's handlers on a botocore emitter (by ``unique_id``)."""
    for event, handler in _HANDLERS:
        emitter.register_first(event, handler, unique_id=f"mockmpu.{event}")
    # Last, so botocore's own before-call handlers (Glacier's tree hash) have run.
    emitter.register_last("before-call", _before_call, unique_id="mockmpu.before-call")


def attach_emitter(emitter: Any, register: Callable[[Any], None]) -> None:
    """Run ``register(emitter)`` once per emitter, also when threads attach it at once.

    botocore's unique_id check (look up, append, then mark) is not atomic: two threads making a
    client's first call at once could both append, and every call would then be answered twice.
    One lock for all emitters keeps registration once-only (it is taken once per client).
    """
    with _attach_lock:
        if getattr(emitter, _ATTACHED, False):
            return
        register(emitter)
        setattr(emitter, _ATTACHED, True)


# The names the aio transport (transports/aio.py) shares with this hook.
answer = _answer
ATTACHED = _ATTACHED
operation_of = _operation
recorded = _recorded
capture_endpoint = _capture_endpoint
choose_signer = _choose_signer
