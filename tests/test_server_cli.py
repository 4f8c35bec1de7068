"""``mockmpu server`` and ``mockmpu run`` as commands (subprocesses of the test)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import boto3
import pytest

from mockmpu.cli import main
from mockmpu.scenarios.store import load_state

pytest.importorskip("werkzeug")

_KEYS = {"aws_access_key_id": "mockmpu", "aws_secret_access_key": "mockmpu"}


def _mockmpu(*args: str, **kwargs: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "mockmpu", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_server_prints_its_url_and_saves_on_a_signal(tmp_path: Path, signum: int) -> None:
    saved = tmp_path / "state.json"
    process = _mockmpu("server", "--port", "0", "--save", str(saved), "--seed", "7")
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()  # the URL, on a line of its own
        assert url.startswith("http://127.0.0.1:")
        s3 = boto3.session.Session().client(
            "s3", endpoint_url=url, region_name="us-east-1", **_KEYS
        )
        s3.create_bucket(Bucket="bkt")
        upload_id = s3.create_multipart_upload(Bucket="bkt", Key="k")["UploadId"]
    finally:
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert "stopped after 2 calls" in stderr
    state = load_state(saved)
    assert [u.upload_id for u in state.buckets["bkt"].uploads.values()] == [upload_id]


def test_server_options_scenario_faults_and_switches(tmp_path: Path) -> None:
    process = _mockmpu(
        "server",
        "--scenario", "many-uploads", "n=3",
        "--fail", "s3:ListParts=SlowDown,times=all",
        "--switch", "strict_empty_markers",
    )  # fmt: skip
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        s3 = boto3.session.Session().client(
            "s3", endpoint_url=url, region_name="us-east-1", **_KEYS
        )
        assert len(s3.list_multipart_uploads(Bucket="bkt")["Uploads"]) == 3
        import urllib.request

        with urllib.request.urlopen(url + "/_mockmpu/faults", timeout=30) as reply:
            faults = json.load(reply)
        assert faults["injected"][0]["operation"] == "s3:ListParts"
        assert faults["injected"][0]["times"] is None
        assert faults["switches"]["strict_empty_markers"] is True
    finally:
        process.terminate()
        process.communicate(timeout=60)


def test_server_refuses_bad_options_in_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["server", "--scenario", "nope"]) == 2
    assert "No scenario is called 'nope'" in capsys.readouterr().err
    assert main(["server", "--fail", "s3:ListParts"]) == 2
    assert "--fail takes OPERATION=CODE" in capsys.readouterr().err


_CLEANER = """
import sys
from datetime import datetime, timedelta, timezone
import boto3

s3 = boto3.client("s3")
cutoff = datetime.now(timezone.utc) - timedelta(days=1)
kwargs = {"Bucket": "bkt"}
stale = []
while True:
    page = s3.list_multipart_uploads(**kwargs)
    stale += [u for u in page.get("Uploads", []) if u["Initiated"] < cutoff]
    if sys.argv[1] == "one-page" or not page["IsTruncated"]:
        break
    kwargs.update(KeyMarker=page["NextKeyMarker"], UploadIdMarker=page["NextUploadIdMarker"])
for u in stale:
    s3.abort_multipart_upload(Bucket="bkt", Key=u["Key"], UploadId=u["UploadId"])
print(len(stale), "aborted")
"""


@pytest.mark.parametrize(("mode", "status"), [("paged", 0), ("one-page", 1)])
def test_run_checks_a_cleaner_against_the_ground_truth(
    tmp_path: Path, mode: str, status: int
) -> None:
    script = tmp_path / "cleaner.py"
    script.write_text(textwrap.dedent(_CLEANER))
    process = _mockmpu(
        "run", "--scenario", "stale-uploads", "older_than=1d", "stale=1100", "--check",
        "--", sys.executable, str(script), mode,
    )  # fmt: skip
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == status, stderr
    assert "aborted" in stdout  # the command's own output is left alone
    assert "ground truth of scenario stale-uploads" in stderr
    assert "s3:AbortMultipartUpload -> ok" in stderr
    verdict = "expected 4, got 4: met" if mode == "paged" else "expected 4, got 109: NOT MET"
    assert f"uploads left after cleanup (older than 1 day, 0:00:00): {verdict}" in stderr


def test_run_reports_what_a_lister_saw_and_exits_with_the_command_status(tmp_path: Path) -> None:
    script = tmp_path / "lister.py"
    script.write_text(
        "import boto3, sys\n"
        "page = boto3.client('s3').list_multipart_uploads(Bucket='bkt')\n"
        "sys.exit(3)\n"
    )
    process = _mockmpu("run", "--scenario", "colliding-keys", "--", sys.executable, str(script))
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 3  # the command's status, even without --check
    assert "S3 ListMultipartUploads (Bucket='bkt') -> 200 ok" in stderr
    assert "uploads listed: expected 1009, got 1000: NOT MET" in stderr


def test_run_gives_the_command_an_endpoint_and_dummy_credentials(tmp_path: Path) -> None:
    script = "import json, os; print(json.dumps(dict(os.environ)))"
    env = {**os.environ, "AWS_SESSION_TOKEN": "real-token", "AWS_PROFILE": "prod"}
    process = _mockmpu("run", "--", sys.executable, "-c", script, env=env)
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr
    seen = json.loads(stdout)
    url = seen["AWS_ENDPOINT_URL"]
    assert url.startswith("http://127.0.0.1:")
    assert seen["AWS_ENDPOINT_URL_S3"] == seen["AWS_ENDPOINT_URL_GLACIER"] == url
    assert seen["AWS_EC2_METADATA_DISABLED"] == "true"
    assert (seen["AWS_ACCESS_KEY_ID"], seen["AWS_SECRET_ACCESS_KEY"]) == ("mockmpu", "mockmpu")
    assert "AWS_SESSION_TOKEN" not in seen and "AWS_PROFILE" not in seen
    assert "the command made 0 calls" in stderr


def test_run_without_a_command_says_how(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run"]) == 2
    assert "give the command after --" in capsys.readouterr().err
