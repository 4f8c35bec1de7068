"""The aiobotocore transport: serves aiobotocore's async clients (s3fs, aioboto3, fsspec).

aiobotocore emits botocore's events through an emitter that awaits each handler's result
(``aiobotocore/hooks.py``), and its endpoint sends no request when a ``before-send`` handler
returns a response (``aiobotocore/endpoint.py``, ``_do_get_response``). So an aio client is served
by the same handlers as a sync one (:mod:`mockmpu.transports.botocore`), except ``before-send``:

- the request body is an aiobotocore wrapper (often ``AioAwsChunkedWrapper``, aws-chunked with a
  trailing checksum, whose ``read()`` is a coroutine); it is read asynchronously and its bytes go
  to the dispatcher (:func:`mockmpu.dispatch.route` and :func:`~mockmpu.dispatch.serve`), which
  de-chunks and verifies them as for sync clients;
- the answer is an ``AioAWSResponse`` whose raw stream's ``read()`` is awaitable, which
  aiobotocore's own parser reads.

The request context (caller parameters, custom endpoint host, region) reaches ``before-send``
on the prepared request (botocore 1.43+) or else through a context variable set at
``provide-client-params``: each asyncio task has its own copy, so concurrent calls
(``asyncio.gather``, as s3fs's ``clear_multipart_uploads`` does) never see each other's context.

:func:`install` (called at a mock's first ``start()``, only where aiobotocore is importable) wraps
``AioBaseClient._make_api_call`` so that every aio client is attached on its first call while a
mock is active, whenever it was created.

Not modelled: calls that ``mock_aws`` (moto) would answer for an aio client while both mocks are
active (bucket and object operations, anything mockmpu does not serve): they go on to moto as
for sync clients, but moto answers botocore's clients only, so aiobotocore fails to await its
response; mockmpu's own operations are served. ``mock_mpu(wire=False)``'s dict path for aio
clients: their calls are answered on the wire path (rendered bytes, parsed by aiobotocore),
which gives the same results; the dict path's equality with botocore's parser is proven for
botocore only.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import threading
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

from aiobotocore.awsrequest import AioAWSResponse
from aiobotocore.client import AioBaseClient

from mockmpu.core import activation as _activation
from mockmpu.core.wire import HttpRequest
from mockmpu.dispatch import read_body
from mockmpu.transports import botocore as _sync

__all__ = ["install", "read_async_body", "register"]

_CALLER_PARAMS = "mockmpu.caller_params"
_ENDPOINT = "mockmpu.endpoint_host"
_context: ContextVar[dict[str, Any] | None] = ContextVar("mockmpu_aio_context", default=None)
_install_lock = threading.Lock()
_installed = False


def _capture_caller_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    # provide-client-params: as the sync hook, but the call's context goes to this task's context
    # variable, not to a thread-local that concurrent tasks on one thread would share.
    context[_CALLER_PARAMS] = {k: _sync.recorded(v) for k, v in params.items()}
    _context.set(context)


def _request_context(request: Any) -> dict[str, Any]:
    context = getattr(request, "context", None)
    if context is None:
        context = _context.get()
    return context if context is not None else {}


async def _resolved(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def read_async_body(body: Any) -> bytes:
    """Read an aiobotocore request body to bytes (awaiting ``read()`` where it is a coroutine).

    A seekable stream is put back where it was; aiobotocore's chunked wrapper cannot tell its
    position, and aiobotocore rewinds it before a retry (``reset_stream``).
    """
    if isinstance(body, str):
        return body.encode("utf-8")
    if body is None or isinstance(body, (bytes, bytearray, memoryview)):
        return read_body(body)
    read = getattr(body, "read", None)
    if read is None:
        if hasattr(body, "__aiter__"):
            return b"".join([bytes(chunk) async for chunk in body])
        return read_body(body)
    try:
        start: int | None = await _resolved(body.tell())
    except (AttributeError, OSError, ValueError):
        start = None
    data = await _resolved(read())
    if start is not None:
        with contextlib.suppress(AttributeError, OSError, ValueError):
            await _resolved(body.seek(start))
    if isinstance(data, str):
        return data.encode("utf-8")
    return bytes(data)


class _AsyncRawBody:
    """The raw stream of an ``AioAWSResponse``, as aiobotocore reads an aiohttp response.

    ``read()`` is awaitable (``AioAWSResponse.content``, as in aiobotocore's own tests); for
    streaming output (GetObject) aiobotocore's ``StreamingBody`` reads ``content.read(n)``
    (``-1``: the rest), asks ``at_eof()`` and enters it with ``async with``. aiobotocore before
    2.22 reads the headers from aiohttp's ``raw_headers`` (name and value bytes).
    """

    def __init__(self, body: bytes, url: str, headers: Mapping[str, str]) -> None:
        self._body = body
        self._position = 0
        self.url = url
        self.raw_headers = tuple(
            (name.encode("utf-8"), value.encode("utf-8")) for name, value in headers.items()
        )

    async def read(self, amt: int | None = None) -> bytes:
        end = len(self._body) if amt is None or amt < 0 else self._position + amt
        chunk = self._body[self._position : end]
        self._position += len(chunk)
        return chunk

    @property
    def content(self) -> _AsyncRawBody:
        return self

    def at_eof(self) -> bool:
        return self._position >= len(self._body)

    def close(self) -> None:
        self._position = len(self._body)

    release = close

    async def __aenter__(self) -> _AsyncRawBody:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()


async def _before_send(request: Any, event_name: str, **_: Any) -> Any:
    # The sync hook's before-send (transports/botocore.py), with the body read asynchronously.
    handle = _activation.current()
    if handle is None:
        return None
    service, operation = _sync.operation_of(event_name)
    if handle.lets_through(service, operation):
        return None
    body = await read_async_body(request.body)
    reply = _sync.answer(
        handle,
        request,
        service,
        operation,
        _request_context(request),
        HttpRequest(request.method, request.url, request.headers, body),
        body=body,
    )
    return AioAWSResponse(
        request.url,
        reply.status,
        reply.headers,
        _AsyncRawBody(reply.body, request.url, reply.headers),
    )


_HANDLERS = (
    ("provide-client-params", _capture_caller_params),
    ("before-endpoint-resolution", _sync.capture_endpoint),
    ("choose-signer", _sync.choose_signer),
    ("before-send", _before_send),
)


def register(emitter: Any) -> None:
    """Register the aio handlers on an aiobotocore emitter (by ``unique_id``)."""
    for event, handler in _HANDLERS:
        emitter.register_first(event, handler, unique_id=f"mockmpu.{event}")


def install() -> None:
    """Wrap ``AioBaseClient._make_api_call`` (once per process), as the sync hook wraps botocore's.

    While a mock is active, each aio client's emitter gets the handlers on its first call, so
    clients created before the mock started are served too. Each call runs with its own context
    variable value, dropped when the call ends (nothing of a call, its body included, is kept).
    """
    global _installed
    with _install_lock:
        if _installed:
            return
        original = AioBaseClient._make_api_call

        @functools.wraps(original)
        async def _make_api_call(self: Any, operation_name: str, api_params: Any) -> Any:
            if _activation.has_active():
                events = self.meta.events
                if not getattr(events, _sync.ATTACHED, False):  # the hot path reads unlocked
                    _sync.attach_emitter(events, register)
            token = _context.set(None)
            try:
                return await original(self, operation_name, api_params)
            finally:
                _context.reset(token)

        AioBaseClient._make_api_call = _make_api_call
        _installed = True
