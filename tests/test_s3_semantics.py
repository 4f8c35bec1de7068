"""S3 multipart semantics (``mockmpu._s3``) against responses recorded from real AWS.

"Recorded" cases cite LocalStack's AWS-validated snapshot tests at localstack/localstack@8b9a79f0
(the source aws-semantics.md uses): ``tests/aws/services/s3/test_s3_list_operations.py`` and
``tests/aws/services/s3/test_s3.py`` with their ``.snapshot.json`` files. Snapshot keys are given
as ``test_name/snapshot-name``. Other cases cite the aws-semantics.md section they come from.
"""

from __future__ import annotations

import base64
import hashlib
import time
import zlib
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from awscrt import checksums as crt_checksums

from mockmpu.core.errors import ServiceError
from mockmpu.core.state import MpuState, Upload
from mockmpu.s3 import semantics as _s3

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
NO_SUCH_UPLOAD = (
    "The specified upload does not exist. The upload ID may be invalid, or the upload may have "
    "been aborted or completed."
)
INVALID_PART = (
    "One or more of the specified parts could not be found.  The part may not have been "
    "uploaded, or the specified entity tag may not match the part's entity tag."
)
MIB5 = 5 * 1024 * 1024


def fresh(bucket: str = "bucket") -> MpuState:
    state = MpuState(clock=T0)
    _s3.create_bucket(state, bucket)
    return state


def error(action: Callable[[], Any]) -> ServiceError:
    with pytest.raises(ServiceError) as info:
        action()
    return info.value


def spec(part: int, etag: str, **checksums: str) -> _s3.CompletedPartSpec:
    return _s3.CompletedPartSpec(part, etag, checksums)


def md5_etag(data: bytes) -> str:
    return f'"{hashlib.md5(data).hexdigest()}"'


# ----------------------------------------------------------------- ListMultipartUploads markers

# Recorded: test_list_multiparts_next_marker. Uploads #1..#5 are created on test_c, test_b,
# test_a, test_a, test_a in that order; AWS lists test_a (#3, #4, #5), test_b (#2), test_c (#1).
NEXT_MARKER_KEYS = ["test_c", "test_b", "test_a", "test_a", "test_a"]
# (snapshot, request, listed uploads, KeyMarker, UploadIdMarker, NextKeyMarker, NextUploadIdMarker,
#  IsTruncated, MaxUploads). Upload ids are written as their creation number.
NEXT_MARKER_CASES = [
    ("list-multiparts-all", {}, [3, 4, 5, 2, 1], "", None, "test_c", 1, False, 1000),
    ("list-multiparts-max-1", {"max_uploads": 1}, [3], "", None, "test_a", 3, True, 1),
    (
        "list-multiparts-next-key-only",
        {"max_uploads": 1, "key_marker": "test_a"},
        [2],
        "test_a",
        None,
        "test_b",
        2,
        True,
        1,
    ),
    (
        "list-multiparts-next-key-last",
        {"max_uploads": 1, "key_marker": "test_c"},
        [],
        "test_c",
        None,
        "",
        None,
        False,
        1,
    ),
    (
        "list-multiparts-next-upload-only",
        {"max_uploads": 1, "upload_id_marker": 3},
        [3],
        "",
        None,
        "test_a",
        3,
        True,
        1,
    ),
    (
        "list-multiparts-both-markers",
        {"max_uploads": 1, "key_marker": "test_a", "upload_id_marker": 3},
        [4],
        "test_a",
        3,
        "test_a",
        4,
        True,
        1,
    ),
    (
        "list-multiparts-both-markers-2",
        {"max_uploads": 1, "key_marker": "test_a", "upload_id_marker": 5},
        [2],
        "test_a",
        5,
        "test_b",
        2,
        True,
        1,
    ),
    (
        "list-multiparts-get-last-upload-no-truncate",
        {"max_uploads": 1, "key_marker": "test_b", "upload_id_marker": 2},
        [1],
        "test_b",
        2,
        "test_c",
        1,
        False,
        1,
    ),
    (
        "list-multiparts-next-key-empty",
        {"max_uploads": 1, "key_marker": ""},
        [3],
        "",
        None,
        "test_a",
        3,
        True,
        1,
    ),
]


@pytest.fixture
def next_marker_state() -> tuple[MpuState, list[str]]:
    state = fresh()
    ids = [_s3.create_multipart_upload(state, "bucket", k).upload_id for k in NEXT_MARKER_KEYS]
    return state, ids


def test_list_empty_bucket_recorded() -> None:
    # Recorded: test_list_multiparts_next_marker/list-multiparts-empty.
    r = _s3.list_multipart_uploads(fresh(), "bucket")
    assert (r.key_marker, r.upload_id_marker, r.next_key_marker, r.next_upload_id_marker) == (
        "",
        "",
        "",
        "",
    )
    assert (r.max_uploads, r.is_truncated, r.uploads, r.common_prefixes) == (1000, False, (), ())


@pytest.mark.parametrize(
    ("snapshot", "request_", "listed", "km", "uim", "nkm", "nuim", "truncated", "max_"),
    NEXT_MARKER_CASES,
    ids=[case[0] for case in NEXT_MARKER_CASES],
)
def test_list_markers_recorded(
    next_marker_state: tuple[MpuState, list[str]],
    snapshot: str,
    request_: dict[str, Any],
    listed: list[int],
    km: str,
    uim: int | None,
    nkm: str,
    nuim: int | None,
    truncated: bool,
    max_: int,
) -> None:
    state, ids = next_marker_state
    kwargs = dict(request_)
    if "upload_id_marker" in kwargs:
        kwargs["upload_id_marker"] = ids[kwargs["upload_id_marker"] - 1]
    r = _s3.list_multipart_uploads(state, "bucket", **kwargs)
    assert [ids.index(u.upload_id) + 1 for u in r.uploads] == listed
    assert r.key_marker == km
    assert r.upload_id_marker == (ids[uim - 1] if uim else "")
    assert r.next_key_marker == nkm
    assert r.next_upload_id_marker == (ids[nuim - 1] if nuim else "")
    assert r.is_truncated is truncated
    assert r.max_uploads == max_


def test_upload_id_marker_of_another_key_recorded(
    next_marker_state: tuple[MpuState, list[str]],
) -> None:
    # Recorded: test_list_multiparts_next_marker/list-multiparts-wrong-id-for-key.
    state, ids = next_marker_state
    e = error(
        lambda: _s3.list_multipart_uploads(
            state, "bucket", max_uploads=1, key_marker="test_c", upload_id_marker=ids[1]
        )
    )
    assert (e.code, e.status, e.message) == ("InvalidArgument", 400, "Invalid uploadId marker")
    assert e.extra == {"ArgumentName": "upload-id-marker", "ArgumentValue": ids[1]}


def test_unknown_upload_id_marker_is_invalid() -> None:
    # aws-semantics.md §1.4 [reported]: an id naming no upload gets the same error.
    state = fresh()
    _s3.create_multipart_upload(state, "bucket", "k")
    e = error(
        lambda: _s3.list_multipart_uploads(state, "bucket", key_marker="k", upload_id_marker="x")
    )
    assert (e.code, e.extra["ArgumentValue"]) == ("InvalidArgument", "x")


def test_same_key_sorts_by_initiation_time_not_creation_or_id() -> None:
    # §1.3: uploads of one key list by initiation time; creation order only breaks ties.
    state = fresh()
    late = _s3.create_multipart_upload(state, "bucket", "k", initiated=T0 + timedelta(hours=1))
    early = _s3.create_multipart_upload(state, "bucket", "k", initiated=T0)
    tie = _s3.create_multipart_upload(state, "bucket", "k", initiated=T0)
    r = _s3.list_multipart_uploads(state, "bucket")
    assert [u.upload_id for u in r.uploads] == [early.upload_id, tie.upload_id, late.upload_id]
    # Resuming after `early` is positional, whatever the ids' string order.
    r = _s3.list_multipart_uploads(
        state, "bucket", key_marker="k", upload_id_marker=early.upload_id
    )
    assert [u.upload_id for u in r.uploads] == [tie.upload_id, late.upload_id]


def test_keys_sort_by_utf8_bytes() -> None:
    # §1.3 [inference]: byte order of the UTF-8 encoding ("\uff61" > "\U0001f600" in UTF-16).
    state = fresh()
    for key in ["\U0001f600", "\uff61", "Z", "a", "é"]:
        _s3.create_multipart_upload(state, "bucket", key)
    keys = [u.key for u in _s3.list_multipart_uploads(state, "bucket").uploads]
    assert keys == sorted(keys, key=lambda k: k.encode())
    assert keys == ["Z", "a", "é", "\uff61", "\U0001f600"]


def test_prefix_and_delimiter_at_the_ends_of_unicode() -> None:
    # The index compares str keys; S3 compares UTF-8 bytes. Both orders agree, also next to the
    # surrogate gap (U+D7FF, U+E000) and at the last code point, where the prefix bound is made.
    state = fresh()
    keys = ["p\ud7ffx", "p\ue000x", "p\U0010ffff", "p\U0010ffff/z", "p\U0010ffffz", "q", "p"]
    for key in keys:
        _s3.create_multipart_upload(state, "bucket", key)

    def listed(**kw: str) -> tuple[list[str], list[str]]:
        r = _s3.list_multipart_uploads(state, "bucket", **kw)
        return [u.key for u in r.uploads], list(r.common_prefixes)

    assert listed()[0] == sorted(keys, key=lambda k: k.encode())
    assert listed(prefix="p\ud7ff") == (["p\ud7ffx"], [])
    assert listed(prefix="p\U0010ffff") == (["p\U0010ffff", "p\U0010ffff/z", "p\U0010ffffz"], [])
    assert listed(prefix="p", delimiter="\U0010ffff") == (
        ["p", "p\ud7ffx", "p\ue000x"],
        ["p\U0010ffff"],
    )
    assert listed(prefix="p\U0010ffff", delimiter="/") == (
        ["p\U0010ffff", "p\U0010ffffz"],
        ["p\U0010ffff/"],
    )
    assert listed(key_marker="p\ue000x")[0] == ["p\U0010ffff", "p\U0010ffff/z", "p\U0010ffffz", "q"]


def test_uploads_tied_on_key_time_and_seq_list_by_id() -> None:
    # Setting last_seq back can give two uploads of one key and time the same seq: the index
    # then orders them by upload id.
    state = fresh()
    first = _s3.create_multipart_upload(state, "bucket", "k", initiated=T0)
    state.last_seq = 0
    second = _s3.create_multipart_upload(state, "bucket", "k", initiated=T0)
    assert first.seq == second.seq
    ids = sorted([first.upload_id, second.upload_id])
    assert [u.upload_id for u in _s3.list_multipart_uploads(state, "bucket").uploads] == ids
    after = _s3.list_multipart_uploads(state, "bucket", key_marker="k", upload_id_marker=ids[0])
    assert [u.upload_id for u in after.uploads] == ids[1:]
    _s3.abort_multipart_upload(state, "bucket", "k", ids[0])
    after = _s3.list_multipart_uploads(state, "bucket", key_marker="k", upload_id_marker=ids[0])
    assert [u.upload_id for u in after.uploads] == ids[1:]
    assert [u.upload_id for u in _s3.uploads_in_order(state.buckets["bucket"])] == ids[1:]


# ------------------------------------------------------------- Prefix, Delimiter, CommonPrefixes


def test_prefix_and_delimiter_recorded() -> None:
    # Recorded: test_list_multiparts_with_prefix_and_delimiter/list-multiparts-1, -2, -3.
    state = fresh()
    for key in ["test/foo/bar/123", "test/foo/bar/456", "test/bar/foo/123"]:
        _s3.create_multipart_upload(state, "bucket", key)
    cases = [
        ("test/", ("test/bar/", "test/foo/")),
        ("test/foo/", ("test/foo/bar/",)),
        ("test/foo/bar", ("test/foo/bar/",)),
    ]
    for prefix, prefixes in cases:
        r = _s3.list_multipart_uploads(
            state, "bucket", prefix=prefix, delimiter="/", encoding_type="url"
        )
        assert r.common_prefixes == prefixes
        assert r.uploads == ()
        assert (r.next_key_marker, r.next_upload_id_marker, r.is_truncated) == ("", "", False)
        assert (r.prefix, r.delimiter, r.encoding_type) == (prefix, "/", "url")


def test_prefix_without_delimiter_recorded() -> None:
    # Recorded: test_list_multiparts_with_prefix_and_delimiter/list-multiparts-no-encoding
    # (prefix test/foo lists the two test/foo/bar uploads; NextKeyMarker is the last one).
    state = fresh()
    for key in ["test/foo/bar/123", "test/foo/bar/456", "test/bar/foo/123"]:
        _s3.create_multipart_upload(state, "bucket", key)
    r = _s3.list_multipart_uploads(state, "bucket", prefix="test/foo")
    assert [u.key for u in r.uploads] == ["test/foo/bar/123", "test/foo/bar/456"]
    assert r.next_key_marker == "test/foo/bar/456"


@pytest.fixture
def folder_state() -> tuple[MpuState, list[str]]:
    # Recorded setup: test_list_multipart_uploads_marker_common_prefixes.
    state = fresh()
    keys = [
        "folder/aSubfolder/subFile1",
        "folder/aSubfolder/subFile2",
        "folder/file1",
        "folder/file2",
    ]
    return state, [_s3.create_multipart_upload(state, "bucket", k).upload_id for k in keys]


def test_page_of_only_common_prefixes_has_empty_next_markers_recorded(
    folder_state: tuple[MpuState, list[str]],
) -> None:
    # Recorded: .../list-multiparts-start: one CP counts toward MaxUploads=1, the page is
    # truncated, yet both Next markers are "" ("no way to paginate from here").
    state, _ = folder_state
    r = _s3.list_multipart_uploads(state, "bucket", prefix="folder/", delimiter="/", max_uploads=1)
    assert r.common_prefixes == ("folder/aSubfolder/",)
    assert r.uploads == ()
    assert (r.is_truncated, r.next_key_marker, r.next_upload_id_marker) == (True, "", "")


@pytest.mark.parametrize(
    "key_marker",
    ["folder/aSubfolder/", "folder/aSubfolder/subFile1"],
    ids=["list-multiparts-manual-prefix", "list-multiparts-manual-first-file"],
)
def test_common_prefix_not_above_key_marker_is_dropped_recorded(
    folder_state: tuple[MpuState, list[str]], key_marker: str
) -> None:
    # Recorded: the CP folder/aSubfolder/ is suppressed (with subFile2 under it), the page
    # resumes at folder/file1 and is truncated.
    state, ids = folder_state
    r = _s3.list_multipart_uploads(
        state, "bucket", prefix="folder/", delimiter="/", max_uploads=1, key_marker=key_marker
    )
    assert r.common_prefixes == ()
    assert [u.upload_id for u in r.uploads] == [ids[2]]
    assert (r.next_key_marker, r.next_upload_id_marker) == ("folder/file1", ids[2])
    assert (r.key_marker, r.upload_id_marker, r.is_truncated) == (key_marker, "", True)


def test_one_common_prefix_per_prefix_counted_with_uploads() -> None:
    # §1.2/§1.5: each distinct prefix once; uploads + CPs count toward MaxUploads together;
    # Next markers name the last *Upload* even when CPs sort after it.
    state = fresh()
    for key in ["a", "b/1", "b/2", "c", "d/1"]:
        _s3.create_multipart_upload(state, "bucket", key)
    r = _s3.list_multipart_uploads(state, "bucket", delimiter="/", max_uploads=3)
    assert [u.key for u in r.uploads] == ["a", "c"]
    assert r.common_prefixes == ("b/",)
    assert (r.next_key_marker, r.is_truncated) == ("c", True)
    r = _s3.list_multipart_uploads(state, "bucket", delimiter="/", max_uploads=4)
    assert (r.common_prefixes, r.is_truncated) == (("b/", "d/"), False)


def test_truncated_only_when_a_new_entry_remains() -> None:
    # §1.8 step 7: uploads that would fold into a CP already on the page are not "more".
    state = fresh()
    for key in ["a/1", "a/2", "a/3"]:
        _s3.create_multipart_upload(state, "bucket", key)
    r = _s3.list_multipart_uploads(state, "bucket", delimiter="/", max_uploads=1)
    assert (r.common_prefixes, r.is_truncated) == (("a/",), False)


def test_multi_character_and_unicode_delimiter() -> None:
    state = fresh()
    for key in ["x--y--z", "x--w", "é/ü→a", "é/ü→b", "plain"]:
        _s3.create_multipart_upload(state, "bucket", key)
    r = _s3.list_multipart_uploads(state, "bucket", delimiter="--")
    assert r.common_prefixes == ("x--",)
    r = _s3.list_multipart_uploads(state, "bucket", delimiter="→", prefix="é/")
    assert (r.common_prefixes, r.uploads) == (("é/ü→",), ())


# ---------------------------------------------------------------------- max-uploads, encoding


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, 1000), ("", 1000), ("1", 1), ("05", 5), (1000, 1000), ("1001", 1000), (5000, 1000)],
)
def test_max_uploads_default_and_cap(value: Any, expected: int) -> None:
    # §1.6: default 1000; above 1000 served and echoed as 1000; leading zeros accepted.
    r = _s3.list_multipart_uploads(fresh(), "bucket", max_uploads=value)
    assert r.max_uploads == expected


def test_max_uploads_zero_is_empty_and_not_truncated() -> None:
    # §1.6 [reported] scality/cloudserver PR #435.
    state = fresh()
    _s3.create_multipart_upload(state, "bucket", "k")
    r = _s3.list_multipart_uploads(state, "bucket", max_uploads=0)
    assert (r.uploads, r.is_truncated, r.max_uploads, r.next_key_marker) == ((), False, 0, "")


@pytest.mark.parametrize("value", ["abc", " 5", "5 ", "2147483648", "-2147483649", "1.0", "0x10"])
def test_max_uploads_not_an_integer(value: str) -> None:
    # §1.6: refused before the bucket lookup, so even a missing bucket gets this answer.
    e = error(lambda: _s3.list_multipart_uploads(fresh(), "missing", max_uploads=value))
    assert (e.code, e.status) == ("InvalidArgument", 400)
    assert e.message == "Provided max-uploads not an integer or within integer range"
    assert e.extra == {"ArgumentName": "max-uploads", "ArgumentValue": value}


@pytest.mark.parametrize("value", ["-1", -3, "-2147483648"])
def test_max_uploads_negative(value: Any) -> None:
    e = error(lambda: _s3.list_multipart_uploads(fresh(), "bucket", max_uploads=value))
    assert e.message == "Argument max-uploads must be an integer between 0 and 2147483647"
    assert e.extra == {"ArgumentName": "max-uploads", "ArgumentValue": str(int(value))}


def test_list_check_order() -> None:
    # §1.6 [reported] order: parse -> bucket -> encoding-type -> negative -> markers.
    state = fresh()
    assert error(lambda: _s3.list_multipart_uploads(state, "nope", max_uploads=-1)).code == (
        "NoSuchBucket"
    )
    e = error(
        lambda: _s3.list_multipart_uploads(state, "bucket", max_uploads=-1, encoding_type="x")
    )
    assert e.extra["ArgumentName"] == "encoding-type"
    e = error(
        lambda: _s3.list_multipart_uploads(
            state, "bucket", max_uploads=-1, key_marker="k", upload_id_marker="nope"
        )
    )
    assert e.extra["ArgumentName"] == "max-uploads"


@pytest.mark.parametrize("value", ["value", ""])
def test_invalid_encoding_type_recorded(value: str) -> None:
    # Recorded: test_list_ops_encoding_type_validation[list_multipart_uploads]
    # (-error-wrong-value, -error-empty-value; the empty value comes back as an empty element).
    e = error(lambda: _s3.list_multipart_uploads(fresh(), "bucket", encoding_type=value))
    assert (e.code, e.status, e.message) == (
        "InvalidArgument",
        400,
        "Invalid Encoding Method specified in Request",
    )
    assert e.extra == {"ArgumentName": "encoding-type", "ArgumentValue": value}


def test_encoding_type_is_case_insensitive_and_echoed_as_sent() -> None:
    # §1.7 [reported] backlot: URL is accepted and echoed as URL.
    assert _s3.list_multipart_uploads(fresh(), "bucket", encoding_type="URL").encoding_type == (
        "URL"
    )


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [
        ("test_file(3).png", "test_file%283%29.png"),  # API reference example
        ("a b.txt", "a+b.txt"),  # backlot issue #178, measured
        ("a+b.txt", "a%2Bb.txt"),
        ("100%.csv", "100%25.csv"),
        ("한글/x.txt", "%ED%95%9C%EA%B8%80/x.txt"),
        ("~!*'", "%7E%21*%27"),  # * kept, ~ encoded (§1.7)
        ("AZaz09-_.*/", "AZaz09-_.*/"),
    ],
)
def test_url_encoding(raw: str, encoded: str) -> None:
    assert _s3.url_encode(raw) == encoded


# ------------------------------------------------------------------------------- ListParts


@pytest.fixture
def two_parts() -> tuple[MpuState, str]:
    # Recorded setup: test_list_parts_pagination (two parts of b"data").
    state = fresh()
    upload = _s3.create_multipart_upload(state, "bucket", "test-list-part-pagination")
    return state, upload.upload_id


def test_list_parts_empty_upload_recorded() -> None:
    # Recorded: test_list_parts_pagination/list-parts-empty.
    state = fresh()
    upload = _s3.create_multipart_upload(state, "bucket", "k")
    r = _s3.list_parts(state, "bucket", "k", upload.upload_id)
    assert (r.part_number_marker, r.next_part_number_marker, r.max_parts) == (0, 0, 1000)
    assert (r.is_truncated, r.parts) == (False, ())


@pytest.mark.parametrize(
    ("snapshot", "kwargs", "listed", "marker", "next_marker", "truncated", "max_parts"),
    [
        ("list-parts-all", {}, [1, 2], 0, 2, False, 1000),
        ("list-parts-1", {"max_parts": 1}, [1], 0, 1, True, 1),
        ("list-parts-next", {"max_parts": 1, "part_number_marker": 1}, [2], 1, 2, False, 1),
        ("list-parts-wrong-part", {"max_parts": 1, "part_number_marker": 10}, [], 10, 0, False, 1),
        # test_list_parts_empty_part_number_marker: "" counts as absent.
        ("list-parts-empty-marker", {"part_number_marker": ""}, [1, 2], 0, 2, False, 1000),
        ("list-parts-empty-max-parts", {"max_parts": ""}, [1, 2], 0, 2, False, 1000),
    ],
)
def test_list_parts_recorded(
    two_parts: tuple[MpuState, str],
    snapshot: str,
    kwargs: dict[str, Any],
    listed: list[int],
    marker: int,
    next_marker: int,
    truncated: bool,
    max_parts: int,
) -> None:
    state, upload_id = two_parts
    for n in (1, 2):
        part = _s3.upload_part(state, "bucket", "test-list-part-pagination", upload_id, n, b"data")
        assert (part.etag, part.size) == ('"8d777f385d3dfec8815d20f7496026dc"', 4)
    r = _s3.list_parts(state, "bucket", "test-list-part-pagination", upload_id, **kwargs)
    assert [p.part_number for p in r.parts] == listed
    assert (r.part_number_marker, r.next_part_number_marker) == (marker, next_marker)
    assert (r.is_truncated, r.max_parts) == (truncated, max_parts)


def test_part_number_marker_is_a_number_not_an_index() -> None:
    # Trap 8: moto slices by index and loses part 10 of {1, 5, 10}.
    state = fresh()
    upload = _s3.create_multipart_upload(state, "bucket", "k")
    for n in (10, 1, 5):
        _s3.upload_part(state, "bucket", "k", upload.upload_id, n, b"x")
    seen, marker = [], 0
    while True:
        r = _s3.list_parts(
            state, "bucket", "k", upload.upload_id, max_parts=1, part_number_marker=marker
        )
        seen += [p.part_number for p in r.parts]
        if not r.is_truncated:
            break
        marker = r.next_part_number_marker
    assert seen == [1, 5, 10]
    r = _s3.list_parts(state, "bucket", "k", upload.upload_id, part_number_marker=3)
    assert [p.part_number for p in r.parts] == [5, 10]


@pytest.mark.parametrize(
    ("kwargs", "message", "name", "value"),
    [
        (
            {"max_parts": "abc"},
            "Provided max-parts not an integer or within integer range",
            "max-parts",
            "abc",
        ),
        (
            {"max_parts": -1},
            "Argument max-parts must be an integer between 0 and 2147483647",
            "max-parts",
            "-1",
        ),
        (
            {"part_number_marker": "x"},
            "Provided part-number-marker not an integer or within integer range",
            "part-number-marker",
            "x",
        ),
        (
            {"part_number_marker": "-2"},
            "Argument part-number-marker must be an integer between 0 and 2147483647",
            "part-number-marker",
            "-2",
        ),
    ],
)
def test_list_parts_invalid_arguments(
    kwargs: dict[str, Any], message: str, name: str, value: str
) -> None:
    # §2 [reported] versitygw ListParts_invalid_max_parts / _invalid_part_number_marker.
    state = fresh()
    upload = _s3.create_multipart_upload(state, "bucket", "k")
    e = error(lambda: _s3.list_parts(state, "bucket", "k", upload.upload_id, **kwargs))
    assert (e.code, e.status, e.message) == ("InvalidArgument", 400, message)
    assert e.extra == {"ArgumentName": name, "ArgumentValue": value}


def test_list_parts_caps_and_zero() -> None:
    state = fresh()
    upload = _s3.create_multipart_upload(state, "bucket", "k")
    _s3.upload_part(state, "bucket", "k", upload.upload_id, 1, b"x")
    assert _s3.list_parts(state, "bucket", "k", upload.upload_id, max_parts=5000).max_parts == 1000
    r = _s3.list_parts(state, "bucket", "k", upload.upload_id, max_parts=0)
    assert (r.parts, r.is_truncated, r.next_part_number_marker) == ((), False, 0)


def test_part_overwrite_keeps_one_entry() -> None:
    # §3.2 [doc]: the same part number overwrites the previous part.
    state = fresh()
    upload = _s3.create_multipart_upload(state, "bucket", "k")
    _s3.upload_part(state, "bucket", "k", upload.upload_id, 3, b"old")
    _s3.upload_part(state, "bucket", "k", upload.upload_id, 3, b"newer")
    r = _s3.list_parts(state, "bucket", "k", upload.upload_id)
    assert [(p.part_number, p.size, p.etag) for p in r.parts] == [(3, 5, md5_etag(b"newer"))]


# --------------------------------------------------------------------- key scope, NoSuchUpload


def test_wrong_key_is_no_such_upload_recorded() -> None:
    # Recorded: test_multipart_key_validation (upload-part-, complete-multipart-, list-parts-,
    # abort-multipart-wrong-key-name): the right id with another key is NoSuchUpload 404.
    state = fresh()
    upload = _s3.create_multipart_upload(state, "bucket", "right")
    part = _s3.upload_part(state, "bucket", "right", upload.upload_id, 1, b"data")
    uid = upload.upload_id
    actions = [
        lambda: _s3.upload_part(state, "bucket", "wrong", uid, 1, b"data"),
        lambda: _s3.complete_multipart_upload(state, "bucket", "wrong", uid, [spec(1, part.etag)]),
        lambda: _s3.list_parts(state, "bucket", "wrong", uid),
        lambda: _s3.abort_multipart_upload(state, "bucket", "wrong", uid),
    ]
    for action in actions:
        e = error(action)
        assert (e.code, e.status, e.message, e.extra) == (
            "NoSuchUpload",
            404,
            NO_SUCH_UPLOAD,
            {"UploadId": uid},
        )
    assert _s3.list_parts(state, "bucket", "right", uid).parts == (part,)


def test_unknown_upload_recorded() -> None:
    # Recorded: test_multipart_no_such_upload (upload-exc, complete-exc without a body, abort-exc).
    state = fresh()
    for action in [
        lambda: _s3.upload_part(state, "bucket", "fake-key", "fakeid", 1, b"data"),
        lambda: _s3.complete_multipart_upload(state, "bucket", "fake-key", "fakeid", None),
        lambda: _s3.abort_multipart_upload(state, "bucket", "fake-key", "fakeid"),
    ]:
        e = error(action)
        assert (e.code, e.status, e.extra) == ("NoSuchUpload", 404, {"UploadId": "fakeid"})


def test_missing_bucket_recorded() -> None:
    # Recorded: test_delete_bucket_no_such_bucket (and §1.9): no trailing period, BucketName.
    e = error(lambda: _s3.list_multipart_uploads(fresh(), "does-not-exist"))
    assert (e.code, e.status, e.message) == (
        "NoSuchBucket",
        404,
        "The specified bucket does not exist",
    )
    assert e.extra == {"BucketName": "does-not-exist"}


# ------------------------------------------------------------------------------- UploadPart


@pytest.mark.parametrize("number", [-1, 0, 10001, 2300000, "abc"])
def test_part_number_out_of_range(number: Any) -> None:
    # Recorded: test_complete_multipart_parts_order/upload-part-negative-part-number (-1);
    # 0, 10001, 2300000: [reported] versitygw. Not NoSuchUpload (moto's answer).
    state = fresh()
    upload = _s3.create_multipart_upload(state, "bucket", "k")
    e = error(lambda: _s3.upload_part(state, "bucket", "k", upload.upload_id, number, b""))
    assert (e.code, e.status) == ("InvalidArgument", 400)
    assert e.message == "Part number must be an integer between 1 and 10000, inclusive"
    assert e.extra == {"ArgumentName": "partNumber", "ArgumentValue": str(number)}


def test_part_number_bounds_accepted() -> None:
    state = fresh()
    upload = _s3.create_multipart_upload(state, "bucket", "k")
    for n in (1, 10000):
        _s3.upload_part(state, "bucket", "k", upload.upload_id, n, b"")
    assert upload.part_numbers == [1, 10000]


def test_part_etag_checksum_and_body_retention() -> None:
    # Recorded: test_multipart_and_list_parts/upload-part: ETag is the quoted MD5, the
    # checksum sent is echoed (ChecksumCRC32 "axEe0A==" for b"upload-part-1" * 5).
    body = b"upload-part-1" * 5
    state = fresh()
    upload = _s3.create_multipart_upload(state, "bucket", "k")
    part = _s3.upload_part(
        state, "bucket", "k", upload.upload_id, 1, body, checksums={"crc32": "axEe0A=="}
    )
    assert part.etag == '"3237c18681adb6a9d843c733ce249480"'
    assert (part.size, part.checksums, part.body) == (65, {"CRC32": "axEe0A=="}, None)
    kept = MpuState(clock=T0, keep_bodies=True)
    _s3.create_bucket(kept, "bucket")
    upload = _s3.create_multipart_upload(kept, "bucket", "k")
    assert _s3.upload_part(kept, "bucket", "k", upload.upload_id, 1, body).body == body


def test_part_checksum_of_another_algorithm_recorded() -> None:
    # Recorded: test_multipart_parts_checksum_exceptions_composite/
    # upload-part-different-checksum-exc.
    state = fresh()
    upload = _s3.create_multipart_upload(state, "bucket", "k", checksum_algorithm="SHA256")
    e = error(
        lambda: _s3.upload_part(
            state, "bucket", "k", upload.upload_id, 1, b"x", checksums={"CRC32": "AAAAAA=="}
        )
    )
    assert (e.code, e.message) == (
        "InvalidRequest",
        "Checksum Type mismatch occurred, expected checksum Type: sha256, actual checksum Type: "
        "crc32",
    )
    _s3.upload_part(state, "bucket", "k", upload.upload_id, 1, b"x")  # no checksum: fine


# ------------------------------------------------------------------- CreateMultipartUpload


@pytest.mark.parametrize(
    ("algorithm", "ctype", "expected_type"),
    [
        ("CRC32", None, "COMPOSITE"),
        ("CRC32C", None, "COMPOSITE"),
        ("SHA1", None, "COMPOSITE"),
        ("SHA256", None, "COMPOSITE"),
        ("CRC64NVME", None, "FULL_OBJECT"),
        ("CRC32", "FULL_OBJECT", "FULL_OBJECT"),
        ("CRC64NVME", "FULL_OBJECT", "FULL_OBJECT"),
        ("SHA256", "COMPOSITE", "COMPOSITE"),
    ],
)
def test_checksum_type_defaults_recorded(
    algorithm: str, ctype: str | None, expected_type: str
) -> None:
    # Recorded: test_multipart_checksum_type_default_for_checksum[*],
    # test_multipart_checksum_type_compatibility[*].
    upload = _s3.create_multipart_upload(
        fresh(), "bucket", "k", checksum_algorithm=algorithm, checksum_type=ctype
    )
    assert (upload.checksum_algorithm, upload.checksum_type) == (algorithm, expected_type)


@pytest.mark.parametrize(
    ("algorithm", "ctype", "message"),
    [
        (
            "CRC64NVME",
            "COMPOSITE",
            "The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.",
        ),
        (
            "SHA1",
            "FULL_OBJECT",
            "The FULL_OBJECT checksum type cannot be used with the sha1 checksum algorithm.",
        ),
        (
            "SHA256",
            "FULL_OBJECT",
            "The FULL_OBJECT checksum type cannot be used with the sha256 checksum algorithm.",
        ),
        (
            None,
            "COMPOSITE",
            "The x-amz-checksum-type header can only be used with the "
            "x-amz-checksum-algorithm header.",
        ),
        (
            "MD4",
            None,
            "Checksum algorithm provided is unsupported. Please try again with any of the valid "
            "types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]",
        ),
    ],
)
def test_checksum_create_errors_recorded(
    algorithm: str | None, ctype: str | None, message: str
) -> None:
    # Recorded: test_multipart_checksum_type_compatibility[COMPOSITE-CRC64NVME],
    # [FULL_OBJECT-SHA1], [FULL_OBJECT-SHA256]; test_multipart_parts_checksum_exceptions_composite
    # (create-mpu-no-checksum-algo-with-type, create-mpu-wrong-checksum-algo).
    e = error(
        lambda: _s3.create_multipart_upload(
            fresh(), "bucket", "k", checksum_algorithm=algorithm, checksum_type=ctype
        )
    )
    assert (e.code, e.status, e.message) == ("InvalidRequest", 400, message)


# -------------------------------------------------------------------- CompleteMultipartUpload


def test_complete_etag_and_listing_recorded() -> None:
    # Recorded: test_multipart_and_list_parts: one part of b"upload-part-1" * 5 completes as
    # "e747540af6911dbc890f8d3e0b48549b-1"; afterwards ListParts is NoSuchUpload and the
    # listing is empty (list-part-after-complete-exc, list-all-uploads-completed).
    state = fresh()
    upload = _s3.create_multipart_upload(state, "bucket", "test-list-parts")
    part = _s3.upload_part(
        state, "bucket", "test-list-parts", upload.upload_id, 1, b"upload-part-1" * 5
    )
    r = _s3.complete_multipart_upload(
        state, "bucket", "test-list-parts", upload.upload_id, [spec(1, part.etag)]
    )
    assert r.object.etag == '"e747540af6911dbc890f8d3e0b48549b-1"'
    assert (r.object.size, r.object.part_count) == (65, 1)
    assert state.buckets["bucket"].objects["test-list-parts"] is r.object
    e = error(lambda: _s3.list_parts(state, "bucket", "test-list-parts", upload.upload_id))
    assert (e.code, e.extra) == ("NoSuchUpload", {"UploadId": upload.upload_id})
    listing = _s3.list_multipart_uploads(state, "bucket")
    assert (listing.uploads, listing.next_key_marker, listing.next_upload_id_marker) == ((), "", "")


@pytest.fixture
def big_parts() -> tuple[MpuState, bytes]:
    return fresh(), b"a" * (MIB5 + 1)


def test_complete_order_and_gaps_recorded(big_parts: tuple[MpuState, bytes]) -> None:
    # Recorded: test_complete_multipart_parts_order: reversed list -> InvalidPartOrder (with
    # UploadId); ascending -> "c7cb0938a47e31f70cf07028d22e6913-3"; parts 2, 3, 4 give the same
    # ETag (complete-multipart-with-step-2): part numbers do not enter the hash.
    state, data = big_parts
    for first, key in [(1, "test-order-parts"), (2, "key-sequence-with-step-2")]:
        upload = _s3.create_multipart_upload(state, "bucket", key)
        md5 = hashlib.md5(data).digest()
        specs = [
            spec(n, _s3.upload_part(state, "bucket", key, upload.upload_id, n, data, md5=md5).etag)
            for n in range(first, first + 3)
        ]
        e = error(
            lambda key=key, uid=upload.upload_id, specs=specs: _s3.complete_multipart_upload(
                state, "bucket", key, uid, specs[::-1]
            )
        )
        assert (e.code, e.status, e.extra) == (
            "InvalidPartOrder",
            400,
            {"UploadId": upload.upload_id},
        )
        assert e.message == (
            "The list of parts was not in ascending order. Parts must be ordered by part number."
        )
        r = _s3.complete_multipart_upload(state, "bucket", key, upload.upload_id, specs)
        assert r.object.etag == '"c7cb0938a47e31f70cf07028d22e6913-3"'
        assert r.object.size == 3 * len(data)


def test_complete_duplicates_are_out_of_order() -> None:
    # §3.3 [reported] uppy issue #2351: 1, 1, 2 is InvalidPartOrder (MinIO/LocalStack accept it).
    state = fresh()
    upload = _s3.create_multipart_upload(state, "bucket", "k")
    p = _s3.upload_part(state, "bucket", "k", upload.upload_id, 1, b"x")
    e = error(
        lambda: _s3.complete_multipart_upload(
            state, "bucket", "k", upload.upload_id, [spec(1, p.etag), spec(1, p.etag)]
        )
    )
    assert e.code == "InvalidPartOrder"


def test_complete_too_small_recorded() -> None:
    # Recorded: test_multipart_complete_multipart_too_small: no body -> InvalidRequest; two
    # 4-byte parts -> EntityTooSmall for part 1 with the ETag unquoted.
    state = fresh()
    upload = _s3.create_multipart_upload(state, "bucket", "test-upload-part-exc")
    specs = [
        spec(
            n,
            _s3.upload_part(
                state, "bucket", "test-upload-part-exc", upload.upload_id, n, b"data"
            ).etag,
        )
        for n in (1, 2)
    ]
    e = error(
        lambda: _s3.complete_multipart_upload(
            state, "bucket", "test-upload-part-exc", upload.upload_id, None
        )
    )
    assert (e.code, e.status, e.message, e.extra) == (
        "InvalidRequest",
        400,
        "You must specify at least one part",
        {},
    )
    e = error(
        lambda: _s3.complete_multipart_upload(
            state, "bucket", "test-upload-part-exc", upload.upload_id, specs
        )
    )
    assert (e.code, e.status) == ("EntityTooSmall", 400)
    assert e.message == "Your proposed upload is smaller than the minimum allowed size"
    assert list(e.extra.items()) == [
        ("ProposedSize", "4"),
        ("MinSizeAllowed", "5242880"),
        ("PartNumber", "1"),
        ("ETag", "8d777f385d3dfec8815d20f7496026dc"),
    ]


def test_complete_wrong_part_recorded() -> None:
    # Recorded: test_multipart_complete_multipart_wrong_part (complete-exc-wrong-part-number,
    # complete-exc-wrong-etag): ETag as sent, unquoted; then PartNumber, UploadId.
    state = fresh()
    upload = _s3.create_multipart_upload(state, "bucket", "k")
    etag = _s3.upload_part(state, "bucket", "k", upload.upload_id, 1, b"data").etag
    uid = upload.upload_id
    for parts, sent, number in [
        ([spec(2, etag)], "8d777f385d3dfec8815d20f7496026dc", "2"),
        ([spec(1, "d41d8cd98f00b204e9800998ecf8427e")], "d41d8cd98f00b204e9800998ecf8427e", "1"),
    ]:
        e = error(
            lambda parts=parts: _s3.complete_multipart_upload(state, "bucket", "k", uid, parts)
        )
        assert (e.code, e.status, e.message) == ("InvalidPart", 400, INVALID_PART)
        assert list(e.extra.items()) == [("ETag", sent), ("PartNumber", number), ("UploadId", uid)]


def test_complete_validation_order() -> None:
    # §3.3: NoSuchUpload before any body check; InvalidPartOrder before InvalidPart; the last
    # listed part may be small; unlisted parts are dropped.
    state = fresh()
    upload = _s3.create_multipart_upload(state, "bucket", "k")
    uid = upload.upload_id
    big = _s3.upload_part(state, "bucket", "k", uid, 1, bytes(MIB5))
    _s3.upload_part(state, "bucket", "k", uid, 2, b"unlisted")
    small = _s3.upload_part(state, "bucket", "k", uid, 3, b"tail")
    assert error(
        lambda: _s3.complete_multipart_upload(state, "bucket", "k", "nope", None)
    ).code == ("NoSuchUpload")
    e = error(
        lambda: _s3.complete_multipart_upload(
            state, "bucket", "k", uid, [spec(9, '"x"'), spec(4, '"y"')]
        )
    )
    assert e.code == "InvalidPartOrder"
    e = error(lambda: _s3.complete_multipart_upload(state, "bucket", "k", uid, [spec(0, big.etag)]))
    assert (e.code, e.message, e.extra) == (
        "InvalidArgument",
        "PartNumber must be >= 1",
        {"ArgumentName": "PartNumber", "ArgumentValue": "0"},
    )
    # An empty part list on an upload that has parts is InvalidRequest (versitygw #964, from
    # AWS); MalformedXML is for uploads without parts (see test_complete_with_no_parts_*).
    e = error(lambda: _s3.complete_multipart_upload(state, "bucket", "k", uid, []))
    assert (e.code, e.message) == ("InvalidRequest", "You must specify at least one part")
    for bad in ([_s3.CompletedPartSpec(None, big.etag)], [_s3.CompletedPartSpec("x", "e")]):
        assert (
            error(
                lambda bad=bad: _s3.complete_multipart_upload(state, "bucket", "k", uid, bad)
            ).code
            == "MalformedXML"
        )
    r = _s3.complete_multipart_upload(
        state, "bucket", "k", uid, [spec(1, big.etag.strip('"')), spec(3, small.etag)]
    )
    assert [p.part_number for p in r.object.parts] == [1, 3]
    assert r.object.size == MIB5 + 4
    expected = hashlib.md5(big.md5 + small.md5).hexdigest()
    assert r.object.etag == f'"{expected}-2"'


def test_complete_again_returns_the_same_object() -> None:
    # §3.3 [reported] versitygw CompleteMultipartUpload_already_completed.
    state = fresh()
    upload = _s3.create_multipart_upload(state, "bucket", "k")
    etag = _s3.upload_part(state, "bucket", "k", upload.upload_id, 1, b"x").etag
    first = _s3.complete_multipart_upload(state, "bucket", "k", upload.upload_id, [spec(1, etag)])
    again = _s3.complete_multipart_upload(state, "bucket", "k", upload.upload_id, [spec(1, etag)])
    assert again.object is first.object
    assert error(
        lambda: _s3.abort_multipart_upload(state, "bucket", "k", upload.upload_id)
    ).code == ("NoSuchUpload")


@pytest.mark.parametrize(
    ("algorithm", "part_checksums", "expected"),
    [
        ("CRC32", ["NRU+Sw==", "NRU+Sw==", "TBHN8A=="], "5FRUiw==-3"),
        ("CRC32C", ["2/Ckiw==", "2/Ckiw==", "5yZkMA=="], "XF5+4A==-3"),
        (
            "SHA1",
            [
                "bH71WIZUKQtUwR2wKSSkFjCRBPM=",
                "bH71WIZUKQtUwR2wKSSkFjCRBPM=",
                "NJX/adNGcdHhWzOmPBN5/e3Toyo=",
            ],
            "AyE60nyQoBgJcwsyPHWu7aJuxBs=-3",
        ),
        (
            "SHA256",
            [
                "DjU70AB1bON8k0n0fVHv2PJQVWcA/jWsITp6ti20Tbs=",
                "DjU70AB1bON8k0n0fVHv2PJQVWcA/jWsITp6ti20Tbs=",
                "vyy1imj2hNlaO3jvj2Ycmk5bCegsyPnMiMzpBSjK6yc=",
            ],
            "9o++y6AejqboiJ7MZCx0fahK2Vu5YC/qnNhhYsCLciI=-3",
        ),
    ],
)
def test_composite_checksum_recorded(
    big_parts: tuple[MpuState, bytes], algorithm: str, part_checksums: list[str], expected: str
) -> None:
    # Recorded: test_complete_multipart_parts_checksum_composite[<algorithm>]: parts of
    # b"a" * 5242881, b"a" * 5242881 and b"a" * 10 with the part checksums AWS listed.
    state, data = big_parts
    upload = _s3.create_multipart_upload(state, "bucket", "k", checksum_algorithm=algorithm)
    md5 = hashlib.md5(data).digest()
    specs = []
    for n, (body, checksum) in enumerate(zip([data, data, data[:10]], part_checksums), 1):
        part = _s3.upload_part(
            state,
            "bucket",
            "k",
            upload.upload_id,
            n,
            body,
            checksums={algorithm: checksum},
            md5=md5 if len(body) > 10 else None,
        )
        specs.append(spec(n, part.etag, **{algorithm: checksum}))
    e = error(
        lambda: _s3.complete_multipart_upload(
            state,
            "bucket",
            "k",
            upload.upload_id,
            [spec(s.part_number, s.etag or "") for s in specs],  # type: ignore[arg-type]
        )
    )
    assert (e.code, e.message) == (
        "InvalidRequest",
        f"The upload was created using a {algorithm.lower()} checksum. The complete request must "
        "include the checksum for each part. It was missing for part 1 in the request.",
    )
    wrong = [spec(s.part_number, s.etag or "", **{algorithm: "AAAAAA=="}) for s in specs]  # type: ignore[arg-type]
    assert (
        error(
            lambda: _s3.complete_multipart_upload(state, "bucket", "k", upload.upload_id, wrong)
        ).code
        == "InvalidPart"
    )
    r = _s3.complete_multipart_upload(state, "bucket", "k", upload.upload_id, specs)
    assert r.object.etag == '"4d45984fc3feb2ac9b22683c49674b56-3"'
    assert (r.checksum_algorithm, r.checksum, r.checksum_type) == (algorithm, expected, "COMPOSITE")
    base64.b64decode(expected.split("-")[0])


def test_part_checksum_of_another_algorithm_is_bad_digest_recorded() -> None:
    # Recorded: test_multipart_parts_checksum_exceptions_composite/complete-part-with-checksum:
    # a COMPOSITE CRC32 upload, part 1 (b"abc") listed with its SHA256 instead of its CRC32.
    state = fresh()
    upload = _s3.create_multipart_upload(
        state, "bucket", "k", checksum_algorithm="CRC32", checksum_type="COMPOSITE"
    )
    p = _s3.upload_part(state, "bucket", "k", upload.upload_id, 1, b"abc")
    sha256 = base64.b64encode(hashlib.sha256(b"abc").digest()).decode()
    e = error(
        lambda: _s3.complete_multipart_upload(
            state, "bucket", "k", upload.upload_id, [spec(1, p.etag, SHA256=sha256)]
        )
    )
    assert (e.code, e.message, e.status) == (
        "BadDigest",
        "The sha256 you specified for part 1 did not match what we received.",
        400,
    )
    assert upload.upload_id in state.buckets["bucket"].uploads  # the upload stays


def test_part_checksums_on_an_upload_without_algorithm_recorded() -> None:
    # Recorded: test_complete_multipart_parts_checksum_default/complete-multipart-parts-checksum:
    # such an upload keeps no part checksums, so naming one in Complete is InvalidPart.
    state = fresh()
    upload = _s3.create_multipart_upload(state, "bucket", "k")
    # (the CRC32C of b"abc": UploadPart now checks CRC32C values against the body)
    p = _s3.upload_part(
        state, "bucket", "k", upload.upload_id, 1, b"abc", checksums={"CRC32C": "Nks/tw=="}
    )
    e = error(
        lambda: _s3.complete_multipart_upload(
            state, "bucket", "k", upload.upload_id, [spec(1, p.etag, CRC32C="Nks/tw==")]
        )
    )
    assert (e.code, e.extra["PartNumber"]) == ("InvalidPart", "1")


# -------------------------------------------------------------------------------------- Abort


def test_abort_removes_upload_and_second_abort_fails() -> None:
    # Trap 19 / §3.4: aborting twice -> NoSuchUpload.
    state = fresh()
    upload = _s3.create_multipart_upload(state, "bucket", "k")
    _s3.abort_multipart_upload(state, "bucket", "k", upload.upload_id)
    assert _s3.list_multipart_uploads(state, "bucket").uploads == ()
    assert state.buckets["bucket"].index == []
    e = error(lambda: _s3.abort_multipart_upload(state, "bucket", "k", upload.upload_id))
    assert (e.code, e.extra) == ("NoSuchUpload", {"UploadId": upload.upload_id})


# ------------------------------------------------------------------------------------ buckets


def test_create_bucket_location_rules_recorded() -> None:
    # Recorded: test_different_location_constraint, test_create_bucket_with_existing_name.
    state = MpuState(clock=T0)
    assert _s3.create_bucket(state, "east").bucket.region == "us-east-1"
    west = _s3.create_bucket(state, "west", location_constraint="us-west-1").bucket
    assert (west.region, _s3.bucket_location(west)) == (
        "us-west-1",
        "http://west.s3.amazonaws.com/",
    )
    assert _s3.bucket_location(state.buckets["east"]) == "/east"
    e = error(lambda: _s3.create_bucket(state, "bkt2", location_constraint="us-east-1"))
    assert (e.code, e.status, e.message, e.extra) == (
        "InvalidLocationConstraint",
        400,
        "The specified location-constraint is not valid",
        {"LocationConstraint": "us-east-1"},
    )
    illegal = (
        "location constraint is incompatible for the region specific endpoint this request was "
        "sent to."
    )
    for region, constraint, word in [
        ("us-east-2", None, "unspecified"),
        ("us-east-2", "us-west-1", "us-west-1"),
        ("us-west-1", "us-east-1", "us-east-1"),
    ]:
        e = error(
            lambda r=region, c=constraint: _s3.create_bucket(
                state, "bkt3", client_region=r, location_constraint=c
            )
        )
        assert (e.code, e.status, e.message) == (
            "IllegalLocationConstraintException",
            400,
            f"The {word} {illegal}",
        )
    for constraint in ["us-west-1", "us-east-2"]:
        e = error(lambda c=constraint: _s3.create_bucket(state, "west", location_constraint=c))
        assert (e.code, e.status, e.extra) == (
            "BucketAlreadyOwnedByYou",
            409,
            {"BucketName": "west"},
        )
        assert e.message == (
            "Your previous request to create the named bucket succeeded and you already own it."
        )
    # us-east-1 legacy: re-creating your own bucket there is 200 and changes nothing.
    again = _s3.create_bucket(state, "east")
    assert (again.created, again.bucket) == (False, state.buckets["east"])
    assert (
        _s3.create_bucket(
            state, "eu-bucket", client_region="eu-west-1", location_constraint="EU"
        ).bucket.region
        == "eu-west-1"
    )


@pytest.mark.parametrize("name", ["TESTUPPERCASE", "ab", "a..b", "-ab", "192.168.1.1", "x" * 64])
def test_invalid_bucket_name_recorded(name: str) -> None:
    # Recorded: test_s3_uppercase_bucket_name (InvalidBucketName 400 with BucketName).
    e = error(lambda: _s3.create_bucket(MpuState(), name))
    assert (e.code, e.status, e.message, e.extra) == (
        "InvalidBucketName",
        400,
        "The specified bucket is not valid.",
        {"BucketName": name},
    )


def test_delete_bucket() -> None:
    # Recorded: test_delete_bucket_with_objects (BucketNotEmpty 409 with BucketName).
    # In-progress uploads alone do not block deletion (see _s3.delete_bucket's sources).
    state = fresh()
    _s3.create_multipart_upload(state, "bucket", "pending")
    _s3.delete_bucket(state, "bucket")
    assert "bucket" not in state.buckets
    assert error(lambda: _s3.head_bucket(state, "bucket")).code == "NoSuchBucket"
    state = fresh()
    upload = _s3.create_multipart_upload(state, "bucket", "k")
    etag = _s3.upload_part(state, "bucket", "k", upload.upload_id, 1, b"x").etag
    _s3.complete_multipart_upload(state, "bucket", "k", upload.upload_id, [spec(1, etag)])
    e = error(lambda: _s3.delete_bucket(state, "bucket"))
    assert (e.code, e.status, e.message, e.extra) == (
        "BucketNotEmpty",
        409,
        "The bucket you tried to delete is not empty",
        {"BucketName": "bucket"},
    )


# -------------------------------------------------------------------------------- performance


def _bulk_bucket(state: MpuState, n: int) -> list[Upload]:
    # 100,000 real uploads through the semantics layer would dominate the test's time; build
    # them with the same data-model calls create_multipart_upload uses.
    bucket = state.buckets["bucket"]
    uploads = []
    for i in range(n):
        upload = Upload("bucket", f"dir{i % 100:02d}/key{i:06d}", f"id{i:06d}", T0, i)
        uploads.append(upload)
    bucket.add_uploads(uploads)
    return uploads


def test_pages_of_ten_from_100k_uploads_are_cheap() -> None:
    state = fresh()
    _bulk_bucket(state, 100_000)
    start = time.perf_counter()
    r = _s3.list_multipart_uploads(state, "bucket", max_uploads=10)
    pages = 1
    while r.is_truncated and pages < 200:
        r = _s3.list_multipart_uploads(
            state,
            "bucket",
            max_uploads=10,
            key_marker=r.next_key_marker,
            upload_id_marker=r.next_upload_id_marker,
        )
        pages += 1
    deep = _s3.list_multipart_uploads(state, "bucket", max_uploads=10, key_marker="dir98/")
    grouped = _s3.list_multipart_uploads(state, "bucket", max_uploads=10, delimiter="/")
    prefixed = _s3.list_multipart_uploads(state, "bucket", max_uploads=10, prefix="dir42/key0")
    elapsed = time.perf_counter() - start
    assert pages == 200
    assert deep.uploads[0].key.startswith("dir98/")
    assert grouped.common_prefixes == tuple(f"dir{i:02d}/" for i in range(10))
    assert len(prefixed.uploads) == 10
    # A scan of 100,000 entries per page would take seconds here; bisect takes milliseconds.
    assert elapsed < 0.5, elapsed


@pytest.mark.parametrize(
    ("algorithm", "part_checksums", "expected"),
    [
        ("CRC32", ["NRU+Sw==", "NRU+Sw==", "TBHN8A=="], "qSEQSA=="),
        ("CRC32C", ["2/Ckiw==", "2/Ckiw==", "5yZkMA=="], "eTdAQA=="),
        ("CRC64NVME", ["Kg7TOs6algM=", "Kg7TOs6algM=", "DBqAA21lxVU="], "ZMNX55lZurA="),
    ],
)
def test_full_object_checksum_recorded(
    big_parts: tuple[MpuState, bytes], algorithm: str, part_checksums: list[str], expected: str
) -> None:
    # Recorded: test_complete_multipart_parts_checksum_full_object[<algorithm>]: the object's
    # CRC, combined from the part CRCs and sizes (5242881, 5242881, 10), without a -N suffix.
    state, data = big_parts
    upload = _s3.create_multipart_upload(
        state, "bucket", "k", checksum_algorithm=algorithm, checksum_type="FULL_OBJECT"
    )
    md5 = hashlib.md5(data).digest()
    specs = []
    for n, (body, checksum) in enumerate(zip([data, data, data[:10]], part_checksums), 1):
        part = _s3.upload_part(
            state,
            "bucket",
            "k",
            upload.upload_id,
            n,
            body,
            checksums={algorithm: checksum},
            md5=md5 if len(body) > 10 else None,
        )
        specs.append(spec(n, part.etag, **{algorithm: checksum}))
    r = _s3.complete_multipart_upload(
        state,
        "bucket",
        "k",
        upload.upload_id,
        specs,
        checksum_type="FULL_OBJECT",
        checksums={algorithm: expected},
    )
    assert r.object.etag == '"4d45984fc3feb2ac9b22683c49674b56-3"'
    assert (r.checksum_algorithm, r.checksum, r.checksum_type) == (
        algorithm,
        expected,
        "FULL_OBJECT",
    )


def test_full_object_complete_checks_recorded() -> None:
    # Recorded: test_multipart_parts_checksum_exceptions_full_object (one part b"abc", CRC32C
    # "Nks/tw==", ETag "900150983cd24fb0d6963f7d28e17f72"; success ETag "af5d...-1").
    state = fresh()
    upload = _s3.create_multipart_upload(
        state, "bucket", "k", checksum_algorithm="CRC32C", checksum_type="FULL_OBJECT"
    )
    uid = upload.upload_id
    part = _s3.upload_part(state, "bucket", "k", uid, 1, b"abc", checksums={"CRC32C": "Nks/tw=="})
    assert part.etag == '"900150983cd24fb0d6963f7d28e17f72"'
    parts = [spec(1, part.etag, CRC32C="Nks/tw==")]

    def complete(**kwargs: Any) -> _s3.CompleteMultipartUploadResult:
        return _s3.complete_multipart_upload(state, "bucket", "k", uid, parts, **kwargs)

    e = error(lambda: complete(checksum_type="COMPOSITE"))  # complete-part-bad-checksum-type
    assert (e.code, e.message) == (
        "InvalidRequest",
        "The upload was created using the FULL_OBJECT checksum mode. The complete request must "
        "use the same checksum mode.",
    )
    bad_digest = (
        "BadDigest",
        400,
        "The crc32c you specified did not match the calculated checksum.",
    )
    for kwargs in [
        {"checksums": {"CRC32C": "Nks/tw==-1"}},  # complete-part-good-checksum-no-type
        {"checksums": {"CRC32C": "Nks/tw=="}},  # complete-part-only-checksum-algo
        {"checksums": {"CRC64NVME": "AAAAAAAAAAA="}},  # complete-part-only-checksum-algo-diff
        {"checksums": {"CRC32C": "AAAAAA=="}, "checksum_type": "FULL_OBJECT"},  # -bad-checksum
        {"checksums": {"CRC32": "AAAAAA=="}, "checksum_type": "FULL_OBJECT"},  # -bad-checksum-algo
    ]:
        e = error(lambda kwargs=kwargs: complete(**kwargs))
        assert (e.code, e.status, e.message) == bad_digest, kwargs
    r = complete(checksums={"CRC32C": "Nks/tw=="}, checksum_type="FULL_OBJECT")  # complete-success
    assert r.object.etag == '"af5da9f45af7a300e3aded972f8ff687-1"'
    assert (r.checksum, r.checksum_type) == ("Nks/tw==", "FULL_OBJECT")


def test_checksum_mode_on_an_upload_without_checksum_recorded() -> None:
    # Recorded: test_complete_multipart_parts_checksum_default (complete-multipart-full-object-type,
    # complete-multipart-composite-type).
    state = fresh()
    upload = _s3.create_multipart_upload(state, "bucket", "k")
    etag = _s3.upload_part(state, "bucket", "k", upload.upload_id, 1, b"abc").etag
    for mode in ["FULL_OBJECT", "COMPOSITE"]:
        e = error(
            lambda mode=mode: _s3.complete_multipart_upload(
                state, "bucket", "k", upload.upload_id, [spec(1, etag)], checksum_type=mode
            )
        )
        assert (e.code, e.message) == (
            "InvalidRequest",
            "The upload was created using the null checksum mode. The complete request must use "
            "the same checksum mode.",
        )


def test_mpu_object_size_recorded() -> None:
    # Recorded: test_multipart_size_validation/complete-multipart-wrong-size (a 4-byte part).
    state = fresh()
    upload = _s3.create_multipart_upload(state, "bucket", "k")
    etag = _s3.upload_part(state, "bucket", "k", upload.upload_id, 1, b"data").etag
    e = error(
        lambda: _s3.complete_multipart_upload(
            state, "bucket", "k", upload.upload_id, [spec(1, etag)], mpu_object_size=5
        )
    )
    assert (e.code, e.status, e.message) == (
        "InvalidRequest",
        400,
        "The provided 'x-amz-mp-object-size' header value 5 does not match what was computed: 4",
    )
    r = _s3.complete_multipart_upload(
        state, "bucket", "k", upload.upload_id, [spec(1, etag)], mpu_object_size="4"
    )
    assert r.object.size == 4


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME"])
def test_part_checksum_validation_recorded(algorithm: str) -> None:
    # Recorded: test_multipart_upload_part_checksum_exception[<algorithm>]: a value that is not a
    # base64 digest is InvalidRequest; a wrong CRC32/SHA1/SHA256 is BadDigest (recorded), and so
    # is a wrong CRC32C/CRC64NVME (computed with awscrt, as botocore computes them).
    state = fresh()
    upload = _s3.create_multipart_upload(state, "bucket", "k")
    body = b"right body"

    def put(value: str) -> Any:
        return _s3.upload_part(
            state, "bucket", "k", upload.upload_id, 1, body, checksums={algorithm: value}
        )

    e = error(lambda: put("a1b2c3d4"))  # short_uid() in the recording
    assert (e.code, e.status, e.message) == (
        "InvalidRequest",
        400,
        f"Value for x-amz-checksum-{algorithm.lower()} header is invalid.",
    )
    size = {"CRC32": 4, "CRC32C": 4, "CRC64NVME": 8, "SHA1": 20, "SHA256": 32}[algorithm]
    wrong = base64.b64encode(bytes(size)).decode()
    e = error(lambda: put(wrong))
    assert (e.code, e.status, e.message) == (
        "BadDigest",
        400,
        f"The {algorithm} you specified did not match the calculated checksum.",
    )
    good = {
        "CRC32": base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode(),
        "CRC32C": base64.b64encode(crt_checksums.crc32c(body).to_bytes(4, "big")).decode(),
        "CRC64NVME": base64.b64encode(crt_checksums.crc64nvme(body).to_bytes(8, "big")).decode(),
        "SHA1": base64.b64encode(hashlib.sha1(body).digest()).decode(),
        "SHA256": base64.b64encode(hashlib.sha256(body).digest()).decode(),
    }[algorithm]
    assert put(good).checksums == {algorithm: good}


def test_bulk_creation_equals_one_by_one() -> None:
    when = datetime(2024, 1, 1, tzinfo=timezone.utc)
    items = [
        ("b", when),
        ("a", when + timedelta(seconds=1)),
        ("b", when - timedelta(1)),
        ("c", when),
    ]
    one, bulk = MpuState(seed=9, clock=when), MpuState(seed=9, clock=when)
    for state in (one, bulk):
        _s3.create_bucket(state, "bkt")
        _s3.create_multipart_upload(state, "bkt", "a")  # an upload already there
    singles = [_s3.create_multipart_upload(one, "bkt", k, initiated=t) for k, t in items]
    many = _s3.create_multipart_uploads(bulk, "bkt", items)
    assert many == singles
    assert bulk.buckets["bkt"].index == one.buckets["bkt"].index
    assert bulk.buckets["bkt"].by_key == one.buckets["bkt"].by_key
    assert list(bulk.buckets["bkt"].index) == ["a", "b", "c"]
    assert bulk.next_seq() == one.next_seq()
    with pytest.raises(ServiceError, match="NoSuchBucket"):
        _s3.create_multipart_uploads(bulk, "missing", items)
