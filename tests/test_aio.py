"""aiobotocore's async clients (s3fs, aioboto3) served in-process (issue 9).

Runs in the async environment (``python3 tasks.py test-async``: aiobotocore, s3fs, aioboto3,
pytest-asyncio, anyio); skipped in the main one, where aiobotocore is absent.
"""

from __future__ import annotations

import asyncio
import io
import socket
import types
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest

_WHY = "is not installed here; the async environment has it: python3 tasks.py test-async"
pytest.importorskip("aiobotocore", reason=f"aiobotocore {_WHY}")
aioboto3 = pytest.importorskip("aioboto3", reason=f"aioboto3 {_WHY}")
s3fs = pytest.importorskip("s3fs", reason=f"s3fs {_WHY}")

import aiobotocore.endpoint  # noqa: E402
import aiobotocore.session  # noqa: E402
import boto3  # noqa: E402
from botocore import UNSIGNED  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402
from botocore.utils import calculate_tree_hash  # noqa: E402

from mockmpu import ListingLoopError, MpuMock, UnmockedCallError, mock_mpu, scenarios  # noqa: E402
from mockmpu.scenarios.store import dumps_state  # noqa: E402
from mockmpu.transports import botocore as sync_transport  # noqa: E402

MiB = 1024 * 1024
T0 = datetime(2024, 3, 1, 12, 30, 15, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """aiobotocore's retry backoff is not slept (its endpoint sleeps only there)."""

    async def _no_sleep(_: float) -> None:
        return None

    no_sleep = types.SimpleNamespace(**{**vars(asyncio), "sleep": _no_sleep})
    monkeypatch.setattr(aiobotocore.endpoint, "asyncio", no_sleep)


def _client(service: str = "s3", **kwargs: Any) -> Any:
    """An aioboto3 client context manager (no credentials, us-east-1)."""
    return aioboto3.Session().client(service, region_name="us-east-1", **kwargs)


async def _collect(paginator: Any, key: str, **params: Any) -> list[Any]:
    return [item async for page in paginator.paginate(**params) for item in page.get(key, [])]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # trio is not installed; aiobotocore needs asyncio


def _active() -> MpuMock:
    from mockmpu.core import activation

    mpu = activation.current()
    assert mpu is not None
    return mpu


# ------------------------------------------------------------------- same bytes as sync clients


async def _script_async(s3: Any, glacier: Any) -> list[Any]:
    out: list[Any] = []

    async def call(client: Any, method: str, **params: Any) -> Any:
        try:
            result = await getattr(client, method)(**params)
        except ClientError as e:
            out.append((method, type(e).__name__, e.response))
            return {}
        if "Body" in result:  # GetObject's stream, read to bytes
            result["Body"] = await result["Body"].read()
        out.append((method, result))
        return result

    await _run_script(call, s3, glacier)
    return out


def _script_sync(s3: Any, glacier: Any) -> list[Any]:
    out: list[Any] = []

    async def call(client: Any, method: str, **params: Any) -> Any:
        try:
            result = getattr(client, method)(**params)
        except ClientError as e:
            out.append((method, type(e).__name__, e.response))
            return {}
        if "Body" in result:
            result["Body"] = result["Body"].read()
        out.append((method, result))
        return result

    asyncio.run(_run_script(call, s3, glacier))
    return out


async def _run_script(call: Any, s3: Any, glacier: Any) -> None:
    """Every served operation, successes and errors, S3 and Glacier."""
    await call(s3, "create_bucket", Bucket="bkt")
    await call(s3, "head_bucket", Bucket="bkt")
    await call(s3, "head_bucket", Bucket="nope")
    await call(s3, "create_multipart_upload", Bucket="bkt", Key="a b+c/ü.bin")
    up = await call(s3, "create_multipart_upload", Bucket="bkt", Key="k", ChecksumAlgorithm="CRC32")
    await call(s3, "list_multipart_uploads", Bucket="bkt", MaxUploads=1)
    await call(s3, "list_multipart_uploads", Bucket="bkt", EncodingType="url")
    await call(s3, "list_multipart_uploads", Bucket="missing")
    await call(s3, "upload_part", Bucket="bkt", Key="k", UploadId="nope", PartNumber=1, Body=b"x")
    ids = {"Bucket": "bkt", "Key": "k", "UploadId": up["UploadId"]}
    parts = []
    for n, body in ((1, b"a" * (5 * MiB)), (2, io.BytesIO(b"tail"))):
        part = await call(
            s3, "upload_part", **ids, PartNumber=n, Body=body, ChecksumAlgorithm="CRC32"
        )
        parts.append(
            {"PartNumber": n, "ETag": part["ETag"], "ChecksumCRC32": part["ChecksumCRC32"]}
        )
    await call(s3, "list_parts", **ids, MaxParts=1)
    await call(s3, "complete_multipart_upload", **ids, MultipartUpload={"Parts": parts})
    await call(s3, "head_object", Bucket="bkt", Key="k")
    await call(s3, "head_object", Bucket="bkt", Key="k", PartNumber=2)
    await call(s3, "get_object", Bucket="bkt", Key="k", Range="bytes=5242878-5242881")
    await call(s3, "get_object", Bucket="bkt", Key="missing")
    await call(s3, "abort_multipart_upload", Bucket="bkt", Key="k", UploadId="nope")
    await call(s3, "complete_multipart_upload", Bucket="bkt", Key="k", UploadId="nope")
    await call(s3, "delete_bucket", Bucket="bkt")
    await call(glacier, "create_vault", vaultName="v")
    await call(glacier, "describe_vault", vaultName="v")
    await call(glacier, "describe_vault", vaultName="missing")
    gup = await call(glacier, "initiate_multipart_upload", vaultName="v", partSize=str(MiB))
    gids = {"vaultName": "v", "uploadId": gup["uploadId"]}
    data = b"g" * MiB
    await call(glacier, "upload_multipart_part", **gids, range=f"bytes 0-{MiB - 1}/*", body=data)
    await call(glacier, "list_vaults")
    await call(glacier, "list_multipart_uploads", vaultName="v")
    await call(glacier, "list_parts", **gids)
    tree_hash = calculate_tree_hash(io.BytesIO(data))
    await call(
        glacier, "complete_multipart_upload", **gids, archiveSize=str(MiB), checksum=tree_hash
    )
    await call(glacier, "list_parts", vaultName="v", uploadId="nope")
    await call(glacier, "abort_multipart_upload", vaultName="v", uploadId="nope")
    await call(glacier, "delete_vault", vaultName="missing")


def test_every_served_operation_answers_aio_clients_as_it_answers_sync_ones() -> None:
    with mock_mpu(clock=T0) as sync_mpu:
        sync_out = _script_sync(
            boto3.session.Session().client("s3", region_name="us-east-1"),
            boto3.session.Session().client("glacier", region_name="us-east-1"),
        )

    async def run_async() -> list[Any]:
        async with mock_mpu(clock=T0) as mpu, _client() as s3, _client("glacier") as glacier:
            out = await _script_async(s3, glacier)
            assert [(c.operation, c.status, c.error_code) for c in mpu.calls] == [
                (c.operation, c.status, c.error_code) for c in sync_mpu.calls
            ]
            assert dumps_state(mpu.state) == dumps_state(sync_mpu.state)
            return out

    async_out = asyncio.run(run_async())
    assert len(async_out) == len(sync_out) == 32
    assert {m for m, *_ in async_out} >= {"get_object", "head_object", "upload_multipart_part"}
    assert async_out == sync_out  # parsed bodies, errors, ResponseMetadata and HTTP headers


# -------------------------------------------------------------------------------------- safety


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Sockets blocked: any connect or name lookup raises (and is remembered)."""
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise OSError("network blocked by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield attempts


@pytest.mark.asyncio
async def test_with_sockets_blocked_served_calls_open_none_and_unserved_ones_are_refused(
    no_network: list[Any],
) -> None:
    with pytest.raises(UnmockedCallError, match="un-mocked call was made"):
        async with mock_mpu() as mpu, _client() as s3:
            await s3.create_bucket(Bucket="bkt")
            up = await s3.create_multipart_upload(Bucket="bkt", Key="k")
            part = await s3.upload_part(
                Bucket="bkt", Key="k", UploadId=up["UploadId"], PartNumber=1, Body=b"x" * 10
            )
            await s3.complete_multipart_upload(
                Bucket="bkt",
                Key="k",
                UploadId=up["UploadId"],
                MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
            )
            got = await s3.get_object(Bucket="bkt", Key="k")
            assert await got["Body"].read() == b"x" * 10
            with pytest.raises(UnmockedCallError, match=r"S3 PutObject \(Bucket='bkt', Key='p'"):
                await s3.put_object(Bucket="bkt", Key="p", Body=b"y")
            assert no_network == []
            assert mpu.unmocked == ["S3 PutObject (Bucket='bkt', Key='p', Body=<1 bytes>)"]
            assert [c.operation for c in mpu.calls] == [
                "CreateBucket",
                "CreateMultipartUpload",
                "UploadPart",
                "CompleteMultipartUpload",
                "GetObject",
            ]
    # the refused call, once swallowed, fails the mock's stop (as for sync clients)
    assert no_network == []


@pytest.mark.asyncio
async def test_a_client_created_before_the_mock_started_is_served() -> None:
    async with _client() as s3, mock_mpu() as mpu:
        await s3.create_bucket(Bucket="early")
        assert mpu.s3.bucket_names() == ["early"]
        assert [(c.operation, c.status) for c in mpu.calls] == [("CreateBucket", 200)]


@pytest.mark.asyncio
async def test_attach_takes_an_aio_client_and_an_aiobotocore_session() -> None:
    session = aiobotocore.session.get_session()
    async with session.create_client("s3", region_name="us-east-1") as s3, mock_mpu() as mpu:
        assert mpu.attach(s3) is s3
        assert mpu.attach(session) is session
        up = await s3.create_bucket(Bucket="bkt")
        assert up["ResponseMetadata"]["HTTPStatusCode"] == 200
        with pytest.raises(s3.exceptions.NoSuchUpload):
            await s3.abort_multipart_upload(Bucket="bkt", Key="k", UploadId="nope")
        # no call recorded as ok when it failed
        assert [(c.operation, c.status, c.error_code) for c in mpu.calls] == [
            ("CreateBucket", 200, None),
            ("AbortMultipartUpload", 404, "NoSuchUpload"),
        ]


@pytest.mark.asyncio
async def test_after_the_mock_stops_aio_clients_are_left_alone(no_network: list[Any]) -> None:
    unsigned = Config(signature_version=UNSIGNED, retries={"max_attempts": 0})
    async with _client(config=unsigned) as s3:
        async with mock_mpu():
            await s3.create_bucket(Bucket="bkt")
        with pytest.raises(Exception) as caught:
            await s3.list_multipart_uploads(Bucket="bkt")
        assert not isinstance(caught.value, UnmockedCallError)
        assert no_network  # it went to botocore's normal path (the network, blocked here)


# ------------------------------------------------------------------ bodies, retries, faults, loop


@pytest.mark.asyncio
async def test_aws_chunked_bodies_with_trailing_checksums_are_read_and_verified(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[dict[str, Any]] = []
    real = sync_transport.route  # the aio before-send routes through the sync hook's _answer

    def spy(request: Any, **kwargs: Any) -> Any:
        seen.append({str(k).lower(): v for k, v in request.headers.items()})
        return real(request, **kwargs)

    monkeypatch.setattr(sync_transport, "route", spy)
    async with mock_mpu(keep_bodies=True) as mpu, _client() as s3:
        await s3.create_bucket(Bucket="bkt")
        up = await s3.create_multipart_upload(Bucket="bkt", Key="k", ChecksumAlgorithm="CRC32")
        body = b"chunky" * 100_000
        part = await s3.upload_part(
            Bucket="bkt",
            Key="k",
            UploadId=up["UploadId"],
            PartNumber=1,
            Body=io.BytesIO(body),
            ChecksumAlgorithm="CRC32",
        )
        stored = mpu.s3.parts("bkt", up["UploadId"])[0]
        assert stored.body == body and stored.size == len(body)
        assert part["ChecksumCRC32"] == stored.checksums["CRC32"]
    headers = seen[-1]
    encoding = headers.get("content-encoding")
    encoding = encoding.decode() if isinstance(encoding, bytes) else encoding
    assert encoding == "aws-chunked"
    assert "x-amz-trailer" in headers


@pytest.mark.asyncio
async def test_injected_faults_are_retried_by_aiobotocore(mpu_mock: MpuMock) -> None:
    mpu_mock.s3.create_bucket("bkt")
    mpu_mock.faults.fail("s3:CreateMultipartUpload", "SlowDown", times=2)
    mpu_mock.faults.fail("s3:ListMultipartUploads", "AccessDenied")
    async with _client() as s3:
        up = await s3.create_multipart_upload(Bucket="bkt", Key="k")
        assert up["ResponseMetadata"]["RetryAttempts"] == 2
        with pytest.raises(ClientError) as caught:
            await s3.list_multipart_uploads(Bucket="bkt")
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
    assert [(c.operation, c.status) for c in mpu_mock.calls] == [
        ("CreateMultipartUpload", 503),
        ("CreateMultipartUpload", 503),
        ("CreateMultipartUpload", 200),
        ("ListMultipartUploads", 403),
    ]


@pytest.mark.asyncio
async def test_the_loop_guard_stops_an_aio_listing_loop() -> None:
    mpu = mock_mpu(loop_guard=3, scenario=scenarios.many_uploads(1200))
    async with _client() as s3:
        with pytest.raises(ListingLoopError, match="ListMultipartUploads"):
            async with mpu:  # ... and a loop the code under test swallowed fails the mock's exit
                with pytest.raises(ListingLoopError):
                    for _ in range(10):  # a buggy loop: never advances its markers
                        await s3.list_multipart_uploads(Bucket="bkt")
                assert len(mpu.calls) == 3


@pytest.mark.asyncio
async def test_concurrent_aio_calls_keep_their_own_parameters(mpu_mock: MpuMock) -> None:
    mpu_mock.s3.create_bucket("bkt")
    async with _client() as s3:
        keys = [f"k{i:03d}" for i in range(40)]
        ups = await asyncio.gather(
            *(s3.create_multipart_upload(Bucket="bkt", Key=key) for key in keys)
        )
    assert [u["Key"] for u in ups] == keys
    assert sorted(c.params["Key"] for c in mpu_mock.calls) == keys
    recorded = {c.params["Key"] for c in mpu_mock.calls}
    assert recorded == {u.key for u in mpu_mock.s3.uploads("bkt")}


@pytest.mark.asyncio
async def test_wire_false_answers_aio_clients_on_the_wire_path_with_the_same_results() -> None:
    results = []
    for wire in (True, False):
        async with mock_mpu(wire=wire, clock=T0, scenario=scenarios.many_parts(1100)) as mpu:
            async with _client() as s3:
                sc = mpu.scenario
                page = await s3.list_parts(
                    Bucket=sc.bucket, Key=sc.upload.key, UploadId=sc.upload.upload_id
                )
            results.append((page, [(c.operation, c.status) for c in mpu.calls]))
    assert results[0] == results[1]


# -------------------------------------------------------------------------------- activation


@pytest.mark.anyio
async def test_the_fixture_serves_aio_clients_under_anyio(mpu_mock: MpuMock) -> None:
    async with _client() as s3:
        await s3.create_bucket(Bucket="anyio")
    assert mpu_mock.s3.bucket_names() == ["anyio"]


@pytest.mark.asyncio
@pytest.mark.mpu_mock(scenario=scenarios.many_uploads(3))
async def test_the_marker_and_fixture_serve_aio_clients_under_pytest_asyncio(
    mpu_mock: MpuMock,
) -> None:
    async with _client() as s3:
        page = await s3.list_multipart_uploads(Bucket="bkt")
    assert len(page["Uploads"]) == 3


def test_the_decorator_gives_each_coroutine_call_a_fresh_mock() -> None:
    @mock_mpu(seed=3)
    async def make_bucket(name: str) -> list[str]:
        async with _client() as s3:
            await s3.create_bucket(Bucket=name)
        return _active().s3.bucket_names()

    assert asyncio.run(make_bucket("one")) == ["one"]
    assert asyncio.run(make_bucket("two")) == ["two"]


@pytest.mark.asyncio
@pytest.mark.mpu_mock(keep_bodies=True)
async def test_a_retried_chunked_upload_part_is_read_whole_again(mpu_mock: MpuMock) -> None:
    mpu_mock.s3.create_bucket("bkt")
    up = mpu_mock.s3.create_multipart_upload("bkt", "k")
    mpu_mock.faults.fail("s3:UploadPart", "InternalError")
    body = bytes(range(256)) * 4096
    async with _client() as s3:
        part = await s3.upload_part(
            Bucket="bkt",
            Key="k",
            UploadId=up.upload_id,
            PartNumber=1,
            Body=io.BytesIO(body),
            ChecksumAlgorithm="CRC32",
        )
    assert part["ResponseMetadata"]["RetryAttempts"] == 1
    stored = mpu_mock.s3.parts("bkt", up.upload_id)[0]
    assert stored.body == body
    assert [(c.operation, c.status) for c in mpu_mock.calls] == [
        ("UploadPart", 500),
        ("UploadPart", 200),
    ]
