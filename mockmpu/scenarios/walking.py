"""A scenario's ground truth as positions, and a client's listing calls grouped into walks.

The building blocks of :mod:`mockmpu.scenarios.explain`: :class:`Truth` numbers a scenario's
uploads or parts in the order a correct listing returns them and tells where a request's
markers resume; :func:`group_walks` cuts the recorded calls into walks (each starts without a
marker); :func:`build_walk` maps each page's items to their positions.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mockmpu.core.calls import Call
from mockmpu.scenarios.base import Scenario

__all__ = [
    "DEFAULT_SIZE",
    "KINDS",
    "MARKERS",
    "Page",
    "Truth",
    "Walk",
    "build_walk",
    "group_walks",
    "is_listing",
    "last_known",
    "request_text",
    "runs",
    "short",
    "starts_walk",
    "were",
]

# (service, operation, container parameter, page-size parameter, noun) per kind
KINDS = {
    "s3-listing": ("s3", "ListMultipartUploads", "Bucket", "MaxUploads", "upload"),
    "s3-parts": ("s3", "ListParts", "UploadId", "MaxParts", "part"),
    "glacier-listing": ("glacier", "ListMultipartUploads", "vaultName", "limit", "upload"),
    "glacier-parts": ("glacier", "ListParts", "uploadId", "limit", "part"),
}
DEFAULT_SIZE = {"s3": 1000, "glacier": 50}
MARKERS = {
    "s3-listing": ("KeyMarker", "UploadIdMarker"),
    "s3-parts": ("PartNumberMarker",),
    "glacier-listing": ("marker",),
    "glacier-parts": ("marker",),
}


@dataclass
class Page:
    number: int  # 1-based within its walk
    call: Call
    start: int | None  # the truth index the request resumed at (None: unknown)
    items: list[int | None]  # truth index of each item returned (None: not in the scenario)


@dataclass
class Walk:
    pages: list[Page] = field(default_factory=list)


class Truth:
    """The scenario's items in listing order, with labels and lookups."""

    def __init__(self, sc: Scenario, kind: str) -> None:
        self.sc = sc
        self.kind = kind
        service, operation, container, size, noun = KINDS[kind]
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
        return short(self.ids[i])

    def nouns(self, n: int) -> str:
        return f"{n} {self.noun}" + ("" if n == 1 else "s")

    def start_of(self, params: dict[str, Any], previous: Page | None) -> int | None:
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


def were(n: int) -> str:
    return "was" if n == 1 else "were"


def short(value: Any, width: int = 12) -> str:
    if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
        return str(value)
    text = str(value)
    return repr(text if len(text) <= width else text[: width - 1] + "…")


def is_listing(call: Call, truth: Truth) -> bool:
    return (
        call.service == truth.service
        and call.operation == truth.operation
        and call.params.get(truth.container_param) == truth.container
        and not call.params.get("Delimiter")
    )


def starts_walk(params: Any, kind: str) -> bool:
    if kind == "s3-listing":
        return not params.get("KeyMarker")
    if kind == "s3-parts":
        return not params.get("PartNumberMarker")
    return params.get("marker") is None


def group_walks(truth: Truth, calls: Iterable[Call]) -> list[list[Call]]:
    grouped: list[list[Call]] = []
    for call in calls:
        if not is_listing(call, truth):
            continue
        if not grouped or starts_walk(call.params, truth.kind):
            grouped.append([])
        grouped[-1].append(call)
    return grouped


def runs(indexes: Sequence[int], limit: int = 3) -> str:
    """``#1-#1000, #1003`` for sorted truth indexes (0-based in, 1-based out)."""
    runs: list[tuple[int, int]] = []
    for i in indexes:
        if runs and i == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    text = ", ".join(f"#{a + 1}" if a == b else f"#{a + 1}-#{b + 1}" for a, b in runs[:limit])
    return text + (f" and {len(runs) - limit} more runs" if len(runs) > limit else "")


def request_text(page: Page, truth: Truth) -> str:
    params = page.call.params
    shown = [
        f"{name}={short(params[name], 24)}"
        for name in (*MARKERS[truth.kind], "EncodingType", "Prefix")
        if params.get(name) is not None
    ]
    size = params.get(truth.size_param)
    shown.append(
        f"{truth.size_param}={size}"
        if size is not None
        else f"{truth.size_param} not sent (default {DEFAULT_SIZE[truth.service]})"
    )
    return ", ".join(shown)


def build_walk(truth: Truth, calls: list[Call]) -> Walk:
    walk = Walk()
    for n, call in enumerate(calls, 1):
        previous = walk.pages[-1] if walk.pages else None
        items: list[int | None] = []
        if call.answer is not None:
            items = [truth.index.get(item) for item in call.answer.items]
        walk.pages.append(Page(n, call, truth.start_of(dict(call.params), previous), items))
    return walk


def last_known(page: Page) -> int | None:
    known = [i for i in page.items if i is not None]
    return known[-1] if known else None
