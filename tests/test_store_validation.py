"""Scenario files are validated on load: a hand edit either loads into a state that serves every
operation without a traceback, or is refused with a MockmpuError naming the JSON path.

The edits are generated: every leaf of a rich saved state is replaced, one at a time, by values
of the wrong type and out of range (part number 0 or -5, negative sizes, a tree hash that is not
hex, a checksum that is not base64, ...).
"""

from __future__ import annotations

import copy
import json
import re
from datetime import datetime, timezone
from typing import Any

import boto3
import pytest

from mockmpu import MockmpuError, mock_mpu
from mockmpu.core.state import MpuState
from mockmpu.scenarios.store import dumps_state, loads_state
from tests.corpus import GLACIER_HOST, S3_HOST, MiB, RawRequest, check_reply, via_dispatch

WHEN = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def _rich_state() -> dict[str, Any]:
    """A saved state with every kind of record, bodies kept."""
    s3 = boto3.session.Session().client("s3", region_name="us-east-1")
    glacier = boto3.session.Session().client("glacier", region_name="us-east-1")
    with mock_mpu(clock=WHEN, keep_bodies=True) as mpu:
        s3.create_bucket(Bucket="bkt")
        up = s3.create_multipart_upload(Bucket="bkt", Key="a", ChecksumAlgorithm="CRC32")
        for n in (1, 2):
            s3.upload_part(
                Bucket="bkt", Key="a", UploadId=up["UploadId"], PartNumber=n, Body=b"ab" * n,
                ChecksumAlgorithm="CRC32",
            )  # fmt: skip
        done = s3.create_multipart_upload(Bucket="bkt", Key="done")
        etag = s3.upload_part(
            Bucket="bkt", Key="done", UploadId=done["UploadId"], PartNumber=1, Body=b"d"
        )["ETag"]
        s3.complete_multipart_upload(
            Bucket="bkt", Key="done", UploadId=done["UploadId"],
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
        )  # fmt: skip
        gone = s3.create_multipart_upload(Bucket="bkt", Key="gone")
        s3.abort_multipart_upload(Bucket="bkt", Key="gone", UploadId=gone["UploadId"])
        glacier.create_vault(vaultName="v")
        g = mpu.glacier.initiate_multipart_upload("v", part_size=MiB, description="d")
        mpu.glacier.upload_multipart_part("v", g.upload_id, index=0, data=b"g" * 10)
        mpu.glacier.upload_multipart_part("v", g.upload_id, index=2, data=b"h" * 10)
        g2 = mpu.glacier.initiate_multipart_upload("v", part_size=MiB)
        mpu.glacier.upload_multipart_part("v", g2.upload_id, index=0, data=b"i" * 5)
        mpu.glacier.complete_multipart_upload("v", g2.upload_id)
        g3 = mpu.glacier.initiate_multipart_upload("v", part_size=2 * MiB)
        mpu.glacier.abort_multipart_upload("v", g3.upload_id)
        mpu.glacier.take_inventory("v")
        mpu.state.clock.advance(seconds=1)
        doc: dict[str, Any] = json.loads(dumps_state(mpu.state))
    return doc


def _leaves(value: Any, path: str = "") -> list[tuple[str, list[Any], Any]]:
    """(JSON path, key path, value) of every scalar, list and object under ``value``."""
    out: list[tuple[str, list[Any], Any]] = []
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, child in items:
        child_path = f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}".lstrip(".")
        out.append((child_path, [key], child))
        if isinstance(child, (dict, list)):
            out += [(p, [key, *keys], v) for p, keys, v in _leaves(child, child_path)]
    return out


def _edits(value: Any) -> list[Any]:
    if isinstance(value, bool):
        candidates: list[Any] = [1, "true", None]
    elif isinstance(value, int):
        candidates = [0, -5, -1, 10_001, 2**63, 7, 1.5, "1", None, True]
    elif isinstance(value, str):
        candidates = ["", "zz", "!!!", "x" * 65, 1, None, "0" * 64]
    elif value is None:
        candidates = [1, -1, "x", "", []]
    elif isinstance(value, list):
        candidates = [{}, "x", [1], [{}]]
    else:
        candidates = [[], "x", {"unknown": 1}]
    return [c for c in candidates if not (c == value and type(c) is type(value))]


_SKIP = {"format", "version"}  # their own messages are tested in test_store.py


def _exercise(state: MpuState) -> None:
    """Serve every operation against every stored record; every reply must be AWS-shaped."""
    mpu = mock_mpu(state=state)
    requests: list[RawRequest] = []

    def s3(op: str, method: str, target: str, body: bytes = b"") -> None:
        requests.append(RawRequest("x", "s3", op, method, S3_HOST + target, {}, body))

    def gl(op: str, method: str, target: str, headers: dict[str, str] | None = None) -> None:
        headers = {"x-amz-glacier-version": "2012-06-01", **(headers or {})}
        requests.append(RawRequest("x", "glacier", op, method, GLACIER_HOST + target, headers))

    for bucket in list(state.buckets.values()):
        s3("ListMultipartUploads", "GET", f"/{bucket.name}?uploads")
        s3("ListMultipartUploads", "GET", f"/{bucket.name}?uploads&delimiter=/&encoding-type=url")
        for upload in list(bucket.uploads.values()):
            base = f"/{bucket.name}/{upload.key}?uploadId={upload.upload_id}"
            s3("ListParts", "GET", base)
            s3("UploadPart", "PUT", base + "&partNumber=3", b"x")
            parts = "".join(
                f"<Part><PartNumber>{n}</PartNumber><ETag>{p.etag}</ETag>"
                + "".join(f"<Checksum{a}>{v}</Checksum{a}>" for a, v in p.checksums.items())
                + "</Part>"
                for n, p in sorted(upload.parts.items())
            )
            body = f"<CompleteMultipartUpload>{parts}</CompleteMultipartUpload>".encode()
            s3("CompleteMultipartUpload", "POST", base, body)
            s3("AbortMultipartUpload", "DELETE", base)
    gl("ListVaults", "GET", "/-/vaults")
    for vault in list(state.vaults.values()):
        root = f"/-/vaults/{vault.name}"
        gl("DescribeVault", "GET", root)
        gl("ListMultipartUploads", "GET", root + "/multipart-uploads")
        for g in list(vault.uploads.values()):
            at = f"{root}/multipart-uploads/{g.upload_id}"
            gl("ListParts", "GET", at)
            size = sum(p.size for p in g.parts.values())
            gl("CompleteMultipartUpload", "POST", at,
               {"x-amz-archive-size": str(size), "x-amz-sha256-tree-hash": "0" * 64})  # fmt: skip
            gl("AbortMultipartUpload", "DELETE", at)
    for request in requests:
        check_reply(request, via_dispatch(mpu, request))
    dumps_state(state)


_NAMED = re.compile(r"is not a valid scenario file: (\S+) (?:must be|nests)")


def test_every_single_field_edit_is_refused_with_its_path_or_served() -> None:
    doc = _rich_state()
    _exercise(loads_state(json.dumps(doc)))  # the unedited file serves
    refused = served = 0
    failures: list[str] = []
    for path, keys, value in _leaves(doc):
        if path in _SKIP or path.startswith("rng_state"):
            continue
        for edit in _edits(value):
            edited = copy.deepcopy(doc)
            target = edited
            for key in keys[:-1]:
                target = target[key]
            target[keys[-1]] = edit
            label = f"{path} = {edit!r:.40}"
            try:
                state = loads_state(json.dumps(edited))
            except MockmpuError as error:
                refused += 1
                named = _NAMED.search(str(error))
                parent = path.rsplit(".", 1)[0] if "." in path else ""
                # A seq is checked against last_seq, which the message names.
                ok = named is not None and (
                    named.group(1).startswith(parent.split("[")[0])
                    or (path.endswith(".seq") and named.group(1) == "last_seq")
                )
                if not ok:
                    failures.append(f"{label}: refused without naming it: {error}")
                continue
            try:
                _exercise(state)
                served += 1
            except Exception as error:  # the bug this test exists for: loads, then crashes
                failures.append(f"{label}: loaded, then {type(error).__name__}: {error!r:.200}")
    assert failures == [], "\n".join(failures[:40]) + f"\n({len(failures)} in all)"
    assert refused > 300 and served > 50, (refused, served)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[" * 100_000, "[0][0][0]"),
        (
            '{"format": "mockmpu-state", "buckets": [' + "[" * 5000 + "]" * 5000 + "]}",
            "buckets[0][0][0]",
        ),
        ('{"a": {"b": ' + "{" * 3000, "a.b"),
    ],
)
def test_deep_nesting_is_refused_with_its_path(text: str, named: str) -> None:
    with pytest.raises(MockmpuError) as excinfo:
        loads_state(text)
    message = str(excinfo.value)
    assert message.startswith(f"The scenario is not a valid scenario file: {named}")
    assert "nests more than 64 levels deep" in message


def test_hand_edits_from_the_issue_are_refused_with_their_paths() -> None:
    doc = _rich_state()
    cases = {
        ("vaults", 0, "uploads", 0, "part_size"): (0, "vaults[0].uploads[0].part_size"),
        ("vaults", 0, "uploads", 0, "parts", 0, "tree_hash"): (
            "zz" * 32,
            "vaults[0].uploads[0].parts[0].tree_hash",
        ),
        ("buckets", 0, "uploads", 0, "parts", 0, "checksums", "CRC32"): (
            "not base64!",
            "buckets[0].uploads[0].parts[0].checksums.CRC32",
        ),
        ("buckets", 0, "uploads", 0, "parts", 0, "part_number"): (
            -5,
            "buckets[0].uploads[0].parts[0].part_number",
        ),
        ("buckets", 0, "uploads", 0, "parts", 0, "size"): (
            -1,
            "buckets[0].uploads[0].parts[0].size",
        ),
    }
    for keys, (edit, path) in cases.items():
        edited = copy.deepcopy(doc)
        target: Any = edited
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = edit
        with pytest.raises(MockmpuError) as excinfo:
            loads_state(json.dumps(edited), source="Scenario file 's.json'")
        assert str(excinfo.value).startswith(
            f"Scenario file 's.json' is not a valid scenario file: {path} must be "
        ), str(excinfo.value)
