"""Glacier end to end: real boto3 clients, paginators and resources against ``mock_mpu``."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.utils import calculate_tree_hash

from mockmpu import MpuMock, mock_mpu

MIB = 1024 * 1024
ACCOUNT = "123456789012"


@pytest.fixture
def mpu() -> Iterator[MpuMock]:
    with mock_mpu(keep_bodies=True) as mpu:
        mpu.glacier.create_vault("v")
        yield mpu


@pytest.fixture
def client(mpu: MpuMock) -> Any:
    return boto3.session.Session().client("glacier", region_name="us-east-1")


@pytest.fixture
def resource(mpu: MpuMock) -> Any:
    return boto3.session.Session().resource("glacier", region_name="us-east-1")


def requests(mpu: MpuMock, operation: str) -> int:
    return sum(1 for call in mpu.calls if call.operation == operation)


# ------------------------------------------------------------------------------------ paginators


@pytest.mark.parametrize("page_size", [None, 1, 7, 50])
def test_list_multipart_uploads_paginator_collects_every_upload(
    mpu: MpuMock, client: Any, page_size: int | None
) -> None:
    expected = [mpu.glacier.initiate_multipart_upload("v").upload_id for _ in range(123)]
    config = {} if page_size is None else {"PageSize": page_size}
    pages = list(
        client.get_paginator("list_multipart_uploads").paginate(
            vaultName="v", PaginationConfig=config
        )
    )
    got = [u["MultipartUploadId"] for page in pages for u in page["UploadsList"]]
    assert got == expected
    assert len(pages) == requests(mpu, "ListMultipartUploads") == -(-123 // (page_size or 50))
    assert "Marker" not in pages[-1]


@pytest.mark.parametrize(("page_size", "max_items"), [(None, 40), (7, 10), (50, 120), (3, 1)])
def test_list_parts_paginator_with_max_items_resumes_exactly(
    mpu: MpuMock, client: Any, page_size: int | None, max_items: int
) -> None:
    upload = mpu.glacier.initiate_multipart_upload("v", parts=[i for i in range(140) if i % 3])
    expected = [f"{i * MIB}-{(i + 1) * MIB - 1}" for i in range(140) if i % 3]
    paginator = client.get_paginator("list_parts")
    got: list[str] = []
    token: str | None = None
    while True:
        config: dict[str, Any] = {"MaxItems": max_items}
        if page_size is not None:
            config["PageSize"] = page_size
        if token is not None:
            config["StartingToken"] = token
        result = paginator.paginate(
            vaultName="v", uploadId=upload.upload_id, PaginationConfig=config
        ).build_full_result()
        assert len(result["Parts"]) <= max_items
        got += [p["RangeInBytes"] for p in result["Parts"]]
        token = result.get("NextToken")
        if token is None:
            break
    assert got == expected


def test_list_vaults_paginator_pages_by_ten_with_arn_markers(mpu: MpuMock, client: Any) -> None:
    for i in range(25):
        mpu.glacier.create_vault(f"x{i:02d}")
    pages = list(client.get_paginator("list_vaults").paginate())
    names = [v["VaultName"] for page in pages for v in page["VaultList"]]
    assert names == ["v"] + [f"x{i:02d}" for i in range(25)]
    assert [len(p["VaultList"]) for p in pages] == [10, 10, 6]
    assert pages[0]["Marker"] == f"arn:aws:glacier:us-east-1:{ACCOUNT}:vaults/x09"
    limited = client.get_paginator("list_vaults").paginate(PaginationConfig={"PageSize": 4})
    assert [v["VaultName"] for v in limited.build_full_result()["VaultList"]] == names


# ------------------------------------------------------------------------------ boto3 resources


def test_vault_multipart_uploads_collection(mpu: MpuMock, resource: Any) -> None:
    expected = [mpu.glacier.initiate_multipart_upload("v").upload_id for _ in range(61)]
    vault = resource.Vault("-", "v")
    assert [u.id for u in vault.multipart_uploads.all()] == expected
    assert requests(mpu, "ListMultipartUploads") == 2
    assert [u.id for u in vault.multipart_uploads.page_size(10)] == expected
    assert requests(mpu, "ListMultipartUploads") == 2 + 7
    assert [u.id for u in vault.multipart_uploads.limit(5)] == expected[:5]
    first = next(iter(vault.multipart_uploads.all()))
    assert (first.account_id, first.vault_name, first.part_size_in_bytes) == ("-", "v", MIB)
    assert first.vault_arn == f"arn:aws:glacier:us-east-1:{ACCOUNT}:vaults/v"
    assert first.archive_description is None  # JSON null, dropped by botocore


def test_resource_initiate_upload_part_complete_and_abort(mpu: MpuMock, resource: Any) -> None:
    vault = resource.Vault("-", "v")
    upload = vault.initiate_multipart_upload(partSize=str(MIB), archiveDescription="nightly")
    assert (upload.account_id, upload.vault_name) == ("-", "v")
    data = os.urandom(MIB + 10)
    for start in (0, MIB):
        chunk = data[start : start + MIB]
        reply = upload.upload_part(range=f"bytes {start}-{start + len(chunk) - 1}/*", body=chunk)
        assert reply["checksum"] == calculate_tree_hash(io.BytesIO(chunk))
    whole = calculate_tree_hash(io.BytesIO(data))
    done = upload.complete(archiveSize=str(len(data)), checksum=whole)
    assert done["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert done["checksum"] == whole
    (archive,) = mpu.glacier.archives("v")
    assert (archive.archive_id, archive.description, archive.body) == (
        done["archiveId"],
        "nightly",
        data,
    )
    other = vault.initiate_multipart_upload(partSize=str(2 * MIB))
    assert other.abort()["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert list(vault.multipart_uploads.all()) == []


def test_multipart_upload_parts_action_is_one_unpaginated_call(mpu: MpuMock, resource: Any) -> None:
    created = mpu.glacier.initiate_multipart_upload("v", parts=60)
    upload = resource.MultipartUpload("-", "v", created.upload_id)
    page = upload.parts()
    assert len(page["Parts"]) == 50
    assert page["Parts"][0]["RangeInBytes"] == f"0-{MIB - 1}"
    assert page["Marker"]  # the caller must follow it (BUG-12c/12d territory)
    assert requests(mpu, "ListParts") == 1
    rest = upload.parts(marker=page["Marker"])
    assert [p["RangeInBytes"] for p in rest["Parts"]][-1] == f"{59 * MIB}-{60 * MIB - 1}"
    assert "Marker" not in rest


# ---------------------------------------------------------------------------- a backup tool


def test_backup_tool_style_threaded_upload(mpu: MpuMock, client: Any, tmp_path: Path) -> None:
    path = tmp_path / "backup.tar"
    path.write_bytes(os.urandom(5 * MIB + 12345))
    size = path.stat().st_size
    part_size = MIB
    upload_id = client.initiate_multipart_upload(
        vaultName="v", partSize=str(part_size), archiveDescription="backup.tar"
    )["uploadId"]

    def send(start: int) -> str:
        with path.open("rb") as handle:
            handle.seek(start)
            chunk = handle.read(part_size)
        reply = client.upload_multipart_part(
            vaultName="v",
            uploadId=upload_id,
            range=f"bytes {start}-{start + len(chunk) - 1}/*",
            body=chunk,
        )
        return str(reply["checksum"])

    with ThreadPoolExecutor(max_workers=4) as pool:
        hashes = list(pool.map(send, range(0, size, part_size)))
    assert len(hashes) == 6
    with path.open("rb") as handle:
        whole = calculate_tree_hash(handle)
    reply = client.complete_multipart_upload(
        vaultName="v", uploadId=upload_id, archiveSize=str(size), checksum=whole
    )
    assert reply["checksum"] == whole
    assert reply["location"] == f"/{ACCOUNT}/vaults/v/archives/{reply['archiveId']}"
    (archive,) = mpu.glacier.archives("v")
    assert (archive.size, archive.tree_hash, archive.body) == (size, whole, path.read_bytes())
    # Idempotent: completing again returns the same archive id.
    again = client.complete_multipart_upload(
        vaultName="v", uploadId=upload_id, archiveSize=str(size), checksum=whole
    )
    assert again["archiveId"] == reply["archiveId"]
    assert client.list_multipart_uploads(vaultName="v")["UploadsList"] == []


def test_resume_by_listing_parts_and_uploading_the_missing_ones(mpu: MpuMock, client: Any) -> None:
    """glacier-upload's resume: list parts through the paginator, re-check hashes, fill gaps."""
    data = os.urandom(130 * MIB // 2)  # 65 parts of 1 MiB
    upload = mpu.glacier.initiate_multipart_upload(
        "v", data=data, parts=[i for i in range(65) if i not in (3, 51, 64)]
    )
    listed = {
        p["RangeInBytes"]: p["SHA256TreeHash"]
        for page in client.get_paginator("list_parts").paginate(
            vaultName="v", uploadId=upload.upload_id
        )
        for p in page["Parts"]
    }
    assert len(listed) == 62
    for i in range(65):
        start = i * MIB
        chunk = data[start : start + MIB]
        key = f"{start}-{start + len(chunk) - 1}"
        if listed.get(key) == calculate_tree_hash(io.BytesIO(chunk)):
            continue
        client.upload_multipart_part(
            vaultName="v", uploadId=upload.upload_id, range=f"bytes {key}/*", body=chunk
        )
    assert requests(mpu, "UploadMultipartPart") == 3
    reply = client.complete_multipart_upload(
        vaultName="v",
        uploadId=upload.upload_id,
        archiveSize=str(len(data)),
        checksum=calculate_tree_hash(io.BytesIO(data)),
    )
    assert reply["archiveId"] == mpu.glacier.archives("v")[0].archive_id


# --------------------------------------------------------------------------------------- errors


def test_modeled_exceptions(mpu: MpuMock, client: Any) -> None:
    with pytest.raises(client.exceptions.ResourceNotFoundException) as missing_vault:
        client.list_multipart_uploads(vaultName="nope")
    assert missing_vault.value.response["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": f"Vault not found for ARN: arn:aws:glacier:us-east-1:{ACCOUNT}:vaults/nope",
    }
    assert missing_vault.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(client.exceptions.ResourceNotFoundException, match="upload ID was not"):
        client.list_parts(vaultName="v", uploadId="nope")
    with pytest.raises(client.exceptions.InvalidParameterValueException, match="Invalid part"):
        client.initiate_multipart_upload(vaultName="v", partSize="10485760")
    upload_id = client.initiate_multipart_upload(vaultName="v", partSize=str(MIB))["uploadId"]
    # boto/boto3#251: botocore does not compute the archive tree hash for Complete.
    with pytest.raises(client.exceptions.MissingParameterValueException) as no_hash:
        client.complete_multipart_upload(vaultName="v", uploadId=upload_id, archiveSize="1")
    assert str(no_hash.value) == (
        "An error occurred (MissingParameterValueException) when calling the "
        "CompleteMultipartUpload operation: Required parameter missing: x-amz-sha256-tree-hash"
    )
    with pytest.raises(client.exceptions.InvalidParameterValueException, match="incompatible"):
        client.upload_multipart_part(
            vaultName="v", uploadId=upload_id, range="bytes 0-4194303/*", body=b"x" * 100
        )
    with pytest.raises(client.exceptions.InvalidParameterValueException, match="not empty"):
        client.delete_vault(vaultName="v")
    assert all(c.status >= 400 for c in mpu.calls if c.error_code is not None)


def test_errors_are_not_retried(mpu: MpuMock, client: Any) -> None:
    with pytest.raises(ClientError) as info:
        client.describe_vault(vaultName="nope")
    assert info.value.response["ResponseMetadata"]["RetryAttempts"] == 0
    assert requests(mpu, "DescribeVault") == 1


def test_marker_is_absent_at_the_end_under_boto3(mpu: MpuMock, client: Any) -> None:
    """BUG-12d: the wire says ``"Marker": null``, so ``response["Marker"]`` raises KeyError."""
    for _ in range(120):
        mpu.glacier.initiate_multipart_upload("v")
    response = client.list_multipart_uploads(vaultName="v")
    marker = response["Marker"]
    with pytest.raises(KeyError):
        while marker:
            response = client.list_multipart_uploads(vaultName="v", marker=marker)
            marker = response["Marker"]
    assert requests(mpu, "ListMultipartUploads") == 3


def test_vault_lifecycle_through_the_client(mpu: MpuMock, client: Any) -> None:
    created = client.create_vault(vaultName="new")
    assert created["location"] == f"/{ACCOUNT}/vaults/new"
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    described = client.describe_vault(vaultName="new")
    assert (described["NumberOfArchives"], described["SizeInBytes"]) == (0, 0)
    assert "LastInventoryDate" not in described
    assert (
        client.delete_vault(accountId=ACCOUNT, vaultName="new")["ResponseMetadata"][
            "HTTPStatusCode"
        ]
        == 204
    )
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.describe_vault(vaultName="new")


def test_state_is_per_region(mpu: MpuMock) -> None:
    west = boto3.session.Session().client("glacier", region_name="us-west-2")
    with pytest.raises(west.exceptions.ResourceNotFoundException, match="us-west-2"):
        west.describe_vault(vaultName="v")
    west.create_vault(vaultName="v")
    assert [v.region for v in mpu.glacier.vaults()] == ["us-east-1", "us-west-2"]


def test_content_range_with_the_total_is_accepted(mpu: MpuMock, client: Any) -> None:
    """api-upload-part: the header "follows RFC 2616", which allows ``/<total>`` as well as ``/*``
    (AWS's example uses ``*``; glacier upload tools send the total)."""
    data = os.urandom(MIB + 100)
    upload_id = client.initiate_multipart_upload(vaultName="v", partSize=str(MIB))["uploadId"]
    for start, end in [(0, MIB), (MIB, len(data))]:
        reply = client.upload_multipart_part(
            vaultName="v",
            uploadId=upload_id,
            range=f"bytes {start}-{end - 1}/{len(data)}",
            body=data[start:end],
        )
        assert reply["checksum"] == calculate_tree_hash(io.BytesIO(data[start:end]))
    listed = client.list_parts(vaultName="v", uploadId=upload_id)["Parts"]
    assert [p["RangeInBytes"] for p in listed] == [f"0-{MIB - 1}", f"{MIB}-{len(data) - 1}"]
    done = client.complete_multipart_upload(
        vaultName="v",
        uploadId=upload_id,
        archiveSize=str(len(data)),
        checksum=calculate_tree_hash(io.BytesIO(data)),
    )
    assert done["checksum"] == calculate_tree_hash(io.BytesIO(data))
    # a total that does not exceed the last byte is no valid range (RFC 2616 §14.16)
    other = client.initiate_multipart_upload(vaultName="v", partSize=str(MIB))["uploadId"]
    with pytest.raises(ClientError) as info:
        client.upload_multipart_part(
            vaultName="v", uploadId=other, range="bytes 0-99/99", body=b"x" * 100
        )
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert info.value.response["Error"] == {
        "Code": "InvalidParameterValueException",
        "Message": "Invalid Content-Range: bytes 0-99/99",
    }
