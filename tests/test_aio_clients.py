"""s3fs and aioboto3 against mockmpu: issue 9's "done when" points, through the real clients.

Runs in the async environment (``python3 tasks.py test-async``: aiobotocore, s3fs, aioboto3,
pytest-asyncio, anyio); skipped in the main one, where aiobotocore is absent.
"""

from __future__ import annotations

import asyncio
import io
import socket
import types
from collections.abc import Iterator
from typing import Any

import pytest

_WHY = "is not installed here; the async environment has it: python3 tasks.py test-async"
pytest.importorskip("aiobotocore", reason=f"aiobotocore {_WHY}")
aioboto3 = pytest.importorskip("aioboto3", reason=f"aioboto3 {_WHY}")
s3fs = pytest.importorskip("s3fs", reason=f"s3fs {_WHY}")

import aiobotocore.endpoint  # noqa: E402
import aiobotocore.session  # noqa: E402
from botocore.utils import calculate_tree_hash  # noqa: E402

from mockmpu import MpuMock, UnmockedCallError, mock_mpu, scenarios  # noqa: E402

MiB = 1024 * 1024


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


# ------------------------------------------------------------------------------ done when: s3fs


@pytest.mark.asyncio
async def test_s3fs_clear_multipart_uploads_leaves_what_a_one_page_cleaner_leaves() -> None:
    async with mock_mpu(scenario=scenarios.many_uploads()) as mpu:
        sc = mpu.scenario
        fs = s3fs.S3FileSystem(anon=True, asynchronous=True, skip_instance_cache=True)
        await fs._clear_multipart_uploads(sc.bucket)
        left = [(u.key, u.upload_id) for u in mpu.s3.uploads(sc.bucket)]
        one_page_truth = [(u.key, u.upload_id) for u in sc.uploads[sc.page_size :]]
        assert len(left) == 500
        assert left == one_page_truth  # the real bug (BUG-01), reproduced and asserted
        aborts = [c for c in mpu.calls if c.operation == "AbortMultipartUpload"]
        # s3fs aborts concurrently (asyncio.gather): each call kept its own parameters.
        assert sorted((c.params["Key"], c.params["UploadId"]) for c in aborts) == sorted(
            (u.key, u.upload_id) for u in sc.uploads[: sc.page_size]
        )
        assert all(c.status == 204 for c in aborts)


def test_s3fs_sync_api_is_served_too() -> None:
    # s3fs's sync API runs aiobotocore on fsspec's own event loop thread.
    with mock_mpu(scenario=scenarios.many_uploads(1200)) as mpu:
        fs = s3fs.S3FileSystem(anon=True, skip_instance_cache=True)
        fs.clear_multipart_uploads("bkt")
        assert len(mpu.s3.uploads("bkt")) == 200


@pytest.mark.asyncio
async def test_s3fs_open_wb_larger_than_the_block_size_completes_a_multipart_upload() -> None:
    async with mock_mpu(keep_bodies=True) as mpu:
        mpu.s3.create_bucket("bkt")
        # S3File is a sync file object driving fsspec's event loop thread: run it off this loop.
        fs = s3fs.S3FileSystem(anon=True, skip_instance_cache=True)
        block = 5 * MiB  # the block size in effect (S3's minimum part size)
        data = bytes(range(256)) * (12 * MiB // 256 + 1)  # > 2 blocks, not a multiple

        def write() -> None:
            with fs.open("bkt/big.bin", "wb", block_size=block) as f:
                for i in range(0, len(data), MiB):
                    f.write(data[i : i + MiB])

        await asyncio.get_running_loop().run_in_executor(None, write)
        obj = mpu.s3.object("bkt", "big.bin")
        assert obj.size == len(data)
        assert obj.part_count == len(obj.parts) >= 2
        assert b"".join(p.body or b"" for p in obj.parts) == data
        assert obj.etag.endswith(f'-{obj.part_count}"')
        ops = [c.operation for c in mpu.calls]
        assert ops[0] == "CreateMultipartUpload" and ops[-1] == "CompleteMultipartUpload"
        assert ops.count("UploadPart") == obj.part_count
        assert all(c.status == 200 for c in mpu.calls)


# --------------------------------------------------------------------------- done when: aioboto3


@pytest.mark.asyncio
@mock_mpu(scenario=scenarios.colliding_keys())
async def test_aioboto3_list_multipart_uploads_paginator_sees_colliding_keys() -> None:
    mpu = _active()
    sc = mpu.scenario
    async with _client() as s3:
        got = await _collect(
            s3.get_paginator("list_multipart_uploads"), "Uploads", Bucket=sc.bucket
        )
    assert [(u["Key"], u["UploadId"]) for u in got] == [(u.key, u.upload_id) for u in sc.uploads]
    assert [u["Initiated"] for u in got] == [u.initiated for u in sc.uploads]
    assert len(got) == 1009
    assert [c.operation for c in mpu.calls] == ["ListMultipartUploads"] * 2


@pytest.mark.asyncio
async def test_aioboto3_list_parts_paginator_sees_many_parts(mpu_mock: MpuMock) -> None:
    sc = scenarios.many_parts().load(mpu_mock)
    async with _client() as s3:
        parts = await _collect(
            s3.get_paginator("list_parts"),
            "Parts",
            Bucket=sc.bucket,
            Key=sc.upload.key,
            UploadId=sc.upload.upload_id,
        )
    assert [p["PartNumber"] for p in parts] == list(sc.part_numbers)
    assert len(parts) == 2500
    assert [c.operation for c in mpu_mock.calls] == ["ListParts"] * 3


@pytest.mark.anyio
async def test_aioboto3_glacier_listings_and_an_upload(mpu_mock: MpuMock) -> None:
    sc = scenarios.glacier_many_parts().load(mpu_mock)
    async with _client("glacier") as glacier:
        vaults = await _collect(glacier.get_paginator("list_vaults"), "VaultList")
        assert [v["VaultName"] for v in vaults] == [sc.vault]
        uploads = await _collect(
            glacier.get_paginator("list_multipart_uploads"), "UploadsList", vaultName=sc.vault
        )
        assert [u["MultipartUploadId"] for u in uploads] == list(sc.upload_ids)
        parts = await _collect(
            glacier.get_paginator("list_parts"),
            "Parts",
            vaultName=sc.vault,
            uploadId=sc.upload.upload_id,
        )
        assert [p["RangeInBytes"] for p in parts] == list(sc.part_ranges)
        body = b"g" * MiB
        up = await glacier.initiate_multipart_upload(vaultName=sc.vault, partSize=str(MiB))
        await glacier.upload_multipart_part(
            vaultName=sc.vault, uploadId=up["uploadId"], range=f"bytes 0-{MiB - 1}/*", body=body
        )
        done = await glacier.complete_multipart_upload(
            vaultName=sc.vault,
            uploadId=up["uploadId"],
            archiveSize=str(MiB),
            checksum=calculate_tree_hash(io.BytesIO(body)),
        )
        assert done["checksum"] == calculate_tree_hash(io.BytesIO(body))
    assert all(c.status < 300 for c in mpu_mock.calls)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # trio is not installed; aiobotocore needs asyncio


def _active() -> MpuMock:
    from mockmpu.core import activation

    mpu = activation.current()
    assert mpu is not None
    return mpu


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
async def test_s3fs_calls_mockmpu_does_not_serve_are_refused(no_network: list[Any]) -> None:
    async with mock_mpu() as mpu:
        mpu.s3.create_bucket("bkt")
        fs = s3fs.S3FileSystem(anon=True, asynchronous=True, skip_instance_cache=True)
        with pytest.raises(UnmockedCallError, match="ListObjectsV2"):
            await fs._ls("bkt")
        assert len(mpu.unmocked) == 1
        assert mpu.unmocked[0].startswith("S3 ListObjectsV2 (Bucket='bkt'")
        mpu.unmocked.clear()
    assert no_network == []


@pytest.mark.asyncio
async def test_s3fs_and_aioboto3_read_completed_objects() -> None:
    async with mock_mpu() as mpu:
        mpu.s3.create_bucket("bkt")
        data = bytes(range(256)) * (6 * MiB // 256)
        up = mpu.s3.create_multipart_upload("bkt", "obj.bin")
        mpu.s3.upload_part("bkt", "obj.bin", up.upload_id, 1, data)
        mpu.s3.complete_multipart_upload("bkt", "obj.bin", up.upload_id)
        fs = s3fs.S3FileSystem(anon=True, asynchronous=True, skip_instance_cache=True)
        assert await fs._cat_file("bkt/obj.bin") == data
        assert await fs._cat_file("bkt/obj.bin", start=10, end=20) == data[10:20]
        info = await fs._info("bkt/obj.bin")
        assert info["size"] == len(data)
        async with _client() as s3:
            head = await s3.head_object(Bucket="bkt", Key="obj.bin")
            assert head["ContentLength"] == len(data)
            got = await s3.get_object(Bucket="bkt", Key="obj.bin")
            chunks = [chunk async for chunk in got["Body"].iter_chunks(MiB)]
            assert b"".join(chunks) == data
            got = await s3.get_object(Bucket="bkt", Key="obj.bin", Range="bytes=0-99")
            async with got["Body"] as stream:  # aioboto3's README way (the raw response inside)
                assert await stream.read() == data[:100]
            with pytest.raises(s3.exceptions.NoSuchKey):
                await s3.get_object(Bucket="bkt", Key="missing")
        assert not mpu.unmocked


def test_the_readme_s3fs_example_runs() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    section = readme.split("## Async clients (s3fs, aioboto3)", 1)[1]
    code = section.split("```python", 1)[1].split("\n", 1)[1].split("```", 1)[0]
    exec(compile(code, "README.md#async-clients", "exec"), {"__name__": "readme"})


@pytest.mark.asyncio
@pytest.mark.mpu_mock(keep_bodies=True)
async def test_aioboto3_upload_fileobj_completes_a_multipart_upload(mpu_mock: MpuMock) -> None:
    from boto3.s3.transfer import TransferConfig

    mpu_mock.s3.create_bucket("bkt")
    data = bytes(range(256)) * (17 * MiB // 256)  # 3 parts of 5 MiB and one of 2 MiB
    config = TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB)
    async with _client() as s3:
        await s3.upload_fileobj(io.BytesIO(data), "bkt", "f.bin", Config=config)
    obj = mpu_mock.s3.object("bkt", "f.bin")
    assert (obj.size, obj.part_count) == (len(data), 4)
    assert b"".join(p.body or b"" for p in obj.parts) == data
    assert obj.etag.endswith('-4"')
