#!/usr/bin/env python3
"""Resume an interrupted S3 multipart upload of a local file: upload only the missing parts.

    python examples/resume_s3_upload.py BUCKET KEY FILE --upload-id ID [--part-size MIB] [--dry-run]

It lists the parts already uploaded with botocore's ListParts paginator (so uploads with more
than 1,000 parts are read completely, and sparse part numbers are handled), uploads every part
of FILE that is missing, or whose size differs from the local chunk, then completes the upload
with the parts' ETags. With --dry-run it only prints which part numbers it would upload.

Exit status: 0 on success (or --dry-run), 1 when the upload does not exist.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from typing import Any, BinaryIO

MIB = 1024 * 1024


def iter_parts(client: Any, bucket: str, key: str, upload_id: str) -> Iterator[dict[str, Any]]:
    """Yield every part already uploaded, in part-number order."""
    pages = client.get_paginator("list_parts").paginate(Bucket=bucket, Key=key, UploadId=upload_id)
    for page in pages:
        yield from page.get("Parts", [])


def plan_resume(
    client: Any, bucket: str, key: str, upload_id: str, sizes: list[int]
) -> tuple[list[int], dict[int, str]]:
    """Return (part numbers to upload, ETags of the parts to keep) for local part ``sizes``.

    ``sizes[i]`` is the size in bytes of local part ``i + 1``. A part is kept when it exists
    remotely with the same size; parts numbered beyond ``len(sizes)`` are ignored.
    """
    keep: dict[int, str] = {}
    for part in iter_parts(client, bucket, key, upload_id):
        number = part["PartNumber"]
        if number <= len(sizes) and part["Size"] == sizes[number - 1]:
            keep[number] = part["ETag"]
    missing = [n for n in range(1, len(sizes) + 1) if n not in keep]
    return missing, keep


def part_sizes(total: int, part_size: int) -> list[int]:
    """Sizes of the parts of a ``total``-byte file cut into ``part_size`` pieces."""
    return [min(part_size, total - start) for start in range(0, total, part_size)] or [0]


def resume(
    client: Any,
    bucket: str,
    key: str,
    upload_id: str,
    source: BinaryIO,
    total: int,
    part_size: int,
    *,
    dry_run: bool = False,
) -> list[int]:
    """Upload the missing parts of ``source`` and complete; return the part numbers uploaded."""
    missing, etags = plan_resume(client, bucket, key, upload_id, part_sizes(total, part_size))
    if dry_run:
        return missing
    for number in missing:
        source.seek((number - 1) * part_size)
        body = source.read(part_size)
        reply = client.upload_part(
            Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=body
        )
        etags[number] = reply["ETag"]
    client.complete_multipart_upload(
        Bucket=bucket,
        Key=key,
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": n, "ETag": etags[n]} for n in sorted(etags)]},
    )
    return missing


def main(argv: list[str] | None = None, client: Any = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bucket")
    parser.add_argument("key")
    parser.add_argument("file")
    parser.add_argument("--upload-id", required=True)
    parser.add_argument("--part-size", type=int, default=8, metavar="MIB")
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--region", default=None)
    args = parser.parse_args(argv)
    if client is None:
        import boto3

        client = boto3.client("s3", region_name=args.region)
    total = os.path.getsize(args.file)
    with open(args.file, "rb") as source:
        try:
            done = resume(
                client,
                args.bucket,
                args.key,
                args.upload_id,
                source,
                total,
                args.part_size * MIB,
                dry_run=args.dry_run,
            )
        except client.exceptions.NoSuchUpload:
            print(f"upload {args.upload_id} of s3://{args.bucket}/{args.key} does not exist")
            return 1
    verb = "would upload" if args.dry_run else "uploaded"
    print(f"s3://{args.bucket}/{args.key}: {verb} {len(done)} parts: {done}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
