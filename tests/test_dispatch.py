"""The front door: ``dispatch()`` answers the raw requests botocore builds, from the request alone.

The differential tests run a workflow through a real botocore client under a mock, capturing
every request exactly as botocore prepared it (the ``AWSPreparedRequest``'s method, URL, headers
and body, as the botocore transport hands them to the dispatcher) and the response bytes botocore
then parsed. The same requests, with no operation hint, no region and no API parameters, are
then given to ``dispatch()`` against a second mock with the same seed and frozen clock: every
response must be byte-identical (status, headers, body), and the two states must end equal.

The routing tests pin down how a request is read: percent-decoding of keys, the hint check,
how unserved operations are named, and where the region comes from.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.utils import calculate_tree_hash

from mockmpu import MockmpuError, MpuMock, mock_mpu
from mockmpu.core.wire import HttpRequest, WireRequest, WireResponse
from mockmpu.dispatch import NotServed, dispatch, read_body, route
from mockmpu.scenarios.store import dumps_state
from mockmpu.services import SERVED
from mockmpu.transports import botocore as transport

T0 = datetime(2024, 3, 1, 12, 30, 15, tzinfo=timezone.utc)
MiB = 1024 * 1024
#: Keys that exercise botocore's path encoding and S3's decoding.
KEYS = ("dir/a+b c/\u00e9t\u00e9 \u2603.txt", "//lead//double/", "plain")

S3_OPERATIONS = {op for service, op in SERVED if service == "s3"}
GLACIER_OPERATIONS = {op for service, op in SERVED if service == "glacier"}


@dataclass(frozen=True)
class Exchange:
    """One request as botocore prepared it, and the response botocore was given."""

    hint: tuple[str, str]
    request: HttpRequest
    status: int
    headers: dict[str, str]
    body: bytes


@contextmanager
def recording(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Exchange]]:
    """Capture every request the botocore transport routes, and the answer it serves."""
    real_route, real_serve = transport.route, transport.serve
    exchanges: list[Exchange] = []
    pending: list[tuple[tuple[str, str], HttpRequest]] = []

    def route_spy(request: HttpRequest, **options: Any) -> WireRequest | NotServed:
        # Read the body once (an aws-chunked stream cannot be read twice); hand the bytes on.
        body = read_body(request.body)
        raw = HttpRequest(request.method, request.url, dict(request.headers.items()), body)
        pending.append((options["hint"], raw))
        return real_route(raw, **options)

    def serve_spy(target: Any, handler: Any, request: WireRequest, *args: Any) -> WireResponse:
        reply = real_serve(target, handler, request, *args)
        hint, raw = pending.pop()
        assert hint == (request.service, request.operation)
        exchanges.append(Exchange(hint, raw, reply.status, dict(reply.headers), reply.body))
        return reply

    with monkeypatch.context() as patch:
        patch.setattr(transport, "route", route_spy)
        patch.setattr(transport, "serve", serve_spy)
        yield exchanges
    assert not pending, "a routed request was not served"


def _s3_workflow(client: Any, bucket: str, region: str) -> None:
    """Every served S3 operation, successes and errors, with keys botocore must encode."""
    location = {} if region == "us-east-1" else {"LocationConstraint": region}
    client.create_bucket(
        Bucket=bucket, **({"CreateBucketConfiguration": location} if location else {})
    )
    client.head_bucket(Bucket=bucket)
    uploads = [client.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"] for key in KEYS]
    first = client.upload_part(
        Bucket=bucket, Key=KEYS[0], UploadId=uploads[0], PartNumber=1, Body=b"a" * (5 * MiB)
    )
    second = client.upload_part(
        Bucket=bucket, Key=KEYS[0], UploadId=uploads[0], PartNumber=2, Body=io.BytesIO(b"tail")
    )
    client.upload_part(Bucket=bucket, Key=KEYS[1], UploadId=uploads[1], PartNumber=3, Body=b"x")
    page = client.list_parts(Bucket=bucket, Key=KEYS[0], UploadId=uploads[0], MaxParts=1)
    client.list_parts(
        Bucket=bucket,
        Key=KEYS[0],
        UploadId=uploads[0],
        PartNumberMarker=page["NextPartNumberMarker"],
    )
    listed = client.list_multipart_uploads(Bucket=bucket, MaxUploads=1)
    client.list_multipart_uploads(
        Bucket=bucket,
        KeyMarker=listed["NextKeyMarker"],
        UploadIdMarker=listed["NextUploadIdMarker"],
    )
    client.list_multipart_uploads(Bucket=bucket, Prefix="dir/", Delimiter="/", EncodingType="url")
    client.complete_multipart_upload(
        Bucket=bucket,
        Key=KEYS[0],
        UploadId=uploads[0],
        MultipartUpload={
            "Parts": [
                {"PartNumber": 1, "ETag": first["ETag"]},
                {"PartNumber": 2, "ETag": second["ETag"]},
            ]
        },
    )
    client.abort_multipart_upload(Bucket=bucket, Key=KEYS[1], UploadId=uploads[1])
    client.head_object(Bucket=bucket, Key=KEYS[0])
    client.get_object(Bucket=bucket, Key=KEYS[0], Range="bytes=5242878-")["Body"].read()
    client.get_object(Bucket=bucket, Key=KEYS[0], PartNumber=2)["Body"].read()
    with pytest.raises(ClientError, match="NoSuchKey"):
        client.get_object(Bucket=bucket, Key=KEYS[2])
    with pytest.raises(ClientError, match="NoSuchUpload"):
        client.list_parts(Bucket=bucket, Key=KEYS[1], UploadId=uploads[1])
    with pytest.raises(ClientError, match="404"):
        client.head_bucket(Bucket=bucket + "-missing")
    with pytest.raises(ClientError, match="BucketNotEmpty"):
        client.delete_bucket(Bucket=bucket)
    client.create_bucket(
        Bucket=bucket + "-2", **({"CreateBucketConfiguration": location} if location else {})
    )
    client.delete_bucket(Bucket=bucket + "-2")


def _glacier_workflow(client: Any) -> None:
    """Every served Glacier operation, successes and errors."""
    client.create_vault(vaultName="photos")
    client.create_vault(vaultName="empty")
    client.describe_vault(vaultName="photos")
    page = client.list_vaults(limit="1")
    client.list_vaults(marker=page["Marker"])
    with pytest.raises(ClientError, match="InvalidParameterValueException"):
        # Glacier takes printable ASCII only.
        client.initiate_multipart_upload(
            vaultName="photos", partSize=str(MiB), archiveDescription="2024 \u00e9t\u00e9"
        )
    upload = client.initiate_multipart_upload(
        vaultName="photos", partSize=str(MiB), archiveDescription="summer 2024"
    )["uploadId"]
    data = b"p" * MiB + b"q" * 100
    client.upload_multipart_part(
        vaultName="photos", uploadId=upload, range=f"bytes 0-{MiB - 1}/*", body=data[:MiB]
    )
    client.upload_multipart_part(
        vaultName="photos",
        uploadId=upload,
        range=f"bytes {MiB}-{len(data) - 1}/*",
        body=io.BytesIO(data[MiB:]),
    )
    client.list_parts(vaultName="photos", uploadId=upload, limit="1")
    other = client.initiate_multipart_upload(vaultName="photos", partSize=str(MiB))["uploadId"]
    client.list_multipart_uploads(vaultName="photos")
    client.complete_multipart_upload(
        vaultName="photos",
        uploadId=upload,
        archiveSize=str(len(data)),
        checksum=calculate_tree_hash(io.BytesIO(data)),
    )
    client.abort_multipart_upload(vaultName="photos", uploadId=other)
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        client.list_parts(vaultName="photos", uploadId=other)
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        client.describe_vault(vaultName="missing")
    client.delete_vault(vaultName="empty")


def _run(
    monkeypatch: pytest.MonkeyPatch, workflow: Callable[[], None]
) -> tuple[MpuMock, list[Exchange]]:
    with mock_mpu(seed=7, clock=T0) as mpu, recording(monkeypatch) as exchanges:
        workflow()
    return mpu, exchanges


def _replay(
    through_client: MpuMock, exchanges: list[Exchange], endpoint_hosts: tuple[str, ...] = ()
) -> MpuMock:
    """Give the captured requests to dispatch() alone; assert byte-identical answers."""
    replayed = mock_mpu(seed=7, clock=T0)  # never started: the dispatcher needs no activation
    for exchange in exchanges:
        reply = dispatch(replayed, exchange.request, endpoint_hosts=endpoint_hosts)
        assert isinstance(reply, WireResponse), (exchange.hint, reply)
        where = f"{exchange.hint[1]} {exchange.request.method} {exchange.request.url}"
        assert reply.status == exchange.status, where
        assert reply.headers == exchange.headers, where
        assert reply.body == exchange.body, where
    assert dumps_state(replayed.state) == dumps_state(through_client.state)
    outcomes = [(c.service, c.operation, c.status, c.error_code) for c in replayed.calls]
    assert outcomes == [
        (c.service, c.operation, c.status, c.error_code) for c in through_client.calls
    ]
    return replayed


S3_CASES = {
    # name: (client region, bucket, client options, URL prefix botocore sends, endpoint hosts)
    "path-style": (
        "us-west-2",
        "bkt",
        {"config": Config(s3={"addressing_style": "path"})},
        "https://s3.us-west-2.amazonaws.com/bkt/",
        (),
    ),
    "virtual-hosted": ("us-west-2", "bkt", {}, "https://bkt.s3.us-west-2.amazonaws.com/", ()),
    "virtual-hosted-us-east-1": ("us-east-1", "bkt", {}, "https://bkt.s3.amazonaws.com/", ()),
    "dotted-bucket-sent-path-style": (
        "eu-west-1",
        "my.dotted.bucket",
        {},
        "https://s3.eu-west-1.amazonaws.com/my.dotted.bucket/",
        (),
    ),
    # On AWS's endpoints botocore sends a dotted bucket path-style, even when asked for virtual
    # hosting; on a custom endpoint it puts it in the host.
    "dotted-bucket-custom-endpoint-virtual": (
        "us-east-1",
        "my.dotted.bucket",
        {
            "endpoint_url": "http://localhost:9000",
            "config": Config(s3={"addressing_style": "virtual"}),
        },
        "http://my.dotted.bucket.localhost:9000/",
        (),
    ),
    "custom-endpoint-localhost-virtual": (
        "us-east-1",
        "bkt",
        {
            "endpoint_url": "http://localhost:9000",
            "config": Config(s3={"addressing_style": "virtual"}),
        },
        "http://bkt.localhost:9000/",
        (),
    ),
    "custom-endpoint-virtual": (
        "us-east-1",
        "bkt",
        {
            "endpoint_url": "https://objects.example.test",
            "config": Config(s3={"addressing_style": "virtual"}),
        },
        "https://bkt.objects.example.test/",
        ("objects.example.test",),
    ),
}


@pytest.mark.parametrize("case", sorted(S3_CASES))
def test_dispatch_answers_botocores_s3_requests_byte_for_byte(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    region, bucket, options, prefix, endpoint_hosts = S3_CASES[case]
    client = boto3.session.Session().client("s3", region_name=region, **options)
    mpu, exchanges = _run(monkeypatch, lambda: _s3_workflow(client, bucket, region))
    assert {e.hint[1] for e in exchanges} == S3_OPERATIONS
    main_bucket = [
        e for e in exchanges if "-missing" not in e.request.url and "-2" not in e.request.url
    ]
    elsewhere = [e.request.url for e in main_bucket if not e.request.url.startswith(prefix[:-1])]
    assert not elsewhere
    # The keys and the bucket were read as botocore meant them (both runs share the router).
    assert list(mpu.s3.objects(bucket)) == [KEYS[0]]
    assert [u.key for u in mpu.s3.uploads(bucket)] == [KEYS[2]]
    assert mpu.state.buckets[bucket].region == region
    _replay(mpu, exchanges, endpoint_hosts)


def test_dispatch_answers_botocores_glacier_requests_byte_for_byte(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = boto3.session.Session().client("glacier", region_name="us-west-2")
    mpu, exchanges = _run(monkeypatch, lambda: _glacier_workflow(client))
    assert {e.hint[1] for e in exchanges} == GLACIER_OPERATIONS
    assert all(
        e.request.url.startswith("https://glacier.us-west-2.amazonaws.com/-/") for e in exchanges
    )
    _replay(mpu, exchanges)


def test_the_differential_cases_cover_every_served_operation() -> None:
    assert {("s3", op) for op in S3_OPERATIONS} | {
        ("glacier", op) for op in GLACIER_OPERATIONS
    } == (set(SERVED))


# ------------------------------------------------------------------------------------- routing


def _routed(url: str, method: str = "GET", **options: Any) -> WireRequest:
    routed = route(HttpRequest(method, url, options.pop("headers", {}), b""), **options)
    assert isinstance(routed, WireRequest), routed
    return routed


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("a%2Bb", "a+b"),  # botocore's encoding of "+"
        ("a+b", "a+b"),  # a path is not a form: "+" stays "+"
        ("a%20b", "a b"),
        ("caf%C3%A9/%E2%98%83", "caf\u00e9/\u2603"),
        ("%2Flead", "/lead"),
        ("/lead", "/lead"),  # "/bkt//lead": the key starts with a slash
        ("a//b/", "a//b/"),
        ("a%2Fb", "a/b"),
        ("100%25", "100%"),
    ],
)
def test_keys_are_percent_decoded_as_s3_does(raw: str, key: str) -> None:
    path_style = _routed(f"https://s3.us-west-2.amazonaws.com/bkt/{raw}?uploadId=u")
    virtual = _routed(f"https://bkt.s3.us-west-2.amazonaws.com/{raw}?uploadId=u")
    for routed in (path_style, virtual):
        assert routed.operation == "ListParts"
        assert dict(routed.labels) == {"Bucket": "bkt", "Key": key}


@pytest.mark.parametrize("style", ["path", "virtual"])
@pytest.mark.parametrize("key", [*KEYS, "a+b", "100% ok", "?#[]@!$&'()*,;=", "\u00e9\u0301"])
def test_every_key_botocore_encodes_routes_back_to_itself(
    key: str, style: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = Config(s3={"addressing_style": style})
    client = boto3.session.Session().client("s3", region_name="us-west-2", config=config)
    no_bucket = pytest.raises(ClientError, match="NoSuchBucket")
    with mock_mpu(), recording(monkeypatch) as exchanges, no_bucket:
        client.list_parts(Bucket="bkt", Key=key, UploadId="u")
    (exchange,) = exchanges
    routed = route(exchange.request)
    assert isinstance(routed, WireRequest)
    assert dict(routed.labels) == {"Bucket": "bkt", "Key": key}


def test_a_hint_that_disagrees_with_the_request_is_a_mockmpu_error() -> None:
    request = HttpRequest("POST", "https://s3.us-west-2.amazonaws.com/bkt/k?uploads")
    assert isinstance(route(request, hint=("s3", "CreateMultipartUpload")), WireRequest)
    with pytest.raises(MockmpuError, match=r"routed a POST .* as s3:CreateMultipartUpload"):
        route(request, hint=("s3", "ListParts"))


@pytest.mark.parametrize(
    ("method", "url", "headers", "operation"),
    [
        ("DELETE", "https://s3.us-west-2.amazonaws.com/bkt/a.csv", {}, "DeleteObject"),
        ("PUT", "https://bkt.s3.us-west-2.amazonaws.com/a.csv", {}, "PutObject"),
        (
            "PUT",
            "https://s3.us-west-2.amazonaws.com/bkt/a.csv?partNumber=1&uploadId=u",
            {"x-amz-copy-source": "src/b.csv"},
            "UploadPartCopy",
        ),
        ("GET", "https://bkt.s3.amazonaws.com/?list-type=2&prefix=p", {}, "ListObjectsV2"),
        (
            "POST",
            "https://glacier.us-west-2.amazonaws.com/-/vaults/v/archives",
            {"x-amz-glacier-version": "2012-06-01"},
            "UploadArchive",
        ),
    ],
)
def test_unserved_operations_are_named_and_touch_nothing(
    method: str, url: str, headers: dict[str, str], operation: str
) -> None:
    mpu = mock_mpu(seed=7, clock=T0)
    before = dumps_state(mpu.state)
    reply = dispatch(mpu, HttpRequest(method, url, headers, b"data"))
    assert isinstance(reply, NotServed)
    assert reply.operation == operation
    assert reply.service == ("glacier" if "glacier" in url else "s3")
    assert reply.ref == f"{reply.service}:{operation}"
    assert dumps_state(mpu.state) == before
    assert len(mpu.calls) == 0


def test_an_unserved_operation_names_its_parameters() -> None:
    reply = route(HttpRequest("DELETE", "https://s3.us-west-2.amazonaws.com/bkt/a%2Bb.csv"))
    assert isinstance(reply, NotServed)
    assert reply.describe() == "S3 DeleteObject (Bucket='bkt', Key='a+b.csv')"


_SIGNED = (
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240301/{region}/{service}/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=0123abcd"
)


@pytest.mark.parametrize(
    ("url", "headers", "region"),
    [
        # From the SigV4 credential scope (header, then presigned query), whatever the host.
        (
            "http://localhost:9000/bkt?uploads",
            {"Authorization": _SIGNED.format(region="eu-central-1", service="s3")},
            "eu-central-1",
        ),
        (
            "http://127.0.0.1:9000/bkt?uploads&X-Amz-Credential=AKID%2F20240301%2Fap-south-1%2Fs3%2Faws4_request",
            {},
            "ap-south-1",
        ),
        (
            "https://s3.us-west-2.amazonaws.com/bkt?uploads",
            {"Authorization": _SIGNED.format(region="eu-west-3", service="s3")},
            "eu-west-3",
        ),
        # From the host.
        ("https://s3.eu-west-3.amazonaws.com/bkt?uploads", {}, "eu-west-3"),
        ("https://bkt.s3.dualstack.ap-southeast-2.amazonaws.com/?uploads", {}, "ap-southeast-2"),
        ("https://s3-fips.us-gov-west-1.amazonaws.com/bkt?uploads", {}, "us-gov-west-1"),
        ("https://my.bkt.s3.sa-east-1.amazonaws.com/?uploads", {}, "sa-east-1"),
        # Neither: us-east-1.
        ("https://s3.amazonaws.com/bkt?uploads", {}, "us-east-1"),
        ("http://bkt.localhost:9000/?uploads", {}, "us-east-1"),
    ],
)
def test_s3_region_comes_from_the_credential_scope_then_the_host(
    url: str, headers: dict[str, str], region: str
) -> None:
    routed = _routed(url, headers=headers)
    assert routed.operation == "ListMultipartUploads"
    assert routed.region == region


@pytest.mark.parametrize(
    ("url", "headers", "region"),
    [
        (
            "http://127.0.0.1:8080/-/vaults/v",
            {"Authorization": _SIGNED.format(region="eu-north-1", service="glacier")},
            "eu-north-1",
        ),
        ("https://glacier.ca-central-1.amazonaws.com/-/vaults/v", {}, "ca-central-1"),
        ("https://glacier-fips.us-gov-east-1.amazonaws.com/-/vaults/v", {}, "us-gov-east-1"),
    ],
)
def test_glacier_region_and_service_come_from_the_request(
    url: str, headers: dict[str, str], region: str
) -> None:
    routed = _routed(url, headers=headers)
    assert (routed.service, routed.operation) == ("glacier", "DescribeVault")
    assert routed.region == region
    assert dict(routed.labels) == {"accountId": "-", "vaultName": "v"}


def test_a_transports_region_wins_over_the_request() -> None:
    routed = _routed("https://s3.eu-west-3.amazonaws.com/bkt?uploads", region="us-west-1")
    assert routed.region == "us-west-1"
