"""Reference clients for the mutation scenarios (S3 and Glacier): the listing changes between
pages (``Scenario.between_pages``), so positions move while markers stay valid."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mockmpu.scenarios.base import Scenario
from mockmpu.scenarios.clients.glacier import glacier_upload_ids
from mockmpu.scenarios.clients.loops import MAX_REQUESTS, Looped, bounded
from mockmpu.scenarios.clients.s3 import upload_pairs

__all__ = ["marker_pages_with_changes", "offset_pages_with_changes"]


# ---------------------------------------------------------------------- mutation between pages


def _listing(client: Any, sc: Scenario, page_size: int | None) -> Iterable[list[Any]]:
    config = {"PaginationConfig": {"PageSize": page_size}} if page_size else {}
    paginator = client.get_paginator("list_multipart_uploads")
    if sc.service == "s3":
        pages = paginator.paginate(Bucket=sc.bucket, **config)
        return (upload_pairs(page) for page in bounded(pages))
    pages = paginator.paginate(vaultName=sc.vault, **config)
    return (glacier_upload_ids(page) for page in bounded(pages))


def marker_pages_with_changes(client: Any, sc: Scenario) -> list[Any]:
    """Correct: pages with markers (the paginator), calling ``between_pages`` after each page."""
    seen: list[Any] = []
    for number, items in enumerate(_listing(client, sc, sc.page_size), 1):
        seen += items
        sc.between_pages(number)
    return seen


def offset_pages_with_changes(client: Any, sc: Scenario) -> list[Any]:
    """Index markers: page ``n`` is items ``n*size..`` of a fresh listing (BUG-13's mistake)."""
    seen: list[Any] = []
    for number in range(1, MAX_REQUESTS + 1):
        everything = [item for items in _listing(client, sc, None) for item in items]
        offset = (number - 1) * sc.page_size
        seen += everything[offset : offset + sc.page_size]
        if offset + sc.page_size >= len(everything):
            return seen
        sc.between_pages(number)
    raise Looped(f"stopped after {MAX_REQUESTS} pages")
