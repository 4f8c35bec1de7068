"""The AWS SDK for JavaScript v3 (Node.js) against mockmpu's server sees exactly the ground truth.

tests/js/list.mjs pages ListMultipartUploads by NextKeyMarker/NextUploadIdMarker and ListParts
with the SDK's paginateListParts; the packages are pinned by tests/js/package-lock.json.
"""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from mockmpu import scenarios
from mockmpu.server import MpuServer
from mockmpu.server.report import client_environment
from tests._clients import ROOT, node_with_sdk

pytest.importorskip("werkzeug")


def _node(server: MpuServer, *args: str) -> Any:
    done = subprocess.run(
        [node_with_sdk(), str(ROOT / "tests" / "js" / "list.mjs"), *args],
        env=client_environment(server.endpoint_url),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_js_sdk_pages_list_multipart_uploads_over_colliding_keys() -> None:
    with MpuServer(scenario=scenarios.colliding_keys()) as server:
        truth = server.scenario
        seen = _node(server, "uploads", truth.bucket)
        assert seen["pages"] == 2
        assert [u["UploadId"] for u in seen["items"]] == list(truth.upload_ids)
        assert [u["Key"] for u in seen["items"]] == list(truth.keys)


def test_js_sdk_paginates_list_parts_over_many_parts() -> None:
    with MpuServer(scenario=scenarios.many_parts()) as server:
        truth = server.scenario
        up = truth.upload
        assert up.key is not None
        seen = _node(server, "parts", truth.bucket, up.key, up.upload_id)
        assert seen["pages"] == 3
        assert seen["items"] == list(truth.part_numbers)


def test_js_sdk_paginate_list_parts_as_shipped_starts_over_after_the_last_page() -> None:
    """A client bug mockmpu shows: S3 sends NextPartNumberMarker on the last page (0 when empty).

    The SDK's paginator stops only on an empty token, so it asks past the last page and then
    from marker 0 again: the first page of parts, forever (on AWS too).
    """
    with MpuServer(scenario=scenarios.many_parts()) as server:
        up = server.scenario.upload
        assert up.key is not None
        seen = _node(server, "parts-as-shipped", "bkt", up.key, up.upload_id)
        assert seen["items"] == ["0", "1000", "2000", "2500", "0", "1000", "2000", "2500"]
