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
from dataclasses import dataclass
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


LEGEND = """\
Each row runs one client in a fresh mock. "expected" is the ground truth's count in the row's
unit, "seen" what the client collected ("-" when it stopped with an error). Roles: naive = a
client with a known bug (it should fail here), correct = a reference client, example = a bundled
example (examples/*.py). Scenarios marked * switch the server away from AWS's behaviour (faults).
Verdicts:
  ok          exactly the expected items, in the expected order
  MISSED n    n expected items never seen
  REPEATED n  n items seen more than once
  WRONG n     n items seen that are not expected (e.g. fresh uploads a cleaner would abort)
  ORDER       the expected items, in another order
  LOOP        the client paged in circles, stopped by a request cap or mockmpu's loop guard
  ERROR x     the client raised x (an AWS error code or a Python exception)"""


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
            ("examples/abort_stale_uploads.py --dry-run", example_tool(_load_example())),
        ]
        for name, run in clients:
            rows.append((name, expected, run(client)))
    print(
        f"mockmpu demo: bucket {BUCKET!r} with {expected} in-progress uploads; the first page "
        f"of 1000 ends inside the {COLLIDING_COUNT} uploads on {COLLIDING_KEY!r}. Each client "
        "lists them all (unit: uploads).\n"
    )
    width = max(len(name) for name, _, _ in rows)
    print(f"{'client':<{width}}  {'expected':>8}  {'seen':>6}  verdict")
    for name, want, seen in rows:
        verdict = "ok" if seen == want else f"MISSED {want - seen}"
        print(f"{name:<{width}}  {want:>8}  {seen:>6}  {verdict}")
    print(
        "\nEvery scenario (mockmpu scenarios; mockmpu show NAME draws one), with its naive and "
        "correct clients and the bundled examples:\n"
    )
    table = _scenario_rows(session)
    print(_render(table))
    print()
    print(_summary(table))
    print()
    print(LEGEND)
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


@dataclass(frozen=True)
class TableRow:
    """One row of the scenario table."""

    scenario: str  # the name, with "*" for a fault scenario
    client: str
    role: str  # "naive", "correct" or "example"
    unit: str
    expected: int
    seen: str  # a count, or "-" after an error
    verdict: str


def _unit(kind: str, row: Any) -> str:
    from mockmpu.scenarios.clients import stale_pairs

    if row.expect is stale_pairs:
        return "uploads to abort"
    if "(parts to upload)" in row.client:
        return "parts to upload"
    return "uploads" if kind.endswith("-listing") else "parts"


def _scenario_rows(session: Any) -> list[TableRow]:
    """Run each scenario's clients, each in a fresh mock; return the table's rows.

    The naive clients, the reference correct client (unless a bundled example stands in for it
    on a scenario with AWS's behaviour: botocore's parser dominates the demo's time), then the
    bundled examples.
    """
    from mockmpu import mock_mpu, scenarios
    from mockmpu.scenarios.clients import ROWS, run, verdict

    clients = {"s3": session.client("s3"), "glacier": session.client("glacier")}
    extra = _example_rows()
    table: list[TableRow] = []
    for scenario in scenarios.catalog():
        examples = extra.get(scenario.name, [])
        naive = [row for row in ROWS[scenario.name] if not row.correct]
        # The examples are written for AWS: on a faulty server they may fail, so the reference
        # correct client runs too.
        correct = [
            row for row in ROWS[scenario.name] if row.correct and (not examples or scenario.faults)
        ]
        name = scenario.name + ("*" if scenario.faults else "")
        for role, chosen in (("naive", naive), ("correct", correct), ("example", examples)):
            for row in chosen:
                with mock_mpu(scenario=scenario) as mpu:
                    sc = mpu.scenario
                    outcome = run(row.run, clients[sc.service], sc)
                    expected = row.expect(sc)
                seen = "-" if outcome.error else str(len(outcome.seen))
                table.append(
                    TableRow(
                        name,
                        row.client,
                        role,
                        _unit(scenario.kind, row),
                        len(expected),
                        seen,
                        verdict(expected, outcome),
                    )
                )
    return table


def _render(rows: list[TableRow]) -> str:
    header = ("scenario", "client", "role", "unit", "expected", "seen", "verdict")
    cells = [header] + [
        (r.scenario, r.client, r.role, r.unit, str(r.expected), r.seen, r.verdict) for r in rows
    ]
    widths = [max(len(c[i]) for c in cells) for i in range(6)]
    lines = []
    for previous, cell in zip((None, *cells), cells):
        if previous is not None and previous is not header and cell[0] != previous[0]:
            lines.append("")  # a blank line between scenarios
        left = "  ".join(f"{cell[i]:<{widths[i]}}" for i in range(4))
        lines.append(f"{left}  {cell[4]:>{widths[4]}}  {cell[5]:>{widths[5]}}  {cell[6]}")
    return "\n".join(lines)


def _summary(rows: list[TableRow]) -> str:
    """One line: how many runs of each role gave the verdict the role calls for."""
    scenarios = {r.scenario for r in rows}
    faulty = {name for name in scenarios if name.endswith("*")}

    def count(role: str, ok: bool) -> str:
        runs = [r for r in rows if r.role == role]
        hits = sum(1 for r in runs if (r.verdict == "ok") == ok)
        return f"{hits} of {len(runs)}"

    examples_failing = [r for r in rows if r.role == "example" and r.verdict != "ok"]
    on_faults = sum(1 for r in examples_failing if r.scenario in faulty)
    note = (
        f" (the other {on_faults} on fault scenarios, which they are not written for)"
        if examples_failing and on_faults == len(examples_failing)
        else ""
    )
    return (
        f"summary: {len(scenarios)} scenarios ({len(faulty)} with faults), {len(rows)} client "
        f"runs; naive clients failed in {count('naive', False)} runs, correct clients saw the "
        f"ground truth in {count('correct', True)}, bundled examples in "
        f"{count('example', True)}{note}."
    )
