"""The botocore side of the dict path (``mock_mpu(wire=False)``): the ``before-call`` answer.

The path itself is described in :mod:`mockmpu.core.parsed`; this module holds its entry point,
:func:`before_call`, its :func:`serve_parsed`, and how it reads botocore's serialized request:
the same router as the wire path (:func:`mockmpu.dispatch.route`) reads the URL, so both paths
see the same labels, query and body. The per-service answers are in ``s3/parsed.py`` and
``glacier/parsed.py``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Callable

from botocore.awsrequest import AWSResponse
from botocore.httpchecksum import apply_request_checksum

from mockmpu.core.errors import MockmpuError
from mockmpu.core.parsed import ParsedAnswer, ParsedReply, WireFallback, headers_parsable
from mockmpu.core.wire import HttpRequest, WireRequest, WireResponse
from mockmpu.dispatch import NotServed, route, serve

if TYPE_CHECKING:
    from mockmpu.core.state import MpuState
    from mockmpu.core.target import ActiveMock

__all__ = ["answers", "before_call", "serve_parsed"]

# Context keys the hook fills at provide-client-params / before-endpoint-resolution.
_CALLER_PARAMS = "mockmpu.caller_params"
_ENDPOINT = "mockmpu.endpoint_host"

# ----------------------------------------------------------------------------------- entry point

_answers: dict[tuple[str, str], ParsedAnswer] | None = None


def answers() -> dict[tuple[str, str], ParsedAnswer]:
    """Every operation the dict path answers, keyed by (service id, operation name)."""
    global _answers
    if _answers is None:
        from mockmpu.glacier.parsed import ANSWERS as GLACIER
        from mockmpu.s3.object_parsed import ANSWERS as S3_OBJECTS
        from mockmpu.s3.parsed import ANSWERS as S3

        _answers = {
            **{("s3", op): a for op, a in S3.items()},
            **{("s3", op): a for op, a in S3_OBJECTS.items()},
            **{("glacier", op): a for op, a in GLACIER.items()},
        }
    return _answers


class _EmptyBody(io.BytesIO):
    """The raw stream of the ``AWSResponse`` handed to ``after-call``: no body was rendered."""

    def stream(self, amt: int = 1024 * 1024, decode_content: bool = True) -> Iterator[bytes]:
        return iter(())


def before_call(
    handle: ActiveMock,
    event_name: str,
    request_dict: dict[str, Any],
    context: dict[str, Any],
    model: Any,
) -> tuple[AWSResponse, dict[str, Any]] | None:
    """Answer one call of a ``wire=False`` mock at ``before-call``, or return ``None``.

    ``None`` sends the call on to the wire path (``before-send``), which also refuses un-mocked
    calls and lets passthrough calls through. Raises ``ListingLoopError`` like the wire path.
    """
    _, service, operation = event_name.split(".", 2)
    answer = answers().get((service, operation))
    if answer is None or handle.lets_through(service, operation) or not headers_parsable(model):
        return None
    if any(f.service == service and f.operation == operation for f in handle.faults.injected):
        return None
    body = _Body.read(request_dict.get("body"))
    if body is None:
        return None
    request = _wire_request(request_dict, context, service, operation, body.data)
    if request is None:
        return None
    try:
        reply = serve_parsed(
            handle,
            lambda state, req: answer(state, req, model),
            request,
            context.get(_CALLER_PARAMS) or {},
        )
    except WireFallback:
        body.rewind()
        return None
    except BaseException:
        body.rewind()
        raise
    if _checksum_in_trailer(context):
        # On the wire the aws-chunked wrapper reads the body to its end and leaves it there.
        body.consume()
    else:
        body.rewind()
    http_response = AWSResponse(request.url, reply.status, reply.headers, _EmptyBody(b""))
    return http_response, reply.parsed


def serve_parsed(
    handle: ActiveMock,
    answer: Callable[[MpuState, WireRequest], ParsedReply],
    request: WireRequest,
    params: Mapping[str, Any],
) -> ParsedReply:
    """The dict path's :func:`mockmpu.dispatch.serve`: the same loop guard and call record.

    ``answer`` returns the parsed reply; its ``fingerprint`` stands in for the body when the
    loop guard compares answers. It may raise ``WireFallback`` before changing anything: then
    nothing is recorded and the call goes on to the wire path. The caller has checked that no
    injected fault targets the operation.
    """
    replies: list[ParsedReply] = []

    def handler(state: MpuState, req: WireRequest) -> WireResponse:
        reply = answer(state, req)
        replies.append(reply)
        return reply.stand_in()

    serve(handle, handler, request, params)
    if not replies:
        raise MockmpuError(
            f"A fault was injected into {request.service}:{request.operation} while a "
            "wire=False call to it was in flight; register faults before the calls they "
            "target."
        )
    return replies[0]


class _Body:
    """A request body read for the dict path, with the stream position to put back."""

    def __init__(self, data: bytes, stream: Any = None, start: int = 0) -> None:
        self.data = data
        self._stream = stream
        self._start = start

    @classmethod
    def read(cls, body: Any) -> _Body | None:
        """Read ``body``; ``None`` when it cannot be read and put back (then: the wire path)."""
        if body is None:
            return cls(b"")
        if isinstance(body, bytes):
            return cls(body)
        if isinstance(body, (bytearray, memoryview)):
            return cls(bytes(body))
        if isinstance(body, str):
            return cls(body.encode("utf-8"))
        if not (hasattr(body, "read") and hasattr(body, "seek") and hasattr(body, "tell")):
            return None
        try:
            start = body.tell()
            data = body.read()
            body.seek(start)
        except (AttributeError, OSError, ValueError):
            return None
        if isinstance(data, str):
            data = data.encode("utf-8")
        return cls(bytes(data), body, start)

    def rewind(self) -> None:
        if self._stream is not None:
            self._stream.seek(self._start)

    def consume(self) -> None:
        if self._stream is not None:
            self._stream.seek(self._start + len(self.data))


def _checksum_in_trailer(context: Mapping[str, Any]) -> bool:
    algorithm = (context.get("checksum") or {}).get("request_algorithm")
    return isinstance(algorithm, dict) and algorithm.get("in") == "trailer"


def _wire_request(
    request_dict: dict[str, Any],
    context: dict[str, Any],
    service: str,
    operation: str,
    body: bytes,
) -> WireRequest | None:
    """The request the wire path would see, from botocore's serialized (unsigned) request."""
    url = str(request_dict.get("url") or "")
    raw_headers: dict[str, Any] = dict(request_dict.get("headers") or {})
    checksum = context.get("checksum") or {}
    algorithm = checksum.get("request_algorithm")
    if algorithm:
        # The request checksum botocore adds after before-call (apply_request_checksum), in a
        # header: over https the wire carries it in an aws-chunked trailer, which the codec reads
        # into the same place.
        if isinstance(algorithm, dict):
            algorithm = {**algorithm, "in": "header"}
        probe = {
            "headers": raw_headers,
            "body": body,
            "context": {"checksum": {**checksum, "request_algorithm": algorithm}},
        }
        apply_request_checksum(probe)
    endpoint = context.get(_ENDPOINT)
    routed = route(
        HttpRequest(str(request_dict.get("method") or "GET"), url, raw_headers, body),
        hint=(service, operation),
        region=context.get("client_region") or "us-east-1",
        endpoint_hosts=(endpoint,) if endpoint else (),
        body=body,
    )
    return None if isinstance(routed, NotServed) else routed
