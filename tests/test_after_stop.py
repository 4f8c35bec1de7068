"""What stays after the last mock stops (README "Reliability", ARCHITECTURE "Installation").

mockmpu does not uninstall: ``BaseClient._make_api_call`` stays wrapped and the handlers stay
registered on the clients that made a call under a mock. Each is inert while no mock is active:
botocore signs, sends and parses as without mockmpu.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.awsrequest import AWSResponse
from botocore.client import BaseClient

from mockmpu import mock_mpu
from mockmpu.core import activation


def _handlers(client: Any, event: str) -> list[Any]:
    emitter = client.meta.events._emitter
    return [h for h in emitter._handlers.prefix_search(event) if "mockmpu" in h.__module__]


def _xml_reply(request: Any, body: bytes) -> AWSResponse:
    class Raw:
        def __init__(self) -> None:
            self.data = body

        def stream(self, **_: Any) -> Any:
            yield body

    return AWSResponse(request.url, 200, {}, Raw())


def test_attached_clients_go_back_to_botocore_after_the_last_mock_stops() -> None:
    client = boto3.session.Session().client(
        "s3", region_name="us-east-1", aws_access_key_id="AKID", aws_secret_access_key="SECRET"
    )
    with mock_mpu() as mpu:
        client.create_bucket(Bucket="bkt")  # attaches the client
    assert activation.current() is None
    # What stays: the wrapper, and one registration of each handler on the attached client.
    assert hasattr(BaseClient._make_api_call, "__wrapped__")
    for event in ("before-send.s3.CreateMultipartUpload", "choose-signer.s3.ListParts"):
        assert len(_handlers(client, event)) == 1
    # ... and it is inert: a served operation is signed and sent by botocore as usual.
    seen: dict[str, Any] = {}

    def next_handler(request: Any, **_: Any) -> AWSResponse:
        seen["authorization"] = request.headers.get("Authorization")
        body = (
            b"<InitiateMultipartUploadResult><Bucket>bkt</Bucket><Key>k</Key>"
            b"<UploadId>from-botocore</UploadId></InitiateMultipartUploadResult>"
        )
        return _xml_reply(request, body)

    client.meta.events.register("before-send.s3.CreateMultipartUpload", next_handler)
    reply = client.create_multipart_upload(Bucket="bkt", Key="k")
    assert reply["UploadId"] == "from-botocore"
    assert seen["authorization"] is not None and seen["authorization"].startswith(b"AWS4-HMAC")
    assert len(mpu.calls) == 1 and mpu.s3.uploads("bkt") == []  # the stopped mock saw nothing
    # A later mock serves the same client again, through the same (single) registrations.
    client.meta.events.unregister("before-send.s3.CreateMultipartUpload", next_handler)
    with mock_mpu() as again:
        again.s3.create_bucket("bkt")
        assert client.create_multipart_upload(Bucket="bkt", Key="k")["UploadId"] != "from-botocore"
        assert len(again.s3.uploads("bkt")) == 1
    assert len(_handlers(client, "before-send.s3.CreateMultipartUpload")) == 1
