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

from collections.abc import Iterable

from mockmpu.core.calls import Call
from mockmpu.s3.rules import url_encode
from mockmpu.scenarios.base import Scenario
from mockmpu.scenarios.walking import (
    Page,
    Truth,
    Walk,
    build_walk,
    group_walks,
    last_known,
    request_text,
    runs,
    short,
    were,
)

__all__ = ["MAX_PAGES", "explain", "walks"]

#: Pages shown per walk (the first and last ones; the rest are counted).
MAX_PAGES = 12
#: Walks shown (the last ones).
_MAX_WALKS = 4
_MAX_SENTENCES = 8


def walks(scenario: Scenario, calls: Iterable[Call], kind: str | None = None) -> list[list[Call]]:
    """The scenario's listing calls, grouped into walks (each starts without a marker).

    ``kind`` is the listing, one of ``KINDS`` (default: the scenario's kind).
    """
    return group_walks(Truth(scenario, kind or scenario.kind), calls)


def _answer(page: Page, truth: Truth) -> str:
    call = page.call
    if call.answer is None:
        return f"{call.status} {call.outcome}"
    known = [i for i in page.items if i is not None]
    parts = [truth.nouns(len(page.items))]
    if known:
        parts[0] += f" {runs(known, 2)} ({truth.label(known[0])}"
        parts[0] += f" .. {truth.label(known[-1])})" if len(known) > 1 else ")"
    if len(known) < len(page.items):
        parts.append(f"{len(page.items) - len(known)} not in the scenario")
    if truth.service == "s3":
        parts.append(f"IsTruncated={'true' if call.answer.truncated else 'false'}")
    for name, value in call.answer.markers.items():
        parts.append(f"{name}={'null' if value is None else short(value, 24)}")
    if truth.service == "glacier" and "Marker" not in call.answer.markers:
        parts.append("no Marker member")
    return ", ".join(parts)


def _gap(truth: Truth, start: int, expected: int) -> tuple[str, list[int]]:
    if start > expected:
        return "skipped", list(range(expected, start))
    return "listed again", list(range(start, expected))


def _diagnose(truth: Truth, walk: Walk, error: BaseException | None) -> list[str]:
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
        after = last_known(last)
        rest = len(truth) - (after + 1 if after is not None else 0)
        markers = ", ".join(
            f"{k}={short(v, 24)}" for k, v in answer.markers.items() if v is not None
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


def _step(truth: Truth, previous: Page, page: Page, seen: int) -> str | None:
    params = page.call.params
    prev_answer = previous.call.answer
    after = last_known(previous)
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
                f"page {n} was requested with marker={short(marker, 24)}, not the Marker "
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
            f"{cause}number ({last}) of page {previous.number}: {count} {runs(gap)} "
            f"{were(len(gap))} {verb}"
        )
    key_marker = params.get("KeyMarker")
    upload_marker = params.get("UploadIdMarker")
    boundary = truth.keys[after]
    if params.get("EncodingType") == "url" and key_marker == url_encode(boundary) != boundary:
        return (
            f"page {n} was requested with KeyMarker={key_marker!r}, the URL-encoded "
            f"NextKeyMarker sent back as it came: S3 reads a marker as a raw key, not as "
            f"{boundary!r}, so {count} {runs(gap)} {were(len(gap))} {verb}"
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
        return f"{why}: the {remaining} of {boundary!r} {were(same)} skipped{more}"
    return (
        f"page {n} was requested with {request_text(page, truth)}: the listing resumed at "
        f"#{page.start + 1} instead of #{expected + 1}, so {count} {runs(gap)} "
        f"{were(len(gap))} {verb}"
    )


def _item_rows(truth: Truth, page: Page, rows: int) -> list[str]:
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
    truth: Truth, number: int, walk: Walk, error: BaseException | None, rows: int = 0
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
        lines.append(f"  page {page.number}: {request_text(page, truth)}")
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
    summary += f"; missed {len(missed)}" + (f" ({runs(missed)})" if missed else "")
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
    explained = [_explain(Truth(scenario, kind), calls, error, rows) for kind in kinds]
    found = [text for text in explained if text is not None]
    if not found:
        truth = Truth(scenario, scenario.kind)
        where = "upload" if truth.kind.endswith("-parts") else _where(truth)
        lines.append(f"the client never called {truth.operation} on this {where}.")
    return "\n".join([*lines, *found])


def _where(truth: Truth) -> str:
    if truth.kind.endswith("-parts"):
        return f"upload {short(truth.container, 16)}"
    return f"{'bucket' if truth.service == 's3' else 'vault'} {truth.container!r}"


def _explain(truth: Truth, calls: list[Call], error: BaseException | None, rows: int) -> str | None:
    grouped = group_walks(truth, calls)
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
        walk = build_walk(truth, calls_of_walk)
        lines.append(_render_walk(truth, number, walk, error if is_last else None, rows))
    if len(grouped) > 1 and truth.changed:
        lines.append(
            f"the client listed from the start {len(grouped)} times while the scenario changed "
            "the listing between pages: a position counted in one listing (an index or offset) "
            "names another item in the next; resume from the markers of the page just read"
        )
    return "\n".join(lines)
