#!/usr/bin/env python3
"""List a Glacier vault's in-progress multipart uploads, or resume one from a local file.

    python examples/glacier_resume.py list VAULT
    python examples/glacier_resume.py resume VAULT FILE --upload-id ID [--dry-run]

Both listings use botocore's paginators, which follow ``Marker`` until Glacier ends the list
with ``"Marker": null`` (botocore drops that key, so code reading ``response["Marker"]`` would
fail there). ``resume`` lists the parts already uploaded, compares each one's SHA-256 tree hash
with the local bytes, uploads the parts that are missing or differ, and completes the archive.

Exit status: 0 on success (or --dry-run), 1 when the vault or upload does not exist.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from typing import Any, BinaryIO


def list_uploads(client: Any, vault: str) -> list[dict[str, Any]]:
    """Every in-progress upload of ``vault``, in the order Glacier lists them."""
    pages = client.get_paginator("list_multipart_uploads").paginate(accountId="-", vaultName=vault)
    return [upload for page in pages for upload in page.get("UploadsList", [])]


def list_parts(client: Any, vault: str, upload_id: str) -> tuple[int, list[dict[str, Any]]]:
    """(part size in bytes, every uploaded part) of one upload; parts sorted by range."""
    pages = client.get_paginator("list_parts").paginate(
        accountId="-", vaultName=vault, uploadId=upload_id
    )
    part_size, parts = 0, []
    for page in pages:
        part_size = page["PartSizeInBytes"]
        parts.extend(page.get("Parts", []))
    return part_size, parts


def _tree_hash(data: bytes) -> str:
    from botocore.utils import calculate_tree_hash

    return str(calculate_tree_hash(io.BytesIO(data)))


def plan_resume(
    client: Any, vault: str, upload_id: str, source: BinaryIO, total: int
) -> tuple[int, list[int]]:
    """(part size, start offsets of the parts to upload) so that ``source`` is complete."""
    part_size, parts = list_parts(client, vault, upload_id)
    uploaded = {p["RangeInBytes"]: p["SHA256TreeHash"] for p in parts}
    todo = []
    for start in range(0, total, part_size):
        end = min(start + part_size, total) - 1
        listed = uploaded.get(f"{start}-{end}")
        if listed is not None:
            source.seek(start)
            if listed == _tree_hash(source.read(end - start + 1)):
                continue
        todo.append(start)
    return part_size, todo


def resume(
    client: Any, vault: str, upload_id: str, source: BinaryIO, total: int, *, dry_run: bool = False
) -> list[int]:
    """Upload what is missing and complete the archive; return the offsets uploaded."""
    part_size, todo = plan_resume(client, vault, upload_id, source, total)
    if dry_run:
        return todo
    for start in todo:
        source.seek(start)
        chunk = source.read(part_size)
        client.upload_multipart_part(
            accountId="-",
            vaultName=vault,
            uploadId=upload_id,
            range=f"bytes {start}-{start + len(chunk) - 1}/*",
            body=chunk,
        )
    source.seek(0)
    client.complete_multipart_upload(
        accountId="-",
        vaultName=vault,
        uploadId=upload_id,
        archiveSize=str(total),
        checksum=_tree_hash(source.read()),
    )
    return todo


def main(argv: list[str] | None = None, client: Any = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--region", default="us-east-1")
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="list in-progress uploads")
    listing.add_argument("vault")
    resuming = commands.add_parser("resume", help="resume one upload from a file")
    resuming.add_argument("vault")
    resuming.add_argument("file")
    resuming.add_argument("--upload-id", required=True)
    resuming.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    if client is None:
        import boto3

        client = boto3.client("glacier", region_name=args.region)
    try:
        if args.command == "list":
            for upload in list_uploads(client, args.vault):
                print(upload["MultipartUploadId"], upload["CreationDate"])
            return 0
        with open(args.file, "rb") as source:
            todo = resume(
                client,
                args.vault,
                args.upload_id,
                source,
                os.path.getsize(args.file),
                dry_run=args.dry_run,
            )
    except client.exceptions.ResourceNotFoundException as error:
        print(error.response["Error"]["Message"])
        return 1
    verb = "would upload" if args.dry_run else "uploaded"
    print(f"{args.vault} {args.upload_id}: {verb} {len(todo)} parts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
