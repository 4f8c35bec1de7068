"""Reference clients for the scenarios: the naive code from each bug report, and correct code.

Each client takes a botocore client (S3 or Glacier, matching the scenario) and a loaded
:class:`~mockmpu.scenarios.Scenario`, and returns what it saw (S3 ``(Key, UploadId)`` pairs,
Glacier upload ids, part numbers or ranges) or, for cleaners, what it left behind. Loops that
never end against a faulty server stop after :data:`MAX_REQUESTS` requests with :class:`Looped`.
:data:`ROWS` pairs every catalog scenario with at least one naive client that fails on it and
one correct client that passes; ``python -m mockmpu demo`` prints them and the test suite checks
them. The module imports no botocore: clients arrive as arguments.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable
from urllib.parse import unquote_plus

from mockmpu.s3.view import S3View
from mockmpu.scenarios.base import Scenario

__all__ = [
    "MAX_REQUESTS",
    "ROWS",
    "S3_MAX_REQUESTS",
    "Looped",
    "Outcome",
    "Row",
    "abort",
    "expected_pairs",
    "run",
    "stale_pairs",
    "verdict",
]

#: Requests after which a bounded loop gives up. Every catalog scenario (default arguments)
#: needs fewer: 880 Glacier parts take 18 pages, S3 listings at most 3 (S3 pages are costly to
#: parse, so S3 loops stop sooner). Scaled-up scenarios may need higher bounds.
MAX_REQUESTS = 30
S3_MAX_REQUESTS = 5
#: The threshold the cleaners use.
OLDER_THAN = timedelta(days=7)


class Looped(Exception):
    """A client loop made :data:`MAX_REQUESTS` requests without reaching the end."""


def _bounded(pages: Iterable[Any], limit: int = MAX_REQUESTS) -> Iterable[Any]:
    for n, page in enumerate(pages, 1):
        if n > limit:
            raise Looped(f"stopped after {limit} requests")
        yield page


# ------------------------------------------------------------------------------- S3 listings


def _pairs(page: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(u["Key"], u["UploadId"]) for u in page.get("Uploads", [])]


def s3_one_page(client: Any, sc: Scenario) -> list[tuple[str, str]]:
    """BUG-01/02/03a: one ListMultipartUploads call, ``IsTruncated`` never read."""
    return _pairs(client.list_multipart_uploads(Bucket=sc.bucket))


def _s3_loop(
    client: Any, kwargs: dict[str, Any], follow: Callable[[Mapping[str, Any]], dict[str, Any]]
) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []
    for _ in range(S3_MAX_REQUESTS):
        page = client.list_multipart_uploads(**kwargs)
        seen += _pairs(page)
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
    return [pair for page in _bounded(pages, S3_MAX_REQUESTS) for pair in _pairs(page)]


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
    return [u for page in _bounded(pages, S3_MAX_REQUESTS) for u in page.get("Uploads", [])]


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


# ---------------------------------------------------------------------- mutation between pages


def _listing(client: Any, sc: Scenario, page_size: int | None) -> Iterable[list[Any]]:
    config = {"PaginationConfig": {"PageSize": page_size}} if page_size else {}
    paginator = client.get_paginator("list_multipart_uploads")
    if sc.service == "s3":
        pages = paginator.paginate(Bucket=sc.bucket, **config)
        return (_pairs(page) for page in _bounded(pages))
    pages = paginator.paginate(vaultName=sc.vault, **config)
    return (_glacier_ids(page) for page in _bounded(pages))


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
    return [n for page in _bounded(pages, S3_MAX_REQUESTS) for n in _numbers(page)]


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


# ------------------------------------------------------------------------------------ Glacier


def _glacier_ids(page: Mapping[str, Any]) -> list[str]:
    return [u["MultipartUploadId"] for u in page.get("UploadsList", [])]


def _ranges(page: Mapping[str, Any]) -> list[str]:
    return [p["RangeInBytes"] for p in page.get("Parts", [])]


def _glacier_loop(
    call: Callable[..., Mapping[str, Any]],
    items: Callable[[Mapping[str, Any]], list[Any]],
    next_marker: Callable[[Mapping[str, Any]], Any],
) -> list[Any]:
    seen: list[Any] = []
    page = call()
    seen += items(page)
    for _ in range(MAX_REQUESTS):
        marker = next_marker(page)
        if marker in (None, ""):
            return seen
        page = call(marker=marker)
        seen += items(page)
    raise Looped(f"stopped after {MAX_REQUESTS} requests")


def _robust_marker(page: Mapping[str, Any]) -> str | None:
    marker = page.get("Marker")
    return None if marker in (None, "", "null", "None") else str(marker)


def glacier_marker_key(client: Any, sc: Scenario) -> list[str]:
    """BUG-12d: ``marker = response["Marker"]`` (correct on boto2, KeyError under boto3)."""
    return _glacier_loop(
        lambda **kw: client.list_multipart_uploads(vaultName=sc.vault, **kw),
        _glacier_ids,
        lambda page: page["Marker"],
    )


def glacier_paginator(client: Any, sc: Scenario) -> list[str]:
    """Correct on AWS: botocore's paginator (``Vault.multipart_uploads.all()`` does the same)."""
    pages = client.get_paginator("list_multipart_uploads").paginate(vaultName=sc.vault)
    return [i for page in _bounded(pages) for i in _glacier_ids(page)]


def glacier_robust(client: Any, sc: Scenario) -> list[str]:
    """Robust to BUG-12e: ``None``, ``""``, ``"null"`` and ``"None"`` all end the listing."""
    return _glacier_loop(
        lambda **kw: client.list_multipart_uploads(vaultName=sc.vault, **kw),
        _glacier_ids,
        _robust_marker,
    )


def _glacier_parts(client: Any, sc: Scenario, **kwargs: Any) -> Mapping[str, Any]:
    return client.list_parts(  # type: ignore[no-any-return]
        vaultName=sc.vault, uploadId=sc.upload.upload_id, **kwargs
    )


def glacier_parts_first_page(client: Any, sc: Scenario) -> list[str]:
    """BUG-12a: the first page only (boto2 Layer1 never sent ``marker``)."""
    return _ranges(_glacier_parts(client, sc))


def glacier_parts_without_upload_id(client: Any, sc: Scenario) -> list[str]:
    """BUG-12c: glacier-upload 1.x follows ``Marker`` but drops ``uploadId`` on page 2."""
    page = _glacier_parts(client, sc)
    seen = _ranges(page)
    for _ in range(MAX_REQUESTS):
        if "Marker" not in page:
            return seen
        page = client.list_parts(vaultName=sc.vault, marker=page["Marker"])
        seen += _ranges(page)
    raise Looped(f"stopped after {MAX_REQUESTS} requests")


def glacier_cmd_resume(client: Any, sc: Scenario) -> list[str]:
    """BUG-12b: amazon-glacier-cmd-interface's resume used ``stop`` set only inside the loop."""
    seen: list[str] = []
    marker = None
    for _ in range(MAX_REQUESTS):
        page = _glacier_parts(client, sc, **({"marker": marker} if marker else {}))
        for part in page["Parts"]:
            seen.append(part["RangeInBytes"])
            stop = int(part["RangeInBytes"].split("-")[1])
        marker = page.get("Marker")
        if not marker:
            break
    resume_from = stop + 1  # UnboundLocalError when the upload has no parts
    return [r for r in seen if int(r.split("-")[0]) < resume_from]


def glacier_parts_paginator(client: Any, sc: Scenario) -> list[str]:
    """Correct on AWS: botocore's ListParts paginator."""
    pages = client.get_paginator("list_parts").paginate(
        vaultName=sc.vault, uploadId=sc.upload.upload_id
    )
    return [r for page in _bounded(pages) for r in _ranges(page)]


def glacier_parts_robust(client: Any, sc: Scenario) -> list[str]:
    """Robust to BUG-12e for ListParts: string end markers end the listing."""
    return _glacier_loop(lambda **kw: _glacier_parts(client, sc, **kw), _ranges, _robust_marker)


# ------------------------------------------------------------------------------------ running


@dataclass(frozen=True)
class Outcome:
    """What a client saw (or left), or the error that stopped it."""

    seen: Sequence[Any]
    error: str | None = None


def run(client_fn: Callable[[Any, Scenario], Iterable[Any]], client: Any, sc: Scenario) -> Outcome:
    """Run one client; exceptions become :attr:`Outcome.error` (``"ERROR <code>"``, ``"LOOP"``)."""
    try:
        return Outcome(list(client_fn(client, sc)))
    except Looped as stopped:
        return Outcome([], f"LOOP ({stopped})")
    except Exception as error:
        response = getattr(error, "response", None)
        if isinstance(response, Mapping) and "Error" in response:
            return Outcome([], f"ERROR {response['Error'].get('Code')}")
        if type(error).__name__ == "ListingLoopError":
            return Outcome([], "LOOP (mockmpu's loop guard)")
        return Outcome([], f"ERROR {type(error).__name__}")


def verdict(expected: Sequence[Any], outcome: Outcome) -> str:
    """``ok``, the error, or what differs: ``MISSED n``, ``REPEATED n``, ``WRONG n``, ``ORDER``."""
    if outcome.error is not None:
        return outcome.error
    seen = list(outcome.seen)
    if seen == list(expected):
        return "ok"
    want, got = set(expected), set(seen)
    problems = [
        f"{label} {n}"
        for label, n in (
            ("MISSED", len(want - got)),
            ("REPEATED", len(seen) - len(got)),
            ("WRONG", len(got - want)),
        )
        if n
    ]
    return ", ".join(problems) or "ORDER"


# --------------------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class Row:
    """One (client, expectation) for a scenario; ``correct`` says the client should pass."""

    client: str
    run: Callable[[Any, Scenario], Iterable[Any]]
    expect: Callable[[Scenario], Sequence[Any]]
    correct: bool


def expected_pairs(sc: Scenario) -> list[tuple[str, str]]:
    """The S3 ``(Key, UploadId)`` pairs a correct listing returns."""
    return [(u.key or "", u.upload_id) for u in sc.uploads]


def _seen_with_changes(sc: Scenario) -> list[Any]:
    if sc.service == "s3":
        return [(u.key, u.upload_id) for u in sc.expected_seen]
    return [u.upload_id for u in sc.expected_seen]


def stale_pairs(sc: Scenario) -> list[tuple[str, str]]:
    """The ``(Key, UploadId)`` pairs a correct 7-day cleaner aborts, in listing order."""
    left = set(sc.remaining_after_cleanup(OLDER_THAN))
    return [(u.key or "", u.upload_id) for u in sc.uploads if u not in left]


def _parts(sc: Scenario) -> list[int]:
    return list(sc.part_numbers)


def _part_ranges(sc: Scenario) -> list[str]:
    return list(sc.part_ranges)


def _glacier_uploads(sc: Scenario) -> list[str]:
    return list(sc.upload_ids)


_S3_LIST = (
    Row("one-page loop", s3_one_page, expected_pairs, False),
    Row("botocore paginator", s3_paginator, expected_pairs, True),
)
_GLACIER_AWS = (
    Row('loop reading r["Marker"]', glacier_marker_key, _glacier_uploads, False),
    Row("botocore paginator", glacier_paginator, _glacier_uploads, True),
)
_GLACIER_STRING = (
    Row("botocore paginator", glacier_paginator, _glacier_uploads, False),
    Row('marker loop ending at "null"/"None"', glacier_robust, _glacier_uploads, True),
)
_GLACIER_UNKNOWN = (
    Row("botocore paginator", glacier_parts_paginator, _part_ranges, False),
    Row('marker loop ending at "null"/"None"', glacier_parts_robust, _part_ranges, True),
)
_MUTATION = (
    Row("offset into a fresh listing", offset_pages_with_changes, _seen_with_changes, False),
    Row("paginator, changes between pages", marker_pages_with_changes, _seen_with_changes, True),
)

#: Scenario name -> the clients to run against it (at least one naive, one correct).
ROWS: Mapping[str, tuple[Row, ...]] = {
    "many-uploads": _S3_LIST,
    "colliding-keys": (
        Row("KeyMarker-only loop", s3_key_marker_only, expected_pairs, False),
        Row("botocore paginator", s3_paginator, expected_pairs, True),
    ),
    "encoded-keys": (
        Row("EncodingType=url, raw NextKeyMarker", s3_raw_encoded_marker, expected_pairs, False),
        Row("EncodingType=url, decoded markers", s3_decoded_markers, expected_pairs, True),
    ),
    "stale-uploads": (
        Row("one-page cleaner (would abort)", s3_one_page_cleaner, stale_pairs, False),
        Row("age-blind cleaner (would abort)", s3_age_blind_cleaner, stale_pairs, False),
        Row("paginator cleaner (would abort)", s3_paginator_cleaner, stale_pairs, True),
    ),
    "mutation-between-pages-s3": _MUTATION,
    "omit-next-upload-id-marker": (
        Row("botocore paginator", s3_paginator, expected_pairs, False),
        Row("markers from the last upload", s3_markers_from_last_upload, expected_pairs, True),
    ),
    "strict-empty-markers": (
        Row('KeyMarker="" on the first request', s3_empty_markers_first, expected_pairs, False),
        Row("botocore paginator", s3_paginator, expected_pairs, True),
    ),
    "many-parts": (
        Row("one ListParts call", s3_parts_one_page, _parts, False),
        Row("botocore paginator", s3_parts_paginator, _parts, True),
    ),
    "sparse-parts": (
        Row("PartNumberMarker=len(seen)", s3_parts_count_marker, _parts, False),
        Row("botocore paginator", s3_parts_paginator, _parts, True),
    ),
    "empty-upload-s3": (
        Row('resume reading r["Parts"]', s3_parts_key_index, _parts, False),
        Row("botocore paginator", s3_parts_paginator, _parts, True),
    ),
    "stuck-next-part-number-marker": (
        Row("botocore paginator", s3_parts_paginator, _parts, False),
        Row("while IsTruncated: NextPartNumberMarker", s3_parts_next_marker_loop, _parts, False),
        Row("marker = last part listed", s3_parts_last_part_marker, _parts, True),
    ),
    "glacier-end-marker-json-null": _GLACIER_AWS,
    "glacier-end-marker-absent": _GLACIER_AWS,
    "glacier-end-marker-string-null": _GLACIER_STRING,
    "glacier-end-marker-string-None": _GLACIER_STRING,
    "mutation-between-pages-glacier": _MUTATION,
    "glacier-many-parts": (
        Row("first page only", glacier_parts_first_page, _part_ranges, False),
        Row("Marker loop without uploadId", glacier_parts_without_upload_id, _part_ranges, False),
        Row("botocore paginator", glacier_parts_paginator, _part_ranges, True),
    ),
    "empty-upload-glacier": (
        Row("glacier-cmd resume (stop unset)", glacier_cmd_resume, _part_ranges, False),
        Row("botocore paginator", glacier_parts_paginator, _part_ranges, True),
    ),
    "glacier-unknown-marker-error": _GLACIER_UNKNOWN,
    "glacier-unknown-marker-restart": _GLACIER_UNKNOWN,
}
