"""The floor: a botocore client answered with the exact bytes mockmpu renders, and nothing else.

:class:`Recorder` captures what a mock renders: it shadows the handle's ``serve`` method on the
instance for the duration of a ``with`` block (harness only; mockmpu is not modified) and keeps
each ``(handler, request, reply)``. :class:`Replay` is a ``before-send`` handler that answers a
plain client with those recorded responses, in order, as an ``AWSResponse`` whose raw stream
botocore reads itself; it checks each request's URL against the recorded one, so the floor answers
the same request mockmpu answered. What remains of a floor call is botocore's own cost:
parameter validation, serialization, signing (with dummy credentials, as a real client),
event dispatch and parsing.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from botocore.awsrequest import AWSResponse

from mockmpu import MpuMock

__all__ = ["RawBody", "Recorded", "Recorder", "Replay"]


class RawBody(io.BytesIO):
    """The raw-stream adapter botocore's ``AWSResponse`` reads (what mockmpu and moto use)."""

    def stream(self, amt: int = 1024 * 1024, decode_content: bool = True) -> Iterator[bytes]:
        while True:
            chunk = self.read(amt)
            if not chunk:
                return
            yield chunk


@dataclass(frozen=True)
class Recorded:
    """One answered request: the codec handler, the wire request and the rendered reply."""

    handler: Any
    request: Any
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def url(self) -> str:
        return str(self.request.url)


class Recorder:
    """Record every reply ``mpu`` renders inside the ``with`` block."""

    def __init__(self, mpu: MpuMock) -> None:
        self.mpu = mpu
        self.recorded: list[Recorded] = []

    def __enter__(self) -> Recorder:
        # Every served call goes through the dispatcher to mpu.faults.serve(handler, request).
        self._faults = self.mpu.faults
        self.mpu.faults = _RecordingFaults(self._faults, self.recorded)  # type: ignore[assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        self.mpu.faults = self._faults


class _RecordingFaults:
    """Stands in for ``mpu.faults``: answers through it and records each rendered reply."""

    def __init__(self, faults: Any, recorded: list[Recorded]) -> None:
        self._faults = faults
        self._recorded = recorded

    def __getattr__(self, name: str) -> Any:
        return getattr(self._faults, name)

    def serve(self, handler: Any, request: Any) -> Any:
        reply = self._faults.serve(handler, request)
        self._recorded.append(
            Recorded(handler, request, reply.status, dict(reply.headers), bytes(reply.body))
        )
        return reply


class Replay:
    """A ``before-send`` handler answering with recorded replies in order (then from the top).

    ``rewind()`` restarts the sequence (a paginator run replays every page in order).
    """

    def __init__(self, recorded: list[Recorded]) -> None:
        if not recorded:
            raise ValueError("Replay needs at least one recorded reply")
        self.recorded = recorded
        self.position = 0

    def rewind(self) -> None:
        self.position = 0

    def __call__(self, request: Any, **_: Any) -> AWSResponse:
        item = self.recorded[self.position % len(self.recorded)]
        self.position += 1
        if request.url != item.url:
            raise AssertionError(
                f"the floor was asked for {request.url}, but replays {item.url}: "
                "the benchmark's floor and mockmpu calls differ"
            )
        return AWSResponse(request.url, item.status, item.headers, RawBody(item.body))

    def install(self, client: Any, operation: str) -> Any:
        service = client.meta.service_model.service_id.hyphenize()
        client.meta.events.register_first(f"before-send.{service}.{operation}", self)
        return client
