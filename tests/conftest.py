"""Test-suite environment: no credentials, no config files, no metadata-service lookups.

botocore resolves credentials when a client is created; on a machine with none it would ask the
EC2 metadata service over the network. The suite proves that mockmpu needs no credentials, so it
runs with none and with that lookup disabled. (This is the suite's own environment; mockmpu itself
never writes os.environ.)
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest

for _name in (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
):
    os.environ.pop(_name, None)
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull


@pytest.fixture
def s3() -> Iterator[Any]:
    """A fresh boto3 S3 client (no credentials, us-east-1)."""
    import boto3

    yield boto3.session.Session().client("s3", region_name="us-east-1")


@pytest.fixture
def glacier() -> Iterator[Any]:
    """A fresh boto3 Glacier client (no credentials, us-east-1)."""
    import boto3

    yield boto3.session.Session().client("glacier", region_name="us-east-1")


_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: Any) -> Any:
    """The suite never leaves the machine: only loopback and Unix sockets may connect."""
    if self.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0]
        if not (host.startswith("127.") or host in ("::1", "localhost")):
            raise AssertionError(f"test tried to open a network connection to {address!r}")
    return _real_connect(self, address)


socket.socket.connect = _loopback_only  # type: ignore[method-assign]
