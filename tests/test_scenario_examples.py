"""examples/resume_s3_upload.py and examples/glacier_resume.py against the mock and scenarios."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
from botocore.utils import calculate_tree_hash

from mockmpu import MpuMock, Scenario, scenarios
from mockmpu.cli.demo import _load_example

MIB = 1024 * 1024


def _load(name: str) -> ModuleType:
    module = _load_example(name)
    assert module is not None, f"examples/{name}.py is missing"
    return module


resume_s3 = _load("resume_s3_upload")
glacier_resume = _load("glacier_resume")


@pytest.fixture(scope="module")
def session() -> Any:
    return boto3.session.Session()


@pytest.fixture(scope="module")
def s3(session: Any) -> Any:
    return session.client("s3", region_name="us-east-1")


@pytest.fixture(scope="module")
def glacier(session: Any) -> Any:
    return session.client("glacier", region_name="us-east-1")


def _data(size: int) -> bytes:
    return bytes(i * 7 % 251 for i in range(256)) * (size // 256) + b"t" * (size % 256)


# ----------------------------------------------------------------------------------------- S3


def test_resume_uploads_the_missing_and_wrong_sized_parts_then_completes(
    mpu_mock: MpuMock, s3: Any, tmp_path: Path, capsys: Any
) -> None:
    data = _data(11 * MIB + 7)  # parts of 5 MiB: 1, 2 and a short 3
    chunks = [data[i : i + 5 * MIB] for i in range(0, len(data), 5 * MIB)]
    mpu_mock.s3.create_bucket("bkt")
    upload = mpu_mock.s3.create_multipart_upload("bkt", "f.bin", parts={1: chunks[0], 2: 1024})
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    argv = ["bkt", "f.bin", str(path), "--upload-id", upload.upload_id, "--part-size", "5"]

    assert resume_s3.main([*argv, "--dry-run"], client=s3) == 0
    assert capsys.readouterr().out == "s3://bkt/f.bin: would upload 2 parts: [2, 3]\n"
    assert resume_s3.main(argv, client=s3) == 0
    assert capsys.readouterr().out == "s3://bkt/f.bin: uploaded 2 parts: [2, 3]\n"

    sent = [c.params["PartNumber"] for c in mpu_mock.calls.filter("s3:UploadPart")]
    assert sent == [2, 3]
    obj = mpu_mock.s3.object("bkt", "f.bin")
    digest = hashlib.md5(b"".join(hashlib.md5(c).digest() for c in chunks)).hexdigest()
    assert (obj.size, obj.etag) == (len(data), f'"{digest}-3"')


def test_resume_reports_an_upload_that_does_not_exist(
    mpu_mock: MpuMock, s3: Any, tmp_path: Path, capsys: Any
) -> None:
    mpu_mock.s3.create_bucket("bkt")
    path = tmp_path / "f.bin"
    path.write_bytes(b"x")
    assert resume_s3.main(["bkt", "k", str(path), "--upload-id", "nope"], client=s3) == 1
    assert capsys.readouterr().out == "upload nope of s3://bkt/k does not exist\n"


def _plan(s3: Any, sc: Scenario, total_parts: int) -> list[int]:
    sizes = [5 * MIB] * total_parts
    up = sc.upload
    return list(resume_s3.plan_resume(s3, sc.bucket, up.key, up.upload_id, sizes)[0])


@pytest.mark.mpu_mock(scenario=scenarios.many_parts())
def test_resume_of_2500_parts_uploads_nothing(mpu_scenario: Scenario, s3: Any) -> None:
    # BUG-08: a resume reading one ListParts page would re-upload parts 1001-2500.
    assert _plan(s3, mpu_scenario, 2500) == []


@pytest.mark.mpu_mock(scenario=scenarios.sparse_parts())
def test_resume_of_sparse_parts_uploads_exactly_the_gaps(mpu_scenario: Scenario, s3: Any) -> None:
    assert _plan(s3, mpu_scenario, 3000) == list(range(2, 3001, 2))


# ------------------------------------------------------------------------------------ Glacier


def test_glacier_resume_fills_gaps_replaces_bad_parts_and_completes(
    mpu_mock: MpuMock, glacier: Any, tmp_path: Path, capsys: Any
) -> None:
    data = _data(3 * MIB + 100)  # parts 0-2 of 1 MiB and a short part 3
    mpu_mock.glacier.create_vault("v")
    upload = mpu_mock.glacier.initiate_multipart_upload("v", data=data, parts=[0, 2])
    mpu_mock.glacier.upload_multipart_part("v", upload.upload_id, index=1, data=b"x" * MIB)
    path = tmp_path / "archive.bin"
    path.write_bytes(data)
    argv = ["resume", "v", str(path), "--upload-id", upload.upload_id]

    assert glacier_resume.main([*argv, "--dry-run"], client=glacier) == 0
    assert capsys.readouterr().out == f"v {upload.upload_id}: would upload 2 parts\n"
    assert glacier_resume.main(argv, client=glacier) == 0

    sent = [c.params["range"] for c in mpu_mock.calls.filter("glacier:UploadMultipartPart")]
    assert sent == ["bytes 1048576-2097151/*", f"bytes {3 * MIB}-{3 * MIB + 99}/*"]
    (archive,) = mpu_mock.glacier.archives("v")
    assert (archive.size, archive.tree_hash) == (len(data), calculate_tree_hash(io.BytesIO(data)))


def test_glacier_list_prints_every_upload(mpu_mock: MpuMock, glacier: Any, capsys: Any) -> None:
    mpu_mock.glacier.create_vault("v")
    ids = [mpu_mock.glacier.initiate_multipart_upload("v").upload_id for _ in range(51)]
    assert glacier_resume.main(["list", "v"], client=glacier) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == ids


def test_glacier_resume_reports_a_missing_vault(
    mpu_mock: MpuMock, glacier: Any, capsys: Any
) -> None:
    assert glacier_resume.main(["list", "nope"], client=glacier) == 1
    assert capsys.readouterr().out.startswith("Vault not found for ARN: arn:aws:glacier:")


@scenarios.parametrize(kind="glacier-parts")
def test_glacier_example_lists_every_part_of_every_glacier_parts_scenario(
    mpu_scenario: Scenario, glacier: Any
) -> None:
    part_size, parts = glacier_resume.list_parts(
        glacier, mpu_scenario.vault, mpu_scenario.upload.upload_id
    )
    assert part_size == MIB
    assert tuple(p["RangeInBytes"] for p in parts) == mpu_scenario.part_ranges


@pytest.mark.mpu_mock(scenario=scenarios.glacier_end_marker("string-null"))
def test_glacier_example_fails_loudly_on_a_stringified_end_marker(
    mpu_scenario: Scenario, glacier: Any
) -> None:
    # BUG-12e: the paginator sends marker=null back; this server refuses unknown markers.
    with pytest.raises(glacier.exceptions.InvalidParameterValueException):
        glacier_resume.list_uploads(glacier, mpu_scenario.vault)
