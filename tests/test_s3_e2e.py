"""S3 multipart uploads end to end: real boto3 clients, paginators and resources, mocked."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import boto3
import pytest
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

from mockmpu import MpuMock, mock_mpu

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
NO_SUCH_UPLOAD = (
    "The specified upload does not exist. The upload ID may be invalid, or the upload may have "
    "been aborted or completed."
)


@pytest.fixture
def mpu() -> Iterator[MpuMock]:
    with mock_mpu(clock=T0) as handle:
        handle.s3.create_bucket("bkt")
        yield handle


def client(**kwargs: Any) -> Any:
    kwargs.setdefault("region_name", "us-east-1")
    return boto3.client("s3", **kwargs)


KEYS = [
    "plain.txt",
    "a b+c.txt",
    "100%/x%2F.bin",
    "//double//slash",
    "../etc/./x",
    "ü€/✓ 한글",
    "~!*'()$,;=:@&?#[]",
    "trailing/",
]


@pytest.mark.parametrize(
    "make",
    [
        lambda: client(),  # https: aws-chunked bodies with a trailer checksum
        lambda: client(endpoint_url="http://127.0.0.1:9000"),  # http: raw bodies, path style
        lambda: client(
            endpoint_url="http://localhost:9000", config=Config(s3={"addressing_style": "virtual"})
        ),
        lambda: client(config=Config(s3={"addressing_style": "path"})),
    ],
    ids=["aws-https", "http-path", "virtual-host", "aws-path"],
)
def test_keys_round_trip_through_every_operation(mpu: MpuMock, make: Any) -> None:
    s3 = make()
    for key in KEYS:
        upload_id = s3.create_multipart_upload(Bucket="bkt", Key=key)["UploadId"]
        etag = s3.upload_part(
            Bucket="bkt", Key=key, UploadId=upload_id, PartNumber=1, Body=b"hello"
        )["ETag"]
        assert etag == '"5d41402abc4b2a76b9719d911017c592"'
        parts = s3.list_parts(Bucket="bkt", Key=key, UploadId=upload_id)["Parts"]
        assert [p["PartNumber"] for p in parts] == [1]
        assert mpu.s3.upload("bkt", upload_id).key == key
    listed = s3.list_multipart_uploads(Bucket="bkt")["Uploads"]
    assert [u["Key"] for u in listed] == sorted(KEYS, key=lambda k: k.encode())
    for upload in listed:
        key, upload_id = upload["Key"], upload["UploadId"]
        etag = mpu.s3.parts("bkt", upload_id)[0].etag
        done = s3.complete_multipart_upload(
            Bucket="bkt",
            Key=key,
            UploadId=upload_id,
            MultipartUpload={"Parts": [{"ETag": etag, "PartNumber": 1}]},
        )
        assert done["Key"] == key
        assert mpu.s3.object("bkt", key).etag == done["ETag"]
    assert set(mpu.s3.objects("bkt")) == set(KEYS)
    assert s3.list_multipart_uploads(Bucket="bkt").get("Uploads", []) == []


def test_paginator_and_resource_collection_follow_markers(mpu: MpuMock) -> None:
    # Same-key uploads in initiation order, resumed positionally by upload-id-marker.
    later = T0 + timedelta(minutes=5)
    mpu.s3.create_multipart_upload("bkt", "same", initiated=later)
    for key in ["b", "same", "a", "same", "c/d"]:
        mpu.s3.create_multipart_upload("bkt", key)
    expected = [(u.key, u.upload_id) for u in mpu.s3.uploads("bkt")]
    assert [k for k, _ in expected] == ["a", "b", "c/d", "same", "same", "same"]
    assert expected[-1][1] == mpu.s3.uploads("bkt", key="same")[-1].upload_id
    s3 = client()
    pages = list(
        s3.get_paginator("list_multipart_uploads").paginate(
            Bucket="bkt", PaginationConfig={"PageSize": 2}
        )
    )
    assert [len(p["Uploads"]) for p in pages] == [2, 2, 2]
    assert [p["IsTruncated"] for p in pages] == [True, True, False]
    assert [(u["Key"], u["UploadId"]) for p in pages for u in p["Uploads"]] == expected
    resource = boto3.resource("s3", region_name="us-east-1")
    uploads = list(resource.Bucket("bkt").multipart_uploads.page_size(1).all())
    assert [(u.object_key, u.id) for u in uploads] == expected
    calls = mpu.calls.filter(operation="ListMultipartUploads")
    assert len(calls) == 3 + 6


def test_paginator_stops_silently_on_a_page_of_common_prefixes(mpu: MpuMock) -> None:
    # Recorded (test_list_multipart_uploads_marker_common_prefixes/list-multiparts-start): AWS
    # truncates with empty Next markers, so botocore's paginator ends after one page.
    for key in ["folder/aSubfolder/subFile1", "folder/aSubfolder/subFile2", "folder/file1"]:
        mpu.s3.create_multipart_upload("bkt", key)
    pages = list(
        client()
        .get_paginator("list_multipart_uploads")
        .paginate(Bucket="bkt", Prefix="folder/", Delimiter="/", PaginationConfig={"PageSize": 1})
    )
    assert len(pages) == 1
    assert pages[0]["CommonPrefixes"] == [{"Prefix": "folder/aSubfolder/"}]
    assert (pages[0]["IsTruncated"], pages[0]["NextKeyMarker"]) == (True, "")


def test_list_parts_paginator_with_sparse_parts(mpu: MpuMock) -> None:
    upload = mpu.s3.create_multipart_upload("bkt", "k", parts={1: b"a", 5: b"b", 10: b"c"})
    s3 = client()
    pages = list(
        s3.get_paginator("list_parts").paginate(
            Bucket="bkt", Key="k", UploadId=upload.upload_id, PaginationConfig={"PageSize": 1}
        )
    )
    assert [p["PartNumber"] for page in pages for p in page["Parts"]] == [1, 5, 10]
    parts = boto3.resource("s3", region_name="us-east-1").MultipartUpload(
        "bkt", "k", upload.upload_id
    )
    assert [p.part_number for p in parts.parts.page_size(2).all()] == [1, 5, 10]


def test_modeled_exceptions(mpu: MpuMock) -> None:
    s3 = client()
    upload_id = s3.create_multipart_upload(Bucket="bkt", Key="right")["UploadId"]
    with pytest.raises(s3.exceptions.NoSuchUpload) as info:
        s3.upload_part(Bucket="bkt", Key="wrong", UploadId=upload_id, PartNumber=1, Body=b"x")
    assert info.value.response["Error"] == {
        "Code": "NoSuchUpload",
        "Message": NO_SUCH_UPLOAD,
        "UploadId": upload_id,
    }
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(s3.exceptions.NoSuchUpload):
        s3.abort_multipart_upload(Bucket="bkt", Key="wrong", UploadId=upload_id)
    with pytest.raises(s3.exceptions.NoSuchBucket) as missing:
        s3.list_multipart_uploads(Bucket="nope")
    assert missing.value.response["Error"]["BucketName"] == "nope"
    with pytest.raises(ClientError) as head:
        s3.head_bucket(Bucket="nope")
    assert head.value.response["Error"] == {"Code": "404", "Message": "Not Found"}
    with pytest.raises(ClientError) as number:
        s3.upload_part(Bucket="bkt", Key="right", UploadId=upload_id, PartNumber=0, Body=b"x")
    assert number.value.response["Error"]["ArgumentName"] == "partNumber"
    aborted = s3.abort_multipart_upload(Bucket="bkt", Key="right", UploadId=upload_id)
    assert aborted["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_wire_values_botocore_would_refuse(mpu: MpuMock) -> None:
    # Recorded (test_list_ops_encoding_type_validation): parameter validation off, EncodingType
    # "" reaches S3, which refuses it; max-uploads=abc likewise (§1.6).
    s3 = client(config=Config(parameter_validation=False))
    with pytest.raises(ClientError) as info:
        s3.list_multipart_uploads(Bucket="bkt", EncodingType="")
    assert info.value.response["Error"] == {
        "Code": "InvalidArgument",
        "Message": "Invalid Encoding Method specified in Request",
        "ArgumentName": "encoding-type",
        "ArgumentValue": None,
    }
    with pytest.raises(ClientError) as info:
        s3.list_multipart_uploads(Bucket="bkt", MaxUploads="abc")
    assert info.value.response["Error"]["Message"] == (
        "Provided max-uploads not an integer or within integer range"
    )
    page = s3.list_multipart_uploads(Bucket="bkt", MaxUploads=5000)
    assert page["MaxUploads"] == 1000


def test_upload_fileobj_multipart_with_default_checksums(mpu: MpuMock) -> None:
    # s3transfer creates the upload with ChecksumAlgorithm=CRC32 (COMPOSITE) and sends each
    # part's checksum in CompleteMultipartUpload.
    data = bytes(range(256)) * (9 * 4096)  # 9 MiB
    config = TransferConfig(multipart_threshold=5 * 2**20, multipart_chunksize=5 * 2**20)
    client().upload_fileobj(io.BytesIO(data), "bkt", "big.bin", Config=config)
    obj = mpu.s3.object("bkt", "big.bin")
    chunks = [data[: 5 * 2**20], data[5 * 2**20 :]]
    digest = hashlib.md5(b"".join(hashlib.md5(c).digest() for c in chunks)).hexdigest()
    assert (obj.etag, obj.size, obj.part_count) == (f'"{digest}-2"', len(data), 2)
    assert (obj.checksum_algorithm, obj.checksum_type) == ("CRC32", "COMPOSITE")
    assert obj.checksum is not None and obj.checksum.endswith("-2")


def test_create_bucket_regions(mpu: MpuMock) -> None:
    west = client(region_name="us-west-2")
    created = west.create_bucket(
        Bucket="west-bkt", CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
    )
    assert created["Location"] == "http://west-bkt.s3.amazonaws.com/"
    assert west.head_bucket(Bucket="west-bkt")["BucketRegion"] == "us-west-2"
    with pytest.raises(west.exceptions.BucketAlreadyOwnedByYou):
        west.create_bucket(
            Bucket="west-bkt", CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
        )
    assert client().create_bucket(Bucket="bkt")["Location"] == "/bkt"  # us-east-1: 200 again
    assert "west-bkt" in mpu.s3.bucket_names()
    west.delete_bucket(Bucket="west-bkt")
    assert "west-bkt" not in mpu.s3.bucket_names()


def test_paginate_and_abort_as_you_go_sees_every_upload(mpu: MpuMock) -> None:
    # The common cleaner: abort each upload while the paginator is still running. The next
    # request's UploadIdMarker then names an upload that no longer exists; S3 accepts it and
    # resumes after its old place (minio/minio#1805 reports AWS doing so for an aborted id).
    s3 = client()
    keys = ["a", "b", "b", "b", "c", "c", "d"]
    for key in keys:
        s3.create_multipart_upload(Bucket="bkt", Key=key)
    aborted = []
    paginator = s3.get_paginator("list_multipart_uploads")
    for page in paginator.paginate(Bucket="bkt", PaginationConfig={"PageSize": 2}):
        for upload in page.get("Uploads", []):
            s3.abort_multipart_upload(Bucket="bkt", Key=upload["Key"], UploadId=upload["UploadId"])
            aborted.append(upload["Key"])
    assert aborted == keys
    assert mpu.s3.uploads("bkt") == []


def test_retired_upload_id_of_another_key_is_still_an_invalid_marker(mpu: MpuMock) -> None:
    s3 = client()
    first = s3.create_multipart_upload(Bucket="bkt", Key="a")["UploadId"]
    s3.create_multipart_upload(Bucket="bkt", Key="b")
    s3.abort_multipart_upload(Bucket="bkt", Key="a", UploadId=first)
    with pytest.raises(ClientError) as excinfo:
        s3.list_multipart_uploads(Bucket="bkt", KeyMarker="b", UploadIdMarker=first)
    assert excinfo.value.response["Error"]["Code"] == "InvalidArgument"
    assert excinfo.value.response["Error"]["Message"] == "Invalid uploadId marker"
    page = s3.list_multipart_uploads(Bucket="bkt", KeyMarker="a", UploadIdMarker=first)
    assert [u["Key"] for u in page["Uploads"]] == ["b"]
