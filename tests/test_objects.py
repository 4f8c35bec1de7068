"""mockmpu alone reads back what multipart wrote: HeadObject and GetObject through real clients."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.httpchecksum import CrtCrc64NvmeChecksum

from mockmpu import MpuMock, mock_mpu

MiB = 1024 * 1024
T0 = datetime(2024, 3, 1, 12, 30, 15, tzinfo=timezone.utc)
PART1, PART2, PART3 = b"1" * (5 * MiB), b"2" * (5 * MiB), b"three"


@pytest.fixture
def mpu() -> Iterator[MpuMock]:
    with mock_mpu(clock=T0) as mock:
        yield mock


def client() -> Any:
    return boto3.session.Session().client("s3", region_name="us-east-1")


def upload(s3: Any, key: str = "obj", **create: Any) -> dict[str, Any]:
    s3.create_bucket(Bucket="bkt")
    upload_id = s3.create_multipart_upload(Bucket="bkt", Key=key, **create)["UploadId"]
    extra = (
        {"ChecksumAlgorithm": create["ChecksumAlgorithm"]} if "ChecksumAlgorithm" in create else {}
    )
    parts = []
    for number, body in enumerate((PART1, PART2, PART3), 1):
        r = s3.upload_part(
            Bucket="bkt", Key=key, UploadId=upload_id, PartNumber=number, Body=body, **extra
        )
        part = {"PartNumber": number, "ETag": r["ETag"]}
        if extra:  # the part checksums of an upload created with an algorithm
            name = "Checksum" + extra["ChecksumAlgorithm"]
            part[name] = r[name]
        parts.append(part)
    done: dict[str, Any] = s3.complete_multipart_upload(
        Bucket="bkt", Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}
    )
    return done


def error(call: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as excinfo:
        call()
    response: dict[str, Any] = excinfo.value.response
    return response


def test_get_object_part_number_2_returns_part_2_and_the_parts_count(mpu: MpuMock) -> None:
    s3 = client()
    done = upload(s3)
    got = s3.get_object(Bucket="bkt", Key="obj", PartNumber=2)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert got["Body"].read() == PART2
    assert (got["PartsCount"], got["ContentLength"], got["ContentRange"], got["ETag"]) == (
        3,
        5 * MiB,
        f"bytes {5 * MiB}-{10 * MiB - 1}/{10 * MiB + 5}",
        done["ETag"],
    )
    head = s3.head_object(Bucket="bkt", Key="obj", PartNumber=3)
    sent_range = head["ResponseMetadata"]["HTTPHeaders"]["content-range"]
    assert (head["PartsCount"], head["ContentLength"], sent_range) == (
        3,
        5,
        f"bytes {10 * MiB}-{10 * MiB + 4}/{10 * MiB + 5}",
    )
    # botocore 1.36.0 (the lowest supported) does not model HeadObject's ContentRange; later do.
    if "ContentRange" in s3.meta.service_model.operation_model("HeadObject").output_shape.members:
        assert head["ContentRange"] == sent_range


def test_whole_object_and_its_headers(mpu: MpuMock) -> None:
    s3 = client()
    done = upload(
        s3, ContentType="text/plain", Metadata={"team": "data"}, StorageClass="STANDARD_IA"
    )
    md5s = b"".join(hashlib.md5(p).digest() for p in (PART1, PART2, PART3))
    assert done["ETag"] == f'"{hashlib.md5(md5s).hexdigest()}-3"'
    got = s3.get_object(Bucket="bkt", Key="obj")
    assert got["Body"].read() == PART1 + PART2 + PART3
    headers = got["ResponseMetadata"]["HTTPHeaders"]
    assert list(headers) == [
        "x-amz-id-2",
        "x-amz-request-id",
        "date",
        "last-modified",
        "etag",
        # S3's default full-object CRC64NVME, sent as botocore asks (ChecksumMode=ENABLED)
        "x-amz-checksum-crc64nvme",
        "x-amz-checksum-type",
        "x-amz-server-side-encryption",
        "x-amz-meta-team",
        "x-amz-storage-class",
        "accept-ranges",
        "content-type",
        "content-length",
        "server",
    ]
    assert (got["ContentType"], got["Metadata"], got["StorageClass"], got["LastModified"]) == (
        "text/plain",
        {"team": "data"},
        "STANDARD_IA",
        T0,
    )
    assert "PartsCount" not in got
    crc64 = CrtCrc64NvmeChecksum()
    crc64.update(PART1 + PART2 + PART3)
    assert (got["ChecksumCRC64NVME"], got["ChecksumType"]) == (crc64.b64digest(), "FULL_OBJECT")
    assert got["ResponseMetadata"]["ChecksumAlgorithm"] == "crc64nvme"  # validated by botocore
    head = s3.head_object(Bucket="bkt", Key="obj")
    assert (head["ContentLength"], head["ETag"], head["AcceptRanges"]) == (
        10 * MiB + 5,
        done["ETag"],
        "bytes",
    )


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-9", 0, 9),
        ("bytes=5242878-5242881", 5 * MiB - 2, 5 * MiB + 1),  # across a part boundary
        ("bytes=10485755-", 10 * MiB - 5, 10 * MiB + 4),
        ("bytes=-7", 10 * MiB - 2, 10 * MiB + 4),
        ("bytes=10485700-99999999", 10 * MiB - 60, 10 * MiB + 4),  # clamped to the end
    ],
)
def test_ranges(mpu: MpuMock, header: str, first: int, last: int) -> None:
    s3 = client()
    upload(s3)
    whole = PART1 + PART2 + PART3
    got = s3.get_object(Bucket="bkt", Key="obj", Range=header)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert got["Body"].read() == whole[first : last + 1]
    assert got["ContentRange"] == f"bytes {first}-{last}/{len(whole)}"
    assert got["ContentLength"] == last - first + 1


@pytest.mark.parametrize("header", ["bytes=0-1,5-6", "items=0-1", "bytes=9-3", "nonsense"])
def test_ranges_s3_ignores_give_the_whole_object(mpu: MpuMock, header: str) -> None:
    s3 = client()
    upload(s3)
    got = s3.get_object(Bucket="bkt", Key="obj", Range=header)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert got["ContentLength"] == 10 * MiB + 5
    assert "ContentRange" not in got


def test_errors(mpu: MpuMock) -> None:
    s3 = client()
    done = upload(s3)
    size = str(10 * MiB + 5)
    missing = error(lambda: s3.get_object(Bucket="bkt", Key="nope"))
    assert missing["Error"] == {
        "Code": "NoSuchKey",
        "Message": "The specified key does not exist.",
        "Key": "nope",
    }
    assert missing["ResponseMetadata"]["HTTPStatusCode"] == 404
    nobucket = error(lambda: s3.get_object(Bucket="none", Key="obj"))
    assert (nobucket["Error"]["Code"], nobucket["ResponseMetadata"]["HTTPStatusCode"]) == (
        "NoSuchBucket",
        404,
    )
    past = error(lambda: s3.get_object(Bucket="bkt", Key="obj", Range=f"bytes={size}-"))
    assert past["Error"] == {
        "Code": "InvalidRange",
        "Message": "The requested range is not satisfiable",
        "RangeRequested": f"bytes={size}-",
        "ActualObjectSize": size,
    }
    assert past["ResponseMetadata"]["HTTPStatusCode"] == 416
    part4 = error(lambda: s3.get_object(Bucket="bkt", Key="obj", PartNumber=4))
    assert part4["Error"] == {
        "Code": "InvalidPartNumber",
        "Message": "The requested partnumber is not satisfiable",
        "PartNumberRequested": "4",
        "ActualPartCount": "3",
    }
    assert part4["ResponseMetadata"]["HTTPStatusCode"] == 416
    raw = boto3.session.Session().client(
        "s3", region_name="us-east-1", config=boto3.session.Config(parameter_validation=False)
    )
    zero = error(lambda: raw.get_object(Bucket="bkt", Key="obj", PartNumber=0))
    assert zero["Error"] == {
        "Code": "InvalidArgument",
        "Message": "Part number must be an integer between 1 and 10000, inclusive",
        "ArgumentName": "partNumber",
        "ArgumentValue": "0",
    }
    both = error(lambda: s3.get_object(Bucket="bkt", Key="obj", PartNumber=1, Range="bytes=0-1"))
    assert (both["Error"]["Code"], both["ResponseMetadata"]["HTTPStatusCode"]) == (
        "InvalidRequest",
        400,
    )
    # HEAD errors carry no body: botocore reports the status.
    head = error(lambda: s3.head_object(Bucket="bkt", Key="nope"))
    assert head["Error"] == {"Code": "404", "Message": "Not Found"}
    head = error(lambda: s3.head_object(Bucket="bkt", Key="obj", PartNumber=4))
    assert head["Error"] == {"Code": "416", "Message": "Requested Range Not Satisfiable"}
    assert done["ETag"]
    # Errors change nothing: the object still reads.
    assert s3.head_object(Bucket="bkt", Key="obj")["ETag"] == done["ETag"]


def test_last_modified_is_when_the_upload_was_initiated(mpu: MpuMock) -> None:
    # "For multipart uploads, the object creation date is the date of initiation of the
    # multipart upload" (S3 User Guide, UsingMetadata.html): not the completion time.
    s3 = client()
    s3.create_bucket(Bucket="bkt")
    upload_id = s3.create_multipart_upload(Bucket="bkt", Key="late")["UploadId"]
    mpu.state.clock.advance(hours=5)
    etag = s3.upload_part(Bucket="bkt", Key="late", UploadId=upload_id, PartNumber=1, Body=b"x")
    s3.complete_multipart_upload(
        Bucket="bkt",
        Key="late",
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag["ETag"]}]},
    )
    assert s3.head_object(Bucket="bkt", Key="late")["LastModified"] == T0
    assert s3.get_object(Bucket="bkt", Key="late")["LastModified"] == T0
    assert mpu.s3.object("bkt", "late").completed == T0 + timedelta(hours=5)
    # If-Modified-Since compares with Last-Modified: the initiation time.
    since = T0 + timedelta(hours=1)
    assert error(lambda: s3.get_object(Bucket="bkt", Key="late", IfModifiedSince=since))[
        "Error"
    ] == {"Code": "304", "Message": "Not Modified"}


def test_conditional_reads(mpu: MpuMock) -> None:
    s3 = client()
    etag = upload(s3)["ETag"]
    mpu.state.clock.advance(days=2)  # now T0 + 2 days; Last-Modified T0
    before, after = T0 - timedelta(seconds=1), T0 + timedelta(days=1)
    # An If-Modified-Since in the future is ignored (RFC 9110 13.1.3; LocalStack's AWS
    # recording obj-ignore-future-modified-since): the object is sent.
    future = T0 + timedelta(days=3)
    assert s3.get_object(Bucket="bkt", Key="obj", IfModifiedSince=future)["ETag"] == etag
    assert s3.head_object(Bucket="bkt", Key="obj", IfModifiedSince=future)["ETag"] == etag
    ok = {"Bucket": "bkt", "Key": "obj"}
    assert s3.get_object(**ok, IfMatch=etag)["ETag"] == etag
    assert s3.get_object(**ok, IfMatch=etag.strip('"'))["ETag"] == etag
    assert s3.get_object(**ok, IfMatch="*")["ETag"] == etag
    assert s3.get_object(**ok, IfNoneMatch='"other"')["ETag"] == etag
    assert s3.get_object(**ok, IfModifiedSince=before)["ETag"] == etag
    assert s3.get_object(**ok, IfUnmodifiedSince=T0)["ETag"] == etag
    # If-Match holds, so If-Unmodified-Since is not evaluated (RFC 9110 13.2.2; S3 docs).
    assert s3.get_object(**ok, IfMatch=etag, IfUnmodifiedSince=before)["ETag"] == etag
    for kwargs, condition in (
        ({"IfMatch": '"other"'}, "If-Match"),
        ({"IfUnmodifiedSince": before}, "If-Unmodified-Since"),
    ):
        failed = error(lambda kw=kwargs: s3.get_object(**ok, **kw))  # type: ignore[misc]
        assert failed["Error"] == {
            "Code": "PreconditionFailed",
            "Message": "At least one of the pre-conditions you specified did not hold",
            "Condition": condition,
        }
        assert failed["ResponseMetadata"]["HTTPStatusCode"] == 412
        head = error(lambda kw=kwargs: s3.head_object(**ok, **kw))  # type: ignore[misc]
        assert head["Error"] == {"Code": "412", "Message": "Precondition Failed"}
    for kwargs in (
        {"IfNoneMatch": etag},
        {"IfModifiedSince": after},
        {"IfModifiedSince": T0},
        # If-None-Match fails, so If-Modified-Since does not rescue it.
        {"IfNoneMatch": etag, "IfModifiedSince": before},
    ):
        not_modified = error(lambda kw=kwargs: s3.get_object(**ok, **kw))  # type: ignore[misc]
        assert not_modified["Error"] == {"Code": "304", "Message": "Not Modified"}
        assert not_modified["ResponseMetadata"]["HTTPHeaders"]["etag"] == etag
        assert "content-length" not in not_modified["ResponseMetadata"]["HTTPHeaders"]


def test_checksum_mode(mpu: MpuMock) -> None:
    s3 = client()
    done = upload(s3, ChecksumAlgorithm="SHA256")
    whole = s3.get_object(Bucket="bkt", Key="obj", ChecksumMode="ENABLED")
    assert (whole["ChecksumSHA256"], whole["ChecksumType"]) == (done["ChecksumSHA256"], "COMPOSITE")
    assert whole["ChecksumSHA256"].endswith("-3")
    part = s3.get_object(Bucket="bkt", Key="obj", PartNumber=1, ChecksumMode="ENABLED")
    listed = s3.list_parts  # the part's own checksum, as uploaded
    assert part["ChecksumSHA256"] != whole["ChecksumSHA256"]
    assert "-" not in part["ChecksumSHA256"] and listed is not None
    ranged = s3.get_object(Bucket="bkt", Key="obj", Range="bytes=0-3", ChecksumMode="ENABLED")
    assert "ChecksumSHA256" not in ranged
    plain = (
        boto3.session.Session()
        .client(
            "s3",
            region_name="us-east-1",
            config=boto3.session.Config(response_checksum_validation="when_required"),
        )
        .get_object(Bucket="bkt", Key="obj")
    )
    assert "ChecksumSHA256" not in plain


def test_full_object_crc32_is_validated_by_botocore(mpu: MpuMock) -> None:
    s3 = client()
    s3.create_bucket(Bucket="bkt")
    upload_id = s3.create_multipart_upload(
        Bucket="bkt", Key="crc", ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT"
    )["UploadId"]
    parts = []
    for number, body in enumerate((PART1, PART3), 1):
        r = s3.upload_part(
            Bucket="bkt",
            Key="crc",
            UploadId=upload_id,
            PartNumber=number,
            Body=body,
            ChecksumAlgorithm="CRC32",
        )
        parts.append({"PartNumber": number, "ETag": r["ETag"], "ChecksumCRC32": r["ChecksumCRC32"]})
    s3.complete_multipart_upload(
        Bucket="bkt",
        Key="crc",
        UploadId=upload_id,
        MultipartUpload={"Parts": parts},
        ChecksumType="FULL_OBJECT",
    )
    got = s3.get_object(Bucket="bkt", Key="crc", ChecksumMode="ENABLED")
    assert got["ChecksumType"] == "FULL_OBJECT"
    assert got["Body"].read() == PART1 + PART3  # botocore checks the CRC32 while reading
    assert got["ResponseMetadata"]["ChecksumAlgorithm"] == "crc32"


def test_download_file_round_trip(mpu: MpuMock, tmp_path: Path) -> None:
    from boto3.s3.transfer import TransferConfig

    data = os.urandom(40 * MiB)
    src, dst = tmp_path / "src", tmp_path / "dst"
    src.write_bytes(data)
    config = TransferConfig(max_concurrency=10)
    s3 = client()
    s3.create_bucket(Bucket="bkt")
    s3.upload_file(str(src), "bkt", "big", Config=config)
    s3.download_file("bkt", "big", str(dst), Config=config)
    assert dst.read_bytes() == data
    assert {"HeadObject", "GetObject"} <= {c.operation for c in mpu.calls}


def test_aws_cli_cp_download(mpu: MpuMock, tmp_path: Path) -> None:
    pytest.importorskip("awscli")
    from awscli.clidriver import create_clidriver

    data = os.urandom(20 * MiB)
    src, dst = tmp_path / "src", tmp_path / "dst"
    src.write_bytes(data)
    client().create_bucket(Bucket="bkt")
    cli = ["--region", "us-east-1", "s3", "cp"]
    assert create_clidriver().main([*cli, str(src), "s3://bkt/cli.bin"]) == 0
    assert create_clidriver().main([*cli, "s3://bkt/cli.bin", str(dst)]) == 0
    assert dst.read_bytes() == data


def test_smart_open_read(mpu: MpuMock) -> None:
    smart_open = pytest.importorskip("smart_open")
    data = os.urandom(12 * MiB)
    s3 = client()
    s3.create_bucket(Bucket="bkt")
    params = {"client": s3}
    with smart_open.open("s3://bkt/so.bin", "wb", transport_params=params) as out:
        out.write(data)
    with smart_open.open("s3://bkt/so.bin", "rb", transport_params=params) as back:
        assert back.read(10) == data[:10]
        back.seek(6 * MiB)
        assert back.read() == data[6 * MiB :]


def test_bodies_not_kept_say_so() -> None:
    with mock_mpu(keep_bodies=False):
        s3 = client()
        upload(s3)
        assert s3.head_object(Bucket="bkt", Key="obj")["ContentLength"] == 10 * MiB + 5
        with pytest.raises(Exception, match="without its part bodies"):
            s3.get_object(Bucket="bkt", Key="obj")


def test_object_reads_with_versions_or_overrides_are_not_served(mpu: MpuMock) -> None:
    from mockmpu import UnmockedCallError

    s3 = client()
    upload(s3)
    with pytest.raises(UnmockedCallError, match="S3 GetObject"):
        s3.get_object(Bucket="bkt", Key="obj", ResponseContentType="text/html")
    mpu.unmocked.clear()


@pytest.mark.parametrize("checksum_type", ["COMPOSITE", "FULL_OBJECT"])
def test_part_read_of_a_one_part_object_recorded(mpu: MpuMock, checksum_type: str) -> None:
    # Recorded: LocalStack test_get_object_part_checksum[COMPOSITE|FULL_OBJECT] (against AWS):
    # one CRC32C part "test content 123"; HeadObject/GetObject PartNumber=1, ChecksumMode=ENABLED.
    s3 = client()
    s3.create_bucket(Bucket="bkt")
    upload_id = s3.create_multipart_upload(
        Bucket="bkt", Key="k", ChecksumAlgorithm="CRC32C", ChecksumType=checksum_type
    )["UploadId"]
    part = s3.upload_part(
        Bucket="bkt",
        Key="k",
        UploadId=upload_id,
        PartNumber=1,
        Body=b"test content 123",
        ChecksumAlgorithm="CRC32C",
    )
    assert part["ChecksumCRC32C"] == "fwuu0Q=="
    done = s3.complete_multipart_upload(
        Bucket="bkt",
        Key="k",
        UploadId=upload_id,
        MultipartUpload={
            "Parts": [{"PartNumber": 1, "ETag": part["ETag"], "ChecksumCRC32C": "fwuu0Q=="}]
        },
    )
    assert done["ChecksumCRC32C"] == ("sZB91Q==-1" if checksum_type == "COMPOSITE" else "fwuu0Q==")
    for read in (s3.head_object, s3.get_object):
        got = read(Bucket="bkt", Key="k", PartNumber=1, ChecksumMode="ENABLED")
        assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
        assert (got["ChecksumCRC32C"], got["ChecksumType"]) == ("fwuu0Q==", checksum_type)
        # (botocore < 1.37 has no ContentRange member on HeadObject: read the header)
        headers = got["ResponseMetadata"]["HTTPHeaders"]
        assert (headers["content-range"], got["PartsCount"]) == ("bytes 0-15/16", 1)
