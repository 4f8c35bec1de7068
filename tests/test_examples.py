"""examples/abort_stale_uploads.py against the mock: decorator and fixture forms."""

from __future__ import annotations

import importlib.util
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest

from mockmpu import MpuMock, mock_mpu

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


tool = _load("abort_stale_uploads")


def _client() -> Any:
    return boto3.session.Session().client("s3", region_name="us-east-1")


def _arrange(mpu: MpuMock, now: datetime) -> None:
    """1,200 stale uploads (page boundary inside 6 on one key) plus 3 fresh ones."""
    mpu.s3.create_bucket("bkt")
    old = now - timedelta(days=30)
    for i in range(997):
        mpu.s3.create_multipart_upload("bkt", f"a/{i:04d}", initiated=old)
    for _ in range(6):
        mpu.s3.create_multipart_upload("bkt", "b/same", initiated=old)
    for i in range(197):
        mpu.s3.create_multipart_upload("bkt", f"c/{i:04d}", initiated=old)
    for i in range(3):
        mpu.s3.create_multipart_upload("bkt", f"fresh/{i}", initiated=now - timedelta(hours=1))


@mock_mpu
def test_aborts_exactly_the_stale_uploads_with_the_decorator(capsys: Any) -> None:
    from mockmpu.core import activation as _activation

    mpu = _activation.current()
    assert mpu is not None
    _arrange(mpu, datetime.now(timezone.utc))
    assert tool.main(["bkt", "--older-than-days", "7"], client=_client()) == 0
    assert [u.key for u in mpu.s3.uploads("bkt")] == ["fresh/0", "fresh/1", "fresh/2"]
    out = capsys.readouterr().out
    assert "1203 in-progress uploads listed, 1200 stale, aborted 1200" in out
    assert len(mpu.calls.filter("s3:AbortMultipartUpload")) == 1200


def test_prefix_and_dry_run_with_the_fixture(mpu_mock: MpuMock, capsys: Any) -> None:
    _arrange(mpu_mock, datetime.now(timezone.utc))
    assert (
        tool.main(
            ["bkt", "--older-than-days", "7", "--prefix", "b/", "--dry-run"], client=_client()
        )
        == 0
    )
    assert "6 in-progress uploads listed, 6 stale, would abort 6" in capsys.readouterr().out
    assert len(mpu_mock.s3.uploads("bkt")) == 1203
    assert tool.main(["bkt", "--older-than-days", "7", "--prefix", "b/"], client=_client()) == 0
    assert len(mpu_mock.s3.uploads("bkt")) == 1197
    assert mpu_mock.s3.uploads("bkt", key="b/same") == []


def test_nothing_is_stale_when_everything_is_fresh(mpu_mock: MpuMock) -> None:
    now = datetime.now(timezone.utc)
    mpu_mock.s3.create_bucket("bkt")
    mpu_mock.s3.create_multipart_upload("bkt", "k", initiated=now - timedelta(days=6))
    summary = tool.run(_client(), "bkt", 7)
    assert (summary.listed, summary.stale, summary.aborted) == (1, 0, [])


def test_an_upload_gone_in_the_meantime_is_not_a_failure(mpu_mock: MpuMock) -> None:
    now = datetime.now(timezone.utc)
    mpu_mock.s3.create_bucket("bkt")
    upload = mpu_mock.s3.create_multipart_upload("bkt", "k", initiated=now - timedelta(days=9))
    client = _client()
    stale = tool.find_stale_uploads(client, "bkt", timedelta(days=7))
    client.abort_multipart_upload(Bucket="bkt", Key="k", UploadId=upload.upload_id)
    summary = tool.abort_uploads(client, "bkt", stale, tool.Summary())
    assert summary.already_gone == [("k", upload.upload_id)]
    assert summary.failed == []


def test_missing_bucket_is_reported_by_botocore(mpu_mock: MpuMock) -> None:
    client = _client()
    with pytest.raises(client.exceptions.NoSuchBucket):
        tool.run(client, "nope", 7)


def test_demo_runs_and_shows_the_naive_loops_missing_uploads(capsys: Any) -> None:
    from mockmpu.cli import main

    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    rows = {line.split("  ")[0].strip(): line for line in out.splitlines()}
    assert "MISSED 1500" in rows["one-page loop (list_multipart_uploads once)"]
    assert "MISSED 5" in rows["KeyMarker-only loop"]
    for name in (
        "botocore paginator",
        "boto3 Bucket.multipart_uploads.all()",
        "examples/abort_stale_uploads.py --dry-run",
    ):
        assert rows[name].split()[-1] == "ok", rows[name]
        assert " 2500 " in rows[name]
    # The scenario table: every scenario, each with a failing naive client and a passing one.
    from mockmpu import scenarios

    table, after = out.split("scenario  ", 1)[1].split("\nsummary: ", 1)
    verdicts: dict[str, list[str]] = {}
    units = set()
    for line in filter(None, table.splitlines()[1:]):
        name, rest = line.split(" ", 1)
        cells = [c.strip() for c in rest.split("  ") if c.strip()]
        role, unit = cells[1], cells[2]
        assert role in {"naive", "correct", "example"}, line
        units.add(unit)
        sc = scenarios.get(name.rstrip("*"))
        assert name.endswith("*") == bool(sc.faults), line  # fault scenarios are marked
        verdicts.setdefault(sc.name, []).append(cells[-1])
    assert units == {"uploads", "parts", "uploads to abort", "parts to upload"}
    assert list(verdicts) == [s.name for s in scenarios.catalog()]
    # The summary line and the legend follow the table.
    runs = sum(len(v) for v in verdicts.values())
    every = scenarios.catalog()
    faulty = sum(1 for s in every if s.faults)
    assert after.startswith(
        f"{len(every)} scenarios ({faulty} with faults), {runs} client runs; naive clients "
    )
    for word in ("MISSED n", "REPEATED n", "WRONG n", "ORDER", "LOOP", "ERROR x", "Roles:"):
        assert word in after, word
    for name, seen in verdicts.items():
        assert "ok" in seen and any(v != "ok" for v in seen), (name, seen)
    assert "ERROR KeyError" in verdicts["glacier-end-marker-json-null"]
    assert "MISSED 8" in verdicts["colliding-keys"]
