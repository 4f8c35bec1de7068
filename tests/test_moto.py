"""mock_mpu together with moto's mock_aws, in both nesting orders: one S3 world.

mockmpu answers the multipart operations and moto never sees them; every other call reaches moto
signed; buckets live in moto's backend; a completed upload is an object moto serves with
mockmpu's ETag, size, parts, checksum, metadata, content type and storage class.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from mockmpu import MpuMock, mock_mpu

moto = pytest.importorskip("moto")
from moto import mock_aws  # noqa: E402
from moto.backends import get_backend  # noqa: E402
from moto.core import DEFAULT_ACCOUNT_ID  # noqa: E402

MiB = 1024 * 1024
ORDERS = ("moto-outer", "mpu-outer")


@contextlib.contextmanager
def both(order: str, **options: Any) -> Iterator[MpuMock]:
    """mock_aws and mock_mpu active together, nested in ``order``."""
    if order == "moto-outer":
        with mock_aws(), mock_mpu(**options) as mpu:
            yield mpu
    else:
        with mock_mpu(**options) as mpu, mock_aws():
            yield mpu


def moto_s3() -> Any:
    return get_backend("s3")[DEFAULT_ACCOUNT_ID]["global"]


def client() -> Any:
    return boto3.session.Session().client("s3", region_name="us-east-1")


def two_part_upload(s3: Any, bucket: str, key: str, **create: Any) -> tuple[dict[str, Any], bytes]:
    first, second = b"a" * (5 * MiB), b"tail"
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key, **create)["UploadId"]
    assert moto_s3().buckets[bucket].multiparts == {}  # moto never saw the upload
    extra = (
        {"ChecksumAlgorithm": create["ChecksumAlgorithm"]} if "ChecksumAlgorithm" in create else {}
    )
    parts = []
    for number, body in ((1, first), (2, second)):
        r = s3.upload_part(
            Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=body, **extra
        )
        part = {"PartNumber": number, "ETag": r["ETag"]}
        if extra:
            part["ChecksumCRC32"] = r["ChecksumCRC32"]
        parts.append(part)
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}
    )
    return done, first + second


@pytest.mark.parametrize("order", ORDERS)
def test_mockmpu_answers_multipart_and_moto_serves_the_object(order: str) -> None:
    with both(order) as mpu:
        s3 = client()
        s3.create_bucket(Bucket="bkt")  # moto's
        done, data = two_part_upload(
            s3,
            "bkt",
            "dir/k",
            ContentType="text/csv",
            Metadata={"team": "data"},
            StorageClass="STANDARD_IA",
        )
        md5s = hashlib.md5(b"a" * (5 * MiB)).digest() + hashlib.md5(b"tail").digest()
        etag = f'"{hashlib.md5(md5s).hexdigest()}-2"'
        assert done["ETag"] == etag
        assert [c.operation for c in mpu.calls] == [
            "CreateMultipartUpload",
            "UploadPart",
            "UploadPart",
            "CompleteMultipartUpload",
        ]
        listing = s3.list_objects_v2(Bucket="bkt")["Contents"]
        assert [(o["Key"], o["ETag"], o["Size"], o["StorageClass"]) for o in listing] == [
            ("dir/k", etag, len(data), "STANDARD_IA")
        ]
        head = s3.head_object(Bucket="bkt", Key="dir/k")
        assert (head["ETag"], head["ContentLength"], head["ContentType"], head["Metadata"]) == (
            etag,
            len(data),
            "text/csv",
            {"team": "data"},
        )
        part2 = s3.get_object(Bucket="bkt", Key="dir/k", PartNumber=2)
        assert (part2["PartsCount"], part2["Body"].read()) == (2, b"tail")
        ranged = s3.get_object(Bucket="bkt", Key="dir/k", Range="bytes=5242878-5242881")
        assert ranged["Body"].read() == b"aata"
        assert ranged["ContentRange"] == f"bytes 5242878-5242881/{len(data)}"
        s3.copy_object(Bucket="bkt", Key="copy", CopySource={"Bucket": "bkt", "Key": "dir/k"})
        assert s3.get_object(Bucket="bkt", Key="copy")["Body"].read() == data
        s3.delete_object(Bucket="bkt", Key="dir/k")
        with pytest.raises(ClientError) as missing:
            s3.get_object(Bucket="bkt", Key="dir/k")
        assert missing.value.response["Error"]["Code"] == "NoSuchKey"
        assert moto_s3().buckets["bkt"].multiparts == {}
        assert mpu.unmocked == []


@pytest.mark.parametrize("order", ORDERS)
def test_checksums_reach_moto_as_mockmpu_computed_them(order: str) -> None:
    with both(order):
        s3 = client()
        s3.create_bucket(Bucket="bkt")
        done, data = two_part_upload(s3, "bkt", "k", ChecksumAlgorithm="CRC32")
        assert done["ChecksumType"] == "COMPOSITE"
        got = s3.get_object(Bucket="bkt", Key="k", ChecksumMode="ENABLED")
        assert (got["ChecksumCRC32"], got["ChecksumType"]) == (
            done["ChecksumCRC32"],
            "COMPOSITE",
        )
        assert got["ChecksumCRC32"].endswith("-2")
        assert got["Body"].read() == data


@pytest.mark.parametrize("order", ORDERS)
def test_calls_moto_answers_are_signed_and_mockmpu_calls_are_not(order: str) -> None:
    seen: dict[str, Any] = {}

    def capture(request: Any, event_name: str, **_: Any) -> None:
        value = request.headers.get("Authorization")
        seen[event_name.rsplit(".", 1)[1]] = value.decode() if value is not None else None

    with both(order):
        s3 = client()
        s3.meta.events.register_first("before-send.s3", capture)
        s3.create_bucket(Bucket="bkt")
        s3.create_multipart_upload(Bucket="bkt", Key="k")
        s3.put_object(Bucket="bkt", Key="small", Body=b"x")
        assert s3.get_object(Bucket="bkt", Key="small")["Body"].read() == b"x"
    for operation in ("CreateBucket", "PutObject", "GetObject"):
        assert str(seen[operation]).startswith("AWS4-HMAC-SHA256 Credential=FOOBARKEY/")
    assert seen["CreateMultipartUpload"] is None


@pytest.mark.parametrize("order", ORDERS)
def test_one_bucket_world(order: str) -> None:
    with both(order) as mpu:
        s3 = client()
        mpu.s3.create_bucket("arranged")  # through mockmpu: moto gets it on first use
        s3.create_multipart_upload(Bucket="arranged", Key="k")
        assert "arranged" in [b["Name"] for b in s3.list_buckets()["Buckets"]]
        s3.create_bucket(Bucket="moto-made")
        s3.create_multipart_upload(Bucket="moto-made", Key="k")
        assert [u.key for u in mpu.s3.uploads("moto-made")] == ["k"]
        s3.delete_bucket(Bucket="moto-made")  # moto deletes it; its uploads go with it
        with pytest.raises(ClientError) as gone:
            s3.create_multipart_upload(Bucket="moto-made", Key="k")
        assert gone.value.response["Error"]["Code"] == "NoSuchBucket"
        with pytest.raises(ClientError) as never:
            s3.create_multipart_upload(Bucket="never-made", Key="k")
        assert never.value.response["Error"]["Code"] == "NoSuchBucket"


@pytest.mark.parametrize("order", ORDERS)
def test_s3transfer_round_trips_40_mib_with_10_threads(order: str, tmp_path: Path) -> None:
    from boto3.s3.transfer import TransferConfig

    data = os.urandom(40 * MiB)
    src, dst = tmp_path / "src", tmp_path / "dst"
    src.write_bytes(data)
    config = TransferConfig(max_concurrency=10, multipart_chunksize=8 * MiB)
    with both(order) as mpu:
        s3 = client()
        s3.create_bucket(Bucket="bkt")
        s3.upload_file(str(src), "bkt", "big.bin", Config=config)
        s3.download_file("bkt", "big.bin", str(dst), Config=config)
        assert [o["ETag"] for o in s3.list_objects_v2(Bucket="bkt")["Contents"]] == [
            mpu.s3.object("bkt", "big.bin").etag
        ]
        assert moto_s3().buckets["bkt"].multiparts == {}
    assert dst.read_bytes() == data
    assert sum(c.operation == "UploadPart" for c in mpu.calls) == 5


def aws(*args: str) -> int:
    from awscli.clidriver import create_clidriver

    return int(create_clidriver().main(["--region", "us-east-1", *args]))


@pytest.mark.parametrize("order", ORDERS)
def test_aws_cli_cp_up_and_down(order: str, tmp_path: Path) -> None:
    pytest.importorskip("awscli")
    data = os.urandom(20 * MiB)
    src, dst = tmp_path / "src.bin", tmp_path / "dst.bin"
    src.write_bytes(data)
    with both(order) as mpu:
        client().create_bucket(Bucket="bkt")
        assert aws("s3", "cp", str(src), "s3://bkt/cli.bin") == 0
        assert aws("s3", "cp", "s3://bkt/cli.bin", str(dst)) == 0
        assert moto_s3().buckets["bkt"].multiparts == {}
    assert dst.read_bytes() == data
    assert "CompleteMultipartUpload" in [c.operation for c in mpu.calls]


@pytest.mark.parametrize("order", ORDERS)
def test_smart_open_writes_then_reads_back(order: str) -> None:
    smart_open = pytest.importorskip("smart_open")
    data = os.urandom(12 * MiB)
    with both(order) as mpu:
        s3 = client()
        s3.create_bucket(Bucket="bkt")
        params = {"client": s3}
        with smart_open.open("s3://bkt/so.bin", "wb", transport_params=params) as out:
            out.write(data)
        with smart_open.open("s3://bkt/so.bin", "rb", transport_params=params) as back:
            assert back.read() == data
    assert "CompleteMultipartUpload" in [c.operation for c in mpu.calls]


def test_decorators_in_both_orders() -> None:
    @mock_aws
    @mock_mpu
    def moto_outer() -> tuple[str, int]:
        s3 = client()
        s3.create_bucket(Bucket="bkt")
        done, _ = two_part_upload(s3, "bkt", "k")
        return done["ETag"], s3.head_object(Bucket="bkt", Key="k")["ContentLength"]

    @mock_mpu
    @mock_aws
    def mpu_outer() -> tuple[str, int]:
        return moto_outer.__wrapped__.__wrapped__()  # type: ignore[attr-defined, no-any-return]

    first, second = moto_outer(), mpu_outer()
    assert first == second
    assert first[0].endswith('-2"') and first[1] == 5 * MiB + 4


def test_with_the_pytest_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3
        import pytest
        from moto import mock_aws

        @pytest.fixture
        def aws():
            with mock_aws():
                yield

        def test_it(aws, mpu_mock):
            s3 = boto3.client("s3", region_name="us-east-1")
            s3.create_bucket(Bucket="bkt")
            up = s3.create_multipart_upload(Bucket="bkt", Key="k")["UploadId"]
            e = s3.upload_part(Bucket="bkt", Key="k", UploadId=up, PartNumber=1, Body=b"x")
            s3.complete_multipart_upload(
                Bucket="bkt", Key="k", UploadId=up,
                MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e["ETag"]}]},
            )
            assert s3.get_object(Bucket="bkt", Key="k")["Body"].read() == b"x"
            assert [c.operation for c in mpu_mock.calls][-1] == "CompleteMultipartUpload"
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)


def test_objects_need_kept_bodies_with_moto() -> None:
    with both("moto-outer", keep_bodies=False):
        s3 = client()
        s3.create_bucket(Bucket="bkt")
        with pytest.raises(Exception, match="keep_bodies at its default"):
            two_part_upload(s3, "bkt", "k")
