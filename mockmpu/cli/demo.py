"""Run real clients against the states where real client code broke.

``mockmpu demo`` needs no AWS account and no network. First it arranges 2,500
in-progress uploads, all 30 days old, where uploads 996-1005 (in listing order) share the key
``logs/2026-10-21.gz``, so S3's first page of 1,000 ends in the middle of that key, runs several
clients and prints what each saw. Then it runs naive and correct clients, and the bundled
examples, against every scenario of ``mockmpu.scenarios`` (S3 and Glacier), each in a fresh
mock, and prints expected vs seen from the scenario's ground truth.

``mockmpu scenarios`` lists the scenarios, one line each; ``mockmpu show SCENARIO`` draws one.
"""

from __future__ import annotations

import argparse
import importlib
from datetime import datetime, timedelta, timezone
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


def _load_example(name: str = "abort_stale_uploads") -> ModuleType:
    """The bundled example ``examples/<name>.py`` (shipped in the package: mockmpu.examples)."""
    return importlib.import_module(f"mockmpu.examples.{name}")


def example_tool(module: ModuleType) -> Callable[[Any], int]:
    def run(client: Any) -> int:
        summary = module.run(client, BUCKET, 7, dry_run=True)
        return int(summary.stale)

    return run


def configure(parser: argparse.ArgumentParser) -> None:
    """``mockmpu demo`` takes no arguments."""


def run(args: argparse.Namespace) -> int:
    import boto3

    from mockmpu import mock_mpu

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
    print(
        "\nEvery scenario (python -m mockmpu scenarios), each in a fresh mock: expected from the "
        "scenario's ground truth, seen by the client.\n"
    )
    print(_render(_scenario_rows(session)))
    return 0


# ------------------------------------------------------------------------------ scenario table


def _example_rows() -> dict[str, list[Any]]:
    """Rows for the bundled examples, by scenario name."""
    from mockmpu.s3.view import DEFAULT_PART_SIZE
    from mockmpu.scenarios.clients import Row, stale_pairs

    rows: dict[str, list[Any]] = {}
    stale = _load_example("abort_stale_uploads")

    def dry_run(client: Any, sc: Any) -> list[tuple[str, str]]:
        found = stale.find_stale_uploads(client, sc.bucket, timedelta(days=7))
        return [(u["Key"], u["UploadId"]) for u in found]

    row = Row("examples/abort_stale_uploads.py --dry-run", dry_run, stale_pairs, True)
    for name in ("many-uploads", "colliding-keys", "stale-uploads"):
        rows.setdefault(name, []).append(row)
    resume = _load_example("resume_s3_upload")

    def total(sc: Any) -> int:
        return max(sc.part_numbers, default=3)

    def to_upload(sc: Any) -> list[int]:
        have = set(sc.part_numbers)
        return [n for n in range(1, total(sc) + 1) if n not in have]

    def plan(client: Any, sc: Any) -> list[int]:
        sizes = [DEFAULT_PART_SIZE] * total(sc)
        up = sc.upload
        return list(resume.plan_resume(client, sc.bucket, up.key, up.upload_id, sizes)[0])

    row = Row("examples/resume_s3_upload.py (parts to upload)", plan, to_upload, True)
    for name in ("many-parts", "sparse-parts", "empty-upload-s3"):
        rows.setdefault(name, []).append(row)
    glacier = _load_example("glacier_resume")

    def uploads(client: Any, sc: Any) -> list[str]:
        return [u["MultipartUploadId"] for u in glacier.list_uploads(client, sc.vault)]

    def parts(client: Any, sc: Any) -> list[str]:
        listed = glacier.list_parts(client, sc.vault, sc.upload.upload_id)[1]
        return [p["RangeInBytes"] for p in listed]

    listing = Row("examples/glacier_resume.py list", uploads, lambda sc: sc.upload_ids, True)
    for style in ("json-null", "absent", "string-null"):
        rows.setdefault(f"glacier-end-marker-{style}", []).append(listing)
    row = Row("examples/glacier_resume.py (parts)", parts, lambda sc: sc.part_ranges, True)
    for name in ("glacier-many-parts", "empty-upload-glacier", "glacier-unknown-marker-error"):
        rows.setdefault(name, []).append(row)
    return rows


def _scenario_rows(session: Any) -> list[tuple[str, str, str, str, str]]:
    """Run each scenario's clients, each in a fresh mock; return the table's rows.

    The naive clients, the reference correct client (unless a bundled example stands in for it
    on a scenario with AWS's behaviour: botocore's parser dominates the demo's time), then the
    bundled examples.
    """
    from mockmpu import mock_mpu, scenarios
    from mockmpu.scenarios.clients import ROWS, run, verdict

    clients = {"s3": session.client("s3"), "glacier": session.client("glacier")}
    extra = _example_rows()
    table: list[tuple[str, str, str, str, str]] = []
    for scenario in scenarios.catalog():
        examples = extra.get(scenario.name, [])
        naive = [row for row in ROWS[scenario.name] if not row.correct]
        # The examples are written for AWS: on a faulty server they may fail, so the reference
        # correct client runs too.
        correct = [
            row for row in ROWS[scenario.name] if row.correct and (not examples or scenario.faults)
        ]
        for row in (*naive, *correct, *examples):
            with mock_mpu(scenario=scenario) as mpu:
                sc = mpu.scenario
                outcome = run(row.run, clients[sc.service], sc)
                expected = row.expect(sc)
            seen = "-" if outcome.error else str(len(outcome.seen))
            table.append(
                (scenario.name, row.client, str(len(expected)), seen, verdict(expected, outcome))
            )
    return table


def _render(rows: list[tuple[str, str, str, str, str]]) -> str:
    header = ("scenario", "client", "expected", "seen", "verdict")
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(4)]
    lines = []
    for previous, row in zip((None, header, *rows), (header, *rows)):
        if previous is not None and previous is not header and row[0] != previous[0]:
            lines.append("")  # a blank line between scenarios
        left = f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}"
        lines.append(f"{left}  {row[2]:>{widths[2]}}  {row[3]:>{widths[3]}}  {row[4]}")
    return "\n".join(lines)
