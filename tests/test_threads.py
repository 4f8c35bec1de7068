"""Thread safety: a client's first call from many threads at once, and mocks in two threads."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from mockmpu import MockmpuError, mock_mpu
from mockmpu.core import activation


@pytest.fixture
def tiny_switch_interval() -> Iterator[None]:
    # Make the interpreter switch threads every microsecond, so races show in a short run.
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


def _handler_count(client: Any, event: str) -> int:
    # The handlers botocore would call for one event (same lookup it does on emit).
    emitter = client.meta.events._emitter
    return sum(1 for h in emitter._handlers.prefix_search(event) if "mockmpu" in h.__module__)


def _first_calls_at_once(threads: int, widen: bool) -> None:
    with mock_mpu() as mpu:
        mpu.s3.create_bucket("bkt")
        client = boto3.session.Session().client("s3", region_name="us-east-1")  # fresh: unattached
        if widen:
            # Yield the interpreter inside botocore's check-then-append (unique_id) window, so a
            # missing lock shows every time rather than once in ~40 runs.
            trie = client.meta.events._emitter._handlers
            append = trie.append_item

            def append_item(*args: Any, **kwargs: Any) -> Any:
                time.sleep(0)
                return append(*args, **kwargs)

            trie.append_item = append_item
        barrier = threading.Barrier(threads)
        errors: list[BaseException] = []

        def first_call(n: int) -> None:
            try:
                barrier.wait()
                client.create_multipart_upload(Bucket="bkt", Key=f"k{n}")
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        workers = [threading.Thread(target=first_call, args=(n,)) for n in range(threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        assert errors == []
        # Each CreateMultipartUpload added exactly one upload: none was answered twice.
        keys = sorted(u.key for u in mpu.s3.uploads("bkt"))
        assert keys == sorted(f"k{n}" for n in range(threads))
        assert len(mpu.calls) == threads
        for event in ("before-send.s3.CreateMultipartUpload", "choose-signer.s3.ListParts"):
            assert _handler_count(client, event) == 1
        client.create_multipart_upload(Bucket="bkt", Key="after")
        assert len(mpu.s3.uploads("bkt")) == threads + 1


@pytest.mark.parametrize("round_", range(5))
def test_first_calls_from_many_threads_register_the_handlers_once(
    tiny_switch_interval: None, round_: int
) -> None:
    _first_calls_at_once(8, widen=True)


@pytest.mark.slow
def test_first_calls_from_many_threads_long(tiny_switch_interval: None) -> None:
    for _ in range(500):
        _first_calls_at_once(16, widen=False)


def test_attach_is_idempotent_under_concurrency(tiny_switch_interval: None) -> None:
    mpu = mock_mpu()
    client = boto3.session.Session().client("s3", region_name="us-east-1")
    barrier = threading.Barrier(8)

    def attach() -> None:
        barrier.wait()
        mpu.attach(client)

    workers = [threading.Thread(target=attach) for _ in range(8)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert _handler_count(client, "before-send.s3.UploadPart") == 1
    assert _handler_count(client, "before-call.s3.UploadPart") == 1


# ------------------------------------------------------------------------ mocks in two threads


def _in_thread(target: Any) -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            target()
        except BaseException as error:
            errors.append(error)

    worker = threading.Thread(target=run, name="other")
    worker.start()
    worker.join()
    if errors:
        raise errors[0]


def test_a_second_mock_from_another_thread_is_refused() -> None:
    with mock_mpu() as outer:
        outer.s3.create_bucket("mine")
        with pytest.raises(MockmpuError) as excinfo:
            _in_thread(lambda: mock_mpu().start())
        assert str(excinfo.value).startswith(
            "A mock started by thread 'MainThread' is active, and mocks are process-wide, so one "
            "started in thread 'other' would answer that thread's calls from its own state:"
        )
        assert activation.current() is outer  # the refusal changed nothing
        # The first mock still serves every thread, worker threads included.
        _in_thread(
            lambda: (
                boto3.session.Session()
                .client("s3", region_name="us-east-1")
                .create_multipart_upload(Bucket="mine", Key="from-worker")
            )
        )
        assert [u.key for u in outer.s3.uploads("mine")] == ["from-worker"]
    assert activation.current() is None


def test_two_threads_each_with_a_mock_never_cross() -> None:
    # Both threads try to start their own mock at once, and each waits until the other has
    # tried before calling: one is refused with the clear error; neither is ever answered from
    # the other's state (before the fix both started, and one's call landed in the other's).
    tried = {"a": threading.Event(), "b": threading.Event()}
    outcome: dict[str, Any] = {}

    def run(name: str, other: str) -> None:
        client = boto3.session.Session().client("s3", region_name="us-east-1")
        try:
            with mock_mpu() as mpu:
                mpu.s3.create_bucket(f"bkt-{name}")
                tried[name].set()
                tried[other].wait()
                client.create_multipart_upload(Bucket=f"bkt-{name}", Key=name)
                outcome[name] = [u.key for u in mpu.s3.uploads(f"bkt-{name}")]
        except Exception as error:
            outcome[name] = error
            tried[name].set()

    workers = [
        threading.Thread(target=run, args=(n, o), name=n) for n, o in (("a", "b"), ("b", "a"))
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    refused = sorted(n for n, v in outcome.items() if isinstance(v, MockmpuError))
    assert len(refused) == 1, outcome
    assert "is active, and mocks are process-wide" in str(outcome[refused[0]])
    served = "b" if refused == ["a"] else "a"
    assert outcome[served] == [served]
    assert activation.current() is None


def test_nesting_in_one_thread_still_works() -> None:
    with mock_mpu() as outer, mock_mpu() as inner:
        assert activation.current() is inner
    assert activation.current() is None and not outer.active
