"""The AWS CLI, as a subprocess, against mockmpu's server sees exactly the ground truth."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from mockmpu import scenarios
from mockmpu.server import MpuServer
from mockmpu.server.report import client_environment
from tests._clients import aws_cli

pytest.importorskip("werkzeug")


def _aws(server: MpuServer, *args: str) -> Any:
    done = subprocess.run(
        [aws_cli(), *args, "--output", "json", "--no-progress"]
        if args[0] == "s3"
        else [aws_cli(), *args, "--output", "json"],
        env=client_environment(server.endpoint_url),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    if args[0] == "s3" or not done.stdout.strip():
        return done.stdout
    return json.loads(done.stdout)


def test_list_multipart_uploads_over_colliding_keys() -> None:
    with MpuServer(scenario=scenarios.colliding_keys()) as server:
        truth = server.scenario
        listed = _aws(server, "s3api", "list-multipart-uploads", "--bucket", truth.bucket)
        assert [u["UploadId"] for u in listed["Uploads"]] == list(truth.upload_ids)
        assert [u["Key"] for u in listed["Uploads"]] == list(truth.keys)
        assert server.calls.filter("s3:ListMultipartUploads").call_count == 2  # two pages


def test_list_parts_over_many_parts() -> None:
    with MpuServer(scenario=scenarios.many_parts()) as server:
        truth = server.scenario
        up = truth.upload
        assert up.key is not None
        listed = _aws(
            server,
            "s3api",
            "list-parts",
            "--bucket",
            truth.bucket,
            "--key",
            up.key,
            "--upload-id",
            up.upload_id,
        )
        assert [p["PartNumber"] for p in listed["Parts"]] == list(truth.part_numbers)
        assert server.calls.filter("s3:ListParts").call_count == 3  # 2,500 parts, pages of 1,000


def test_abort_multipart_upload_inside_the_colliding_run() -> None:
    with MpuServer(scenario=scenarios.colliding_keys()) as server:
        truth = server.scenario
        victim = truth.uploads[1000]  # one of the uploads sharing the boundary key
        assert victim.key is not None
        _aws(
            server,
            "s3api",
            "abort-multipart-upload",
            "--bucket",
            truth.bucket,
            "--key",
            victim.key,
            "--upload-id",
            victim.upload_id,
        )
        left = [u.upload_id for u in server.s3.uploads(truth.bucket)]
        assert left == [i for i in truth.upload_ids if i != victim.upload_id]


def test_s3_cp_of_a_multipart_file(tmp_path: Path) -> None:
    chunk = 8 * 1024 * 1024  # the CLI's default multipart_chunksize
    data = b"".join(bytes([n]) * (1024 * 1024) for n in range(17))
    source = tmp_path / "big.bin"
    source.write_bytes(data)
    with MpuServer() as server:
        server.s3.create_bucket("bkt")
        _aws(server, "s3", "cp", str(source), "s3://bkt/big.bin")
        parts = [data[i : i + chunk] for i in range(0, len(data), chunk)]
        digests = b"".join(hashlib.md5(p).digest() for p in parts)
        stored = server.s3.object("bkt", "big.bin")
        assert stored.etag == f'"{hashlib.md5(digests).hexdigest()}-{len(parts)}"'
        assert stored.size == len(data)
        assert server.calls.filter("s3:UploadPart").call_count == len(parts) == 3
        assert server.s3.uploads("bkt") == []


def test_glacier_list_multipart_uploads_with_a_json_null_end_marker() -> None:
    with MpuServer(scenario=scenarios.glacier_end_marker("json-null")) as server:
        truth = server.scenario
        listed = _aws(
            server,
            "glacier",
            "list-multipart-uploads",
            "--account-id",
            "-",
            "--vault-name",
            truth.vault,
        )
        assert [u["MultipartUploadId"] for u in listed["UploadsList"]] == list(truth.upload_ids)
        assert server.calls.filter("glacier:ListMultipartUploads").call_count > 1
