"""The activation matrix: every form of mock_mpu, nesting, threads, async, TestCase, exits."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import unittest
from datetime import datetime, timezone
from typing import Any

import boto3
import pytest
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

import mockmpu
from mockmpu import MockmpuError, MpuMock, UnmockedCallError, mock_mpu
from mockmpu.core import activation as _activation

MiB = 1024 * 1024


def new_s3() -> Any:
    return boto3.session.Session().client("s3", region_name="us-east-1")


def served(client: Any, bucket: str = "bkt") -> str:
    """Create a bucket and an upload through the client; return the upload id."""
    client.create_bucket(Bucket=bucket)
    return str(client.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"])


# ------------------------------------------------------------------------------------ the forms


@mock_mpu
def _bare_decorated() -> str:
    assert isinstance(_activation.current(), MpuMock)
    return served(new_s3())


def test_bare_decorator_serves_and_deactivates() -> None:
    assert _bare_decorated()
    assert _activation.current() is None


def test_bare_decorator_gives_fresh_state_per_call() -> None:
    # Each call creates bucket "bkt"; a leaked state would answer BucketAlreadyOwnedByYou.
    assert _bare_decorated() == _bare_decorated()


def test_decorator_with_options_applies_them() -> None:
    @mock_mpu(seed=7)
    def seven() -> str:
        return served(new_s3())

    @mock_mpu(seed=8)
    def eight() -> str:
        return served(new_s3())

    assert seven() == seven()
    assert seven() != eight()


def test_decorator_keeps_signature_and_return_value() -> None:
    @mock_mpu
    def add(a: int, b: int = 2) -> int:
        return a + b

    assert add(1) == 3
    assert add.__name__ == "add"


def test_context_manager_yields_the_handle() -> None:
    with mock_mpu() as mpu:
        assert isinstance(mpu, MpuMock)
        assert mpu.active
        upload_id = served(new_s3())
        assert [u.upload_id for u in mpu.s3.uploads("bkt")] == [upload_id]
    assert not mpu.active
    assert _activation.current() is None


def test_async_context_manager() -> None:
    async def body() -> str:
        async with mock_mpu() as mpu:
            assert _activation.current() is mpu
            return served(new_s3())

    assert asyncio.run(body())
    assert _activation.current() is None


def test_start_stop() -> None:
    mpu = mock_mpu()
    assert mpu.start() is mpu
    try:
        assert _activation.current() is mpu
        served(new_s3())
    finally:
        mpu.stop()
    assert _activation.current() is None
    mpu.stop()  # stopping again does nothing


def test_async_def_stays_active_until_the_coroutine_finishes() -> None:
    @mock_mpu
    async def body() -> str:
        await asyncio.sleep(0)
        assert _activation.current() is not None
        upload_id = served(new_s3())
        await asyncio.sleep(0)
        assert _activation.current() is not None
        return upload_id

    assert asyncio.iscoroutinefunction(body)
    assert asyncio.run(body())
    assert _activation.current() is None


def test_generator_function_stays_active_across_iteration() -> None:
    @mock_mpu
    def gen() -> Any:
        yield served(new_s3())
        yield _activation.current() is not None

    items = list(gen())
    assert items[1] is True
    assert _activation.current() is None


def test_async_generator_function_is_refused() -> None:
    async def agen() -> Any:
        yield 1

    with pytest.raises(TypeError, match="async generator"):
        mock_mpu(agen)


# ----------------------------------------------------------------------------------- TestCase


def _run_case(case: type[unittest.TestCase]) -> unittest.TestResult:
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(case)
    result = unittest.TestResult()
    suite.run(result)
    return result


def test_testcase_class_gets_fresh_state_per_method() -> None:
    seen: list[list[str]] = []

    @mock_mpu
    class Case(unittest.TestCase):
        def _body(self) -> None:
            seen.append(self.mpu.s3.bucket_names())  # type: ignore[attr-defined]
            served(new_s3())

        def test_one(self) -> None:
            self._body()

        def test_two(self) -> None:
            self._body()

    result = _run_case(Case)
    assert result.wasSuccessful(), result.errors + result.failures
    assert seen == [[], []]
    assert _activation.current() is None


def test_testcase_setup_that_raises_does_not_leak() -> None:
    @mock_mpu
    class Case(unittest.TestCase):
        def setUp(self) -> None:
            raise RuntimeError("setUp failed")

        def test_x(self) -> None:  # pragma: no cover - never runs
            pass

    result = _run_case(Case)
    assert len(result.errors) == 1 and "setUp failed" in result.errors[0][1]
    assert _activation.current() is None


def test_testcase_skip_does_not_leak() -> None:
    @mock_mpu
    class Case(unittest.TestCase):
        def setUp(self) -> None:
            raise unittest.SkipTest("skipped")

        def test_x(self) -> None:  # pragma: no cover - never runs
            pass

    result = _run_case(Case)
    assert len(result.skipped) == 1
    assert _activation.current() is None


def test_non_testcase_class_is_refused_with_a_remedy() -> None:
    with pytest.raises(TypeError) as excinfo:

        @mock_mpu
        class NotACase:
            pass

    assert excinfo.value.args == (
        "mock_mpu can only decorate unittest.TestCase subclasses; for other test classes use "
        "the fixture, e.g. @pytest.mark.usefixtures('mpu_mock').",
    )


# ------------------------------------------------------------------------------------ nesting


def test_inner_mock_neither_disables_nor_resets_the_outer() -> None:
    client = new_s3()
    with mock_mpu() as outer:
        outer_id = served(client, "outer")
        with mock_mpu() as inner:
            assert _activation.current() is inner
            with pytest.raises(ClientError) as excinfo:
                client.list_parts(Bucket="outer", Key="k", UploadId=outer_id)
            assert excinfo.value.response["Error"]["Code"] == "NoSuchBucket"
        assert _activation.current() is outer
        parts = client.list_parts(Bucket="outer", Key="k", UploadId=outer_id)
        assert parts["UploadId"] == outer_id
    assert _activation.current() is None


def test_shared_state_between_nested_mocks() -> None:
    with mock_mpu() as outer, mock_mpu(state=outer.state) as inner:
        upload_id = served(new_s3())
        assert outer.s3.upload("bkt", upload_id).key == "k"
        assert inner.calls.call_count == 2 and outer.calls.call_count == 0


def test_stray_stop_raises_clearly_and_keeps_the_stack() -> None:
    with mock_mpu() as outer:
        with pytest.raises(MockmpuError) as excinfo:
            mock_mpu().stop()
        assert excinfo.value.args == (
            "stop() was called on a mock that is not active; call start() first, or use "
            "'with mock_mpu() as mpu:' so start and stop stay paired.",
        )
        assert _activation.current() is outer
        served(new_s3())
    assert _activation.current() is None


def test_starting_an_active_mock_twice_is_refused() -> None:
    with mock_mpu() as mpu:
        with pytest.raises(MockmpuError, match="already active"):
            mpu.start()
        assert _activation.current() is mpu
    assert _activation.current() is None


def test_out_of_order_stop_keeps_the_other_mock_active() -> None:
    first, second = mock_mpu().start(), mock_mpu().start()
    try:
        first.stop()
        assert _activation.current() is second
    finally:
        second.stop()
    assert _activation.current() is None


# ------------------------------------------------------------------------------------- exits


def test_exit_never_hides_the_exception_from_the_body() -> None:
    client = new_s3()
    with pytest.raises(ValueError, match="from the body"), mock_mpu():
        with contextlib.suppress(AssertionError):  # swallowed: would fail at a clean exit
            client.list_objects_v2(Bucket="b")
        raise ValueError("from the body")
    assert _activation.current() is None


def test_swallowed_unmocked_call_fails_again_at_exit() -> None:
    client = new_s3()
    with pytest.raises(UnmockedCallError) as excinfo, mock_mpu(), contextlib.suppress(Exception):
        client.list_objects_v2(Bucket="data")
    assert str(excinfo.value) == (
        "mockmpu: 1 un-mocked call was made and caught by the code under test:\n"
        "- S3 ListObjectsV2 (Bucket='data')"
    )
    assert _activation.current() is None


# ------------------------------------------------------------------------------------ threads


def test_upload_file_with_four_threads(tmp_path: Any) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(os.urandom(20 * MiB))
    threads: set[str] = set()

    def note_thread(**_: Any) -> None:
        threads.add(threading.current_thread().name)

    with mock_mpu() as mpu:
        client = new_s3()
        client.meta.events.register("before-send.s3.UploadPart", note_thread)
        client.create_bucket(Bucket="bkt")
        config = TransferConfig(
            multipart_threshold=8 * MiB, multipart_chunksize=5 * MiB, max_concurrency=4
        )
        client.upload_file(str(path), "bkt", "big.bin", Config=config)
        obj = mpu.s3.object("bkt", "big.bin")
    assert obj.size == 20 * MiB
    assert obj.part_count == 4
    assert obj.etag.endswith('-4"')
    assert len(mpu.calls.filter("s3:UploadPart")) == 4
    assert threads and threading.main_thread().name not in threads
    assert mpu.s3.uploads("bkt") == []


def test_state_is_guarded_for_concurrent_use() -> None:
    with mock_mpu() as mpu:
        mpu.s3.create_bucket("bkt")

        def create(n: int) -> None:
            client = new_s3()
            for i in range(25):
                client.create_multipart_upload(Bucket="bkt", Key=f"k{n}-{i}")

        workers = [threading.Thread(target=create, args=(n,)) for n in range(4)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        uploads = mpu.s3.uploads("bkt")
    assert len(uploads) == 100
    assert len({u.upload_id for u in uploads}) == 100
    assert [u.key.encode() for u in uploads] == sorted(u.key.encode() for u in uploads)


# ------------------------------------------------------------------------- the public surface


def test_public_names() -> None:
    assert set(mockmpu.__all__) >= {"mock_mpu", "MpuMock", "UnmockedCallError", "MockmpuError"}
    for name in mockmpu.__all__:
        assert hasattr(mockmpu, name)


def test_clock_requires_aware_datetimes() -> None:
    with pytest.raises(MockmpuError, match="timezone-aware"):
        mock_mpu(clock=datetime(2024, 1, 1))


def test_clock_and_seed_make_timestamps_reproducible() -> None:
    when = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
    with mock_mpu(clock=when) as mpu:
        client = new_s3()
        served(client)
        upload = client.list_multipart_uploads(Bucket="bkt")["Uploads"][0]
        assert upload["Initiated"] == when
        mpu.state.clock.advance(days=3)
        client.create_multipart_upload(Bucket="bkt", Key="k")
        later = client.list_multipart_uploads(Bucket="bkt")["Uploads"][1]
        assert (later["Initiated"] - when).days == 3


def test_a_later_start_does_not_search_the_path_again(monkeypatch: pytest.MonkeyPatch) -> None:
    # install() runs at every start(); after the first it must not look for aiobotocore or
    # boto3 again (find_spec stats the path: tens of microseconds per start).
    import importlib.util

    with mock_mpu():
        pass

    def searched(name: str, *args: Any) -> Any:
        raise AssertionError(f"start() searched the path for {name!r} again")

    monkeypatch.setattr(importlib.util, "find_spec", searched)
    with mock_mpu():
        pass
