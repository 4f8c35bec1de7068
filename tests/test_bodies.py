"""Kept part bodies: in memory up to a budget, then spilled to one temporary file per state."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from mockmpu import mock_mpu
from mockmpu.core import bodies
from mockmpu.core.bodies import BodyStore, SpilledBody, body_bytes, body_range, store_of
from mockmpu.core.state import MpuState

MiB = 1024 * 1024


def test_bodies_stay_in_memory_up_to_the_budget_then_spill() -> None:
    store = BodyStore(budget=10)
    small = store.keep(b"0123456789")
    assert small == b"0123456789" and type(small) is bytes
    big = store.keep(bytearray(b"abcdefghij"))
    assert isinstance(big, SpilledBody)
    assert (len(big), bytes(big), big == b"abcdefghij", big == b"abcdefghiX") == (
        10,
        b"abcdefghij",
        True,
        False,
    )
    other = store.keep(b"XYZ")
    assert isinstance(other, SpilledBody) and other.offset == 10
    assert body_range(big, 2, 5) == b"cde" and body_range(small, 2, 5) == b"234"
    assert body_bytes(other) == b"XYZ" and body_bytes(None) is None
    assert (store.in_memory, store.spilled) == (10, 13)


def test_one_filler_object_is_kept_once() -> None:
    store = BodyStore(budget=0)
    filler = bytes(1000)
    first, second = store.keep(filler), store.keep(filler)
    assert first is second and store.spilled == 1000


def test_mock_keeps_bodies_by_default_and_false_opts_out() -> None:
    with mock_mpu() as mpu:
        assert mpu.state.keep_bodies is True
    with mock_mpu(keep_bodies=False) as mpu:
        assert mpu.state.keep_bodies is False
        s3 = boto3.session.Session().client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="bkt")
        up = s3.create_multipart_upload(Bucket="bkt", Key="k")["UploadId"]
        s3.upload_part(Bucket="bkt", Key="k", UploadId=up, PartNumber=1, Body=b"x")
        assert mpu.s3.parts("bkt", up)[0].body is None
    with pytest.raises(Exception, match="state= brings its own"):
        mock_mpu(state=MpuState(), keep_bodies=True)


def test_spilled_parts_read_back_and_survive_a_state_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bodies, "MEMORY_BUDGET", 6 * MiB)
    parts = [bytes([n]) * (5 * MiB) for n in range(1, 4)]
    with mock_mpu() as mpu:
        s3 = boto3.session.Session().client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="bkt")
        up = s3.create_multipart_upload(Bucket="bkt", Key="k")["UploadId"]
        etags = [
            s3.upload_part(Bucket="bkt", Key="k", UploadId=up, PartNumber=n, Body=body)["ETag"]
            for n, body in enumerate(parts, 1)
        ]
        kept = [p.body for p in mpu.s3.parts("bkt", up)]
        assert [type(b) for b in kept] == [bytes, SpilledBody, SpilledBody]
        assert store_of(mpu.state).spilled == 10 * MiB
        s3.complete_multipart_upload(
            Bucket="bkt",
            Key="k",
            UploadId=up,
            MultipartUpload={
                "Parts": [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, 1)]
            },
        )
        assert s3.get_object(Bucket="bkt", Key="k")["Body"].read() == b"".join(parts)
        path = tmp_path / "state.json"
        mpu.save(path)
    with mock_mpu(state=path) as loaded:
        assert loaded.s3.object("bkt", "k").body == b"".join(parts)
        s3 = boto3.session.Session().client("s3", region_name="us-east-1")
        got = s3.get_object(Bucket="bkt", Key="k", PartNumber=3)
        assert got["Body"].read() == parts[2]
