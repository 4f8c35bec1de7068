"""``mock_mpu(wire=False)``, the dict path, proven equivalent to wire mode (issue 5 §3).

Every test here runs the same script of boto3 calls twice, against two mocks with the same seed
and the same frozen clock: one in wire mode (rendered bytes, parsed by botocore) and one with
``wire=False`` (parsed dicts returned at ``before-call``). It then asserts that the two runs are
indistinguishable: every parsed response deep-equal, with the same types (datetimes down to the
class of their ``tzinfo``), the same key order and the same ``ResponseMetadata`` (request ids,
``HTTPHeaders``, ``RetryAttempts``); every error with the same code, message, extra elements,
modeled fields, exception class and text; every other exception (``ListingLoopError``,
botocore's parser failing) with the same type and message; the same ``mpu.calls``, injected
fault counters and loop-guard messages; and the same final state (``mpu.save``'s JSON, which
includes the id generator's position, so no id was drawn differently). Nothing is excluded.

The scripts cover every catalog scenario (faults included) and every served operation with its
error paths; hypothesis varies keys, page sizes and markers. Each test also checks that the dict
path really answered (so the comparison is not wire against wire), and that it fell back to
wire mode exactly where it must (injected faults, errors botocore retries, strings XML cannot
carry).
"""

from __future__ import annotations

import io
import types
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import boto3
import botocore.endpoint
import botocore.parsers
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.utils import calculate_tree_hash
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockmpu import MockmpuError, MpuMock, mock_mpu, scenarios
from mockmpu.core import parsed as parsed_core
from mockmpu.s3 import replies as s3_replies
from mockmpu.scenarios.store import dumps_state
from mockmpu.services import SERVED
from mockmpu.transports import botocore_dict as parsed_path

T0 = datetime(2024, 3, 1, 12, 30, 15, 654321, tzinfo=timezone.utc)  # the wire drops the µs
MiB = 1024 * 1024


@pytest.fixture(autouse=True)
def _no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore's retry backoff is not slept (endpoint.py sleeps only there)."""
    monkeypatch.setattr(botocore.endpoint, "time", types.SimpleNamespace(sleep=lambda _: None))


# ------------------------------------------------------------------------------------ harness


def _plain(value: Any) -> Any:
    """Call parameters made comparable across runs (streams by type, not identity)."""
    if value is None or isinstance(value, (str, int, float, bool, bytes)):
        return value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return f"<{type(value).__name__}>"


#: One session for every run: its service models load once (clients are made per run).
_SESSION = boto3.session.Session()


def _failure(client: Any, method: str, error: Exception) -> tuple[Any, ...]:
    """A failed call, comparable across runs (botocore builds exception classes per client)."""
    kind = (type(error).__module__, type(error).__qualname__)
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code")
        modeled = type(error) is client.exceptions.from_code(code)
        return ("error", method, (*kind, modeled), error.response, str(error))
    return ("raised", method, kind, str(error))


class Script:
    """The calls of one run and what each one gave."""

    def __init__(self, mpu: MpuMock) -> None:
        self.mpu = mpu
        self.outcomes: list[tuple[Any, ...]] = []
        self._clients: dict[str, Any] = {}

    def client(
        self,
        service: str,
        region: str = "us-east-1",
        endpoint_url: str | None = None,
        **config: Any,
    ) -> Any:
        key = repr((service, region, endpoint_url, sorted(config.items())))
        if key not in self._clients:
            self._clients[key] = _SESSION.client(
                service,
                region_name=region,
                endpoint_url=endpoint_url,
                config=Config(**config) if config else None,
            )
        return self._clients[key]

    def call(self, client: Any, method: str, **params: Any) -> Any:
        try:
            response = getattr(client, method)(**params)
        except Exception as error:  # ClientError, ListingLoopError, botocore's parser failing
            self.outcomes.append(_failure(client, method, error))
            return None
        body = response.get("Body") if isinstance(response, dict) else None
        if body is not None and hasattr(body, "read"):  # GetObject: compare the bytes read
            response = {**response, "Body": ("streamed", body.read())}
        self.outcomes.append(("ok", method, response))
        return response

    def pages(self, client: Any, operation: str, **params: Any) -> list[dict[str, Any]]:
        """Every page of botocore's paginator (what a paginating client sees)."""
        try:
            pages = list(client.get_paginator(operation).paginate(**params))
        except Exception as error:
            self.outcomes.append(_failure(client, operation, error))
            return []
        self.outcomes.append(("pages", operation, pages))
        return pages

    def record(self, label: str, value: Any) -> None:
        self.outcomes.append(("value", label, value))


@dataclass
class Run:
    outcomes: list[tuple[Any, ...]]
    calls: list[tuple[Any, ...]]
    state: str
    loops: list[str]
    faults: list[tuple[str, int, int]]
    answered: Counter[str] = field(default_factory=Counter)
    fell_back: Counter[str] = field(default_factory=Counter)


def run_once(
    script: Callable[[Script], None],
    *,
    wire: bool,
    monkeypatch: pytest.MonkeyPatch,
    setup: Callable[[MpuMock], None] | None = None,
    **options: Any,
) -> Run:
    answered: Counter[str] = Counter()
    fell_back: Counter[str] = Counter()
    original = parsed_path.before_call

    def counting(handle: Any, event_name: str, *args: Any) -> Any:
        result = original(handle, event_name, *args)
        (answered if result is not None else fell_back)[event_name.split(".", 1)[1]] += 1
        return result

    monkeypatch.setattr(parsed_path, "before_call", counting)
    options.setdefault("seed", 7)
    options.setdefault("clock", T0)
    mpu = mock_mpu(wire=wire, **options)
    with mpu:
        if setup is not None:
            setup(mpu)
        s = Script(mpu)
        script(s)
        loops = list(mpu.faults.loops)
        mpu.faults.loops.clear()  # provoked on purpose; compared below
    monkeypatch.setattr(parsed_path, "before_call", original)
    calls = [
        (c.service, c.operation, _plain(dict(c.params)), c.status, c.error_code) for c in mpu.calls
    ]
    faults = [(f.ref, f.seen, f.triggered) for f in mpu.faults.injected]
    return Run(s.outcomes, calls, dumps_state(mpu.state), loops, faults, answered, fell_back)


def assert_same(wire: Any, parsed: Any, where: str) -> None:
    """Deep equality with exact types, key order and datetime ``tzinfo`` classes."""
    assert type(wire) is type(parsed), f"{where}: {type(wire)} != {type(parsed)}"
    if isinstance(wire, dict):
        assert list(wire) == list(parsed), f"{where}: keys {list(wire)} != {list(parsed)}"
        for key in wire:
            assert_same(wire[key], parsed[key], f"{where}[{key!r}]")
    elif isinstance(wire, (list, tuple)):
        assert len(wire) == len(parsed), f"{where}: {len(wire)} != {len(parsed)} items"
        for i, (a, b) in enumerate(zip(wire, parsed)):
            assert_same(a, b, f"{where}[{i}]")
    elif isinstance(wire, datetime):
        assert wire == parsed, f"{where}: {wire!r} != {parsed!r}"
        assert type(wire.tzinfo) is type(parsed.tzinfo), f"{where}: {wire!r} != {parsed!r}"
        assert (wire.fold, wire.utcoffset()) == (parsed.fold, parsed.utcoffset()), where
    else:
        assert wire == parsed, f"{where}: {wire!r} != {parsed!r}"


def differential(
    script: Callable[[Script], None], monkeypatch: pytest.MonkeyPatch, **options: Any
) -> tuple[Run, Run]:
    """Run ``script`` in wire mode and with ``wire=False``; assert the runs are the same."""
    wire = run_once(script, wire=True, monkeypatch=monkeypatch, **options)
    dict_run = run_once(script, wire=False, monkeypatch=monkeypatch, **options)
    assert not wire.answered and not wire.fell_back, "wire mode never reaches the dict path"
    assert len(wire.outcomes) == len(dict_run.outcomes)
    for i, (a, b) in enumerate(zip(wire.outcomes, dict_run.outcomes)):
        assert a[:2] == b[:2], f"call {i}: {a[:2]} != {b[:2]}"
        assert_same(a[2:], b[2:], f"call {i} ({a[1]})")
    assert wire.calls == dict_run.calls
    assert wire.faults == dict_run.faults
    assert wire.loops == dict_run.loops
    assert wire.state == dict_run.state
    return wire, dict_run


# ------------------------------------------------------------------------- S3: every operation


def _etag(response: dict[str, Any] | None) -> str:
    return response["ETag"] if response else '"missing"'


def s3_every_operation(s: Script, bucket: str = "diff-bkt") -> None:
    """Every S3 operation, successes and each error path, on several client configurations."""
    s3 = s.client("s3")  # https: UploadPart's CRC32 goes in an aws-chunked trailer
    http = s.client("s3", endpoint_url="http://127.0.0.1:9000")  # http: CRC32 in a header
    eu = s.client("s3", region="eu-west-1")
    raw = s.client("s3", parameter_validation=False)
    legacy = s.client("s3", retries={"mode": "legacy"})  # retries BadDigest
    c = s.call

    # CreateBucket / HeadBucket
    c(s3, "create_bucket", Bucket=bucket)
    c(s3, "create_bucket", Bucket=bucket)  # us-east-1: idempotent 200
    c(s3, "create_bucket", Bucket="Bad_Name")  # InvalidBucketName
    c(s3, "create_bucket", Bucket="x-bkt", CreateBucketConfiguration={"LocationConstraint": "xx"})
    c(
        s3,
        "create_bucket",
        Bucket="x-bkt",
        CreateBucketConfiguration={"LocationConstraint": "us-east-1"},
    )
    c(eu, "create_bucket", Bucket="eu-bkt")  # IllegalLocationConstraintException
    for _ in range(2):  # then BucketAlreadyOwnedByYou 409
        c(
            eu,
            "create_bucket",
            Bucket="eu-bkt",
            CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
        )
    c(s3, "head_bucket", Bucket=bucket)
    c(eu, "head_bucket", Bucket="eu-bkt")
    c(s3, "head_bucket", Bucket="no-such-bkt")  # 404 without a body

    # CreateMultipartUpload
    plain = c(
        s3,
        "create_multipart_upload",
        Bucket=bucket,
        Key="dir/plain.bin",
        Metadata={"owner": "me"},
        ContentType="text/plain",
        StorageClass="STANDARD_IA",
    )
    sha = c(
        s3, "create_multipart_upload", Bucket=bucket, Key="dir/sha.bin", ChecksumAlgorithm="SHA256"
    )
    crc = c(
        s3,
        "create_multipart_upload",
        Bucket=bucket,
        Key="crc.bin",
        ChecksumAlgorithm="CRC32",
        ChecksumType="FULL_OBJECT",
    )
    spare = c(s3, "create_multipart_upload", Bucket=bucket, Key="dir/sub/spare.bin")
    c(s3, "create_multipart_upload", Bucket="no-such-bkt", Key="k")
    c(s3, "create_multipart_upload", Bucket=bucket, Key="k", ChecksumType="COMPOSITE")
    c(
        s3,
        "create_multipart_upload",
        Bucket=bucket,
        Key="k",
        ChecksumAlgorithm="SHA1",
        ChecksumType="FULL_OBJECT",
    )
    c(
        s3,
        "create_multipart_upload",
        Bucket=bucket,
        Key="k",
        ChecksumAlgorithm="CRC64NVME",
        ChecksumType="COMPOSITE",
    )
    c(raw, "create_multipart_upload", Bucket=bucket, Key="k", ChecksumAlgorithm="MD5")
    plain_id = plain["UploadId"] if plain else "none"
    sha_id = sha["UploadId"] if sha else "none"
    crc_id = crc["UploadId"] if crc else "none"
    spare_id = spare["UploadId"] if spare else "none"

    # UploadPart
    five = bytes(5 * MiB)
    p1 = c(
        s3,
        "upload_part",
        Bucket=bucket,
        Key="dir/plain.bin",
        UploadId=plain_id,
        PartNumber=1,
        Body=five,
    )
    stream = io.BytesIO(b"skip" + b"second part")
    stream.seek(4)
    p2 = c(
        http,
        "upload_part",
        Bucket=bucket,
        Key="dir/plain.bin",
        UploadId=plain_id,
        PartNumber=2,
        Body=stream,
    )
    s.record("stream position after http UploadPart", stream.tell())
    stream = io.BytesIO(b"skip" + b"third part")
    stream.seek(4)
    p3 = c(
        s3,
        "upload_part",
        Bucket=bucket,
        Key="dir/plain.bin",
        UploadId=plain_id,
        PartNumber=3,
        Body=stream,
    )
    s.record("stream position after https UploadPart", stream.tell())
    c(
        s3,
        "upload_part",
        Bucket=bucket,
        Key="dir/plain.bin",
        UploadId=plain_id,
        PartNumber=4,
        Body=b"overwritten",
    )
    c(
        s3,
        "upload_part",
        Bucket=bucket,
        Key="dir/plain.bin",
        UploadId=plain_id,
        PartNumber=4,
        Body=b"four",
    )
    s1 = c(
        s3,
        "upload_part",
        Bucket=bucket,
        Key="dir/sha.bin",
        UploadId=sha_id,
        PartNumber=1,
        Body=five,
        ChecksumAlgorithm="SHA256",
    )
    s2 = c(
        s3,
        "upload_part",
        Bucket=bucket,
        Key="dir/sha.bin",
        UploadId=sha_id,
        PartNumber=2,
        Body=b"tail",
        ChecksumAlgorithm="SHA256",
    )
    c(
        s3,
        "upload_part",
        Bucket=bucket,
        Key="dir/sha.bin",
        UploadId=sha_id,
        PartNumber=3,
        Body=b"x",
    )  # CRC32 on a SHA256 upload
    c1 = c(
        s3,
        "upload_part",
        Bucket=bucket,
        Key="crc.bin",
        UploadId=crc_id,
        PartNumber=1,
        Body=five,
        ChecksumAlgorithm="CRC32",
    )
    c2 = c(
        s3,
        "upload_part",
        Bucket=bucket,
        Key="crc.bin",
        UploadId=crc_id,
        PartNumber=2,
        Body=b"end",
        ChecksumAlgorithm="CRC32",
    )
    c(s3, "upload_part", Bucket=bucket, Key="wrong-key", UploadId=plain_id, PartNumber=1, Body=b"x")
    c(
        s3,
        "upload_part",
        Bucket=bucket,
        Key="dir/plain.bin",
        UploadId="nope",
        PartNumber=1,
        Body=b"x",
    )
    c(s3, "upload_part", Bucket="no-such-bkt", Key="k", UploadId="nope", PartNumber=1, Body=b"x")
    for number in (0, 10001, -1, "abc"):
        c(
            raw,
            "upload_part",
            Bucket=bucket,
            Key="dir/plain.bin",
            UploadId=plain_id,
            PartNumber=number,
            Body=b"x",
        )
    c(
        s3,
        "upload_part",
        Bucket=bucket,
        Key="dir/sha.bin",
        UploadId=sha_id,
        PartNumber=5,
        Body=b"x",
        ChecksumSHA256="abc",
    )  # InvalidRequest: not a SHA256
    c(
        legacy,
        "upload_part",
        Bucket=bucket,
        Key="dir/plain.bin",
        UploadId=plain_id,
        PartNumber=6,
        Body=b"x",
        ChecksumCRC32="AAAAAA==",
    )  # BadDigest 400: botocore's legacy retry handler retries it (the wire path answers)

    # ListParts
    c(s3, "list_parts", Bucket=bucket, Key="dir/plain.bin", UploadId=plain_id)
    c(s3, "list_parts", Bucket=bucket, Key="dir/sha.bin", UploadId=sha_id)
    c(s3, "list_parts", Bucket=bucket, Key="crc.bin", UploadId=crc_id, MaxParts=1)
    c(
        s3,
        "list_parts",
        Bucket=bucket,
        Key="dir/plain.bin",
        UploadId=plain_id,
        MaxParts=2,
        PartNumberMarker=1,
    )
    c(s3, "list_parts", Bucket=bucket, Key="dir/plain.bin", UploadId=plain_id, MaxParts=0)
    c(s3, "list_parts", Bucket=bucket, Key="dir/plain.bin", UploadId=plain_id, MaxParts=5000)
    c(s3, "list_parts", Bucket=bucket, Key="dir/plain.bin", UploadId=plain_id, PartNumberMarker=99)
    s.pages(
        s3,
        "list_parts",
        Bucket=bucket,
        Key="dir/plain.bin",
        UploadId=plain_id,
        PaginationConfig={"PageSize": 1},
    )
    for bad in (
        {"MaxParts": -1},
        {"MaxParts": "x"},
        {"PartNumberMarker": -3},
        {"PartNumberMarker": "9" * 12},
    ):
        c(raw, "list_parts", Bucket=bucket, Key="dir/plain.bin", UploadId=plain_id, **bad)
    c(s3, "list_parts", Bucket=bucket, Key="wrong-key", UploadId=plain_id)
    c(s3, "list_parts", Bucket=bucket, Key="dir/plain.bin", UploadId="nope")
    c(s3, "list_parts", Bucket="no-such-bkt", Key="k", UploadId="nope")

    # ListMultipartUploads
    lmu = "list_multipart_uploads"
    c(s3, lmu, Bucket=bucket)
    c(s3, lmu, Bucket=bucket, MaxUploads=1)
    c(s3, lmu, Bucket=bucket, MaxUploads=0)
    c(s3, lmu, Bucket=bucket, MaxUploads=5000)
    c(s3, lmu, Bucket=bucket, Prefix="dir/")
    c(s3, lmu, Bucket=bucket, Prefix="dir/", Delimiter="/")
    c(s3, lmu, Bucket=bucket, Delimiter="/", MaxUploads=2)
    c(s3, lmu, Bucket=bucket, Delimiter="/", KeyMarker="dir/")
    c(s3, lmu, Bucket=bucket, EncodingType="url", Prefix="dir/", Delimiter="/")
    c(s3, lmu, Bucket=bucket, KeyMarker="dir/plain.bin")
    c(s3, lmu, Bucket=bucket, KeyMarker="dir/plain.bin", UploadIdMarker=plain_id)
    c(s3, lmu, Bucket=bucket, UploadIdMarker=plain_id)  # ignored without KeyMarker
    c(s3, lmu, Bucket=bucket, KeyMarker="dir/plain.bin", UploadIdMarker="")
    c(s3, lmu, Bucket=bucket, KeyMarker="crc.bin", UploadIdMarker=plain_id)  # another key's id
    s.pages(s3, lmu, Bucket=bucket, PaginationConfig={"PageSize": 1})
    for bad in ({"MaxUploads": -1}, {"MaxUploads": "abc"}, {"MaxUploads": "2147483648"}):
        c(raw, lmu, Bucket=bucket, **bad)
    c(raw, lmu, Bucket=bucket, EncodingType="bogus")
    c(raw, lmu, Bucket=bucket, EncodingType="")
    c(s3, lmu, Bucket="no-such-bkt")

    # CompleteMultipartUpload
    cmu = "complete_multipart_upload"
    e1, e2, e3 = _etag(p1), _etag(p2), _etag(p3)

    def complete(client: Any, key: str, upload_id: str, parts: Any = None, **extra: Any) -> Any:
        if parts is not None:
            extra["MultipartUpload"] = {"Parts": parts}
        return c(client, cmu, Bucket=bucket, Key=key, UploadId=upload_id, **extra)

    complete(
        s3,
        "dir/plain.bin",
        plain_id,
        [{"PartNumber": 2, "ETag": e2}, {"PartNumber": 1, "ETag": e1}],
    )
    object_reads(s, s3, bucket, "dir/plain.bin")  # not there yet: NoSuchKey throughout
    complete(s3, "dir/plain.bin", plain_id, [{"PartNumber": 1, "ETag": '"0123"'}])  # InvalidPart
    complete(s3, "dir/plain.bin", plain_id, [{"PartNumber": 9, "ETag": e1}])  # InvalidPart
    complete(
        s3,
        "dir/plain.bin",
        plain_id,
        [{"PartNumber": 2, "ETag": e2}, {"PartNumber": 3, "ETag": e3}],
    )
    complete(s3, "dir/plain.bin", plain_id, [])  # MalformedXML
    complete(s3, "dir/plain.bin", plain_id)  # no body: InvalidRequest
    complete(raw, "dir/plain.bin", plain_id, [{"PartNumber": 0, "ETag": e1}])
    complete(
        s3, "dir/plain.bin", plain_id, [{"PartNumber": 1, "ETag": e1}], ChecksumType="FULL_OBJECT"
    )
    complete(s3, "wrong-key", plain_id, [{"PartNumber": 1, "ETag": e1}])
    complete(s3, "dir/plain.bin", "nope", [{"PartNumber": 1, "ETag": e1}])
    done = [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 3, "ETag": e3}]
    complete(s3, "dir/plain.bin", plain_id, done)
    complete(s3, "dir/plain.bin", plain_id, done)  # again: the same object
    sha_parts = [
        {
            "PartNumber": 1,
            "ETag": _etag(s1),
            "ChecksumSHA256": (s1 or {}).get("ChecksumSHA256", ""),
        },
        {
            "PartNumber": 2,
            "ETag": _etag(s2),
            "ChecksumSHA256": (s2 or {}).get("ChecksumSHA256", ""),
        },
    ]
    complete(s3, "dir/sha.bin", sha_id, [{"PartNumber": 1, "ETag": _etag(s1)}])  # checksum missing
    complete(s3, "dir/sha.bin", sha_id, sha_parts)  # COMPOSITE
    crc_parts = [{"PartNumber": 1, "ETag": _etag(c1)}, {"PartNumber": 2, "ETag": _etag(c2)}]
    complete(
        legacy, "crc.bin", crc_id, crc_parts, ChecksumType="FULL_OBJECT", ChecksumCRC32="AAAAAA=="
    )  # BadDigest, retried
    complete(s3, "crc.bin", crc_id, crc_parts, ChecksumType="FULL_OBJECT")

    object_reads(s, s3, bucket, "dir/plain.bin")
    object_reads(s, http, bucket, "crc.bin")

    # AbortMultipartUpload
    c(s3, "abort_multipart_upload", Bucket=bucket, Key="wrong-key", UploadId=spare_id)
    c(s3, "abort_multipart_upload", Bucket=bucket, Key="dir/sub/spare.bin", UploadId=spare_id)
    c(s3, "abort_multipart_upload", Bucket=bucket, Key="dir/sub/spare.bin", UploadId=spare_id)
    c(s3, "abort_multipart_upload", Bucket="no-such-bkt", Key="k", UploadId=spare_id)
    c(s3, lmu, Bucket=bucket, KeyMarker="dir/sub/spare.bin", UploadIdMarker=spare_id)  # retired id

    # DeleteBucket
    c(s3, "delete_bucket", Bucket=bucket)  # BucketNotEmpty: completed objects
    c(s3, "delete_bucket", Bucket="no-such-bkt")
    c(s3, "create_bucket", Bucket="only-uploads")
    c(s3, "create_multipart_upload", Bucket="only-uploads", Key="k")
    c(s3, "delete_bucket", Bucket="only-uploads")  # uploads in progress do not block it
    c(s3, "head_bucket", Bucket="only-uploads")


# -------------------------------------------------------------------- Glacier: every operation


def glacier_every_operation(s: Script, vault: str = "diff-vault") -> None:
    """Every Glacier operation, successes and each error path."""
    g = s.client("glacier")
    raw = s.client("glacier", parameter_validation=False)
    west = s.client("glacier", region="us-west-2")
    c = s.call

    # CreateVault / DescribeVault / ListVaults
    c(g, "create_vault", vaultName=vault)
    c(g, "create_vault", vaultName=vault)  # idempotent
    c(g, "create_vault", vaultName="bad name!")
    for name in ("a-vault", "b-vault", "c-vault"):
        c(g, "create_vault", vaultName=name)
    c(west, "create_vault", vaultName="west")
    c(g, "describe_vault", vaultName=vault)
    c(g, "describe_vault", vaultName="nope")
    c(g, "describe_vault", accountId="111122223333", vaultName=vault)
    first = c(g, "list_vaults", limit="2")
    c(g, "list_vaults", limit="2", marker=(first or {}).get("Marker", ""))
    c(g, "list_vaults")
    c(west, "list_vaults")
    for bad in ({"limit": "0"}, {"limit": "abc"}, {"limit": "11"}, {"marker": "junk"}):
        c(g, "list_vaults", **bad)
    s.pages(g, "list_vaults")

    # InitiateMultipartUpload
    ini = "initiate_multipart_upload"
    up = c(g, ini, vaultName=vault, partSize=str(MiB), archiveDescription="my archive")
    other = c(g, ini, vaultName=vault, partSize=str(2 * MiB))
    c(g, ini, vaultName=vault, partSize=str(MiB), archiveDescription="   ")
    c(g, ini, vaultName=vault, partSize="3")
    c(g, ini, vaultName=vault, partSize=str(8 * 1024 * MiB))
    c(raw, ini, vaultName=vault)  # MissingParameterValueException
    c(g, ini, vaultName=vault, partSize=str(MiB), archiveDescription="caf\u00e9")
    c(g, ini, vaultName="nope", partSize=str(MiB))
    upload_id = up["uploadId"] if up else "none"
    other_id = other["uploadId"] if other else "none"

    # UploadMultipartPart
    ump = "upload_multipart_part"
    data = bytes(range(256)) * 4096 * 2 + b"tail"  # 2 MiB + 4 bytes: three parts of 1 MiB
    for start in range(0, len(data), MiB):
        chunk = data[start : start + MiB]
        c(
            g,
            ump,
            vaultName=vault,
            uploadId=upload_id,
            body=chunk,
            range=f"bytes {start}-{start + len(chunk) - 1}/*",
        )
    stream = io.BytesIO(b"skip" + data[:MiB])
    stream.seek(4)
    c(g, ump, vaultName=vault, uploadId=upload_id, body=stream, range=f"bytes 0-{MiB - 1}/*")
    s.record("stream position after UploadMultipartPart", stream.tell())
    c(raw, ump, vaultName=vault, uploadId=upload_id, body=b"x")  # no Content-Range
    for bad_range in (
        "bytes 0-9",
        "bytes 5-1/*",
        "bytes 0-9/*",
        "bytes 1-1/*",
        f"bytes 0-{2 * MiB - 1}/*",
    ):
        c(g, ump, vaultName=vault, uploadId=upload_id, body=b"x", range=bad_range)
    start = 10000 * MiB
    c(g, ump, vaultName=vault, uploadId=upload_id, body=b"x", range=f"bytes {start}-{start}/*")
    c(g, ump, vaultName=vault, uploadId=upload_id, body=b"x", range="bytes 0-0/*", checksum="abc")
    c(
        g,
        ump,
        vaultName=vault,
        uploadId=upload_id,
        body=b"x",
        range="bytes 0-0/*",
        checksum="0" * 64,
    )
    c(g, ump, vaultName=vault, uploadId="nope", body=b"x", range="bytes 0-0/*")
    c(g, ump, vaultName="nope", uploadId=upload_id, body=b"x", range="bytes 0-0/*")

    # ListParts / ListMultipartUploads
    c(g, "list_parts", vaultName=vault, uploadId=upload_id)
    page = c(g, "list_parts", vaultName=vault, uploadId=upload_id, limit="2")
    c(
        g,
        "list_parts",
        vaultName=vault,
        uploadId=upload_id,
        limit="2",
        marker=(page or {}).get("Marker", ""),
    )
    s.pages(
        g, "list_parts", vaultName=vault, uploadId=upload_id, PaginationConfig={"PageSize": "1"}
    )
    for bad in ({"limit": "0"}, {"limit": "51"}, {"limit": "x"}, {"marker": "junk"}):
        c(g, "list_parts", vaultName=vault, uploadId=upload_id, **bad)
    c(g, "list_parts", vaultName=vault, uploadId="nope")
    c(g, "list_parts", vaultName="nope", uploadId=upload_id)
    c(g, "list_multipart_uploads", vaultName=vault)
    page = c(g, "list_multipart_uploads", vaultName=vault, limit="1")
    c(
        g,
        "list_multipart_uploads",
        vaultName=vault,
        limit="1",
        marker=(page or {}).get("Marker", ""),
    )
    s.pages(g, "list_multipart_uploads", vaultName=vault, PaginationConfig={"PageSize": "1"})
    for bad in ({"limit": "0"}, {"limit": "x"}, {"marker": "junk"}):
        c(g, "list_multipart_uploads", vaultName=vault, **bad)
    c(g, "list_multipart_uploads", vaultName="nope")

    # CompleteMultipartUpload
    cmu = "complete_multipart_upload"
    tree = calculate_tree_hash(io.BytesIO(data))
    size = str(len(data))
    c(g, cmu, vaultName=vault, uploadId=upload_id, archiveSize=size)  # no checksum: missing
    c(raw, cmu, vaultName=vault, uploadId=upload_id, checksum=tree)  # no archive size
    c(g, cmu, vaultName=vault, uploadId=upload_id, archiveSize="12", checksum=tree)
    c(g, cmu, vaultName=vault, uploadId=upload_id, archiveSize="x", checksum=tree)
    c(g, cmu, vaultName=vault, uploadId=upload_id, archiveSize=size, checksum="0" * 64)
    c(g, cmu, vaultName=vault, uploadId=upload_id, archiveSize=size, checksum="zz")
    c(g, cmu, vaultName=vault, uploadId="nope", archiveSize=size, checksum=tree)
    c(g, cmu, vaultName=vault, uploadId=upload_id, archiveSize=size, checksum=tree)
    c(g, cmu, vaultName=vault, uploadId=upload_id, archiveSize=size, checksum=tree)  # again
    c(g, cmu, vaultName=vault, uploadId=upload_id, archiveSize="1", checksum=tree)  # again, wrong

    # AbortMultipartUpload
    c(g, "abort_multipart_upload", vaultName=vault, uploadId=other_id)
    c(g, "abort_multipart_upload", vaultName=vault, uploadId=other_id)  # again: succeeds
    c(g, "abort_multipart_upload", vaultName=vault, uploadId=upload_id)  # completed
    c(g, "abort_multipart_upload", vaultName=vault, uploadId="nope")
    c(g, "abort_multipart_upload", vaultName="nope", uploadId="nope")
    c(g, "list_parts", vaultName=vault, uploadId=other_id)

    # DeleteVault (inventory, then the figures DescribeVault reports)
    c(g, "delete_vault", vaultName=vault)  # written since the last inventory
    s.mpu.glacier.take_inventory(vault)
    c(g, "describe_vault", vaultName=vault)
    s.pages(g, "list_vaults")
    c(g, "delete_vault", vaultName="c-vault")
    c(g, "delete_vault", vaultName="c-vault")
    c(west, "delete_vault", vaultName="west")


# ---------------------------------------------------------------------------- scenario scripts


def _s3_scenario(s: Script, sc: Any) -> None:
    s3 = s.client("s3")
    c = s.call
    lmu = "list_multipart_uploads"
    if sc.kind == "s3-listing":
        if sc.plan:  # a marker loop that lets the scenario change the bucket between pages
            params: dict[str, Any] = {"Bucket": sc.bucket, "MaxUploads": sc.page_size}
            for page in range(1, 10):
                r = c(s3, lmu, **params)
                sc.between_pages(page)
                if not r or not r["IsTruncated"]:
                    break
                params.update(KeyMarker=r["NextKeyMarker"], UploadIdMarker=r["NextUploadIdMarker"])
        else:
            s.pages(s3, lmu, Bucket=sc.bucket, PaginationConfig={"PageSize": sc.page_size})
        # The KeyMarker-only loop of BUG-04, and one reading NextUploadIdMarker (BUG-07).
        params = {"Bucket": sc.bucket, "MaxUploads": sc.page_size}
        for _ in range(4):
            r = c(s3, lmu, **params)
            if not r or not r["IsTruncated"]:
                break
            params["KeyMarker"] = r["NextKeyMarker"]
            s.record("NextUploadIdMarker" in r, r.get("NextUploadIdMarker"))
        c(s3, lmu, Bucket=sc.bucket, KeyMarker="", UploadIdMarker="", MaxUploads=2)
        c(s3, lmu, Bucket=sc.bucket, Prefix="dir/", Delimiter="/", EncodingType="url", MaxUploads=3)
        alive = s.mpu.s3.uploads(sc.bucket)
        first, second = alive[0], alive[1]
        key, upload_id = first.key, first.upload_id
        c(s3, "abort_multipart_upload", Bucket=sc.bucket, Key=second.key, UploadId=second.upload_id)
        c(
            s3,
            lmu,
            Bucket=sc.bucket,
            KeyMarker=second.key,
            UploadIdMarker=second.upload_id,
            MaxUploads=2,
        )
        c(s3, "create_multipart_upload", Bucket=sc.bucket, Key=sc.boundary_key or key)
    else:
        ref = sc.upload
        key, upload_id = ref.key, ref.upload_id
        lp = "list_parts"
        s.pages(
            s3,
            lp,
            Bucket=sc.bucket,
            Key=key,
            UploadId=upload_id,
            PaginationConfig={"PageSize": sc.page_size},
        )
        # BUG-11's PartNumberMarker=len(seen), and a `while IsTruncated` loop (BUG-10 loops).
        seen: list[Any] = []
        params = {"Bucket": sc.bucket, "Key": key, "UploadId": upload_id, "MaxParts": sc.page_size}
        for _ in range(4):
            r = c(s3, lp, **params)
            if not r:
                break
            seen += r.get("Parts", [])
            if not r["IsTruncated"]:
                break
            params["PartNumberMarker"] = len(seen)
        c(s3, lp, Bucket=sc.bucket, Key=key, UploadId=upload_id, PartNumberMarker=1500, MaxParts=3)
    c(s3, "list_parts", Bucket=sc.bucket, Key=key, UploadId=upload_id, MaxParts=2)
    part = c(
        s3, "upload_part", Bucket=sc.bucket, Key=key, UploadId=upload_id, PartNumber=1, Body=b"new"
    )
    c(
        s3,
        "complete_multipart_upload",
        Bucket=sc.bucket,
        Key=key,
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": _etag(part)}]},
    )
    c(s3, "upload_part", Bucket=sc.bucket, Key=key, UploadId=upload_id, PartNumber=2, Body=b"late")
    new = c(s3, "create_multipart_upload", Bucket=sc.bucket, Key=key)
    c(s3, "list_multipart_uploads", Bucket=sc.bucket, KeyMarker=key, MaxUploads=2)
    new_id = new["UploadId"] if new else "none"
    c(s3, "abort_multipart_upload", Bucket=sc.bucket, Key=key, UploadId=new_id)
    c(s3, "list_multipart_uploads", Bucket=sc.bucket, KeyMarker=key, UploadIdMarker=new_id)
    c(s3, "head_bucket", Bucket=sc.bucket)
    c(s3, "create_bucket", Bucket=sc.bucket)
    object_reads(s, s3, sc.bucket, key)
    c(s3, "delete_bucket", Bucket=sc.bucket)  # BucketNotEmpty: an object was completed


def object_reads(s: Script, s3: Any, bucket: str, key: str) -> None:
    """HeadObject and GetObject of a completed object: whole, ranges, parts and each error."""
    c = s.call
    head = c(s3, "head_object", Bucket=bucket, Key=key)
    etag = head["ETag"] if head else '"none"'
    c(s3, "get_object", Bucket=bucket, Key=key)
    c(s3, "get_object", Bucket=bucket, Key=key, Range="bytes=1-2")
    c(s3, "get_object", Bucket=bucket, Key=key, Range="bytes=-2")
    c(s3, "get_object", Bucket=bucket, Key=key, Range="bytes=0-1,3-4")  # ignored: whole
    c(s3, "get_object", Bucket=bucket, Key=key, PartNumber=1, ChecksumMode="ENABLED")
    c(s3, "head_object", Bucket=bucket, Key=key, PartNumber=1)
    c(s3, "get_object", Bucket=bucket, Key=key, IfMatch=etag)
    c(s3, "get_object", Bucket=bucket, Key=key, Range="bytes=99999-")  # InvalidRange
    c(s3, "get_object", Bucket=bucket, Key=key, PartNumber=99)  # InvalidPartNumber
    c(s3, "get_object", Bucket=bucket, Key=key, PartNumber=1, Range="bytes=0-1")
    c(s3, "get_object", Bucket=bucket, Key=key, IfMatch='"other"')  # PreconditionFailed
    c(s3, "head_object", Bucket=bucket, Key=key, IfMatch='"other"')  # 412, no body
    c(s3, "get_object", Bucket=bucket, Key=key + "-missing")  # NoSuchKey
    c(s3, "head_object", Bucket=bucket, Key=key + "-missing")  # 404, no body


def _glacier_scenario(s: Script, sc: Any) -> None:
    g = s.client("glacier")
    c = s.call
    size = str(sc.page_size)
    if sc.kind == "glacier-listing":
        operation, target = "list_multipart_uploads", {"vaultName": sc.vault}
    else:
        operation, target = "list_parts", {"vaultName": sc.vault, "uploadId": sc.upload.upload_id}
    if not sc.plan:
        s.pages(g, operation, **target)
    # A loop that reads r["Marker"] (BUG-12d), following string end markers (BUG-12e).
    params: dict[str, Any] = {**target, "limit": size}
    for page in range(1, 6):
        r = c(g, operation, **params)
        sc.between_pages(page)
        if not r:
            break
        try:
            params["marker"] = r["Marker"]
        except KeyError:
            s.record("KeyError", "Marker")
            break
    c(g, operation, **target, marker="null")
    c(g, "describe_vault", vaultName=sc.vault)
    c(g, "list_vaults")
    c(g, "create_vault", vaultName=sc.vault)
    new = c(g, "initiate_multipart_upload", vaultName=sc.vault, partSize=str(MiB))
    new_id = new["uploadId"] if new else "none"
    c(
        g,
        "upload_multipart_part",
        vaultName=sc.vault,
        uploadId=new_id,
        body=b"abc",
        range="bytes 0-2/*",
    )
    c(g, "list_parts", vaultName=sc.vault, uploadId=new_id)
    tree = calculate_tree_hash(io.BytesIO(b"abc"))
    c(
        g,
        "complete_multipart_upload",
        vaultName=sc.vault,
        uploadId=new_id,
        archiveSize="3",
        checksum=tree,
    )
    victim = s.mpu.glacier.uploads(sc.vault)[0].upload_id
    c(g, "abort_multipart_upload", vaultName=sc.vault, uploadId=victim)
    c(g, "list_multipart_uploads", vaultName=sc.vault, limit="3")
    c(g, "delete_vault", vaultName=sc.vault)  # refused: written to


def _compact_s3(s: Script) -> None:
    s3 = s.client("s3")
    c = s.call
    c(s3, "create_bucket", Bucket="side-bkt")
    c(s3, "head_bucket", Bucket="side-bkt")
    up = c(s3, "create_multipart_upload", Bucket="side-bkt", Key="k")
    upload_id = up["UploadId"] if up else "none"
    part = c(
        s3, "upload_part", Bucket="side-bkt", Key="k", UploadId=upload_id, PartNumber=1, Body=b"x"
    )
    c(s3, "list_parts", Bucket="side-bkt", Key="k", UploadId=upload_id)
    c(s3, "list_multipart_uploads", Bucket="side-bkt")
    parts = {"Parts": [{"PartNumber": 1, "ETag": _etag(part)}]}
    c(
        s3,
        "complete_multipart_upload",
        Bucket="side-bkt",
        Key="k",
        UploadId=upload_id,
        MultipartUpload=parts,
    )
    object_reads(s, s3, "side-bkt", "k")
    c(s3, "abort_multipart_upload", Bucket="side-bkt", Key="k", UploadId=upload_id)
    c(s3, "delete_bucket", Bucket="side-bkt")


def _compact_glacier(s: Script) -> None:
    g = s.client("glacier")
    c = s.call
    c(g, "create_vault", vaultName="side")
    c(g, "describe_vault", vaultName="side")
    c(g, "list_vaults")
    up = c(g, "initiate_multipart_upload", vaultName="side", partSize=str(MiB))
    upload_id = up["uploadId"] if up else "none"
    c(
        g,
        "upload_multipart_part",
        vaultName="side",
        uploadId=upload_id,
        body=b"x",
        range="bytes 0-0/*",
    )
    c(g, "list_parts", vaultName="side", uploadId=upload_id)
    c(g, "list_multipart_uploads", vaultName="side")
    tree = calculate_tree_hash(io.BytesIO(b"x"))
    c(
        g,
        "complete_multipart_upload",
        vaultName="side",
        uploadId=upload_id,
        archiveSize="1",
        checksum=tree,
    )
    c(g, "abort_multipart_upload", vaultName="side", uploadId=upload_id)
    c(g, "delete_vault", vaultName="side")


def scenario_script(s: Script) -> None:
    sc = s.mpu.scenario
    if sc.service == "s3":
        _s3_scenario(s, sc)
        _compact_glacier(s)
    else:
        _glacier_scenario(s, sc)
        _compact_s3(s)


# ------------------------------------------------------------------------------------- tests

ALL_OPERATIONS = {f"{service}.{op}" for service, op in SERVED}


def test_the_dict_path_answers_every_served_operation() -> None:
    assert set(parsed_path.answers()) == set(SERVED)


@pytest.mark.parametrize("scenario", scenarios.catalog(faults=True), ids=lambda s: s.name)
def test_every_scenario_gives_the_same_responses(
    scenario: scenarios.Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, dict_run = differential(scenario_script, monkeypatch, scenario=scenario, loop_guard=3)
    service = scenario.service
    own = {op for op in ALL_OPERATIONS if op.startswith(service + ".")}
    assert own <= set(dict_run.answered), own - set(dict_run.answered)
    assert not dict_run.fell_back


def test_every_operation_and_error_path_gives_the_same_responses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def script(s: Script) -> None:
        s3_every_operation(s)
        glacier_every_operation(s)

    wire, dict_run = differential(script, monkeypatch, keep_bodies=True)
    assert set(dict_run.answered) == ALL_OPERATIONS
    # BadDigest (UploadPart, then CompleteMultipartUpload) is retried by botocore's legacy
    # retry handler, so those two calls went through the wire path (5 attempts each). The
    # whole-object GetObject reads of crc.bin carry a CRC32 that the dict path validates while
    # the body is read, as botocore does on the wire path (same outcomes, no fallback).
    assert dict_run.fell_back == Counter({"s3.UploadPart": 1, "s3.CompleteMultipartUpload": 1})
    bad_digests = [o for o in wire.outcomes if o[0] == "error" and "BadDigest" in o[4]]
    assert [o[3]["ResponseMetadata"]["RetryAttempts"] for o in bad_digests] == [4, 4]


def test_injected_faults_force_the_wire_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def script(s: Script) -> None:
        standard = s.client("s3", retries={"mode": "standard", "max_attempts": 3})
        g = s.client("glacier", retries={"mode": "standard", "max_attempts": 2})
        c = s.call
        faults = s.mpu.faults
        c(standard, "create_bucket", Bucket="bkt")
        up = c(standard, "create_multipart_upload", Bucket="bkt", Key="k")
        upload_id = up["UploadId"] if up else "none"
        part = c(
            standard,
            "upload_part",
            Bucket="bkt",
            Key="k",
            UploadId=upload_id,
            PartNumber=1,
            Body=b"x",
        )
        faults.fail("s3:ListParts", "SlowDown", times=2)
        c(standard, "list_parts", Bucket="bkt", Key="k", UploadId=upload_id)
        c(
            standard, "list_parts", Bucket="bkt", Key="k", UploadId=upload_id
        )  # exhausted: still wire
        faults.fail("s3:HeadBucket", "ServiceUnavailable", times=None)
        c(standard, "head_bucket", Bucket="bkt")
        faults.fail("s3:CompleteMultipartUpload", "InternalError", status=200)
        parts = {"Parts": [{"PartNumber": 1, "ETag": _etag(part)}]}
        c(
            standard,
            "complete_multipart_upload",
            Bucket="bkt",
            Key="k",
            UploadId=upload_id,
            MultipartUpload=parts,
        )
        faults.fail("s3:ListMultipartUploads", "AccessDenied", nth=2)
        for _ in range(3):
            c(standard, "list_multipart_uploads", Bucket="bkt")
        c(g, "create_vault", vaultName="v")
        faults.fail("glacier:ListVaults", "ThrottlingException")
        c(g, "list_vaults")
        faults.fail("glacier:DescribeVault", "ServiceUnavailableException", times=None)
        c(g, "describe_vault", vaultName="v")
        faults.clear()
        c(standard, "list_parts", Bucket="bkt", Key="k", UploadId=upload_id)  # dict path again
        c(g, "describe_vault", vaultName="v")

    _, dict_run = differential(script, monkeypatch)
    assert dict_run.fell_back == Counter(
        {
            "s3.ListParts": 2,
            "s3.HeadBucket": 1,
            "s3.CompleteMultipartUpload": 1,
            "s3.ListMultipartUploads": 3,
            "glacier.ListVaults": 1,
            "glacier.DescribeVault": 1,
        }
    )
    assert dict_run.answered == Counter(
        {
            "s3.CreateBucket": 1,
            "s3.CreateMultipartUpload": 1,
            "s3.UploadPart": 1,
            "s3.ListParts": 1,
            "glacier.CreateVault": 1,
            "glacier.DescribeVault": 1,
        }
    )


def test_the_loop_guard_counts_the_same_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    def arrange(mpu: MpuMock) -> None:
        mpu.s3.create_bucket("bkt")
        for i in range(3):
            mpu.s3.create_multipart_upload("bkt", f"k{i}", parts=[1, 2, 3])
        mpu.glacier.create_vault("v")
        mpu.glacier.initiate_multipart_upload("v", parts=3)

    def script(s: Script) -> None:
        s3 = s.client("s3")
        g = s.client("glacier")
        c = s.call
        for _ in range(3):  # the same answer 3 times is allowed, the 4th is a loop
            c(s3, "list_multipart_uploads", Bucket="bkt", MaxUploads=1)
        c(s3, "create_multipart_upload", Bucket="bkt", Key="a")  # the answer changes: count anew
        for _ in range(4):
            c(s3, "list_multipart_uploads", Bucket="bkt", MaxUploads=1)
        upload = s.mpu.s3.uploads("bkt")[1]
        for _ in range(5):
            c(s3, "list_parts", Bucket="bkt", Key=upload.key, UploadId=upload.upload_id, MaxParts=1)
        for _ in range(5):
            c(s3, "list_parts", Bucket="bkt", Key="nope", UploadId="nope")  # errors count too
        glacier_upload = s.mpu.glacier.uploads("v")[0].upload_id
        for _ in range(5):
            c(g, "list_parts", vaultName="v", uploadId=glacier_upload, limit="1")
            c(g, "list_vaults")

    wire, _ = differential(script, monkeypatch, setup=arrange, loop_guard=3)
    # One loop per position; the first listing (the answer changed in between) trips once,
    # the four others twice each.
    assert len(wire.loops) == 5
    raised = [o[2][1] for o in wire.outcomes if o[0] == "raised"]
    assert raised == ["ListingLoopError"] * 9


def test_strings_xml_cannot_carry_go_through_the_wire_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def script(s: Script) -> None:
        s3 = s.client("s3")
        raw = s.client("s3", parameter_validation=False)
        c = s.call
        c(s3, "create_bucket", Bucket="bkt")
        up = c(s3, "create_multipart_upload", Bucket="bkt", Key="bell\x07.bin")  # parser fails
        c(s3, "create_multipart_upload", Bucket="bkt", Key="tab\t and\r\nnewlines ")  # fine
        c(s3, "list_multipart_uploads", Bucket="bkt")  # lists the bell: parser fails
        c(s3, "list_multipart_uploads", Bucket="bkt", EncodingType="url")  # encoded: fine
        c(raw, "list_multipart_uploads", Bucket="bkt", MaxUploads="\x01")  # echoed in the error
        c(raw, "list_parts", Bucket="bkt", Key="bell\x07.bin", UploadId="\x02")
        upload_id = s.mpu.s3.uploads("bkt", key="bell\x07.bin")[0].upload_id
        part = c(
            s3,
            "upload_part",
            Bucket="bkt",
            Key="bell\x07.bin",
            UploadId=upload_id,
            PartNumber=1,
            Body=b"x",
        )
        c(s3, "list_parts", Bucket="bkt", Key="bell\x07.bin", UploadId=upload_id)
        parts = {"Parts": [{"PartNumber": 1, "ETag": _etag(part)}]}
        c(
            s3,
            "complete_multipart_upload",
            Bucket="bkt",
            Key="bell\x07.bin",
            UploadId=upload_id,
            MultipartUpload=parts,
        )
        s.record("created", up is not None)

    _, dict_run = differential(script, monkeypatch)
    assert dict_run.fell_back == Counter(
        {
            "s3.CreateMultipartUpload": 1,
            "s3.ListMultipartUploads": 2,
            "s3.ListParts": 2,
            "s3.CompleteMultipartUpload": 1,
        }
    )


def test_errors_botocore_may_retry_go_through_the_wire_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whatever the semantics answer: a 5xx here, which botocore's retry handler retries."""
    from mockmpu.core.errors import ServiceError
    from mockmpu.s3 import semantics as _s3

    def broken(state: Any, name: str) -> Any:
        raise ServiceError("InternalError", "We encountered an internal error.", 500)

    monkeypatch.setattr(_s3, "head_bucket", broken)

    def script(s: Script) -> None:
        s3 = s.client("s3", retries={"mode": "standard", "max_attempts": 2})
        s.call(s3, "create_bucket", Bucket="bkt")
        s.call(s3, "head_bucket", Bucket="bkt")

    wire, dict_run = differential(script, monkeypatch)
    assert wire.outcomes[-1][3]["ResponseMetadata"]["RetryAttempts"] == 2
    assert dict_run.fell_back == Counter({"s3.HeadBucket": 1})
    assert dict_run.answered == Counter({"s3.CreateBucket": 1})


def test_the_retry_rule_covers_botocores_retry_config() -> None:
    """Every error botocore's legacy config or standard mode retries counts as retried."""
    from botocore.loaders import create_loader
    from botocore.retries.standard import ThrottledRetryableChecker, TransientRetryableChecker

    session = boto3.session.Session()._session
    config = create_loader().load_data("_retry")
    for service in ("s3", "glacier"):
        model = session.get_service_model(service).operation_model("ListParts")
        sections = [config["retry"]["__default__"], *config["retry"].get(service, {}).values()]
        for section in sections:
            for policy in section["policies"].values():
                policy = config["definitions"].get(policy.get("$ref"), policy)
                response = policy["applies_when"].get("response")
                if response is None:
                    continue
                code = response.get("service_error_code")
                status = response.get("http_status_code", 400)
                assert parsed_core.retried_by_botocore(service, model, code, status), policy
        for code in (
            *TransientRetryableChecker._TRANSIENT_ERROR_CODES,
            *ThrottledRetryableChecker._THROTTLED_ERROR_CODES,
        ):
            assert parsed_core.retried_by_botocore(service, model, code, 400), code
        for code, status in (("NoSuchUpload", 404), ("InvalidArgument", 400), (None, 404)):
            assert not parsed_core.retried_by_botocore(service, model, code, status)


def test_paginators_and_resources_see_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    def arrange(mpu: MpuMock) -> None:
        mpu.s3.create_bucket("bkt")
        for i in range(25):
            mpu.s3.create_multipart_upload("bkt", f"dir/{i % 4}/k{i % 7}", parts=[1, 3])
        mpu.glacier.create_vault("v")
        for _ in range(7):
            mpu.glacier.initiate_multipart_upload("v", parts=2, description="d")

    def script(s: Script) -> None:
        s3 = s.client("s3")
        s.pages(s3, "list_multipart_uploads", Bucket="bkt", PaginationConfig={"PageSize": 4})
        s.pages(s3, "list_multipart_uploads", Bucket="bkt", Delimiter="/", Prefix="dir/")
        s.pages(s3, "list_multipart_uploads", Bucket="bkt", PaginationConfig={"MaxItems": 6})
        resource = boto3.resource("s3", region_name="us-east-1")
        bucket = resource.Bucket("bkt")
        uploads = list(bucket.multipart_uploads.all())
        s.record("resource uploads", [u.meta.data for u in uploads])
        s.record("resource attributes", [(u.key, u.id, u.initiated, u.initiator) for u in uploads])
        s.record("resource parts", [p.meta.data for p in uploads[0].parts.all()])
        upload = resource.Object("bkt", "new.bin").initiate_multipart_upload()
        part = upload.Part(1).upload(Body=b"data")
        done = upload.complete(MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
        s.record("resource complete", done.meta.data)
        glacier = boto3.resource("glacier", region_name="us-east-1")
        vault = glacier.Vault("-", "v")
        s.record("glacier uploads", [u.meta.data for u in vault.multipart_uplaods.all()])
        vault.load()
        s.record("glacier vault", vault.meta.data)
        g = s.client("glacier")
        s.pages(g, "list_multipart_uploads", vaultName="v", PaginationConfig={"PageSize": "2"})

    _, dict_run = differential(script, monkeypatch, setup=arrange)
    assert not dict_run.fell_back
    assert dict_run.answered["s3.ListMultipartUploads"] >= 10


def test_an_unreadable_body_goes_through_the_wire_path(monkeypatch: pytest.MonkeyPatch) -> None:
    class Unseekable(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self._data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            chunk = self._data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    def script(s: Script) -> None:
        http = s.client("s3", endpoint_url="http://127.0.0.1:9000")
        g = s.client("glacier")
        s.call(http, "create_bucket", Bucket="bkt")
        up = s.call(http, "create_multipart_upload", Bucket="bkt", Key="k")
        upload_id = up["UploadId"] if up else "none"
        body = Unseekable(b"payload")
        s.call(
            http, "upload_part", Bucket="bkt", Key="k", UploadId=upload_id, PartNumber=1, Body=body
        )
        s.call(http, "list_parts", Bucket="bkt", Key="k", UploadId=upload_id)
        s.call(g, "create_vault", vaultName="v")

    wire, dict_run = differential(script, monkeypatch)
    # botocore itself cannot use it (it seeks to compute the checksum); the same either way.
    assert wire.outcomes[2][:3] == ("raised", "upload_part", ("io", "UnsupportedOperation"))
    assert dict_run.fell_back == Counter({"s3.UploadPart": 1})


def test_a_custom_timestamp_parser_is_followed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Clients built while botocore's default timestamp parser is replaced use the new one."""
    plus_two = timezone(timedelta(hours=2), "TEST")
    default = botocore.parsers.DEFAULT_TIMESTAMP_PARSER

    def parser(value: str) -> datetime:
        result: datetime = default(value).astimezone(plus_two)
        return result

    monkeypatch.setattr(botocore.parsers, "DEFAULT_TIMESTAMP_PARSER", parser)

    def arrange(mpu: MpuMock) -> None:
        mpu.s3.create_bucket("bkt")
        mpu.s3.create_multipart_upload("bkt", "k", parts=[1])

    def script(s: Script) -> None:
        s3 = s.client("s3")
        r = s.call(s3, "list_multipart_uploads", Bucket="bkt")
        upload = r["Uploads"][0] if r else {}
        s.call(s3, "list_parts", Bucket="bkt", Key="k", UploadId=upload.get("UploadId", ""))
        s.record("tz", upload["Initiated"].tzinfo)

    wire, _ = differential(script, monkeypatch, setup=arrange)
    assert wire.outcomes[-1][2] is plus_two


@given(
    when=st.datetimes(
        min_value=datetime(1, 1, 1),
        max_value=datetime(9999, 12, 30),
        timezones=st.just(timezone.utc),
    )
)
@settings(max_examples=200, deadline=None)
def test_timestamps_are_what_botocores_parser_returns(when: datetime) -> None:
    from mockmpu.s3.codec import timestamp

    convert = s3_replies.timestamp_converter()
    try:
        expected = botocore.parsers.DEFAULT_TIMESTAMP_PARSER(timestamp(when))
    except ValueError:
        with pytest.raises(parsed_core.WireFallback):
            convert(when)
        return
    assert_same(expected, convert(when), "timestamp")


# ---------------------------------------------------------------------------- hypothesis: pages

KEY_CHARS = st.sampled_from(["a", "b", "/", " ", "%", "+", "\u00fc", "~", "&", "<", ".", "-"])
KEYS = st.lists(st.text(KEY_CHARS, min_size=1, max_size=4), min_size=0, max_size=8)


@st.composite
def listing_params(draw: Any) -> tuple[list[str], dict[str, Any]]:
    keys = draw(KEYS)
    params: dict[str, Any] = {}
    if draw(st.booleans()):
        params["MaxUploads"] = draw(st.integers(min_value=0, max_value=5))
    marker = draw(
        st.one_of(st.none(), st.sampled_from(keys or ["a"]), st.text(KEY_CHARS, max_size=3))
    )
    if marker is not None:
        params["KeyMarker"] = marker
        choice = draw(st.sampled_from(["none", "same-key", "first", "empty", "bogus"]))
        if choice != "none":
            params["UploadIdMarker"] = choice  # resolved to an id in the script
    if draw(st.booleans()):
        params["Prefix"] = draw(st.text(KEY_CHARS, max_size=2))
    if draw(st.booleans()):
        params["Delimiter"] = draw(st.sampled_from(["/", " ", "b", "%"]))
    if draw(st.booleans()):
        params["EncodingType"] = "url"
    return keys, params


@given(case=listing_params(), strict=st.booleans(), omit=st.booleans())
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_listing_page_is_the_same(
    case: tuple[list[str], dict[str, Any]],
    strict: bool,
    omit: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    keys, params = case

    def arrange(mpu: MpuMock) -> None:
        mpu.s3.create_bucket("bkt")
        for i, key in enumerate(keys):
            mpu.s3.create_multipart_upload("bkt", key, initiated=T0 - timedelta(seconds=i % 3))
        mpu.faults.strict_empty_markers = strict
        mpu.faults.omit_next_upload_id_marker = omit

    def script(s: Script) -> None:
        kw = dict(params)
        ids = [u.upload_id for u in s.mpu.s3.uploads("bkt")]
        same_key = [u.upload_id for u in s.mpu.s3.uploads("bkt") if u.key == kw.get("KeyMarker")]
        choice = kw.get("UploadIdMarker")
        if choice is not None:
            kw["UploadIdMarker"] = {
                "same-key": same_key[0] if same_key else "bogus",
                "first": ids[0] if ids else "bogus",
                "empty": "",
                "bogus": "bogus-id",
            }[choice]
        s3 = s.client("s3")
        s.call(s3, "list_multipart_uploads", Bucket="bkt", **kw)
        s.pages(s3, "list_multipart_uploads", Bucket="bkt", PaginationConfig={"PageSize": 2})

    _, dict_run = differential(script, monkeypatch, setup=arrange)
    assert dict_run.answered["s3.ListMultipartUploads"] >= 2
    assert not dict_run.fell_back


@given(
    numbers=st.lists(st.integers(min_value=1, max_value=10000), max_size=8, unique=True),
    max_parts=st.one_of(st.none(), st.integers(min_value=-1, max_value=5), st.just("x")),
    marker=st.one_of(st.none(), st.integers(min_value=-1, max_value=10001), st.just("")),
    stuck=st.booleans(),
    algorithm=st.sampled_from([None, "SHA256", "CRC32", "CRC32C"]),
)
@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_parts_page_is_the_same(
    numbers: list[int],
    max_parts: Any,
    marker: Any,
    stuck: bool,
    algorithm: str | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def arrange(mpu: MpuMock) -> None:
        mpu.s3.create_bucket("bkt")
        mpu.faults.stuck_next_part_number_marker = stuck

    def script(s: Script) -> None:
        s3 = s.client("s3", parameter_validation=False)
        create = {"ChecksumAlgorithm": algorithm} if algorithm else {}
        up = s.call(s3, "create_multipart_upload", Bucket="bkt", Key="k", **create)
        upload_id = up["UploadId"] if up else "none"
        extra = {"ChecksumAlgorithm": algorithm} if algorithm in ("SHA256", "CRC32") else {}
        for n in numbers:
            s.call(
                s3,
                "upload_part",
                Bucket="bkt",
                Key="k",
                UploadId=upload_id,
                PartNumber=n,
                Body=str(n).encode(),
                **extra,
            )
        kw: dict[str, Any] = {}
        if max_parts is not None:
            kw["MaxParts"] = max_parts
        if marker is not None:
            kw["PartNumberMarker"] = marker
        s.call(s3, "list_parts", Bucket="bkt", Key="k", UploadId=upload_id, **kw)

    _, dict_run = differential(script, monkeypatch, setup=arrange)
    assert dict_run.answered["s3.ListParts"] == 1
    assert not dict_run.fell_back


@given(
    uploads=st.integers(min_value=0, max_value=7),
    limit=st.one_of(st.none(), st.sampled_from(["1", "2", "3", "50", "0", "51", "x", ""])),
    style=st.sampled_from(["null", "absent", "string-null", "string-None"]),
    unknown=st.sampled_from(["error", "restart"]),
    marker=st.sampled_from([None, "", "null", "junk", "next"]),
)
@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_glacier_page_is_the_same(
    uploads: int,
    limit: str | None,
    style: str,
    unknown: str,
    marker: str | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def arrange(mpu: MpuMock) -> None:
        mpu.glacier.create_vault("v")
        for i in range(uploads):
            mpu.glacier.initiate_multipart_upload(
                "v", parts=i % 3, description=f"u{i}" if i % 2 else None
            )
        mpu.state.behaviour.glacier_end_marker = style
        mpu.state.behaviour.glacier_unknown_marker = unknown

    def script(s: Script) -> None:
        g = s.client("glacier", parameter_validation=False)
        kw: dict[str, Any] = {} if limit is None else {"limit": limit}
        for operation, target in (
            ("list_multipart_uploads", {"vaultName": "v"}),
            ("list_parts", {"vaultName": "v", "uploadId": _first_glacier_upload(s)}),
            ("list_vaults", {}),
        ):
            first = s.call(g, operation, **target, **kw) or {}
            extra = dict(kw)
            if marker == "next":
                extra["marker"] = first.get("Marker", "")
            elif marker is not None:
                extra["marker"] = marker
            s.call(g, operation, **target, **extra)

    _, dict_run = differential(script, monkeypatch, setup=arrange)
    assert sum(dict_run.answered.values()) == 6
    assert not dict_run.fell_back


def _first_glacier_upload(s: Script) -> str:
    uploads = s.mpu.glacier.uploads("v")
    return uploads[-1].upload_id if uploads else "none"


# ------------------------------------------------------------------------------ the option


def test_wire_takes_a_bool() -> None:
    with pytest.raises(MockmpuError, match="wire= takes True or False"):
        mock_mpu(wire="no")  # type: ignore[arg-type]


def test_the_decorator_keeps_wire_false_for_each_call() -> None:
    seen: list[bool] = []

    @mock_mpu(wire=False)
    def body() -> None:
        handle = _current()
        seen.append(handle.wire)
        s3 = boto3.session.Session().client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="bkt")
        assert handle.calls.last.operation == "CreateBucket"

    body()
    body()
    assert seen == [False, False]


def _current() -> MpuMock:
    from mockmpu.core import activation as _activation

    handle = _activation.current()
    assert handle is not None
    return handle


@pytest.mark.mpu_mock(wire=False)
def test_the_pytest_marker_takes_wire(mpu_mock: MpuMock, s3: Any) -> None:
    s3.create_bucket(Bucket="bkt")
    assert mpu_mock.wire is False
    assert s3.head_bucket(Bucket="bkt")["BucketRegion"] == "us-east-1"


def test_unmocked_calls_are_refused_as_in_wire_mode() -> None:
    from mockmpu import UnmockedCallError

    with mock_mpu(wire=False) as mpu:
        s3 = boto3.session.Session().client("s3", region_name="us-east-1")
        with pytest.raises(UnmockedCallError, match="S3 DeleteObject"):
            s3.delete_object(Bucket="bkt", Key="k")
        assert mpu.unmocked
        mpu.unmocked.clear()


def test_header_members_are_parsed_as_botocore_parses_them() -> None:
    """Every kind of non-body member, against botocore's own rest-xml parser (HeadObject)."""
    from botocore.awsrequest import HeadersDict
    from botocore.parsers import RestXMLParser

    shape = _SESSION._session.get_service_model("s3").operation_model("HeadObject").output_shape
    headers = {
        "last-modified": "Wed, 12 Oct 2009 17:50:00 GMT",
        "content-length": "3",
        "x-amz-delete-marker": "true",
        "x-amz-server-side-encryption-bucket-key-enabled": "True",
        "x-amz-meta-owner": "me",
        "x-amz-meta-empty": "",
        "etag": '"abc"',
        "x-amz-mp-parts-count": "4",
        "x-amz-object-lock-retain-until-date": "2030-01-01T00:00:00.000Z",
    }
    expected = RestXMLParser().parse(
        {"headers": HeadersDict(headers), "status_code": 200, "body": b""}, shape
    )
    expected.pop("ResponseMetadata")
    model = types.SimpleNamespace(output_shape=shape)
    assert parsed_path.headers_parsable(model)
    parsed: dict[str, Any] = {}
    parsed_core.parse_header_members(shape, headers, parsed, xml=True, status=200)
    assert_same(expected, parsed, "HeadObject")
