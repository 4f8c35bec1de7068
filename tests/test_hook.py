"""Interception: which clients are served, what is refused, and what is left alone."""

from __future__ import annotations

import contextlib
import io
import json
import os
import socket
import subprocess
import sys
import textwrap
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.exceptions import ClientError

from mockmpu import UnmockedCallError, mock_mpu

SERVED_LINE = "  Served: S3 AbortMultipartUpload, CompleteMultipartUpload, CreateBucket, "


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Any:
        yield self._body


def _fake_list_buckets(request: Any, **_: Any) -> AWSResponse:
    body = (
        b'<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult>'
        b"<Buckets><Bucket><Name>from-the-next-handler</Name>"
        b"<CreationDate>2024-01-01T00:00:00.000Z</CreationDate></Bucket></Buckets>"
        b"</ListAllMyBucketsResult>"
    )
    return AWSResponse(request.url, 200, {}, _Raw(body))


def test_every_kind_of_client_is_served() -> None:
    with mock_mpu() as mpu:
        mpu.s3.create_bucket("bkt")
        clients = [
            boto3.client("s3", region_name="us-east-1"),  # boto3's default session
            boto3.Session().client("s3", region_name="eu-west-1"),
            botocore.session.get_session().create_client("s3", region_name="us-east-1"),
            boto3.resource("s3", region_name="us-east-1").meta.client,
        ]
        for n, client in enumerate(clients):
            client.create_multipart_upload(Bucket="bkt", Key=f"k{n}")
        bucket = boto3.Session().resource("s3", region_name="us-east-1").Bucket("bkt")
        assert sorted(u.object_key for u in bucket.multipart_uploads.all()) == [
            "k0",
            "k1",
            "k2",
            "k3",
        ]


def test_client_created_before_the_mock_starts_is_served() -> None:
    early = boto3.session.Session().client("s3", region_name="us-east-1")
    with mock_mpu() as mpu:
        early.create_bucket(Bucket="bkt")
        assert mpu.s3.bucket_names() == ["bkt"]


def test_unmocked_call_raises_an_assertion_error_with_the_remedy() -> None:
    client = boto3.session.Session().client("s3", region_name="us-east-1")
    attempts: list[int] = []
    client.meta.events.register("before-sign.s3.DeleteObject", lambda **_: attempts.append(1))
    with pytest.raises(UnmockedCallError) as excinfo, mock_mpu():
        client.delete_object(Bucket="data", Key="a.csv")
    err = excinfo.value
    assert isinstance(err, AssertionError) and not isinstance(err, ClientError)
    lines = str(err).splitlines()
    assert lines[0] == "mockmpu: S3 DeleteObject (Bucket='data', Key='a.csv') is not mocked."
    assert lines[1].startswith(SERVED_LINE)
    assert "Glacier AbortMultipartUpload" in lines[1]
    assert lines[2] == (
        "  To have moto answer it (and every other call mockmpu does not serve), use "
        "@mock_aws together with @mock_mpu. See help(mockmpu.mock_mpu)."
    )
    assert lines[3] == (
        '  To let this call reach AWS, use mock_mpu(passthrough={"s3:DeleteObject"}) ("s3:*" '
        "for every S3 call; @pytest.mark.mpu_mock(passthrough=...) under pytest). "
        "See help(mockmpu.mock_mpu)."
    )
    assert attempts == [1]  # raised once, never retried


def test_unmocked_call_of_another_service_is_refused() -> None:
    sts = boto3.session.Session().client("sts", region_name="us-east-1")
    with pytest.raises(UnmockedCallError, match="sts GetCallerIdentity"), mock_mpu():
        sts.get_caller_identity()


def test_unmocked_parameters_are_truncated_and_bodies_summarised() -> None:
    client = boto3.session.Session().client("s3", region_name="us-east-1")
    with pytest.raises(UnmockedCallError) as excinfo, mock_mpu():
        client.put_object(Bucket="b", Key="x" * 100, Body=b"12345")
    first = str(excinfo.value).splitlines()[0]
    assert "Key='" + "x" * 56 + "..." in first
    assert "Body=<5 bytes>" in first


def _signed_s3() -> Any:
    # Passed-through calls are signed as usual, so these clients carry (fake) credentials.
    return boto3.session.Session().client(
        "s3", region_name="us-east-1", aws_access_key_id="AKID", aws_secret_access_key="SECRET"
    )


def test_passthrough_lets_the_call_go_on() -> None:
    client = _signed_s3()
    client.meta.events.register("before-send.s3.ListBuckets", _fake_list_buckets)
    with mock_mpu(passthrough={"s3:ListBuckets"}) as mpu:
        names = [b["Name"] for b in client.list_buckets()["Buckets"]]
    assert names == ["from-the-next-handler"]
    assert mpu.calls.call_count == 0


def test_passthrough_wildcard_and_bad_spelling() -> None:
    client = _signed_s3()
    client.meta.events.register("before-send.s3.ListBuckets", _fake_list_buckets)
    with mock_mpu(passthrough={"s3:*"}):
        assert client.list_buckets()["Buckets"]
    with pytest.raises(Exception, match="'service:Operation'"):
        mock_mpu(passthrough={"GetObject"})
    with pytest.raises(Exception, match="not a single string"):
        mock_mpu(passthrough="s3:GetObject")


def test_inactive_hook_leaves_botocore_alone() -> None:
    with mock_mpu():
        pass  # the hook is installed now, and inactive
    seen: dict[str, Any] = {}

    def capture(request: Any, **_: Any) -> AWSResponse:
        seen["authorization"] = request.headers.get("Authorization")
        return _fake_list_buckets(request)

    client = boto3.session.Session().client(
        "s3", region_name="us-east-1", aws_access_key_id="AKID", aws_secret_access_key="SECRET"
    )
    client.meta.events.register("before-send.s3.ListBuckets", capture)
    assert client.list_buckets()["Buckets"][0]["Name"] == "from-the-next-handler"
    assert seen["authorization"] is not None  # signed as usual: no UNSIGNED while inactive


def test_no_credentials_and_no_environment_writes() -> None:
    before = dict(os.environ)
    assert "AWS_ACCESS_KEY_ID" not in before
    client = boto3.session.Session().client("s3", region_name="us-east-1")
    with mock_mpu():
        client.create_bucket(Bucket="bkt")
        client.create_multipart_upload(Bucket="bkt", Key="k")
    assert dict(os.environ) == before


def test_no_socket_is_opened_for_served_operations(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"a socket was opened: {args!r}")

    client = boto3.session.Session().client("s3", region_name="us-east-1")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    with mock_mpu():
        client.create_bucket(Bucket="bkt")
        upload_id = client.create_multipart_upload(Bucket="bkt", Key="k")["UploadId"]
        etag = client.upload_part(
            Bucket="bkt", Key="k", UploadId=upload_id, PartNumber=1, Body=b"data"
        )["ETag"]
        client.list_multipart_uploads(Bucket="bkt")
        client.list_parts(Bucket="bkt", Key="k", UploadId=upload_id)
        client.complete_multipart_upload(
            Bucket="bkt",
            Key="k",
            UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
        )


def test_calls_are_recorded() -> None:
    with mock_mpu() as mpu:
        client = boto3.session.Session().client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="bkt")
        with pytest.raises(client.exceptions.NoSuchUpload):
            client.list_parts(Bucket="bkt", Key="k", UploadId="nope")
    assert mpu.calls.call_count == 2
    assert mpu.calls[0].ref == "s3:CreateBucket" and mpu.calls[0].outcome == "ok"
    last = mpu.calls.last
    assert (last.service, last.operation, last.status, last.outcome) == (
        "s3",
        "ListParts",
        404,
        "NoSuchUpload",
    )
    assert last.params == {"Bucket": "bkt", "Key": "k", "UploadId": "nope"}
    assert mpu.calls.filter("s3:ListParts") == [last]
    assert mpu.calls.filter(outcome="ok").call_count == 1


def test_same_seed_same_calls_give_byte_identical_responses() -> None:
    from datetime import datetime, timezone

    def run(seed: int) -> list[bytes]:
        bodies: list[bytes] = []
        client = boto3.session.Session().client("s3", region_name="us-east-1")
        client.meta.events.register(
            "before-parse.s3", lambda response_dict, **_: bodies.append(response_dict["body"])
        )
        with mock_mpu(seed=seed, clock=datetime(2024, 1, 1, tzinfo=timezone.utc)):
            served_calls(client)
        return bodies

    def served_calls(client: Any) -> None:
        client.create_bucket(Bucket="bkt")
        upload_id = client.create_multipart_upload(Bucket="bkt", Key="k")["UploadId"]
        client.upload_part(Bucket="bkt", Key="k", UploadId=upload_id, PartNumber=1, Body=b"x")
        client.list_multipart_uploads(Bucket="bkt")
        client.list_parts(Bucket="bkt", Key="k", UploadId=upload_id)
        with contextlib.suppress(ClientError):
            client.list_parts(Bucket="bkt", Key="other", UploadId=upload_id)

    first, second, other = run(3), run(3), run(4)
    assert first == second
    assert first != other
    assert any(b"<UploadId>" in body for body in first)


def test_upload_ids_are_url_safe_and_realistic() -> None:
    with mock_mpu() as mpu:
        client = boto3.session.Session().client("s3", region_name="us-east-1")
        upload_id = served_upload(client)
    assert 90 <= len(upload_id) <= 130
    assert set(upload_id) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"
    )
    assert mpu.s3.uploads("bkt")[0].upload_id == upload_id


def served_upload(client: Any) -> str:
    client.create_bucket(Bucket="bkt")
    return str(client.create_multipart_upload(Bucket="bkt", Key="k")["UploadId"])


def test_mockmpu_wins_over_moto_and_moto_may_answer_the_rest() -> None:
    moto = pytest.importorskip("moto")
    from moto.backends import get_backend
    from moto.core import DEFAULT_ACCOUNT_ID

    with moto.mock_aws():
        client = boto3.session.Session().client("s3", region_name="us-east-1")
        with mock_mpu() as mpu:
            client.create_bucket(Bucket="bkt")  # moto's: buckets live in moto's backend
            backend = get_backend("s3")[DEFAULT_ACCOUNT_ID]["global"]
            assert "bkt" in backend.buckets
            client.create_multipart_upload(Bucket="bkt", Key="k")
            assert backend.buckets["bkt"].multiparts == {}  # moto never saw the upload
            listing = client.list_multipart_uploads(Bucket="bkt", MaxUploads=1)
            assert listing["MaxUploads"] == 1  # moto would echo 1000
            assert [u.key for u in mpu.s3.uploads("bkt")] == ["k"]
            # Not served by mockmpu while moto is active: moto answers it, signed.
            with pytest.raises(ClientError) as missing:
                client.get_object(Bucket="elsewhere", Key="k")
            error = missing.value.response
            assert (error["Error"]["Code"], error["Error"]["BucketName"]) == (
                "NoSuchBucket",
                "elsewhere",
            )
            assert error["ResponseMetadata"]["HTTPStatusCode"] == 404
            assert [c.operation for c in mpu.calls] == [
                "CreateMultipartUpload",
                "ListMultipartUploads",
            ]
            assert mpu.unmocked == []


_SUBPROCESS_ENV = {
    **os.environ,
    "AWS_EC2_METADATA_DISABLED": "true",
}


def _python(code: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=_SUBPROCESS_ENV,
        check=True,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def test_import_changes_nothing_in_botocore() -> None:
    result = _python(
        """
        import json
        import botocore.handlers as h
        before = list(h.BUILTIN_HANDLERS)
        import mockmpu, mockmpu.pytest_plugin
        print(json.dumps({"same": h.BUILTIN_HANDLERS == before}))
        """
    )
    assert result == {"same": True}


def test_import_does_not_import_botocore() -> None:
    result = _python(
        """
        import json, sys
        import mockmpu
        loaded = {name: name in sys.modules for name in ("botocore", "pytest")}
        print(json.dumps(loaded))
        """
    )
    assert result == {"botocore": False, "pytest": False}


def test_client_created_before_the_first_start_outside_pytest_is_served() -> None:
    # A fresh interpreter without the pytest plugin: session and client predate the first start.
    # Their endpoint is a closed loopback port, so a call that escaped the mock would fail fast
    # without leaving the machine.
    result = _python(
        """
        import json
        import boto3
        from botocore.config import Config
        from mockmpu import mock_mpu
        cfg = Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=1)
        session = boto3.Session(region_name="us-east-1")
        early = session.client("s3", endpoint_url="http://127.0.0.1:9", config=cfg)
        with mock_mpu() as mpu:
            early.create_bucket(Bucket="bkt")
            late = session.client("s3", endpoint_url="http://127.0.0.1:9", config=cfg)
            late.create_multipart_upload(Bucket="bkt", Key="k")
            mpu.attach(early)  # explicit and idempotent: still answered once
            early.create_multipart_upload(Bucket="bkt", Key="k")
            out = {"buckets": mpu.s3.bucket_names(), "uploads": len(mpu.s3.uploads("bkt")),
                   "calls": mpu.calls.call_count}
        print(json.dumps(out))
        """
    )
    assert result == {"buckets": ["bkt"], "uploads": 2, "calls": 3}


def test_virtual_host_addressing_is_served() -> None:
    client = boto3.session.Session().client(
        "s3", region_name="us-east-1", config=Config(s3={"addressing_style": "virtual"})
    )
    with mock_mpu() as mpu:
        client.create_bucket(Bucket="bkt")
        upload_id = client.create_multipart_upload(Bucket="bkt", Key="a b/+%//../c")["UploadId"]
        assert mpu.s3.upload("bkt", upload_id).key == "a b/+%//../c"
        listed = client.list_multipart_uploads(Bucket="bkt")["Uploads"]
        assert [u["Key"] for u in listed] == ["a b/+%//../c"]


def test_call_records_summarise_bodies_instead_of_keeping_them() -> None:
    import gc
    import weakref

    from mockmpu import BodySummary

    class Payload(io.BytesIO):
        pass

    with mock_mpu() as mpu:
        client = boto3.session.Session().client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="bkt")
        upload_id = client.create_multipart_upload(Bucket="bkt", Key="k")["UploadId"]
        body = Payload(b"x" * 1024)
        ref = weakref.ref(body)
        gc.disable()  # freed by reference counting alone: no cycle keeps a part's data alive
        try:
            client.upload_part(Bucket="bkt", Key="k", UploadId=upload_id, PartNumber=1, Body=body)
            del body
            assert ref() is None  # neither mpu.calls nor the hook keeps the part's data alive
        finally:
            gc.enable()
        client.upload_part(Bucket="bkt", Key="k", UploadId=upload_id, PartNumber=2, Body=b"xyz")
    file_body, byte_body = (c.params["Body"] for c in mpu.calls.filter("s3:UploadPart"))
    assert file_body == BodySummary(None, "Payload") and repr(file_body) == "<Payload>"
    assert byte_body == BodySummary(3, "bytes") and repr(byte_body) == "<3 bytes>"
