"""Where the external clients of the server tests are: the AWS CLI, Node.js, rclone.

Each is looked for, never installed here; a test whose client is missing skips with the reason
and how CI provides it (.ci/run installs all three).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def aws_cli() -> str:
    """The ``aws`` command: $MOCKMPU_AWS_CLI, the test environment's own (mockmpu[clients]),
    .venv-awscli/bin/aws, or ``aws`` on PATH."""
    candidates = [
        os.environ.get("MOCKMPU_AWS_CLI"),
        str(Path(sys.executable).parent / "aws"),
        str(ROOT / ".venv-awscli" / "bin" / "aws"),
    ]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return candidate
    found = shutil.which("aws")
    if found is None:
        pytest.skip("the AWS CLI is not installed (pip install 'mockmpu[clients]')")
    return found


def node_with_sdk() -> str:
    """``node``, when tests/js has its packages installed (``npm ci`` in tests/js)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed")
    if not (ROOT / "tests" / "js" / "node_modules" / "@aws-sdk" / "client-s3").is_dir():
        pytest.skip("@aws-sdk/client-s3 is not installed (run npm ci in tests/js; .ci/run does)")
    return node


def rclone() -> str:
    found = shutil.which("rclone")
    if found is None:
        pytest.skip("rclone is not installed (Debian package rclone; .ci/run installs it)")
    return found
