"""mockmpu's HTTP server (``MpuServer``, the ``mpu_server`` fixture) through real HTTP clients.

boto3 over HTTP, raw HTTP/1.1 (chunked bodies, ``Expect: 100-continue``, virtual-hosted
hosts), SigV2 and presigned URLs, a ``multiprocessing`` pool, and the admin API.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import multiprocessing
import socket
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from mockmpu import scenarios
from mockmpu.core.errors import MockmpuError
from mockmpu.server import MpuServer

pytest.importorskip("werkzeug")

_KEYS = {"aws_access_key_id": "mockmpu", "aws_secret_access_key": "mockmpu"}


def _client(server: MpuServer, service: str = "s3", **config: Any) -> Any:
    return boto3.session.Session().client(
        service,
        endpoint_url=server.endpoint_url,
        region_name="us-east-1",
        config=Config(**config) if config else None,
        **_KEYS,
    )


def _raw(
    server: MpuServer,
    method: str,
    path: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def _admin(server: MpuServer, method: str, name: str, document: Any = None) -> tuple[int, Any]:
    body = b"" if document is None else json.dumps(document).encode()
    status, _, payload = _raw(server, method, f"/_mockmpu/{name}", body)
    return status, json.loads(payload)


# ------------------------------------------------------------------------------ serving


@pytest.mark.mpu_server(scenario=scenarios.colliding_keys())
def test_boto3_paginator_over_http_sees_the_ground_truth(mpu_server: MpuServer) -> None:
    pages = _client(mpu_server).get_paginator("list_multipart_uploads").paginate(Bucket="bkt")
    seen = [u["UploadId"] for page in pages for u in page.get("Uploads", [])]
    assert seen == list(mpu_server.scenario.upload_ids)
    assert mpu_server.calls.filter("s3:ListMultipartUploads").call_count == 2


def test_endpoint_url_and_stop_close_the_port() -> None:
    server = MpuServer().start()
    url = urlsplit(server.endpoint_url)
    assert (url.scheme, url.hostname, url.port) == ("http", "127.0.0.1", server.port)
    server.stop()
    server.stop()  # idempotent
    with pytest.raises(MockmpuError, match="create a new one"):
        server.start()
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", server.port), 2):
        pass


def test_a_taken_port_is_one_clear_error(mpu_server: MpuServer) -> None:
    with pytest.raises(MockmpuError, match=r"could not listen on 127\.0\.0\.1"):
        MpuServer(port=mpu_server.port)


def test_unknown_options_are_refused() -> None:
    with pytest.raises(MockmpuError, match="does not take wire"):
        MpuServer(wire=False)


def test_an_unserved_s3_operation_is_501_not_implemented_and_recorded(
    mpu_server: MpuServer,
) -> None:
    with pytest.raises(ClientError) as caught:
        _client(mpu_server).delete_object(Bucket="bkt", Key="a.csv")
    error = caught.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert error["Error"]["Code"] == "NotImplemented"
    assert "S3 DeleteObject (Bucket='bkt', Key='a.csv')" in error["Error"]["Message"]
    last = mpu_server.calls.last
    assert (last.ref, last.status, last.outcome) == ("s3:DeleteObject", 501, "NotImplemented")
    assert last.params["Key"] == "a.csv"


def test_an_unserved_glacier_operation_is_a_json_501(mpu_server: MpuServer) -> None:
    with pytest.raises(ClientError) as caught:
        _client(mpu_server, "glacier").get_vault_lock(vaultName="v")
    assert caught.value.response["Error"]["Code"] == "NotImplemented"
    assert "Glacier GetVaultLock" in caught.value.response["Error"]["Message"]
    assert mpu_server.calls.last.ref == "glacier:GetVaultLock"


def test_glacier_over_http(mpu_server: MpuServer) -> None:
    glacier = _client(mpu_server, "glacier")
    glacier.create_vault(vaultName="v")
    upload = glacier.initiate_multipart_upload(vaultName="v", partSize=str(1024 * 1024))
    listed = glacier.list_multipart_uploads(vaultName="v")["UploadsList"]
    assert [u["MultipartUploadId"] for u in listed] == [upload["uploadId"]]
    assert [u.upload_id for u in mpu_server.glacier.uploads("v")] == [upload["uploadId"]]


def test_virtual_hosted_style_on_localhost_and_a_configured_suffix() -> None:
    with MpuServer(endpoint_hosts=["s3.mock.test"]) as server:
        server.s3.create_bucket("bkt")
        upload = server.s3.create_multipart_upload("bkt", "a/b.txt")
        for host in (f"bkt.localhost:{server.port}", f"bkt.s3.mock.test:{server.port}"):
            status, _, body = _raw(server, "GET", "/?uploads", headers={"Host": host})
            assert status == 200, body
            assert f"<UploadId>{upload.upload_id}</UploadId>".encode() in body
            assert b"<Bucket>bkt</Bucket>" in body
        status, _, body = _raw(server, "GET", "/bkt?uploads")  # path style on the same server
        assert status == 200 and upload.upload_id.encode() in body


def _upload_part_request(server: MpuServer, upload_id: str) -> bytes:
    return (
        f"PUT /bkt/big.bin?partNumber=1&uploadId={upload_id} HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{server.port}\r\n"
        "Transfer-Encoding: chunked\r\n"
        "Expect: 100-continue\r\n\r\n"
    ).encode()


def test_chunked_transfer_encoding_after_100_continue(mpu_server: MpuServer) -> None:
    mpu_server.s3.create_bucket("bkt")
    upload = mpu_server.s3.create_multipart_upload("bkt", "big.bin")
    with socket.create_connection(("127.0.0.1", mpu_server.port), 30) as sock:
        sock.sendall(_upload_part_request(mpu_server, upload.upload_id))
        with sock.makefile("rb") as reader:
            assert reader.readline() == b"HTTP/1.1 100 Continue\r\n"  # before any body byte
            assert reader.readline() == b"\r\n"
            sock.sendall(b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
            status = reader.readline()
            head = b"".join(iter(reader.readline, b"\r\n"))
    assert status.startswith(b"HTTP/1.1 200"), status
    etag = hashlib.md5(b"hello world").hexdigest()
    assert f'etag: "{etag}"'.encode() in head.lower()
    assert mpu_server.s3.parts("bkt", upload.upload_id)[0].size == 11


def test_aws_chunked_body_and_content_md5(mpu_server: MpuServer) -> None:
    mpu_server.s3.create_bucket("bkt")
    upload = mpu_server.s3.create_multipart_upload("bkt", "k")
    body = b"5;chunk-signature=" + b"0" * 64 + b"\r\nhello\r\n0;chunk-signature=" + b"0" * 64
    body += b"\r\n\r\n"
    headers = {
        "Content-Encoding": "aws-chunked",
        "X-Amz-Content-Sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "X-Amz-Decoded-Content-Length": "5",
        "Content-MD5": base64.b64encode(hashlib.md5(b"hello").digest()).decode(),
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/s3/aws4_request, "
        "SignedHeaders=host, Signature=" + "0" * 64,
    }
    path = f"/bkt/k?partNumber=1&uploadId={upload.upload_id}"
    status, reply, _ = _raw(mpu_server, "PUT", path, body, headers)
    assert status == 200
    assert reply["etag"] == f'"{hashlib.md5(b"hello").hexdigest()}"'
    headers["Content-MD5"] = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    status, _, answer = _raw(mpu_server, "PUT", path.replace("=1&", "=2&"), body, headers)
    assert status == 400 and b"<Code>BadDigest</Code>" in answer
    assert [p.part_number for p in mpu_server.s3.parts("bkt", upload.upload_id)] == [1]


def test_sigv2_and_presigned_urls_are_accepted_unverified(mpu_server: MpuServer) -> None:
    mpu_server.s3.create_bucket("bkt")
    upload = mpu_server.s3.create_multipart_upload("bkt", "k")
    sigv2 = _client(mpu_server, signature_version="s3")
    listed = sigv2.list_multipart_uploads(Bucket="bkt")["Uploads"]
    assert [u["UploadId"] for u in listed] == [upload.upload_id]
    url = _client(mpu_server, signature_version="s3v4").generate_presigned_url(
        "list_parts", Params={"Bucket": "bkt", "Key": "k", "UploadId": upload.upload_id}
    )
    assert "X-Amz-Signature=" in url
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200
        assert upload.upload_id.encode() in response.read()


def _upload_one_part(args: tuple[str, str, int, bytes]) -> str:
    endpoint, upload_id, number, body = args
    s3 = boto3.session.Session().client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", **_KEYS
    )
    reply = s3.upload_part(
        Bucket="bkt", Key="big.bin", UploadId=upload_id, PartNumber=number, Body=body
    )
    return str(reply["ETag"])


def test_a_multiprocessing_pool_uploads_the_parts_of_one_upload(mpu_server: MpuServer) -> None:
    s3 = _client(mpu_server)
    s3.create_bucket(Bucket="bkt")
    upload_id = s3.create_multipart_upload(Bucket="bkt", Key="big.bin")["UploadId"]
    size = 5 * 1024 * 1024
    bodies = [bytes([n]) * size for n in range(1, 8)] + [b"tail"]
    jobs = [(mpu_server.endpoint_url, upload_id, n, b) for n, b in enumerate(bodies, start=1)]
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        etags = pool.map(_upload_one_part, jobs)
    s3.complete_multipart_upload(
        Bucket="bkt",
        Key="big.bin",
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, 1)]},
    )
    digests = b"".join(hashlib.md5(b).digest() for b in bodies)
    expected = f'"{hashlib.md5(digests).hexdigest()}-{len(bodies)}"'
    assert mpu_server.s3.object("bkt", "big.bin").etag == expected
    assert mpu_server.calls.filter("s3:UploadPart").call_count == len(bodies)


# ------------------------------------------------------------------------------ state files


def test_stop_saves_and_a_new_server_loads_the_file(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    with MpuServer(save=path) as server:
        _client(server).create_bucket(Bucket="bkt")
        upload_id = _client(server).create_multipart_upload(Bucket="bkt", Key="k")["UploadId"]
    with MpuServer(state=path) as again:
        listed = _client(again).list_multipart_uploads(Bucket="bkt")["Uploads"]
    assert [u["UploadId"] for u in listed] == [upload_id]


def test_saving_without_a_file_says_what_to_do(mpu_server: MpuServer) -> None:
    with pytest.raises(MockmpuError, match="no save file"):
        mpu_server.save()


# ------------------------------------------------------------------------------ admin API


def test_admin_index_lists_the_endpoints(mpu_server: MpuServer) -> None:
    status, index = _admin(mpu_server, "GET", "")
    assert status == 200
    assert index["endpoint_url"] == mpu_server.endpoint_url
    assert "POST /_mockmpu/scenario" in index["endpoints"]


def test_admin_loads_a_scenario_with_parameters(mpu_server: MpuServer) -> None:
    status, truth = _admin(
        mpu_server, "POST", "scenario", {"name": "stale-uploads", "params": {"stale": 5}}
    )
    assert status == 200
    assert truth["bucket"] == "bkt" and len(truth["uploads"]) == 5 + 3 + 2
    assert [u["upload_id"] for u in truth["uploads"]] == list(mpu_server.scenario.upload_ids)
    listed = _client(mpu_server).list_multipart_uploads(Bucket="bkt")["Uploads"]
    assert [u["UploadId"] for u in listed] == [u["upload_id"] for u in truth["uploads"]]


def test_admin_parts_scenario_and_bad_requests(mpu_server: MpuServer) -> None:
    status, truth = _admin(
        mpu_server, "POST", "scenario", {"name": "glacier-end-marker-json-null", "params": {"n": 3}}
    )
    assert status == 200 and truth["vault"] and len(truth["uploads"]) == 3
    status, error = _admin(mpu_server, "POST", "scenario", {"name": "no-such-thing"})
    assert status == 400 and "no-such-thing" in error["error"]
    status, error = _admin(
        mpu_server, "POST", "scenario", {"name": "many-parts", "params": {"bogus": 1}}
    )
    assert status == 400 and "takes no argument 'bogus'" in error["error"]
    status, _, payload = _raw(mpu_server, "POST", "/_mockmpu/scenario", b"not json")
    assert status == 400 and b"JSON object" in payload
    status, error = _admin(mpu_server, "GET", "nothing-here")
    assert status == 404


def test_admin_reset_clears_state_calls_and_faults(mpu_server: MpuServer) -> None:
    s3 = _client(mpu_server)
    s3.create_bucket(Bucket="bkt")
    mpu_server.faults.fail("s3:ListParts", "SlowDown")
    assert _admin(mpu_server, "POST", "reset") == (200, {"reset": True})
    assert mpu_server.s3.bucket_names() == [] and len(mpu_server.calls) == 0
    assert mpu_server.faults.injected == []
    with pytest.raises(ClientError, match="NoSuchBucket"):
        s3.list_multipart_uploads(Bucket="bkt")


def test_admin_reads_replaces_and_saves_the_state(mpu_server: MpuServer, tmp_path: Path) -> None:
    mpu_server.s3.create_bucket("bkt")
    upload = mpu_server.s3.create_multipart_upload("bkt", "k")
    status, document = _admin(mpu_server, "GET", "state")
    assert status == 200 and "buckets" in json.dumps(document)
    _admin(mpu_server, "POST", "reset")
    status, _, payload = _raw(mpu_server, "PUT", "/_mockmpu/state", json.dumps(document).encode())
    assert status == 200, payload
    assert [u.upload_id for u in mpu_server.s3.uploads("bkt")] == [upload.upload_id]
    target = tmp_path / "saved.json"
    assert _admin(mpu_server, "POST", "save", {"path": str(target)}) == (
        200,
        {"saved": str(target)},
    )
    with MpuServer(state=target) as again:
        assert [u.upload_id for u in again.s3.uploads("bkt")] == [upload.upload_id]
    status, error = _admin(mpu_server, "POST", "save")
    assert status == 400 and "no save file" in error["error"]
    status, _, payload = _raw(mpu_server, "PUT", "/_mockmpu/state", b'{"format": 0}')
    assert status == 400


def test_admin_lists_and_clears_calls(mpu_server: MpuServer) -> None:
    s3 = _client(mpu_server)
    s3.create_bucket(Bucket="bkt")
    with pytest.raises(ClientError):
        s3.delete_object(Bucket="bkt", Key="k")
    status, calls = _admin(mpu_server, "GET", "calls")
    assert status == 200
    assert [(c["operation"], c["status"], c["error_code"]) for c in calls] == [
        ("CreateBucket", 200, None),
        ("DeleteObject", 501, "NotImplemented"),
    ]
    assert calls[1]["params"] == {"Bucket": "bkt", "Key": "k"}
    _admin(mpu_server, "DELETE", "calls")
    assert _admin(mpu_server, "GET", "calls") == (200, [])


def test_admin_injects_faults_and_sets_switches(mpu_server: MpuServer) -> None:
    s3 = _client(mpu_server, retries={"total_max_attempts": 1})
    s3.create_bucket(Bucket="bkt")
    status, reply = _admin(
        mpu_server, "POST", "faults", {"operation": "s3:ListMultipartUploads", "code": "SlowDown"}
    )
    assert status == 200, reply
    with pytest.raises(ClientError, match="SlowDown"):
        s3.list_multipart_uploads(Bucket="bkt")
    s3.list_multipart_uploads(Bucket="bkt")  # times=1: the next attempt is answered
    status, faults = _admin(
        mpu_server, "PUT", "faults", {"omit_next_upload_id_marker": True, "loop_guard": 7}
    )
    assert status == 200
    assert faults["switches"]["omit_next_upload_id_marker"] is True
    assert mpu_server.faults.omit_next_upload_id_marker and mpu_server.faults.loop_guard == 7
    assert faults["injected"][0]["code"] == "SlowDown"
    status, faults = _admin(mpu_server, "DELETE", "faults")
    assert faults["injected"] == []
    status, error = _admin(mpu_server, "PUT", "faults", {"no_such_switch": True})
    assert status == 400 and "no_such_switch" in error["error"]
    status, error = _admin(
        mpu_server, "POST", "faults", {"operation": "s3:DeleteObject", "code": "SlowDown"}
    )
    assert status == 400
    status, error = _admin(mpu_server, "POST", "faults", {"code": "SlowDown"})
    assert status == 400 and "operation" in error["error"]


def test_the_clock_option_reaches_the_wire() -> None:
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    with MpuServer(clock=when) as server:
        s3 = _client(server)
        s3.create_bucket(Bucket="bkt")
        s3.create_multipart_upload(Bucket="bkt", Key="k")
        assert s3.list_multipart_uploads(Bucket="bkt")["Uploads"][0]["Initiated"] == when
