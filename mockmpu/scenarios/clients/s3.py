"""Reference S3 clients: ListMultipartUploads loops and cleaners, and ListParts loops. Each
takes a botocore S3 client and a loaded scenario and returns what it saw."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any, Callable
from urllib.parse import unquote_plus

from mockmpu.s3.view import S3View
from mockmpu.scenarios.base import Scenario
from mockmpu.scenarios.clients.loops import (
    OLDER_THAN,
    S3_MAX_REQUESTS,
    Looped,
    bounded,
)

__all__ = [
    "abort",
    "s3_age_blind_cleaner",
    "s3_decoded_markers",
    "s3_empty_markers_first",
    "s3_key_marker_only",
    "s3_markers_from_last_upload",
    "s3_one_page",
    "s3_one_page_cleaner",
    "s3_paginator",
    "s3_paginator_cleaner",
    "s3_parts_count_marker",
    "s3_parts_key_index",
    "s3_parts_last_part_marker",
    "s3_parts_next_marker_loop",
    "s3_parts_one_page",
    "s3_parts_paginator",
    "s3_raw_encoded_marker",
    "upload_pairs",
]


# ------------------------------------------------------------------------------- S3 listings


def upload_pairs(page: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(u["Key"], u["UploadId"]) for u in page.get("Uploads", [])]


def s3_one_page(client: Any, sc: Scenario) -> list[tuple[str, str]]:
    """BUG-01/02/03a: one ListMultipartUploads call, ``IsTruncated`` never read."""
    return upload_pairs(client.list_multipart_uploads(Bucket=sc.bucket))


def _s3_loop(
    client: Any, kwargs: dict[str, Any], follow: Callable[[Mapping[str, Any]], dict[str, Any]]
) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []
    for _ in range(S3_MAX_REQUESTS):
        page = client.list_multipart_uploads(**kwargs)
        seen += upload_pairs(page)
        if not page["IsTruncated"]:
            return seen
        kwargs.update(follow(page))
    raise Looped(f"stopped after {S3_MAX_REQUESTS} requests")


def s3_key_marker_only(client: Any, sc: Scenario) -> list[tuple[str, str]]:
    """BUG-04: pages with ``KeyMarker=NextKeyMarker`` alone."""
    return _s3_loop(
        client,
        {"Bucket": sc.bucket, "MaxUploads": sc.page_size},
        lambda page: {"KeyMarker": page["NextKeyMarker"]},
    )


def s3_raw_encoded_marker(client: Any, sc: Scenario) -> list[tuple[str, str]]:
    """BUG-05: ``EncodingType=url``, the encoded ``NextKeyMarker`` sent back as is (boto2)."""
    return _s3_loop(
        client,
        {"Bucket": sc.bucket, "EncodingType": "url", "MaxUploads": sc.page_size},
        lambda page: {"KeyMarker": page["NextKeyMarker"]},
    )


def s3_decoded_markers(client: Any, sc: Scenario) -> list[tuple[str, str]]:
    """Correct with ``EncodingType=url``: decode keys and ``NextKeyMarker``, send both markers."""
    seen = _s3_loop(
        client,
        {"Bucket": sc.bucket, "EncodingType": "url", "MaxUploads": sc.page_size},
        lambda page: {
            "KeyMarker": unquote_plus(page["NextKeyMarker"]),
            "UploadIdMarker": page["NextUploadIdMarker"],
        },
    )
    return [(unquote_plus(key), upload_id) for key, upload_id in seen]


def s3_paginator(client: Any, sc: Scenario) -> list[tuple[str, str]]:
    """Correct: botocore's paginator (both markers, ``IsTruncated``)."""
    pages = client.get_paginator("list_multipart_uploads").paginate(
        Bucket=sc.bucket, PaginationConfig={"PageSize": sc.page_size}
    )
    return [pair for page in bounded(pages, S3_MAX_REQUESTS) for pair in upload_pairs(page)]


def s3_markers_from_last_upload(client: Any, sc: Scenario) -> list[tuple[str, str]]:
    """Robust to BUG-07: when a Next marker is missing, take it from the page's last upload."""
    return _s3_loop(
        client,
        {"Bucket": sc.bucket},
        lambda page: {
            "KeyMarker": page.get("NextKeyMarker") or page["Uploads"][-1]["Key"],
            "UploadIdMarker": page.get("NextUploadIdMarker") or page["Uploads"][-1]["UploadId"],
        },
    )


def s3_empty_markers_first(client: Any, sc: Scenario) -> list[tuple[str, str]]:
    """BUG-06: ``KeyMarker=""`` and ``UploadIdMarker=""`` on the first request."""
    return _s3_loop(
        client,
        {"Bucket": sc.bucket, "KeyMarker": "", "UploadIdMarker": ""},
        lambda page: {
            "KeyMarker": page["NextKeyMarker"],
            "UploadIdMarker": page["NextUploadIdMarker"],
        },
    )


# Cleaners: each returns the (Key, UploadId) pairs it would abort; ``abort`` aborts them.


def _stale(uploads: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
    cutoff = datetime.now(timezone.utc) - OLDER_THAN
    return [(u["Key"], u["UploadId"]) for u in uploads if u["Initiated"] < cutoff]


def _every_upload(client: Any, sc: Scenario) -> list[Mapping[str, Any]]:
    pages = client.get_paginator("list_multipart_uploads").paginate(Bucket=sc.bucket)
    return [u for page in bounded(pages, S3_MAX_REQUESTS) for u in page.get("Uploads", [])]


def s3_one_page_cleaner(client: Any, sc: Scenario) -> list[tuple[str, str]]:
    """BUG-03a / BUG-01: picks the stale uploads of one page (older than 7 days)."""
    return _stale(client.list_multipart_uploads(Bucket=sc.bucket).get("Uploads", []))


def s3_age_blind_cleaner(client: Any, sc: Scenario) -> list[tuple[str, str]]:
    """BUG-03b: picks every upload, as a test built on moto's 2010 dates lets pass."""
    return [(u["Key"], u["UploadId"]) for u in _every_upload(client, sc)]


def s3_paginator_cleaner(client: Any, sc: Scenario) -> list[tuple[str, str]]:
    """Correct: lists everything with the paginator, picks what is older than 7 days."""
    return _stale(_every_upload(client, sc))


def abort(client: Any, sc: Scenario, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Abort ``pairs`` in the scenario's bucket; return the uploads left, in listing order."""
    for key, upload_id in pairs:
        client.abort_multipart_upload(Bucket=sc.bucket, Key=key, UploadId=upload_id)
    return [(u.key, u.upload_id) for u in S3View(sc.state).uploads(sc.bucket)]


# ---------------------------------------------------------------------------------- S3 parts


def _numbers(page: Mapping[str, Any]) -> list[int]:
    return [p["PartNumber"] for p in page.get("Parts", [])]


def _list_parts(client: Any, sc: Scenario, **kwargs: Any) -> Mapping[str, Any]:
    return client.list_parts(  # type: ignore[no-any-return]
        Bucket=sc.bucket, Key=sc.upload.key, UploadId=sc.upload.upload_id, **kwargs
    )


def s3_parts_one_page(client: Any, sc: Scenario) -> list[int]:
    """BUG-08: one ListParts call (s3cmd's resume before 2.2.0)."""
    return _numbers(_list_parts(client, sc))


def _parts_loop(
    client: Any,
    sc: Scenario,
    marker: Callable[[list[int], Mapping[str, Any] | None], dict[str, Any]],
) -> list[int]:
    """ListParts while ``IsTruncated``; ``marker(seen, last page)`` gives each request's marker."""
    seen: list[int] = []
    page: Mapping[str, Any] | None = None
    for _ in range(S3_MAX_REQUESTS):
        page = _list_parts(client, sc, **marker(seen, page))
        seen += _numbers(page)
        if not page["IsTruncated"]:
            return seen
    raise Looped(f"stopped after {S3_MAX_REQUESTS} requests")


def s3_parts_count_marker(client: Any, sc: Scenario) -> list[int]:
    """BUG-11: ``PartNumberMarker`` = the number of parts seen so far."""
    return _parts_loop(client, sc, lambda seen, _: {"PartNumberMarker": len(seen)})


def s3_parts_paginator(client: Any, sc: Scenario) -> list[int]:
    """Correct on AWS: botocore's ListParts paginator."""
    pages = client.get_paginator("list_parts").paginate(
        Bucket=sc.bucket, Key=sc.upload.key, UploadId=sc.upload.upload_id
    )
    return [n for page in bounded(pages, S3_MAX_REQUESTS) for n in _numbers(page)]


def s3_parts_next_marker_loop(client: Any, sc: Scenario) -> list[int]:
    """``while IsTruncated`` on ``NextPartNumberMarker``: correct on AWS, spins on BUG-10."""
    return _parts_loop(
        client,
        sc,
        lambda _, page: {} if page is None else {"PartNumberMarker": page["NextPartNumberMarker"]},
    )


def s3_parts_last_part_marker(client: Any, sc: Scenario) -> list[int]:
    """Robust to BUG-10: the next marker is the last part number listed."""
    return _parts_loop(client, sc, lambda seen, _: {"PartNumberMarker": seen[-1]} if seen else {})


def s3_parts_key_index(client: Any, sc: Scenario) -> list[int]:
    """BUG-12b's S3 twin: reads ``response["Parts"]``, absent when the upload has no parts."""
    return [p["PartNumber"] for p in _list_parts(client, sc)["Parts"]]
