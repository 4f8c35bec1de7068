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
from typing import Any, Callable

from mockmpu.scenarios.base import Scenario
from mockmpu.scenarios.clients.glacier import (
    glacier_cmd_resume,
    glacier_marker_key,
    glacier_paginator,
    glacier_parts_first_page,
    glacier_parts_paginator,
    glacier_parts_robust,
    glacier_parts_without_upload_id,
    glacier_robust,
    glacier_upload_ids,
)
from mockmpu.scenarios.clients.loops import (
    MAX_REQUESTS,
    OLDER_THAN,
    S3_MAX_REQUESTS,
    Looped,
)
from mockmpu.scenarios.clients.mutation import (
    marker_pages_with_changes,
    offset_pages_with_changes,
)
from mockmpu.scenarios.clients.s3 import (
    abort,
    s3_age_blind_cleaner,
    s3_decoded_markers,
    s3_empty_markers_first,
    s3_key_marker_only,
    s3_markers_from_last_upload,
    s3_one_page,
    s3_one_page_cleaner,
    s3_paginator,
    s3_paginator_cleaner,
    s3_parts_count_marker,
    s3_parts_key_index,
    s3_parts_last_part_marker,
    s3_parts_next_marker_loop,
    s3_parts_one_page,
    s3_parts_paginator,
    s3_raw_encoded_marker,
    upload_pairs,
)

__all__ = [
    "MAX_REQUESTS",
    "OLDER_THAN",
    "ROWS",
    "S3_MAX_REQUESTS",
    "Looped",
    "Outcome",
    "Row",
    "abort",
    "expected_pairs",
    "glacier_cmd_resume",
    "glacier_marker_key",
    "glacier_paginator",
    "glacier_parts_first_page",
    "glacier_parts_paginator",
    "glacier_parts_robust",
    "glacier_parts_without_upload_id",
    "glacier_robust",
    "glacier_upload_ids",
    "marker_pages_with_changes",
    "offset_pages_with_changes",
    "run",
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
    "stale_pairs",
    "upload_pairs",
    "verdict",
]

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
