"""rclone (Debian package ``rclone``) against mockmpu's server sees exactly the ground truth."""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta

import pytest

from mockmpu import scenarios
from mockmpu.server import MpuServer
from mockmpu.server.report import client_environment
from tests._clients import rclone

pytest.importorskip("werkzeug")


def _rclone(server: MpuServer, *args: str) -> str:
    env = client_environment(server.endpoint_url)
    env.update(
        {
            "RCLONE_CONFIG_MOCK_TYPE": "s3",
            "RCLONE_CONFIG_MOCK_PROVIDER": "Other",
            "RCLONE_CONFIG_MOCK_ENDPOINT": server.endpoint_url,
            "RCLONE_CONFIG_MOCK_ACCESS_KEY_ID": "mockmpu",
            "RCLONE_CONFIG_MOCK_SECRET_ACCESS_KEY": "mockmpu",
            "RCLONE_CONFIG_MOCK_REGION": "us-east-1",
            "RCLONE_CONFIG": "/dev/null",
        }
    )
    done = subprocess.run([rclone(), *args], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_rclone_lists_multipart_uploads_over_colliding_keys() -> None:
    with MpuServer(scenario=scenarios.colliding_keys()) as server:
        truth = server.scenario
        listed = json.loads(_rclone(server, "backend", "list-multipart-uploads", "mock:bkt"))
        assert [u["UploadId"] for u in listed["bkt"]] == list(truth.upload_ids)


def test_rclone_cleanup_leaves_exactly_the_fresh_uploads() -> None:
    # rclone cleanup aborts uploads older than 24 hours (its default max-age); the scenario's
    # times follow the wall clock, as rclone's do.
    scenario = scenarios.stale_uploads(stale=1100, older_than=timedelta(days=1))
    with MpuServer(scenario=scenario) as server:
        truth = server.scenario
        _rclone(server, "cleanup", "mock:bkt")
        left = [u.upload_id for u in server.s3.uploads("bkt")]
        expected = truth.remaining_after_cleanup(timedelta(days=1))
        assert left == [u.upload_id for u in expected]
        assert len(left) == 4
        assert server.calls.filter("s3:AbortMultipartUpload").call_count == 1101
