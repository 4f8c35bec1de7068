"""Where a mockmpu call's time goes: cProfile, grouped at module boundaries.

Each component is measured where control crosses into it (pstats' per-caller cumulative time),
so the stdlib work a component causes (``xml.sax.saxutils`` under ``xmltodict``, ``re`` under
botocore's parser) is charged to that component:

- botocore, request side: everything that is neither below nor the parser (validation,
  serialization, event dispatch, endpoint);
- mockmpu hook glue: the ``provide-client-params``, ``before-parameter-build`` and
  ``choose-signer`` handlers and the ``_make_api_call`` wrapper's own time;
- mockmpu ``before-send``: building the ``WireRequest`` (which reads the request body), then
  the codec handler, split into request decoding (``s3/request.py``), the semantics
  (``_s3*``/``_glacier``), the rendering library (``xmltodict.unparse``/``json``), the response
  headers (ids, ``Date``) and the codec's own document building; then the rest (serving, the
  fault layer, recording the call, building the ``AWSResponse``);
- botocore, response parsing: ``ResponseParser.parse`` and below.

cProfile adds a fixed cost per Python function call, so call-heavy code (xmltodict, botocore's
parser) looks heavier than it is: read the shares, and the unprofiled times next to them.
"""

from __future__ import annotations

import cProfile
import gc
import pstats
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Callable

__all__ = ["Breakdown", "profile_call"]

FuncKey = tuple[str, int, str]

_REQUEST = ("mockmpu/s3/request.py",)
# glacier/request.py holds the Glacier codec's call_* (they call the semantics): codec, not parsing.
_CODEC = (
    "mockmpu/s3/codec.py",
    "mockmpu/s3/calls.py",
    "mockmpu/s3/render.py",
    "mockmpu/glacier/codec.py",
    "mockmpu/glacier/request.py",
    *_REQUEST,
)
_SEMANTICS = (
    "mockmpu/s3/semantics.py",
    "mockmpu/s3/buckets.py",
    "mockmpu/s3/uploads.py",
    "mockmpu/s3/completion.py",
    "mockmpu/s3/listing.py",
    "mockmpu/s3/rules.py",
    "mockmpu/glacier/semantics.py",
    "mockmpu/glacier/rules.py",
    "mockmpu/glacier/treehash.py",
    "mockmpu/glacier/vaults.py",
    "mockmpu/glacier/uploads.py",
    "mockmpu/glacier/listings.py",
)


def _in(key: FuncKey, files: Iterable[str]) -> bool:
    path = key[0].replace("\\", "/")
    return any(path.endswith(f) for f in files)


def _is(key: FuncKey, file: str, name: str) -> bool:
    return _in(key, (file,)) and key[2] == name


def _is_render(key: FuncKey) -> bool:
    path = key[0].replace("\\", "/")
    return path.endswith("/xmltodict.py") or "/json/" in path


@dataclass
class Breakdown:
    """Per-call seconds (under the profiler) by component, and the top functions by own time.

    Unprofiled figures beside it, the medians of the timed case ``case_key``: ``floor`` (the
    unsigned floor), ``mockmpu`` and ``handler_alone`` (the codec handler called directly on
    the recorded request: semantics, rendering, headers; no botocore, no hook), all measured in
    the same rounds.
    """

    title: str
    calls: int
    total: float
    components: list[tuple[str, float]]
    top: list[tuple[str, float, int]]
    handler_alone: float | None = None
    case_key: str | None = None
    floor: float | None = None
    mockmpu: float | None = None


def _crossing(
    stats: dict[FuncKey, Any], into: Callable[[FuncKey], bool], frm: Callable[[FuncKey], bool]
) -> float:
    """Cumulative seconds spent in functions matching ``into`` when called from ``frm``."""
    total = 0.0
    for key, (_, _, _, _, callers) in stats.items():
        if not into(key):
            continue
        for caller, (_, _, _, ct) in callers.items():
            if frm(caller) and not into(caller):
                total += ct
    return total


def _cumulative(stats: dict[FuncKey, Any], match: Callable[[FuncKey], bool]) -> float:
    return float(sum(v[3] for k, v in stats.items() if match(k)))


def _own(stats: dict[FuncKey, Any], match: Callable[[FuncKey], bool]) -> float:
    return float(sum(v[2] for k, v in stats.items() if match(k)))


def _short(key: FuncKey) -> str:
    path = key[0].replace("\\", "/")
    for marker in ("site-packages/", "/mockmpu/", "/lib/python"):
        if marker in path:
            path = path.split(marker, 1)[1]
            if marker == "/mockmpu/":
                path = "mockmpu/" + path
            break
    if key[0] == "~":
        return key[2]
    return f"{path}:{key[2]}"


def profile_call(
    title: str,
    call: Callable[[], object],
    *,
    calls: int,
    enter: Callable[[], None],
    exit: Callable[[], None],
    top: int = 12,
) -> Breakdown:
    """Profile ``calls`` calls of ``call`` (between ``enter`` and ``exit``); break them down."""
    profiler = cProfile.Profile()
    enter()
    try:
        call()  # warm
        gc.disable()
        try:
            profiler.enable()
            for _ in range(calls):
                call()
            profiler.disable()
        finally:
            gc.enable()
    finally:
        exit()
    stats: dict[FuncKey, Any] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in stats.values())
    hook = "mockmpu/transports/botocore.py"
    before_send = _cumulative(stats, lambda k: _is(k, hook, "_before_send"))
    glue = _cumulative(
        stats,
        lambda k: (
            _in(k, (hook,))
            and k[2]
            in ("_capture_caller_params", "_capture_params", "_choose_signer", "_ensure_attached")
        ),
    ) + _own(stats, lambda k: _is(k, hook, "_make_api_call"))
    wire = _cumulative(stats, lambda k: _is(k, hook, "_wire_request"))
    handler = _crossing(
        stats,
        lambda k: (
            _in(k, ("mockmpu/s3/render.py", "mockmpu/glacier/codec.py")) and k[2] == "handler"
        ),
        lambda k: True,
    )
    semantics = _crossing(stats, lambda k: _in(k, _SEMANTICS), lambda k: _in(k, _CODEC))
    render = _crossing(stats, _is_render, lambda k: _in(k, _CODEC))
    headers = _cumulative(
        stats,
        lambda k: (
            _is(k, "mockmpu/s3/render.py", "respond")
            or _is(k, "mockmpu/glacier/codec.py", "_base_headers")
        ),
    )
    parse = _crossing(
        stats,
        lambda k: _in(k, ("botocore/parsers.py",)) and k[2] == "parse",
        lambda k: not _in(k, ("botocore/parsers.py",)),
    )
    request = _crossing(stats, lambda k: _in(k, _REQUEST), lambda k: _in(k, _CODEC))
    codec_own = handler - semantics - render - headers - request
    per = 1.0 / calls
    components = [
        (
            "botocore, request side (validation, serialization, events, endpoint)",
            total - before_send - glue - parse,
        ),
        ("mockmpu hook glue (params capture, choose-signer, _make_api_call wrapper)", glue),
        ("mockmpu before-send: WireRequest from the prepared request (reads the body)", wire),
        ("mockmpu codec: request decoding (de-chunking, checksum headers)", request),
        ("mockmpu codec: semantics (_s3 / _glacier)", semantics),
        ("mockmpu codec: rendering library (xmltodict.unparse / json.dumps)", render),
        ("mockmpu codec: response headers (request ids, Date)", headers),
        ("mockmpu codec: building the document (dicts, timestamps, escaping)", codec_own),
        (
            "mockmpu before-send: the rest (serve, call record, AWSResponse)",
            before_send - wire - handler,
        ),
        ("botocore, response parsing (ResponseParser.parse)", parse),
    ]
    ranked = sorted(stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    return Breakdown(
        title,
        calls,
        total * per,
        [(name, seconds * per) for name, seconds in components],
        [(_short(k), v[2] * per, round(v[1] * per)) for k, v in ranked],
    )
