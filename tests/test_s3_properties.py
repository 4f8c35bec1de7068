"""Property tests: paging through ListMultipartUploads and ListParts loses and repeats nothing.

Over random buckets (keys with ``/`` and multi-byte characters, initiation-time ties) and random
page sizes, markers, prefixes and delimiters:

- every page equals a brute-force reference of the AWS rules (aws-semantics.md §1.8);
- following the Next markers visits the full sorted listing exactly once, markers strictly
  advance, and ``IsTruncated`` is true exactly when something remains;
- the same holds for ListParts with sparse part numbers.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mockmpu.core.state import MpuState, Upload
from mockmpu.s3 import semantics as _s3

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)

keys = st.text(alphabet="ab/é", min_size=1, max_size=4)
uploads_spec = st.lists(st.tuples(keys, st.integers(0, 2)), max_size=25)
prefixes = st.one_of(st.none(), st.text(alphabet="ab/é", max_size=2))
delimiters = st.sampled_from([None, "/", "b", "é", "a/"])
page_sizes = st.integers(1, 6)


def build(spec: list[tuple[str, int]]) -> tuple[MpuState, list[Upload]]:
    state = MpuState(clock=T0)
    _s3.create_bucket(state, "bucket")
    made = [
        _s3.create_multipart_upload(state, "bucket", key, initiated=T0 + timedelta(seconds=offset))
        for key, offset in spec
    ]
    ordered = sorted(made, key=lambda u: (u.key.encode(), u.initiated, u.seq))
    return state, ordered


def reference(
    ordered: list[Upload],
    *,
    prefix: str | None,
    delimiter: str | None,
    key_marker: str | None,
    upload_id_marker: str | None,
    limit: int,
) -> tuple[list[Upload], list[str], bool]:
    """A deliberately naive reading of the AWS rules: scan everything."""
    km = (key_marker or "").encode()
    if key_marker and upload_id_marker:
        position = [u.upload_id for u in ordered].index(upload_id_marker) + 1
        rest = ordered[position:]
    elif key_marker:
        rest = [u for u in ordered if u.key.encode() > km]
    else:
        rest = ordered
    pfx = (prefix or "").encode()
    delim = (delimiter or "").encode()
    entries: list[Any] = []
    seen: set[bytes] = set()
    for u in rest:
        kb = u.key.encode()
        if not kb.startswith(pfx):
            continue
        if delim and delim in kb[len(pfx) :]:
            common = kb[: kb.index(delim, len(pfx)) + len(delim)]
            if (key_marker and common <= km) or common in seen:
                continue
            seen.add(common)
            entries.append(common.decode())
        else:
            entries.append(u)
    page = entries[:limit]
    uploads = [e for e in page if isinstance(e, Upload)]
    commons = [e for e in page if isinstance(e, str)]
    return uploads, commons, limit > 0 and len(entries) > limit


@settings(max_examples=300, deadline=None)
@given(
    spec=uploads_spec,
    prefix=prefixes,
    delimiter=delimiters,
    limit=st.one_of(st.integers(0, 6), st.just(1000)),
    marker_choice=st.integers(0, 40),
    marker_text=st.one_of(st.none(), keys),
    use_id=st.booleans(),
)
def test_every_page_matches_the_reference(
    spec: list[tuple[str, int]],
    prefix: str | None,
    delimiter: str | None,
    limit: int,
    marker_choice: int,
    marker_text: str | None,
    use_id: bool,
) -> None:
    state, ordered = build(spec)
    key_marker, upload_id_marker = marker_text, None
    if ordered and marker_choice < len(ordered):
        marker = ordered[marker_choice]
        key_marker = marker.key
        upload_id_marker = marker.upload_id if use_id else None
    result = _s3.list_multipart_uploads(
        state,
        "bucket",
        prefix=prefix,
        delimiter=delimiter,
        key_marker=key_marker,
        upload_id_marker=upload_id_marker,
        max_uploads=limit,
    )
    uploads, commons, truncated = reference(
        ordered,
        prefix=prefix,
        delimiter=delimiter,
        key_marker=key_marker,
        upload_id_marker=upload_id_marker,
        limit=limit,
    )
    assert list(result.uploads) == uploads
    assert list(result.common_prefixes) == commons
    assert result.is_truncated is truncated
    assert result.next_key_marker == (uploads[-1].key if uploads else "")
    assert result.next_upload_id_marker == (uploads[-1].upload_id if uploads else "")
    assert result.upload_id_marker == ((upload_id_marker or "") if key_marker else "")


@settings(max_examples=200, deadline=None)
@given(spec=uploads_spec, prefix=prefixes, size=page_sizes)
def test_paging_with_next_markers_visits_each_upload_once(
    spec: list[tuple[str, int]], prefix: str | None, size: int
) -> None:
    # The botocore paginator's loop: send NextKeyMarker/NextUploadIdMarker while IsTruncated.
    state, ordered = build(spec)
    expected = [u for u in ordered if u.key.startswith(prefix or "")]
    position = {u.upload_id: i for i, u in enumerate(ordered)}
    seen: list[Upload] = []
    kwargs: dict[str, Any] = {}
    last = -1
    for _ in range(len(ordered) + 2):
        page = _s3.list_multipart_uploads(
            state, "bucket", prefix=prefix, max_uploads=size, **kwargs
        )
        assert len(page.uploads) <= size
        seen += page.uploads
        if page.uploads:
            here = position[page.next_upload_id_marker]
            assert here > last  # markers strictly advance
            last = here
        if not page.is_truncated:
            break
        assert page.uploads, "a truncated page without delimiter always holds an upload"
        kwargs = {
            "key_marker": page.next_key_marker,
            "upload_id_marker": page.next_upload_id_marker,
        }
    else:
        raise AssertionError("pagination did not end")
    assert seen == expected


@settings(max_examples=200, deadline=None)
@given(spec=uploads_spec, prefix=prefixes, delimiter=delimiters, size=page_sizes)
def test_paging_with_delimiter_loses_and_repeats_nothing(
    spec: list[tuple[str, int]], prefix: str | None, delimiter: str | None, size: int
) -> None:
    # With a delimiter a page may end on CommonPrefixes, which AWS's Next markers do not cover
    # (they name the last Upload, or are "" when the page has none). A client resumes after
    # whichever sorts last: the last Upload (key + upload-id marker) or the last CommonPrefix
    # (key-marker alone, which drops that prefix and everything under it).
    state, ordered = build(spec)
    all_uploads, all_commons, _ = reference(
        ordered,
        prefix=prefix,
        delimiter=delimiter,
        key_marker=None,
        upload_id_marker=None,
        limit=10**6,
    )
    seen_uploads: list[Upload] = []
    seen_commons: list[str] = []
    kwargs: dict[str, Any] = {}
    resume: tuple[bytes, int] = (b"", -1)
    for _ in range(len(ordered) + 2):
        page = _s3.list_multipart_uploads(
            state, "bucket", prefix=prefix, delimiter=delimiter, max_uploads=size, **kwargs
        )
        assert len(page.uploads) + len(page.common_prefixes) <= size
        seen_uploads += page.uploads
        seen_commons += page.common_prefixes
        if not page.is_truncated:
            break
        last_upload = page.uploads[-1] if page.uploads else None
        last_common = page.common_prefixes[-1] if page.common_prefixes else None
        if last_common is not None and (
            last_upload is None or last_common.encode() > last_upload.key.encode()
        ):
            kwargs = {"key_marker": last_common}
            step = (last_common.encode(), 1 << 30)
        else:
            assert last_upload is not None
            assert (page.next_key_marker, page.next_upload_id_marker) == (
                last_upload.key,
                last_upload.upload_id,
            )
            kwargs = {"key_marker": last_upload.key, "upload_id_marker": last_upload.upload_id}
            step = (last_upload.key.encode(), ordered.index(last_upload))
        assert step > resume  # the resume point strictly advances
        resume = step
    else:
        raise AssertionError("pagination did not end")
    assert seen_uploads == all_uploads
    assert seen_commons == all_commons
    assert len(set(seen_commons)) == len(seen_commons)


@settings(max_examples=200, deadline=None)
@given(
    numbers=st.sets(st.integers(1, 10_000), max_size=30),
    size=st.integers(1, 7),
    start=st.one_of(st.none(), st.integers(0, 10_001)),
)
def test_list_parts_paging_visits_each_part_once(
    numbers: set[int], size: int, start: int | None
) -> None:
    state = MpuState(clock=T0)
    _s3.create_bucket(state, "bucket")
    upload = _s3.create_multipart_upload(state, "bucket", "k")
    for n in sorted(numbers, key=lambda n: (n * 7919) % 10007):  # upload out of order
        _s3.upload_part(state, "bucket", "k", upload.upload_id, n, b"x")
    expected = sorted(n for n in numbers if start is None or n > start)
    seen: list[int] = []
    marker = start
    for _ in range(len(numbers) + 2):
        page = _s3.list_parts(
            state, "bucket", "k", upload.upload_id, max_parts=size, part_number_marker=marker
        )
        got = [p.part_number for p in page.parts]
        assert len(got) <= size
        assert page.next_part_number_marker == (got[-1] if got else 0)
        assert page.part_number_marker == (marker or 0)
        seen += got
        remaining = [n for n in expected if n not in seen]
        assert page.is_truncated is bool(remaining)
        if not page.is_truncated:
            break
        assert page.next_part_number_marker > (marker or 0)
        marker = page.next_part_number_marker
    else:
        raise AssertionError("pagination did not end")
    assert seen == expected
