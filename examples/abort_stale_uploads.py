#!/usr/bin/env python3
"""Abort S3 multipart uploads that have been in progress for longer than N days.

    python examples/abort_stale_uploads.py BUCKET --older-than-days 7 [--prefix P] [--dry-run]

It lists *every* in-progress upload of the bucket with botocore's paginator, which sends both
KeyMarker and UploadIdMarker, so uploads sharing a key across a page boundary are not skipped;
then aborts the stale ones and prints a summary. An upload that disappears in the meantime
(NoSuchUpload) counts as already gone, not as a failure.

Exit status: 0 when every stale upload was aborted (or --dry-run), 1 when some abort failed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any


@dataclass
class Summary:
    listed: int = 0
    stale: int = 0
    aborted: list[tuple[str, str]] = field(default_factory=list)
    already_gone: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str, str]] = field(default_factory=list)

    def render(self, bucket: str, dry_run: bool) -> str:
        verb = "would abort" if dry_run else "aborted"
        count = self.stale if dry_run else len(self.aborted)
        lines = [
            f"bucket {bucket}: {self.listed} in-progress uploads listed, {self.stale} stale, "
            f"{verb} {count}, already gone {len(self.already_gone)}, failed {len(self.failed)}"
        ]
        lines += [f"  failed: {key} {upload_id}: {err}" for key, upload_id, err in self.failed]
        return "\n".join(lines)


def iter_uploads(client: Any, bucket: str, prefix: str | None = None) -> Iterator[dict[str, Any]]:
    """Yield every in-progress upload of ``bucket`` (optionally under ``prefix``), in S3's order."""
    kwargs: dict[str, Any] = {"Bucket": bucket}
    if prefix:
        kwargs["Prefix"] = prefix
    for page in client.get_paginator("list_multipart_uploads").paginate(**kwargs):
        yield from page.get("Uploads", [])


def find_stale_uploads(
    client: Any,
    bucket: str,
    older_than: timedelta,
    *,
    prefix: str | None = None,
    now: datetime | None = None,
    summary: Summary | None = None,
) -> list[dict[str, Any]]:
    """Return the uploads initiated more than ``older_than`` before ``now`` (UTC)."""
    cutoff = (now or datetime.now(timezone.utc)) - older_than
    stale = []
    for upload in iter_uploads(client, bucket, prefix):
        if summary is not None:
            summary.listed += 1
        if upload["Initiated"] < cutoff:
            stale.append(upload)
    if summary is not None:
        summary.stale = len(stale)
    return stale


def abort_uploads(
    client: Any, bucket: str, uploads: list[dict[str, Any]], summary: Summary
) -> Summary:
    """Abort each upload, recording what happened in ``summary``."""
    for upload in uploads:
        key, upload_id = upload["Key"], upload["UploadId"]
        try:
            client.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
        except client.exceptions.NoSuchUpload:
            summary.already_gone.append((key, upload_id))
        except Exception as err:  # report every other failure and go on
            summary.failed.append((key, upload_id, str(err)))
        else:
            summary.aborted.append((key, upload_id))
    return summary


def run(
    client: Any,
    bucket: str,
    older_than_days: float,
    *,
    prefix: str | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
) -> Summary:
    """List, filter and (unless ``dry_run``) abort; return the summary."""
    summary = Summary()
    stale = find_stale_uploads(
        client, bucket, timedelta(days=older_than_days), prefix=prefix, now=now, summary=summary
    )
    if not dry_run:
        abort_uploads(client, bucket, stale, summary)
    return summary


def main(argv: list[str] | None = None, client: Any = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bucket")
    parser.add_argument("--older-than-days", type=float, required=True, metavar="N")
    parser.add_argument("--prefix", default=None)
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--region", default=None)
    parser.add_argument("--endpoint-url", default=None)
    args = parser.parse_args(argv)
    if client is None:
        import boto3

        client = boto3.client("s3", region_name=args.region, endpoint_url=args.endpoint_url)
    summary = run(
        client, args.bucket, args.older_than_days, prefix=args.prefix, dry_run=args.dry_run
    )
    print(summary.render(args.bucket, args.dry_run))
    return 1 if summary.failed else 0


if __name__ == "__main__":
    sys.exit(main())
