"""Explain how a client walked a scenario's listing, against the scenario's ground truth.

:func:`explain` reads the listing calls a mock recorded (``mpu.calls``: each request's
parameters and, in :class:`~mockmpu.core.calls.Listed`, what its page answered) and tells, walk by
walk (a walk starts with a request that carries no marker):

- each request's markers and page size, and what came back, as positions ``#n`` in the ground
  truth (the order a correct listing returns the scenario's uploads or parts);
- where the walk left the ground truth, in sentences such as "page 2 was requested with
  KeyMarker='b' and no UploadIdMarker: the 8 remaining uploads of 'b' were skipped";
- what the walk missed and repeated.

The pytest plugin adds it to the report of a failed test that used a scenario (see
:mod:`mockmpu.pytest_plugin`); ``mockmpu show SCENARIO`` prints a correct client's walk.

Not explained: listings with ``Delimiter`` (common prefixes hide uploads), and calls made against
another bucket, vault or upload than the scenario's.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mockmpu.core.calls import Call
from mockmpu.s3.rules import url_encode
from mockmpu.scenarios.base import Scenario

__all__ = ["MAX_PAGES", "explain", "walks"]

#: Pages shown per walk (the first and last ones; the rest are counted).
MAX_PAGES = 12
#: Walks shown (the last ones).
_MAX_WALKS = 4
_MAX_SENTENCES = 8

# (service, operation, container parameter, page-size parameter, noun) per kind
_KINDS = {
    "s3-listing": ("s3", "ListMultipartUploads", "Bucket", "MaxUploads", "upload"),
    "s3-parts": ("s3", "ListParts", "UploadId", "MaxParts", "part"),
    "glacier-listing": ("glacier", "ListMultipartUploads", "vaultName", "limit", "upload"),
    "glacier-parts": ("glacier", "ListParts", "uploadId", "limit", "part"),
}
_DEFAULT_SIZE = {"s3": 1000, "glacier": 50}
_MARKERS = {
    "s3-listing": ("KeyMarker", "UploadIdMarker"),
    "s3-parts": ("PartNumberMarker",),
    "glacier-listing": ("marker",),
    "glacier-parts": ("marker",),
}


@dataclass
class _Page:
    number: int  # 1-based within its walk
    call: Call
    start: int | None  # the truth index the request resumed at (None: unknown)
    items: list[int | None]  # truth index of each item returned (None: not in the scenario)


@dataclass
class _Walk:
    pages: list[_Page] = field(default_factory=list)


class _Truth:
    """The scenario's items in listing order, with labels and lookups."""

    def __init__(self, sc: Scenario, kind: str) -> None:
        self.sc = sc
        self.kind = kind
        service, operation, container, size, noun = _KINDS[kind]
        self.service, self.operation, self.size_param, self.noun = service, operation, size, noun
        self.container_param = container
        self.keys: list[str] = []
        self.part_numbers: list[int] = []
        ids: list[Any]
        if kind == "s3-listing":
            self.container = sc.bucket
            self.keys = list(sc.keys)
            ids = list(sc.upload_ids)
        elif kind == "glacier-listing":
            self.container = sc.vault
            ids = list(sc.upload_ids)
        elif kind == "s3-parts":
            self.container = sc.upload.upload_id
            self.part_numbers = list(sc.part_numbers)
            ids = list(self.part_numbers)
        else:
            self.container = sc.upload.upload_id
            ids = list(sc.part_ranges)
        self.ids = ids
        self.index = {item: i for i, item in enumerate(ids)}
        self.changed = {s.index for steps in sc.plan.values() for s in steps}
        if kind != sc.kind:
            self.changed = set()

    def __len__(self) -> int:
        return len(self.ids)

    def label(self, i: int) -> str:
        if self.kind == "s3-listing":
            return f"{self.keys[i]!r}"
        if self.kind == "s3-parts":
            return f"part {self.part_numbers[i]}"
        if self.kind == "glacier-parts":
            return f"bytes {self.ids[i]}"
        return _short(self.ids[i])

    def nouns(self, n: int) -> str:
        return f"{n} {self.noun}" + ("" if n == 1 else "s")

    def start_of(self, params: dict[str, Any], previous: _Page | None) -> int | None:
        """The truth index a request resumes at, from its markers (None: cannot tell)."""
        if self.kind == "s3-listing":
            key = params.get("KeyMarker")
            if not key:
                return 0
            upload_id = params.get("UploadIdMarker")
            at = self.index.get(upload_id) if upload_id else None
            if at is not None and self.keys[at] == key:
                return at + 1
            return bisect.bisect_right(self.keys, key)
        if self.kind == "s3-parts":
            try:
                number = int(params.get("PartNumberMarker") or 0)
            except (TypeError, ValueError):
                return None
            return bisect.bisect_right(self.part_numbers, number)
        marker = params.get("marker")
        if marker is None:
            return 0
        if previous is None or previous.call.answer is None or not previous.items:
            return None
        if previous.call.answer.markers.get("Marker") != marker:
            return None
        last = previous.items[-1]
        return None if last is None else last + 1


def _were(n: int) -> str:
    return "was" if n == 1 else "were"


def _short(value: Any, width: int = 12) -> str:
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        return str(value)
    text = str(value)
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def _is_listing(call: Call, truth: _Truth) -> bool:
    return (
        call.service == truth.service
        and call.operation == truth.operation
        and call.params.get(truth.container_param) == truth.container
        and not call.params.get("Delimiter")
    )


def _starts_walk(params: Any, kind: str) -> bool:
    if kind == "s3-listing":
        return not params.get("KeyMarker")
    if kind == "s3-parts":
        return not params.get("PartNumberMarker")
    return params.get("marker") is None


def walks(scenario: Scenario, calls: Iterable[Call], kind: str | None = None) -> list[list[Call]]:
    """The scenario's listing calls, grouped into walks (each starts without a marker).

    ``kind`` is the listing, one of ``KINDS`` (default: the scenario's kind).
    """
    return _walks(_Truth(scenario, kind or scenario.kind), calls)


def _walks(truth: _Truth, calls: Iterable[Call]) -> list[list[Call]]:
    grouped: list[list[Call]] = []
    for call in calls:
        if not _is_listing(call, truth):
            continue
        if not grouped or _starts_walk(call.params, truth.kind):
            grouped.append([])
        grouped[-1].append(call)
    return grouped


def _runs(indexes: Sequence[int], limit: int = 3) -> str:
    """``#1-#1000, #1003`` for sorted truth indexes (0-based in, 1-based out)."""
    runs: list[tuple[int, int]] = []
    for i in indexes:
        if runs and i == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    text = ", ".join(f"#{a + 1}" if a == b else f"#{a + 1}-#{b + 1}" for a, b in runs[:limit])
    return text + (f" and {len(runs) - limit} more runs" if len(runs) > limit else "")


def _request(page: _Page, truth: _Truth) -> str:
    params = page.call.params
    shown = [
        f"{name}={_short(params[name], 24)}"
        for name in (*_MARKERS[truth.kind], "EncodingType", "Prefix")
        if params.get(name) is not None
    ]
    size = params.get(truth.size_param)
    shown.append(
        f"{truth.size_param}={size}"
        if size is not None
        else f"{truth.size_param} not sent (default {_DEFAULT_SIZE[truth.service]})"
    )
    return ", ".join(shown)


def _answer(page: _Page, truth: _Truth) -> str:
    call = page.call
    if call.answer is None:
        return f"{call.status} {call.outcome}"
    known = [i for i in page.items if i is not None]
    parts = [truth.nouns(len(page.items))]
    if known:
        parts[0] += f" {_runs(known, 2)} ({truth.label(known[0])}"
        parts[0] += f" .. {truth.label(known[-1])})" if len(known) > 1 else ")"
    if len(known) < len(page.items):
        parts.append(f"{len(page.items) - len(known)} not in the scenario")
    if truth.service == "s3":
        parts.append(f"IsTruncated={'true' if call.answer.truncated else 'false'}")
    for name, value in call.answer.markers.items():
        parts.append(f"{name}={'null' if value is None else _short(value, 24)}")
    if truth.service == "glacier" and "Marker" not in call.answer.markers:
        parts.append("no Marker member")
    return ", ".join(parts)


def _build(truth: _Truth, calls: list[Call]) -> _Walk:
    walk = _Walk()
    for n, call in enumerate(calls, 1):
        previous = walk.pages[-1] if walk.pages else None
        items: list[int | None] = []
        if call.answer is not None:
            items = [truth.index.get(item) for item in call.answer.items]
        walk.pages.append(_Page(n, call, truth.start_of(dict(call.params), previous), items))
    return walk


def _last_known(page: _Page) -> int | None:
    known = [i for i in page.items if i is not None]
    return known[-1] if known else None


def _gap(truth: _Truth, start: int, expected: int) -> tuple[str, list[int]]:
    if start > expected:
        return "skipped", list(range(expected, start))
    return "listed again", list(range(start, expected))


def _diagnose(truth: _Truth, walk: _Walk, error: BaseException | None) -> list[str]:
    """Where the walk left the ground truth, one sentence each."""
    out: list[str] = []
    seen_so_far = 0
    for previous, page in zip(walk.pages, walk.pages[1:]):
        seen_so_far += len(previous.items)
        sentence = _step(truth, previous, page, seen_so_far)
        if sentence:
            out.append(sentence)
    last = walk.pages[-1]
    answer = last.call.answer
    if answer is not None and answer.truncated:
        after = _last_known(last)
        rest = len(truth) - (after + 1 if after is not None else 0)
        markers = ", ".join(
            f"{k}={_short(v, 24)}" for k, v in answer.markers.items() if v is not None
        )
        flag = "IsTruncated was true" if truth.service == "s3" else "a Marker named a next page"
        out.append(
            f"the walk stopped after page {last.number} although {flag} ({markers}): "
            f"the {truth.nouns(rest)} after it were never requested"
        )
        sent = answer.markers.get("NextPartNumberMarker")
        if sent is not None and int(sent) == int(last.call.params.get("PartNumberMarker") or 0):
            out.append(
                f"page {last.number} was answered with NextPartNumberMarker={sent}, the "
                "request's own marker (this scenario's fault), so a client that follows it asks "
                "for the same page again, and botocore's paginator stops"
            )
    if truth.service == "glacier" and answer is not None and not answer.truncated:
        marker = answer.markers.get("Marker", "absent")
        if isinstance(error, KeyError) and error.args == ("Marker",):
            how = (
                "Marker null, which botocore drops from the response dict"
                if marker is None
                else "no Marker member at all"
            )
            out.append(
                f"page {last.number} ended the listing with {how}: reading r['Marker'] raised "
                "KeyError; read it with r.get('Marker') and stop when it is None"
            )
        elif marker in ("null", "None"):
            out.append(
                f"page {last.number} ended the listing with Marker={marker!r}, a stringified "
                "null (this scenario's fault): a client must stop there, not send it back"
            )
    return out


def _step(truth: _Truth, previous: _Page, page: _Page, seen: int) -> str | None:
    params = page.call.params
    prev_answer = previous.call.answer
    after = _last_known(previous)
    n = page.number
    if truth.service == "glacier":
        marker = params.get("marker")
        if marker in ("null", "None"):
            what = (
                f"the server refused it ({page.call.outcome})"
                if page.call.answer is None
                else "the server answered it as a new listing"
            )
            return (
                f"page {n} was requested with marker={marker!r}, the stringified end marker of "
                f"page {previous.number} sent back as if it named a page: {what}"
            )
        if prev_answer is not None and marker != prev_answer.markers.get("Marker"):
            return (
                f"page {n} was requested with marker={_short(marker, 24)}, not the Marker "
                f"page {previous.number} sent: the walk lost its place"
            )
        return None
    if after is None or page.start is None:
        return None
    expected = after + 1
    stuck = (
        truth.kind == "s3-parts"
        and prev_answer is not None
        and prev_answer.truncated
        and int(prev_answer.markers.get("NextPartNumberMarker", 0))
        == int(previous.call.params.get("PartNumberMarker") or 0)
    )
    if page.start == expected and not stuck:
        return None
    verb, gap = _gap(truth, page.start, expected)
    count = truth.nouns(len(gap))
    if truth.kind == "s3-parts":
        marker = int(params.get("PartNumberMarker") or 0)
        last = truth.part_numbers[after]
        if stuck:
            sent = prev_answer.markers.get("NextPartNumberMarker") if prev_answer else None
            return (
                f"page {previous.number} was answered with NextPartNumberMarker={sent}, the "
                f"request's own marker (this scenario's fault): following it asks for page "
                f"{previous.number} again"
            )
        if marker == seen:
            cause = f"PartNumberMarker={marker} was the count of parts seen, not the last part "
        elif marker == previous.number:
            cause = f"PartNumberMarker={marker} was the page number, not the last part "
        else:
            cause = f"PartNumberMarker={marker} was not the last part "
        return (
            f"{cause}number ({last}) of page {previous.number}: {count} {_runs(gap)} "
            f"{_were(len(gap))} {verb}"
        )
    key_marker = params.get("KeyMarker")
    upload_marker = params.get("UploadIdMarker")
    boundary = truth.keys[after]
    if params.get("EncodingType") == "url" and key_marker == url_encode(boundary) != boundary:
        return (
            f"page {n} was requested with KeyMarker={key_marker!r}, the URL-encoded "
            f"NextKeyMarker sent back as it came: S3 reads a marker as a raw key, not as "
            f"{boundary!r}, so {count} {_runs(gap)} {_were(len(gap))} {verb}"
        )
    if key_marker == boundary and not upload_marker and page.start > expected:
        same = sum(1 for i in gap if truth.keys[i] == boundary)
        more = f" (and {len(gap) - same} more)" if len(gap) > same else ""
        why = f"page {n} was requested with KeyMarker={key_marker!r} and no UploadIdMarker"
        if prev_answer is not None and "NextUploadIdMarker" not in prev_answer.markers:
            why = (
                f"page {previous.number} came without NextUploadIdMarker (this scenario's "
                f"fault), so page {n} was requested with KeyMarker={key_marker!r} alone"
            )
        remaining = f"{same} remaining {truth.noun}{'' if same == 1 else 's'}"
        return f"{why}: the {remaining} of {boundary!r} {_were(same)} skipped{more}"
    return (
        f"page {n} was requested with {_request(page, truth)}: the listing resumed at "
        f"#{page.start + 1} instead of #{expected + 1}, so {count} {_runs(gap)} "
        f"{_were(len(gap))} {verb}"
    )


def _item_rows(truth: _Truth, page: _Page, rows: int) -> list[str]:
    """The first and last ``rows`` items of a page, with their positions in the ground truth."""
    picked = list(enumerate(page.items))
    if len(picked) > 2 * rows:
        picked = [*picked[:rows], (-1, None), *picked[-rows:]]
    out = []
    for n, index in picked:
        if n < 0:
            out.append(f"       ... {len(page.items) - 2 * rows} more ...")
        elif index is None:
            out.append(f"       {'?':>6}  (not in the scenario)")
        else:
            out.append(f"       {'#' + str(index + 1):>6}  {truth.label(index)}")
    return out


def _render_walk(
    truth: _Truth, number: int, walk: _Walk, error: BaseException | None, rows: int = 0
) -> str:
    pages = walk.pages
    lines = [f"walk {number}: {len(pages)} request{'s' if len(pages) != 1 else ''}"]
    shown = pages
    if len(pages) > MAX_PAGES:
        shown = [*pages[: MAX_PAGES // 2], *pages[-(MAX_PAGES // 2) :]]
    for i, page in enumerate(shown):
        if i == MAX_PAGES // 2 and len(pages) > MAX_PAGES:
            lines.append(f"  ... {len(pages) - MAX_PAGES} more pages ...")
        if rows and page.number > 1:
            lines.append(f"  {'-' * 20} page boundary {'-' * 20}")
        lines.append(f"  page {page.number}: {_request(page, truth)}")
        lines.append(f"    -> {_answer(page, truth)}")
        if rows:
            lines.extend(_item_rows(truth, page, rows))
    sentences = _diagnose(truth, walk, error)
    for sentence in sentences[:_MAX_SENTENCES]:
        lines.append(f"  ! {sentence}")
    if len(sentences) > _MAX_SENTENCES:
        lines.append(f"  ! ... and {len(sentences) - _MAX_SENTENCES} more")
    seen = [i for page in pages for i in page.items if i is not None]
    distinct = set(seen)
    missed = [i for i in range(len(truth)) if i not in distinct and i not in truth.changed]
    repeated = len(seen) - len(distinct)
    summary = f"  the walk saw {len(distinct)} of the {truth.nouns(len(truth))}"
    summary += f"; missed {len(missed)}" + (f" ({_runs(missed)})" if missed else "")
    summary += f"; repeated {repeated}"
    if truth.changed:
        summary += f"; {len(truth.changed)} changed between pages by the scenario's plan"
    lines.append(summary)
    return "\n".join(lines)


def explain(
    scenario: Scenario,
    calls: Iterable[Call],
    error: BaseException | None = None,
    *,
    rows: int = 0,
) -> str:
    """How the client walked ``scenario``'s listing, as recorded in ``calls``.

    ``scenario`` is a loaded scenario (``mpu.scenario``), ``calls`` the mock's ``mpu.calls``,
    ``error`` the exception the test failed with, if any (it sharpens the explanation of a
    ``KeyError: 'Marker'``). Returns text: a header with the ground truth, then each walk (at
    most the last four) with its pages (at most :data:`MAX_PAGES`), the sentences that say where
    it left the ground truth, and what it missed and repeated; or one line when the client never
    listed the scenario. ``rows`` > 0 also prints the first and last ``rows`` items of each
    page with their positions (``mockmpu show``).
    """
    calls = list(calls)
    lines = [f"scenario {scenario.name!r} ({', '.join(scenario.bugs)}): {scenario.summary}"]
    kinds = [scenario.kind]
    if scenario.kind.endswith("-parts"):  # its vault or bucket can be listed too
        kinds.append(scenario.kind.replace("-parts", "-listing"))
    explained = [_explain(_Truth(scenario, kind), calls, error, rows) for kind in kinds]
    found = [text for text in explained if text is not None]
    if not found:
        truth = _Truth(scenario, scenario.kind)
        where = "upload" if truth.kind.endswith("-parts") else _where(truth)
        lines.append(f"the client never called {truth.operation} on this {where}.")
    return "\n".join([*lines, *found])


def _where(truth: _Truth) -> str:
    if truth.kind.endswith("-parts"):
        return f"upload {_short(truth.container, 16)}"
    return f"{'bucket' if truth.service == 's3' else 'vault'} {truth.container!r}"


def _explain(
    truth: _Truth, calls: list[Call], error: BaseException | None, rows: int
) -> str | None:
    grouped = _walks(truth, calls)
    if not grouped:
        return None
    lines = [
        f"{truth.operation} of {_where(truth)}: ground truth {truth.nouns(len(truth))}, "
        f"numbered #1-#{len(truth)} in the order a correct listing returns them"
    ]
    first = max(0, len(grouped) - _MAX_WALKS)
    if first:
        lines.append(f"({first} earlier walks not shown)")
    for number, calls_of_walk in enumerate(grouped[first:], first + 1):
        is_last = number == len(grouped)
        walk = _build(truth, calls_of_walk)
        lines.append(_render_walk(truth, number, walk, error if is_last else None, rows))
    if len(grouped) > 1 and truth.changed:
        lines.append(
            f"the client listed from the start {len(grouped)} times while the scenario changed "
            "the listing between pages: a position counted in one listing (an index or offset) "
            "names another item in the next; resume from the markers of the page just read"
        )
    return "\n".join(lines)
