"""The aiobotocore row (issue 9): a page of 1000 uploads through an aiobotocore client.

Run only in the async environment (``python3 tasks.py bench-async``; ``--smoke`` for seconds).
The floor is aiobotocore's own: a plain aiobotocore client (dummy credentials, so it signs as a
real client does) whose ``before-send`` returns an ``AioAWSResponse`` with the bytes mockmpu
rendered for the same call, checked URL by URL. An unsigned floor shows what signing costs.
Every call runs to completion on one event loop (``run_until_complete``), for every runner alike.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from typing import Any, Callable

from benchmarks._floor import Recorded, Recorder
from benchmarks._timing import Case, CaseResult, Runner, Target, measure
from benchmarks._workloads import UNSIGNED_FLOOR, strip_metadata

__all__ = ["aio_cases"]

REGION = "us-east-1"


class _AsyncRaw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    async def read(self, amt: int | None = None) -> bytes:
        body, self._body = self._body, b""
        return body


class _AioReplay:
    """``before-send`` for the floor: the recorded reply, as aiobotocore's own tests answer."""

    def __init__(self, recorded: list[Recorded]) -> None:
        self.recorded = recorded
        self.position = 0

    async def __call__(self, request: Any, **_: Any) -> Any:
        from aiobotocore.awsrequest import AioAWSResponse

        item = self.recorded[self.position % len(self.recorded)]
        self.position += 1
        if request.url != item.url:
            raise AssertionError(f"the floor was asked for {request.url}, not {item.url}")
        return AioAWSResponse(request.url, item.status, item.headers, _AsyncRaw(item.body))


def aio_cases(
    smoke: bool, scale: float, log: Callable[[str], None]
) -> tuple[list[CaseResult], Callable[[], None]]:
    """Measure the aiobotocore row; return the results and a function that frees the loop."""
    from aiobotocore.session import get_session
    from botocore import UNSIGNED
    from botocore.config import Config

    from mockmpu import mock_mpu, scenarios

    page = 10 if smoke else 1000
    loop = asyncio.new_event_loop()
    stack = AsyncExitStack()
    session = get_session()

    def client(**kwargs: Any) -> Any:
        return loop.run_until_complete(
            stack.enter_async_context(session.create_client("s3", region_name=REGION, **kwargs))
        )

    mpu = mock_mpu(scenario=scenarios.many_uploads(page, bucket="bench-aio"))
    served, floor, unsigned = client(), client(), client(config=Config(signature_version=UNSIGNED))

    def call_with(c: Any) -> Callable[[], Any]:
        return lambda: strip_metadata(
            loop.run_until_complete(c.list_multipart_uploads(Bucket="bench-aio", MaxUploads=page))
        )

    def under_mpu(call: Callable[[], Any]) -> Any:
        mpu.start()
        try:
            return call()
        finally:
            mpu.stop()

    with Recorder(mpu) as recorder:
        expected = under_mpu(call_with(served))
    for c in (floor, unsigned):
        c.meta.events.register_first(
            "before-send.s3.ListMultipartUploads", _AioReplay(recorder.recorded)
        )

    def verify() -> None:
        if not (
            call_with(floor)() == call_with(unsigned)() == expected == under_mpu(call_with(served))
        ):
            raise AssertionError("the aio floor and mockmpu parse to different results")
        if len(expected.get("Uploads", [])) != page:
            raise AssertionError(f"expected a page of {page} uploads")

    case = Case(
        "9a",
        "aiobotocore",
        f"ListMultipartUploads, page of {page:,} (aiobotocore client)",
        [
            Runner("floor", call_with(floor)),
            Runner("mockmpu", call_with(served), enter=mpu.start, exit=mpu.stop),
            Runner(UNSIGNED_FLOOR, call_with(unsigned)),
        ],
        min_rounds=3 if smoke else 30,
        targets=[Target("≤ 1.10x floor", "mockmpu", "floor", 1.10)],
        notes=[f"{len(recorder.recorded[0].body):,}-byte response; aiobotocore's own floor"],
        verify=verify,
    )
    results = [measure(case, scale=(0.05 if smoke else 1.0) * scale, log=log)]

    def close() -> None:
        loop.run_until_complete(stack.aclose())
        loop.close()

    return results, close
