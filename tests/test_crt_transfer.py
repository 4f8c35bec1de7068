"""boto3's transfers stay on botocore while a mock is active, also where boto3 would use awscrt.

On AWS-optimized machines (GPU and network-optimized EC2 instances) or with
``TransferConfig(preferred_transfer_client="crt")``, boto3 hands ``upload_file`` to awscrt's own
S3 client, which no botocore hook sees. These tests make boto3 believe it runs on such a machine
and check that mockmpu still answers every request (transports/crt.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from mockmpu import MpuMock, mock_mpu

transfer = pytest.importorskip("boto3.s3.transfer")
awscrt_s3 = pytest.importorskip("awscrt.s3")
if not hasattr(transfer, "create_crt_transfer_manager"):  # boto3 < 1.33: no CRT transfer path
    pytest.skip("this boto3 has no CRT transfer manager", allow_module_level=True)

MiB = 1024 * 1024


def _client() -> Any:
    # Explicit credentials: boto3 only hands a transfer to awscrt when the client's credentials
    # match those of its process-wide CRT client (boto3.crt.is_crt_compatible_request), so every
    # test here uses the same ones.
    return boto3.session.Session().client(
        "s3", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s"
    )


@pytest.fixture
def optimized_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    # What boto3 asks to decide "auto" (boto3.s3.transfer._should_use_crt).
    monkeypatch.setattr(awscrt_s3, "is_optimized_for_system", lambda: True)


@pytest.fixture
def mpu() -> Iterator[MpuMock]:
    with mock_mpu() as mock:
        mock.s3.create_bucket("bkt")
        yield mock


def _file(tmp_path: Path, size: int) -> Path:
    path = tmp_path / "big.bin"
    path.write_bytes(bytes(range(256)) * (size // 256))
    return path


def _multipart_calls(mpu: MpuMock) -> list[str]:
    return [
        c.operation for c in mpu.calls if "Multipart" in c.operation or c.operation == "UploadPart"
    ]


@pytest.mark.parametrize("preferred", ["auto", "crt"])
def test_upload_file_is_served_where_boto3_would_use_awscrt(
    optimized_machine: None, mpu: MpuMock, tmp_path: Path, preferred: str
) -> None:
    config = transfer.TransferConfig(
        multipart_threshold=5 * MiB,
        multipart_chunksize=5 * MiB,
        preferred_transfer_client=preferred,
    )
    if not transfer._should_use_crt(config):  # boto3 < 1.42 knows no explicit "crt"
        pytest.skip(f"this boto3 never hands preferred_transfer_client={preferred!r} to awscrt")
    path = _file(tmp_path, 11 * MiB)
    s3 = _client()
    s3.upload_file(str(path), "bkt", "big.bin", Config=config)
    calls = _multipart_calls(mpu)  # s3transfer uploads the parts on threads: any order
    assert calls[0] == "CreateMultipartUpload" and calls[-1] == "CompleteMultipartUpload"
    assert sorted(calls[1:-1]) == ["UploadPart"] * 3
    obj = mpu.s3.object("bkt", "big.bin")
    assert obj.size == path.stat().st_size and obj.part_count == 3
    md5s = b"".join(
        hashlib.md5(path.read_bytes()[i : i + 5 * MiB]).digest()
        for i in range(0, 11 * MiB, 5 * MiB)
    )
    assert obj.etag == f'"{hashlib.md5(md5s).hexdigest()}-3"'


class _FakeCrtClient:
    crt_client = object()


class _FakeCrtManager:
    def __init__(self, *args: Any, **kwargs: Any) -> None:  # boto3 passes either, by version
        self.args = (args, kwargs)

    def shutdown(self) -> None:
        pass


@pytest.fixture
def crt_available(monkeypatch: pytest.MonkeyPatch) -> None:
    # boto3's CRT factory (boto3.crt.create_crt_transfer_manager) with its process-wide CRT
    # client, cross-process lock and credential check replaced, so that whether it is consulted
    # does not depend on other processes or on earlier tests.
    import boto3.crt

    monkeypatch.setattr(boto3.crt, "get_crt_s3_client", lambda client, config: _FakeCrtClient())
    monkeypatch.setattr(boto3.crt, "is_crt_compatible_request", lambda client, crt: True)
    monkeypatch.setattr(boto3.crt, "CRTTransferManager", _FakeCrtManager)


def test_only_a_mock_turns_the_crt_transfer_manager_off(
    optimized_machine: None, crt_available: None
) -> None:
    config = transfer.TransferConfig()  # "auto": awscrt on an optimized machine
    assert transfer._should_use_crt(config)
    with mock_mpu():
        inside = transfer.create_transfer_manager(_client(), config)
    outside = transfer.create_transfer_manager(_client(), config)
    try:
        assert type(inside).__name__ == "TransferManager"  # boto3's classic manager
        assert isinstance(outside, _FakeCrtManager)  # boto3's own choice, untouched
    finally:
        inside.shutdown()
        outside.shutdown()
