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


def test_equal_bodies_share_one_copy_and_different_ones_do_not() -> None:
    store = BodyStore(budget=0)
    digest = b"d" * 16  # the same digest for different bytes: equality decides, not the digest
    first = store.keep(b"x" * 100, digest)
    again = store.keep(b"x" * 100, digest)
    other = store.keep(b"y" * 100, digest)
    assert again is first and other is not first
    assert (bytes(first), bytes(other), store.spilled) == (b"x" * 100, b"y" * 100, 200)


def _upload_parts(bodies_: list[bytes]) -> tuple[list[object], list[str], list[bytes]]:
    with mock_mpu() as mpu:
        s3 = boto3.session.Session().client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="bkt")
        up = s3.create_multipart_upload(Bucket="bkt", Key="k")["UploadId"]
        etags = [
            s3.upload_part(Bucket="bkt", Key="k", UploadId=up, PartNumber=n, Body=body)["ETag"]
            for n, body in enumerate(bodies_, 1)
        ]
        kept = [p.body for p in mpu.s3.parts("bkt", up)]
        return kept, etags, [body_bytes(b) or b"" for b in kept]  # type: ignore[arg-type]


@pytest.mark.parametrize("budget", [64 * MiB, 0], ids=["in-memory", "spilled"])
def test_a_part_equal_to_a_kept_one_shares_it_while_near_misses_are_kept_apart(
    budget: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Bodies are compared block by block with a kept body that starts the same way as they are
    # read: one that differs only in its last byte, in its first block after the head, or in
    # length must still be kept whole and exactly.
    monkeypatch.setattr(bodies, "MEMORY_BUDGET", budget)
    base = bytes(range(256)) * (3 * MiB // 256)
    last = base[:-1] + b"\x00"
    early = base[:5000] + b"\xff" + base[5001:]
    shorter, longer = base[: 2 * MiB + 7], base + b"tail"
    bodies_ = [base, bytes(bytearray(base)), last, early, shorter, longer]
    kept, etags, back = _upload_parts(bodies_)
    assert back == bodies_
    assert kept[1] is kept[0]
    assert all(kept[n] is not kept[0] for n in (2, 3, 4, 5))
    assert len({*etags}) == 5 and etags[0] == etags[1]


def test_background_updates_run_in_order_and_hand_back_errors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mockmpu.core import checksums
    from mockmpu.core.checksums import BackgroundUpdates

    monkeypatch.setattr(checksums, "_MAX_WORKERS", 2)  # workers even on one CPU

    seen: list[int] = []
    with BackgroundUpdates(seen.append) as background:
        background.update(0)
        assert background.offload()
        for n in range(1, 50):
            background.update(n)
    assert seen == list(range(50))

    def fail(n: int) -> None:
        if n == 3:
            raise ValueError("boom")
        seen.append(n)

    seen.clear()
    background = BackgroundUpdates(fail)
    background.offload()
    for n in range(6):
        background.update(n)
    with pytest.raises(ValueError, match="boom"):
        background.close()
    assert seen == [0, 1, 2]
    # The worker went back to the pool in a clean state.
    with BackgroundUpdates(seen.append) as again:
        again.offload()
        again.update(7)
    assert seen == [0, 1, 2, 7]


def test_background_updates_stay_inline_while_another_part_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mockmpu.core import checksums
    from mockmpu.core.checksums import BackgroundUpdates

    monkeypatch.setattr(checksums, "_MAX_WORKERS", 2)
    seen: list[int] = []
    with BackgroundUpdates(seen.append) as first:
        with BackgroundUpdates(seen.append) as second:
            assert not second.offload()
        assert first.offload()
