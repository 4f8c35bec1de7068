"""The demo: real clients against a bucket whose page boundary falls inside one key's uploads.

``python -m mockmpu demo`` needs no AWS account and no network. It arranges 2,500 in-progress
uploads, all 30 days old, where uploads 996-1005 (in listing order) share the key
``logs/2026-10-21.gz``, so S3's first page of 1,000 ends in the middle of that key. Then it runs
several clients and prints what each saw.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

BUCKET = "demo-bucket"
TOTAL = 2500
COLLIDING_KEY = "logs/2026-10-21.gz"
COLLIDING_BEFORE = 995  # uploads on distinct keys that sort before the colliding key
COLLIDING_COUNT = 10


def build(mpu: Any, now: datetime) -> int:
    """Arrange the demo bucket; return the number of uploads."""
    mpu.s3.create_bucket(BUCKET)
    initiated = now - timedelta(days=30)
    # 995 distinct keys sort before the colliding key ("...-20-0000.gz" < "...-21.gz"), so its
    # run sits at positions 996-1005 in listing order; the rest sort after it.
    keys = [f"logs/2026-10-20-{i:04d}.gz" for i in range(COLLIDING_BEFORE)]
    keys += [COLLIDING_KEY] * COLLIDING_COUNT
    keys += [f"logs/2026-10-22-{i:04d}.gz" for i in range(TOTAL - len(keys))]
    for n, key in enumerate(keys):
        mpu.s3.create_multipart_upload(BUCKET, key, initiated=initiated + timedelta(seconds=n))
    return len(keys)


def one_page(client: Any) -> int:
    return len(client.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []))


def key_marker_only(client: Any) -> int:
    seen, kwargs = 0, {"Bucket": BUCKET}
    while True:
        page = client.list_multipart_uploads(**kwargs)
        seen += len(page.get("Uploads", []))
        if not page["IsTruncated"]:
            return seen
        kwargs["KeyMarker"] = page["NextKeyMarker"]


def paginator(client: Any) -> int:
    pages = client.get_paginator("list_multipart_uploads").paginate(Bucket=BUCKET)
    return sum(len(page.get("Uploads", [])) for page in pages)


def resource_collection(session: Any) -> Callable[[Any], int]:
    def run(client: Any) -> int:
        bucket = session.resource("s3").Bucket(BUCKET)
        return sum(1 for _ in bucket.multipart_uploads.all())

    return run


def _load_example() -> ModuleType | None:
    path = Path(__file__).resolve().parent.parent / "examples" / "abort_stale_uploads.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("_mockmpu_example_abort_stale", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def example_tool(module: ModuleType) -> Callable[[Any], int]:
    def run(client: Any) -> int:
        summary = module.run(client, BUCKET, 7, dry_run=True)
        return int(summary.stale)

    return run


def main(argv: Sequence[str] = ()) -> int:
    args = list(argv)
    if not args or args[0] != "demo":
        print("usage: python -m mockmpu demo", file=sys.stderr)
        return 2
    import boto3

    from . import mock_mpu

    # Explicit dummy credentials: mockmpu answers unsigned and needs none, but botocore looks
    # for credentials when a client is created, and on a machine without any it would ask the
    # EC2 metadata service.
    session = boto3.Session(
        aws_access_key_id="mockmpu", aws_secret_access_key="mockmpu", region_name="us-east-1"
    )
    rows: list[tuple[str, int, int]] = []
    with mock_mpu() as mpu:
        expected = build(mpu, datetime.now(timezone.utc))
        client = session.client("s3")
        clients: list[tuple[str, Callable[[Any], int]]] = [
            ("one-page loop (list_multipart_uploads once)", one_page),
            ("KeyMarker-only loop", key_marker_only),
            ("botocore paginator", paginator),
            ("boto3 Bucket.multipart_uploads.all()", resource_collection(session)),
        ]
        example = _load_example()
        if example is not None:
            clients.append(("examples/abort_stale_uploads.py --dry-run", example_tool(example)))
        for name, run in clients:
            rows.append((name, expected, run(client)))
    print(
        f"mockmpu demo: bucket {BUCKET!r} with {expected} in-progress uploads; the first page "
        f"of 1000 ends inside the {COLLIDING_COUNT} uploads on {COLLIDING_KEY!r}.\n"
    )
    width = max(len(name) for name, _, _ in rows)
    print(f"{'client':<{width}}  {'expected':>8}  {'seen':>6}  verdict")
    for name, want, seen in rows:
        verdict = "ok" if seen == want else f"MISSED {want - seen}"
        print(f"{name:<{width}}  {want:>8}  {seen:>6}  {verdict}")
    return 0
