"""Scenario files (``mpu.save``, ``mock_mpu(state=path)``) and AWS CLI imports."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.utils import calculate_tree_hash

from mockmpu import Clock, MockmpuError, MpuMock, MpuState, mock_mpu
from mockmpu.core import state as _state
from mockmpu.scenarios import store as _store
from mockmpu.scenarios import store_fields as _store_fields

T0 = datetime(2024, 5, 1, 12, 30, 15, 123456, tzinfo=timezone.utc)
MIB = 1024 * 1024


def s3_client() -> Any:
    return boto3.session.Session().client("s3", region_name="us-east-1")


def glacier_client(region: str = "us-east-1") -> Any:
    return boto3.session.Session().client("glacier", region_name=region)


def arrange_everything(mpu: MpuMock) -> None:
    """Put a value other than the default in every field the state has."""
    s3 = s3_client()
    mpu.s3.create_bucket("bkt")
    mpu.s3.create_bucket("eu-bkt", region="eu-west-1")
    mpu.s3.create_multipart_upload("bkt", "old.bin", initiated=T0 - timedelta(days=30), parts=[1])
    mpu.state.clock.advance(seconds=1)
    up = s3.create_multipart_upload(
        Bucket="bkt",
        Key="dir/ünï.bin",
        ChecksumAlgorithm="SHA256",
        StorageClass="STANDARD_IA",
        ContentType="text/plain",
        Metadata={"b": "2", "a": "1"},
    )["UploadId"]
    for number, body in ((1, b"x" * (5 * MIB)), (2, b"tail")):
        s3.upload_part(
            Bucket="bkt",
            Key="dir/ünï.bin",
            UploadId=up,
            PartNumber=number,
            Body=body,
            ChecksumAlgorithm="SHA256",
        )
        mpu.state.clock.advance(seconds=1)
    done = mpu.s3.create_multipart_upload("bkt", "done.bin", parts={1: 5 * MIB, 2: b"end"})
    mpu.s3.complete_multipart_upload("bkt", "done.bin", done.upload_id)
    composite = s3.create_multipart_upload(Bucket="bkt", Key="sum.bin", ChecksumAlgorithm="CRC32")
    etag = s3.upload_part(
        Bucket="bkt",
        Key="sum.bin",
        UploadId=composite["UploadId"],
        PartNumber=1,
        Body=b"abc",
        ChecksumAlgorithm="CRC32",
    )
    s3.complete_multipart_upload(
        Bucket="bkt",
        Key="sum.bin",
        UploadId=composite["UploadId"],
        MultipartUpload={
            "Parts": [
                {"PartNumber": 1, "ETag": etag["ETag"], "ChecksumCRC32": etag["ChecksumCRC32"]}
            ]
        },
    )
    mpu.glacier.create_vault("v")
    mpu.glacier.create_vault("other", region="eu-west-1")
    mpu.glacier.initiate_multipart_upload("v", description="in progress", data=b"g" * (MIB + 7))
    finished = mpu.glacier.initiate_multipart_upload("v", part_size=2 * MIB, data=b"a" * 100)
    mpu.glacier.complete_multipart_upload("v", finished.upload_id)
    mpu.glacier.take_inventory("v")
    again = mpu.glacier.initiate_multipart_upload("v", data=b"b" * 10, description="second")
    mpu.glacier.complete_multipart_upload("v", again.upload_id)
    aborted = mpu.glacier.initiate_multipart_upload("v", parts=1)
    mpu.glacier.abort_multipart_upload("v", aborted.upload_id)
    mpu.state.behaviour.glacier_end_marker = "string-null"
    mpu.state.behaviour.omit_next_upload_id_marker = True


def assert_same_state(a: MpuState, b: MpuState) -> None:
    assert a.account_id == b.account_id
    assert a.keep_bodies == b.keep_bodies
    assert a.behaviour == b.behaviour
    assert a.last_seq == b.last_seq
    assert a.ids.seed == b.ids.seed
    assert a.ids.getstate() == b.ids.getstate()
    assert a.clock.now() == b.clock.now()
    # dataclass equality compares every field, indexes included
    assert list(a.buckets) == list(b.buckets)
    assert a.buckets == b.buckets
    assert a.vault_keys == b.vault_keys
    assert a.vaults == b.vaults
    for name, bucket in a.buckets.items():
        assert list(bucket.uploads) == list(b.buckets[name].uploads)
        assert list(bucket.objects) == list(b.buckets[name].objects)
    for key, vault in a.vaults.items():
        assert list(vault.archives) == list(b.vaults[key].archives)


# ------------------------------------------------------------------------------- scenario files


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    path = tmp_path / "scenario.json"
    with mock_mpu(seed=11, clock=T0, account_id="111122223333", keep_bodies=True) as mpu:
        arrange_everything(mpu)
        mpu.save(path)
    with mock_mpu(state=path) as loaded:
        assert_same_state(mpu.state, loaded.state)
        loaded.save(tmp_path / "again.json")
    assert (tmp_path / "again.json").read_bytes() == path.read_bytes()


def test_saving_twice_writes_identical_readable_bytes(tmp_path: Path) -> None:
    with mock_mpu(clock=T0, keep_bodies=True) as mpu:
        arrange_everything(mpu)
        mpu.save(tmp_path / "a.json")
        mpu.save(tmp_path / "b.json")
    text = (tmp_path / "a.json").read_text(encoding="utf-8")
    assert text == (tmp_path / "b.json").read_text(encoding="utf-8")
    doc = json.loads(text)
    assert list(doc)[:2] == ["format", "version"]
    assert (doc["format"], doc["version"]) == ("mockmpu-state", 1)
    assert doc["now"] == "2024-05-01T12:30:18.123456Z"  # T0 + the 3 s arranged
    assert text.startswith('{\n  "format": "mockmpu-state",\n  "version": 1,\n')
    upload = next(u for u in doc["buckets"][0]["uploads"] if u["key"] == "dir/ünï.bin")
    assert "dir/ünï.bin" in text  # readable, not \\u-escaped
    assert upload["metadata"] == {"b": "2", "a": "1"}
    assert upload["parts"][1]["body"] == "dGFpbA=="  # base64 of b"tail"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", upload["initiated"])
    for derived in ("part_numbers", "index", "by_key", "upload_index"):
        assert derived not in text


def test_every_state_field_has_a_rule() -> None:
    # A field added to the state without a rule here must fail this test, not vanish from files.
    for name in _state.__all__:
        cls = getattr(_state, name)
        if dataclasses.is_dataclass(cls):
            names = {f.name for f in dataclasses.fields(cls)}
            assert set(_store.field_rules(cls)) == names, cls.__name__
    assert set(vars(MpuState())) == set(_store.STATE_ATTRIBUTES)
    assert set(vars(Clock())) == {"_offset", "_frozen", "_source"}  # saved as now()
    assert set(vars(_state.IdFactory(0))) == {"seed", "_rng", "_lock"}


def test_saving_refuses_a_field_without_a_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = dict(_store.field_rules(_state.Part))
    del rules["checksums"]
    monkeypatch.setitem(_store_fields._RULES, _state.Part, rules)
    monkeypatch.setattr(_store_fields, "_PLANS", {})
    with mock_mpu() as mpu:
        mpu.s3.create_bucket("bkt")
        mpu.s3.create_multipart_upload("bkt", "k", parts=[1])
        with pytest.raises(MockmpuError, match=r"does not cover Part\.checksums"):
            mpu.save(tmp_path / "x.json")


def test_behaviour_switches_missing_from_an_older_file_take_aws_defaults(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    with mock_mpu() as mpu:
        mpu.state.behaviour.strict_empty_markers = True
        mpu.save(path)
    doc = json.loads(path.read_text())
    del doc["behaviour"]["omit_next_upload_id_marker"]
    path.write_text(json.dumps(doc))
    with mock_mpu(state=path) as loaded:
        assert loaded.state.behaviour.strict_empty_markers is True
        assert loaded.state.behaviour.omit_next_upload_id_marker is False


def capture(client: Any, sink: list[tuple[int, dict[str, str], bytes]]) -> Any:
    def record(response_dict: dict[str, Any], **_: Any) -> None:
        sink.append(
            (response_dict["status_code"], dict(response_dict["headers"]), response_dict["body"])
        )

    client.meta.events.register("before-parse", record)
    return client


def calls_a(mpu: MpuMock) -> None:
    s3, glacier = s3_client(), glacier_client()
    s3.create_bucket(Bucket="bkt")
    for key in ("b", "a", "a", "c/d"):
        upload_id = s3.create_multipart_upload(Bucket="bkt", Key=key)["UploadId"]
        s3.upload_part(Bucket="bkt", Key=key, UploadId=upload_id, PartNumber=2, Body=b"x")
        mpu.state.clock.advance(seconds=3)
    glacier.create_vault(vaultName="v")
    for _ in range(3):
        upload_id = glacier.initiate_multipart_upload(vaultName="v", partSize=str(MIB))["uploadId"]
        glacier.upload_multipart_part(
            vaultName="v",
            uploadId=upload_id,
            range="bytes 0-2/*",
            body=b"abc",
            checksum=calculate_tree_hash(io.BytesIO(b"abc")),
        )
        mpu.state.clock.advance(minutes=1)


def calls_b(mpu: MpuMock) -> list[tuple[int, dict[str, str], bytes]]:
    seen: list[tuple[int, dict[str, str], bytes]] = []
    s3, glacier = capture(s3_client(), seen), capture(glacier_client(), seen)
    page = s3.list_multipart_uploads(Bucket="bkt", MaxUploads=2)
    s3.list_multipart_uploads(
        Bucket="bkt", KeyMarker=page["NextKeyMarker"], UploadIdMarker=page["NextUploadIdMarker"]
    )
    mpu.state.clock.advance(seconds=1)
    new = s3.create_multipart_upload(Bucket="bkt", Key="a")["UploadId"]
    part = s3.upload_part(Bucket="bkt", Key="a", UploadId=new, PartNumber=1, Body=b"y")
    s3.list_parts(Bucket="bkt", Key="a", UploadId=new)
    s3.complete_multipart_upload(
        Bucket="bkt",
        Key="a",
        UploadId=new,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )
    with contextlib.suppress(ClientError):
        s3.abort_multipart_upload(Bucket="bkt", Key="a", UploadId=new)
    listing = glacier.list_multipart_uploads(vaultName="v", limit="2")
    glacier.list_multipart_uploads(vaultName="v", marker=listing["Marker"])
    first = listing["UploadsList"][0]["MultipartUploadId"]
    glacier.list_parts(vaultName="v", uploadId=first)
    mpu.state.clock.advance(hours=1)
    glacier.initiate_multipart_upload(vaultName="v", partSize=str(2 * MIB))
    glacier.list_multipart_uploads(vaultName="v", limit="3")  # order and markers follow seq
    glacier.describe_vault(vaultName="v")
    return seen


def test_a_loaded_file_answers_byte_for_byte_like_the_saved_mock(tmp_path: Path) -> None:
    path = tmp_path / "replay.json"
    with mock_mpu(seed=5, clock=T0) as original:
        calls_a(original)
        original.save(path)
        expected = calls_b(original)
    with mock_mpu(state=path) as replay:
        again = calls_b(replay)
    assert len(expected) == 13
    assert again == expected
    bodies = b"".join(body for _, _, body in expected)
    assert b"<UploadId>" in bodies and b"MultipartUploadId" in bodies  # ids drawn after the save
    assert any(status == 404 for status, _, _ in expected)


def test_a_wall_clock_is_saved_frozen_at_the_instant_of_the_save(tmp_path: Path) -> None:
    path = tmp_path / "wall.json"
    with mock_mpu() as mpu:
        mpu.s3.create_bucket("bkt")
        before = datetime.now(timezone.utc)
        mpu.save(path)
        after = datetime.now(timezone.utc)
    with mock_mpu(state=path) as loaded:
        now = loaded.state.clock.now()
        assert before <= now <= after
        assert loaded.state.clock.now() == now  # frozen
        assert loaded.state.clock.advance(days=2) == now + timedelta(days=2)


def test_decorator_loads_the_file_afresh_for_each_call(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    with mock_mpu() as mpu:
        mpu.s3.create_bucket("bkt")
        mpu.s3.create_multipart_upload("bkt", "k")
        mpu.save(path)
    seen: list[int] = []

    @mock_mpu(state=path)
    def cleaner() -> None:
        s3 = s3_client()
        uploads = s3.list_multipart_uploads(Bucket="bkt").get("Uploads", [])
        seen.append(len(uploads))
        for u in uploads:
            s3.abort_multipart_upload(Bucket="bkt", Key=u["Key"], UploadId=u["UploadId"])

    cleaner()
    cleaner()
    assert seen == [1, 1]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(format="other"), r"is not a mockmpu scenario file .*'other'"),
        (lambda d: d.update(version=2), r"is scenario format version 2, but this mockmpu reads"),
        (lambda d: d.update(extra=1), r"extra must be absent"),
        (lambda d: d.pop("now"), r"now must be present"),
        (lambda d: d.update(now="2024-05-01T12:30:15Z"), r"now must be an ISO 8601 UTC time"),
        (
            lambda d: d["buckets"][0]["uploads"][0].update(seq="1"),
            r"buckets\[0\]\.uploads\[0\]\.seq must be an integer, not '1'",
        ),
        (
            lambda d: d["buckets"][0]["uploads"][0].update(colour="red"),
            r"buckets\[0\]\.uploads\[0\]\.colour must be absent",
        ),
        (
            lambda d: d["buckets"][0]["uploads"][0].update(bucket="elsewhere"),
            r"buckets\[0\]\.uploads\[0\]\.bucket must be 'bkt'",
        ),
        (lambda d: d.update(last_seq=0), r"last_seq must be at least 1"),
        (lambda d: d["rng_state"].update(internal="!!"), r"rng_state\.internal must be base64"),
        (
            lambda d: d["rng_state"].update(internal="AAAAAA=="),
            r"rng_state must be a generator state",
        ),
    ],
)
def test_invalid_files_get_one_clear_sentence(tmp_path: Path, mutate: Any, message: str) -> None:
    path = tmp_path / "s.json"
    with mock_mpu() as mpu:
        mpu.s3.create_bucket("bkt")
        mpu.s3.create_multipart_upload("bkt", "k")
        mpu.save(path)
    doc = json.loads(path.read_text())
    mutate(doc)
    path.write_text(json.dumps(doc))
    with pytest.raises(MockmpuError, match=message):
        mock_mpu(state=path)


def test_the_pytest_marker_loads_a_scenario_file(tmp_path: Path, pytester: pytest.Pytester) -> None:
    path = tmp_path / "s.json"
    with mock_mpu(seed=3, clock=T0) as mpu:
        mpu.s3.create_bucket("bkt")
        upload = mpu.s3.create_multipart_upload("bkt", "k", parts=[1, 2])
        mpu.save(path)
    pytester.makepyfile(
        f"""
        import boto3
        import pytest

        @pytest.mark.mpu_mock(state={str(path)!r})
        def test_it(mpu_mock):
            s3 = boto3.session.Session().client("s3", region_name="us-east-1")
            parts = s3.list_parts(Bucket="bkt", Key="k", UploadId={upload.upload_id!r})
            assert [p["PartNumber"] for p in parts["Parts"]] == [1, 2]
            assert mpu_mock.state.ids.seed == 3
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)


def test_files_that_are_not_scenarios_are_named_for_what_they_are(tmp_path: Path) -> None:
    cli = tmp_path / "cli.json"
    cli.write_text('{"Uploads": []}')
    with pytest.raises(MockmpuError, match=r"looks like AWS CLI output.*import_aws_cli"):
        mock_mpu(state=cli)
    junk = tmp_path / "junk.json"
    junk.write_text("not json")
    with pytest.raises(MockmpuError, match=r"is not JSON"):
        mock_mpu(state=junk)
    with pytest.raises(MockmpuError, match=r"Cannot read scenario file .*missing\.json"):
        mock_mpu(state=str(tmp_path / "missing.json"))


def test_state_options_cannot_be_mixed_with_state(tmp_path: Path) -> None:
    with pytest.raises(MockmpuError, match=r"state= brings its own seed"):
        mock_mpu(state=MpuState(), seed=3)
    with pytest.raises(MockmpuError, match=r"state= takes an MpuState .* not int"):
        mock_mpu(state=3)  # type: ignore[arg-type]


def test_saving_under_a_missing_directory_says_so(tmp_path: Path) -> None:
    with mock_mpu() as mpu, pytest.raises(MockmpuError, match=r"Cannot write scenario file"):
        mpu.save(tmp_path / "no" / "such" / "dir.json")


# ---------------------------------------------------------------------------- AWS CLI: S3

# The shape `aws s3api list-multipart-uploads` (AWS CLI v1, auto-paginated) prints: the
# paginator's result keys plus its non_aggregate_keys; ids as long as real ones, with dots.
S3_LISTING_DOC: dict[str, Any] = {
    "Uploads": [
        {
            "UploadId": (
                "gq7KTNC2yI7bm3AHMJbj7ZDQvp4.XaEKN0ZnZ1F8.tBiS5LmfTXbhDPfeXDhfyDM"
                "0Kpf4mIbXkSjxmBzFtGyD1_VDqtTvYDDMOaw4cU86bl7FsHjvmXvHYOrGbH_rxqa"
            ),
            "Key": "photos/2024/a.jpg",
            "Initiated": "2024-03-01T08:00:00.000Z",
            "StorageClass": "STANDARD",
            "Owner": {
                "ID": "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a",
            },
            "Initiator": {
                "ID": "arn:aws:iam::111122223333:user/uploader",
                "DisplayName": "uploader",
            },
        },
        {
            "UploadId": (
                "3Hq5d_8hYxRZ.aR5HFj6oUiIcmjGRS7xeoDzpMp8KMnABq1wHqJCULHqzrzvvdE"
                "X8tKbTBvUVI2tNkKyDaiMxfd3yRgbzWzDYK4q8.mn4QknHAs0qQ-ss9kBb3EiaAc"
            ),
            "Key": "photos/2024/a.jpg",
            "Initiated": "2024-03-01T08:00:00.000Z",
            "StorageClass": "STANDARD_IA",
            "Owner": {
                "ID": "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a",
            },
            "Initiator": {
                "ID": "arn:aws:iam::111122223333:user/uploader",
            },
        },
        {
            "UploadId": (
                "cVTM0z.ZEbUCeeHgfh2uR0I1JfPStHnKXy9n2tWBNc_uBY2I2qsNsTzQxzgtmSvd"
                "C6wXIyy2aXUv2nmmhqSKR7wfYqCmE5OKs4.pDYRXTVsv6i6fk6Qlv3uW9PNaX9vr"
            ),
            "Key": "photos/2024/a.jpg",
            "Initiated": "2024-04-15T21:13:09.000Z",
            "StorageClass": "STANDARD",
            "Owner": {
                "ID": "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a",
            },
            "Initiator": {
                "ID": "arn:aws:iam::111122223333:user/uploader",
            },
            "ChecksumAlgorithm": "CRC32",
            "ChecksumType": "COMPOSITE",
        },
        {
            "UploadId": (
                "x0Hc8Ug2jg38nmYNb4kOvGwHJpK2p5vbK8fQZ41hYgSWkJSfgNeeYKNmPn1qHzHW"
                "c35jyeT9ZR7WxVVOVtbdDWnWHnHTj3w7W1uvQdxTUAAXvTAAnl0qoktRgwDbuRXv"
            ),
            "Key": "video.mp4",
            "Initiated": "2023-12-24T23:59:59.000Z",
            "StorageClass": "GLACIER",
            "Owner": {
                "ID": "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a",
            },
            "Initiator": {
                "ID": "arn:aws:iam::111122223333:user/uploader",
            },
        },
    ],
    "RequestCharged": None,
    "Prefix": None,
}
S3_LISTING = json.dumps(S3_LISTING_DOC, indent=4)  # the CLI prints json.dumps(..., indent=4)


def listed(s3: Any, bucket: str, **kwargs: Any) -> list[tuple[str, str, datetime, str]]:
    pages = s3.get_paginator("list_multipart_uploads").paginate(Bucket=bucket, **kwargs)
    return [
        (u["Key"], u["UploadId"], u["Initiated"], u["StorageClass"])
        for page in pages
        for u in page.get("Uploads", [])
    ]


def test_s3_listing_import_reproduces_the_listing(tmp_path: Path) -> None:
    path = tmp_path / "uploads.json"
    path.write_text(S3_LISTING)
    expected = [
        (
            u["Key"],
            u["UploadId"],
            datetime.fromisoformat(u["Initiated"].replace("Z", "+00:00")),
            u["StorageClass"],
        )
        for u in json.loads(S3_LISTING)["Uploads"]
    ]
    with mock_mpu(clock=T0) as mpu:
        created = mpu.s3.import_aws_cli("prod-bucket", path)
        s3 = s3_client()
        assert [u.upload_id for u in created] == [e[1] for e in expected]
        assert listed(s3, "prod-bucket") == expected
        assert listed(s3, "prod-bucket", PaginationConfig={"PageSize": 1}) == expected
        page = s3.list_multipart_uploads(Bucket="prod-bucket")
        assert page["Uploads"][2]["ChecksumAlgorithm"] == "CRC32"
        assert "ChecksumAlgorithm" not in page["Uploads"][0]
        # the imported uploads are real ones: parts can be uploaded and listed
        key, upload_id = expected[3][0], expected[3][1]
        s3.upload_part(Bucket="prod-bucket", Key=key, UploadId=upload_id, PartNumber=1, Body=b"z")
        assert [
            p["PartNumber"]
            for p in s3.list_parts(Bucket="prod-bucket", Key=key, UploadId=upload_id)["Parts"]
        ] == [1]
        bucket = mpu.state.buckets["prod-bucket"]
        assert bucket.created == expected[3][2]  # dated at the earliest upload, before "now"


def test_s3_import_accepts_cli_v2_timestamps_text_and_boto3_dicts() -> None:
    v2 = S3_LISTING.replace(".000Z", "+00:00")
    with mock_mpu() as mpu:
        mpu.s3.import_aws_cli("from-text", v2)
        original = s3_client().list_multipart_uploads(Bucket="from-text")
    with mock_mpu() as other:
        other.s3.import_aws_cli("from-text", original)  # a boto3 response, datetimes and all
        again = s3_client().list_multipart_uploads(Bucket="from-text")
    assert [u["UploadId"] for u in again["Uploads"]] == [u["UploadId"] for u in original["Uploads"]]
    assert [u["Initiated"] for u in again["Uploads"]] == [
        datetime(2024, 3, 1, 8, tzinfo=timezone.utc),
        datetime(2024, 3, 1, 8, tzinfo=timezone.utc),
        datetime(2024, 4, 15, 21, 13, 9, tzinfo=timezone.utc),
        datetime(2023, 12, 24, 23, 59, 59, tzinfo=timezone.utc),
    ]


def test_s3_import_of_a_multi_page_listing_keeps_its_page_boundaries() -> None:
    # 1,005 uploads where S3's first page of 1,000 ends among the 10 uploads of one key.
    with mock_mpu(clock=T0) as source:
        source.s3.create_bucket("bkt")
        for i in range(995):
            source.s3.create_multipart_upload("bkt", f"k{i:04d}")
        for j in range(10):
            source.s3.create_multipart_upload("bkt", "k0990x", initiated=T0 + timedelta(seconds=j))
        s3 = s3_client()
        pages = list(s3.get_paginator("list_multipart_uploads").paginate(Bucket="bkt"))
        full = s3.get_paginator("list_multipart_uploads").paginate(Bucket="bkt").build_full_result()
    text = json.dumps(full, default=str)  # how a script dumping boto3 output writes it
    with mock_mpu() as mpu:
        mpu.s3.import_aws_cli("bkt", text)
        s3 = s3_client()
        again = list(s3.get_paginator("list_multipart_uploads").paginate(Bucket="bkt"))

    def strip(page: dict[str, Any]) -> Any:
        keep = ("Uploads", "NextKeyMarker", "NextUploadIdMarker", "IsTruncated", "KeyMarker")
        return {k: page[k] for k in keep if k in page}

    assert len(pages) == 2
    assert [strip(p) for p in again] == [strip(p) for p in pages]


# `aws s3api list-parts` (CLI v1, auto-paginated): no Bucket, Key or UploadId.
S3_PARTS = """{
    "Parts": [
        {"PartNumber": 1, "LastModified": "2024-04-15T21:14:02.000Z",
         "ETag": "\\"e868e0f4719e394144ef36531ee6824c\\"", "Size": 5242880,
         "ChecksumCRC32": "NhCmhg=="},
        {"PartNumber": 3, "LastModified": "2024-04-15T21:15:40.000Z",
         "ETag": "\\"6bb2b12753d66fe86da4998aa33fffb0\\"", "Size": 1024,
         "ChecksumCRC32": "AAAAAA=="}
    ],
    "ChecksumAlgorithm": "CRC32",
    "Initiator": {"ID": "arn:aws:iam::111122223333:user/uploader"},
    "Owner": {"ID": "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a"},
    "StorageClass": "STANDARD",
    "ChecksumType": "COMPOSITE"
}"""


def test_s3_list_parts_import_adds_the_listed_parts() -> None:
    upload_id = json.loads(S3_LISTING)["Uploads"][2]["UploadId"]
    key = "photos/2024/a.jpg"
    with mock_mpu() as mpu:
        mpu.s3.import_aws_cli("bkt", S3_LISTING)
        with pytest.raises(MockmpuError, match=r"pass upload_id="):
            mpu.s3.import_aws_cli("bkt", S3_PARTS)
        [upload] = mpu.s3.import_aws_cli("bkt", S3_PARTS, upload_id=upload_id)
        assert upload.upload_id == upload_id
        parts = s3_client().list_parts(Bucket="bkt", Key=key, UploadId=upload_id)["Parts"]
        assert [(p["PartNumber"], p["Size"], p["ETag"], p["ChecksumCRC32"]) for p in parts] == [
            (1, 5242880, '"e868e0f4719e394144ef36531ee6824c"', "NhCmhg=="),
            (3, 1024, '"6bb2b12753d66fe86da4998aa33fffb0"', "AAAAAA=="),
        ]
        assert parts[1]["LastModified"] == datetime(2024, 4, 15, 21, 15, 40, tzinfo=timezone.utc)


def test_completing_imported_parts_gives_the_object_etag_aws_computes() -> None:
    parts = json.loads(S3_PARTS)
    for p in parts["Parts"]:
        del p["ChecksumCRC32"]
    del parts["ChecksumAlgorithm"], parts["ChecksumType"]
    listing = json.loads(S3_LISTING)
    listing["Uploads"] = listing["Uploads"][:1]
    upload_id, key = listing["Uploads"][0]["UploadId"], listing["Uploads"][0]["Key"]
    with mock_mpu() as mpu:
        mpu.s3.import_aws_cli("bkt", listing)
        mpu.s3.import_aws_cli("bkt", parts, upload_id=upload_id)
        done = s3_client().complete_multipart_upload(
            Bucket="bkt",
            Key=key,
            UploadId=upload_id,
            MultipartUpload={
                "Parts": [
                    {"PartNumber": p["PartNumber"], "ETag": p["ETag"]} for p in parts["Parts"]
                ]
            },
        )
    digests = b"".join(bytes.fromhex(p["ETag"].strip('"')) for p in parts["Parts"])
    import hashlib

    assert done["ETag"] == f'"{hashlib.md5(digests).hexdigest()}-2"'


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d.update(CommonPrefixes=[{"Prefix": "photos/"}]),
            r"it has CommonPrefixes \(it was listed with --delimiter\)",
        ),
        (
            lambda d: d["Uploads"].reverse(),
            r"Uploads\[1\] \('photos/2024/a.jpg', .*\) is listed after \('video.mp4'",
        ),
        (lambda d: d["Uploads"][0].update(Colour="red"), r"Uploads\[0\] has the key 'Colour'"),
        (
            lambda d: d["Uploads"][0].update(Initiated="2024-03-01T08:00:00"),
            r"Uploads\[0\]\.Initiated: .* is not an ISO 8601 time with a timezone",
        ),
        (lambda d: d["Uploads"][1].pop("UploadId"), r"Uploads\[1\] has no UploadId"),
        (
            lambda d: d["Uploads"][3].update(ChecksumAlgorithm="MD4"),
            r"AWS would refuse it with InvalidRequest \(400\) 'Checksum algorithm provided is",
        ),
    ],
)
def test_s3_import_refuses_what_it_cannot_reproduce_and_adds_nothing(
    change: Any, message: str
) -> None:
    doc = json.loads(S3_LISTING)
    change(doc)
    with mock_mpu() as mpu:
        with pytest.raises(MockmpuError, match=message):
            mpu.s3.import_aws_cli("bkt", doc)
        assert mpu.s3.bucket_names() == []


def test_s3_import_into_an_existing_bucket_is_all_or_nothing() -> None:
    doc = json.loads(S3_LISTING)
    with mock_mpu() as mpu:
        mpu.s3.create_bucket("bkt")
        mpu.s3.import_aws_cli("bkt", {"Uploads": doc["Uploads"][:1]})
        with pytest.raises(MockmpuError, match=r"already in progress in bucket 'bkt'"):
            mpu.s3.import_aws_cli("bkt", doc)
        assert len(mpu.s3.uploads("bkt")) == 1
        with pytest.raises(MockmpuError, match=r"is Glacier output"):
            mpu.s3.import_aws_cli("bkt", '{"UploadsList": []}')
        with pytest.raises(MockmpuError, match=r"Cannot read AWS CLI output file"):
            mpu.s3.import_aws_cli("bkt", "no-such-file.json")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015-06-02T18:01:30.000Z", datetime(2015, 6, 2, 18, 1, 30, tzinfo=timezone.utc)),
        ("2015-06-02T18:01:30+00:00", datetime(2015, 6, 2, 18, 1, 30, tzinfo=timezone.utc)),
        ("2015-06-02 20:01:30.5+0200", datetime(2015, 6, 2, 18, 1, 30, 500000, timezone.utc)),
        ("2015-06-02T18:01:30.123456789Z", datetime(2015, 6, 2, 18, 1, 30, 123456, timezone.utc)),
        (1433268090, datetime(2015, 6, 2, 18, 1, 30, tzinfo=timezone.utc)),
    ],
)
def test_cli_timestamps_are_read_in_utc(text: Any, expected: datetime) -> None:
    from mockmpu.core.cli_json import parse_cli_time

    parsed = parse_cli_time(text)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)


# ----------------------------------------------------------------------- AWS CLI: Glacier

GLACIER_LISTING_DOC: dict[str, Any] = {
    "UploadsList": [
        {
            "MultipartUploadId": (
                "OW2fM5iVylEpFEMM9_HpKowRapC3vn5sSL39_396UW9zLF"
                "UWVrnRHaPjUJddQ5OxSHVXjYtrN47NBZ-khxOjyEXAMPLE"
            ),
            "VaultARN": "arn:aws:glacier:us-west-2:123456789012:vaults/backups",
            "ArchiveDescription": "db dump 2024-04-01",
            "PartSizeInBytes": 4194304,
            "CreationDate": "2024-04-01T03:00:12.771Z",
        },
        {
            "MultipartUploadId": (
                "nPyGOnyFcx67qqX7E-0tSGiRi88hHMOwOxR-_jNyM6RjVM"
                "FfV29lFqZ3rNsSaWBugg6OP92pRtufeHdQH7ClIpSF6uJc"
            ),
            "VaultARN": "arn:aws:glacier:us-west-2:123456789012:vaults/backups",
            "PartSizeInBytes": 1048576,
            "CreationDate": "2024-03-30T23:10:00.004Z",
        },
    ],
}
GLACIER_LISTING = json.dumps(GLACIER_LISTING_DOC, indent=4)


def test_glacier_listing_import_reproduces_the_listing() -> None:
    expected = json.loads(GLACIER_LISTING)["UploadsList"]
    with mock_mpu(clock=T0) as mpu:
        created = mpu.glacier.import_aws_cli(GLACIER_LISTING)
        assert [u.upload_id for u in created] == [u["MultipartUploadId"] for u in expected]
        client = glacier_client("us-west-2")
        pages = client.get_paginator("list_multipart_uploads").paginate(
            vaultName="backups", PaginationConfig={"PageSize": 1}
        )
        again = [u for page in pages for u in page["UploadsList"]]
        vault = client.describe_vault(vaultName="backups")
    assert again == expected  # ids, ARN, description, part size, CreationDate text, order
    assert vault["CreationDate"] == "2024-03-30T23:10:00.004Z"


def test_glacier_import_from_another_account_says_how_to_reach_it() -> None:
    other = GLACIER_LISTING.replace("123456789012", "111122223333")
    with mock_mpu() as mpu:
        with pytest.raises(MockmpuError, match=r"mock_mpu\(account_id='111122223333'\)"):
            mpu.glacier.import_aws_cli(other)
        assert mpu.glacier.vaults() == []
        mpu.glacier.import_aws_cli(other, account_id="-", region="us-east-1", vault="copy")
        listing = glacier_client().list_multipart_uploads(vaultName="copy")["UploadsList"]
        assert listing[0]["VaultARN"] == "arn:aws:glacier:us-east-1:123456789012:vaults/copy"
    with mock_mpu(account_id="111122223333") as mpu:
        mpu.glacier.import_aws_cli(other)
        ids = [
            u["MultipartUploadId"]
            for u in glacier_client("us-west-2").list_multipart_uploads(vaultName="backups")[
                "UploadsList"
            ]
        ]
        assert len(ids) == 2


def test_glacier_list_parts_import() -> None:
    upload = json.loads(GLACIER_LISTING)["UploadsList"][1]
    h0 = calculate_tree_hash(io.BytesIO(b"\0" * MIB))
    h1 = calculate_tree_hash(io.BytesIO(b"\1" * 10))
    paginated = {
        "Parts": [
            {"RangeInBytes": "0-1048575", "SHA256TreeHash": h0},
            {"RangeInBytes": "1048576-1048585", "SHA256TreeHash": h1},
        ]
    }
    no_paginate = dict(upload, Parts=paginated["Parts"], Marker=None)
    with mock_mpu() as mpu:
        # --no-paginate output describes the upload: it is created from it
        [made] = mpu.glacier.import_aws_cli(json.dumps(no_paginate))
        client = glacier_client("us-west-2")
        listed_parts = client.list_parts(vaultName="backups", uploadId=made.upload_id)
        assert listed_parts["Parts"] == paginated["Parts"]
        assert listed_parts["CreationDate"] == upload["CreationDate"]
        done = client.complete_multipart_upload(
            vaultName="backups",
            uploadId=made.upload_id,
            archiveSize=str(MIB + 10),
            checksum=calculate_tree_hash(io.BytesIO(b"\0" * MIB + b"\1" * 10)),
        )
        assert done["checksum"] == calculate_tree_hash(io.BytesIO(b"\0" * MIB + b"\1" * 10))
    with mock_mpu() as mpu:
        mpu.glacier.import_aws_cli(GLACIER_LISTING)
        with pytest.raises(MockmpuError, match=r"PartSizeInBytes is 2097152, but upload"):
            mpu.glacier.import_aws_cli(dict(no_paginate, PartSizeInBytes=2 * MIB))
        with pytest.raises(MockmpuError, match=r"pass upload_id="):
            mpu.glacier.import_aws_cli(paginated)
        with pytest.raises(MockmpuError, match=r"names no vault.*pass vault="):
            mpu.glacier.import_aws_cli(paginated, upload_id=upload["MultipartUploadId"])
        mpu.glacier.import_aws_cli(
            paginated,
            upload_id=upload["MultipartUploadId"],
            vault="backups",
            region="us-west-2",
        )
        parts = mpu.glacier.parts("backups", upload["MultipartUploadId"], region="us-west-2")
        assert [(p.range_start, p.range_end, p.tree_hash) for p in parts] == [
            (0, MIB - 1, h0),
            (MIB, MIB + 9, h1),
        ]
        misaligned = {"Parts": [{"RangeInBytes": "5-9", "SHA256TreeHash": h1}]}
        with pytest.raises(MockmpuError, match=r"Invalid Content-Range: bytes 5-9/\*"):
            mpu.glacier.import_aws_cli(
                misaligned,
                upload_id=upload["MultipartUploadId"],
                vault="backups",
                region="us-west-2",
            )
        assert (
            len(mpu.glacier.parts("backups", upload["MultipartUploadId"], region="us-west-2")) == 2
        )


def test_glacier_import_refuses_bad_output() -> None:
    with mock_mpu() as mpu:
        with pytest.raises(MockmpuError, match=r"is S3 output"):
            mpu.glacier.import_aws_cli(S3_LISTING)
        with pytest.raises(MockmpuError, match=r"names no vault"):
            mpu.glacier.import_aws_cli('{"UploadsList": []}')
        mpu.glacier.import_aws_cli('{"UploadsList": []}', vault="empty")
        assert [v.name for v in mpu.glacier.vaults()] == ["empty"]
        bad = json.loads(GLACIER_LISTING)
        bad["UploadsList"][1]["PartSizeInBytes"] = 3000000
        with pytest.raises(
            MockmpuError,
            match=r"InvalidParameterValueException \(400\) 'Invalid part size: 3000000",
        ):
            mpu.glacier.import_aws_cli(bad)
        assert [v.name for v in mpu.glacier.vaults()] == ["empty"]  # nothing half-imported


def test_imported_state_round_trips_through_a_scenario_file(tmp_path: Path) -> None:
    with mock_mpu(clock=T0) as mpu:
        mpu.s3.import_aws_cli("bkt", S3_LISTING)
        mpu.glacier.import_aws_cli(GLACIER_LISTING)
        mpu.save(tmp_path / "ticket-1234.json")
    with mock_mpu(state=tmp_path / "ticket-1234.json") as loaded:
        assert_same_state(mpu.state, loaded.state)
        assert listed(s3_client(), "bkt")[0][1].startswith("gq7KTNC2yI7bm3AHMJbj7ZDQvp4.")


# ------------------------------------------------------------------ the real AWS CLI (optional)


@pytest.fixture
def aws_cli() -> Iterator[Any]:
    clidriver = pytest.importorskip("awscli.clidriver")

    def run(*argv: str) -> str:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rc = clidriver.create_clidriver().main(list(argv))
        assert rc == 0
        return out.getvalue()

    old = os.environ.get("AWS_DEFAULT_REGION")
    os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
    try:
        yield run
    finally:
        if old is None:
            os.environ.pop("AWS_DEFAULT_REGION", None)
        else:
            os.environ["AWS_DEFAULT_REGION"] = old


def test_real_aws_cli_output_imports_to_the_same_cli_output(aws_cli: Any) -> None:
    with mock_mpu(clock=T0) as source:
        source.s3.create_bucket("bkt")
        for i, key in enumerate(("b", "a", "a", "c/d")):
            source.s3.create_multipart_upload(
                "bkt", key, initiated=T0 - timedelta(hours=i), parts={1: 5 * MIB, 4: 10}
            )
        source.glacier.create_vault("v")
        source.glacier.initiate_multipart_upload("v", description="x", parts=2)
        s3_out = aws_cli("s3api", "list-multipart-uploads", "--bucket", "bkt")
        g_out = aws_cli(
            "glacier", "list-multipart-uploads", "--account-id", "-", "--vault-name", "v"
        )
        first = source.s3.uploads("bkt", key="b")[0].upload_id
        parts_out = aws_cli(
            "s3api", "list-parts", "--bucket", "bkt", "--key", "b", "--upload-id", first
        )
    with mock_mpu() as replay:
        replay.s3.import_aws_cli("bkt", s3_out)
        replay.glacier.import_aws_cli(g_out)
        replay.s3.import_aws_cli("bkt", parts_out, upload_id=first)
        assert aws_cli("s3api", "list-multipart-uploads", "--bucket", "bkt") == s3_out
        assert (
            aws_cli("glacier", "list-multipart-uploads", "--account-id", "-", "--vault-name", "v")
            == g_out
        )
        assert (
            aws_cli("s3api", "list-parts", "--bucket", "bkt", "--key", "b", "--upload-id", first)
            == parts_out
        )
