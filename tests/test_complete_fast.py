"""CompleteMultipartUpload's one-pass path chooses what the full checks choose, or steps aside.

Issue 13: ``plain_chosen`` takes the usual request (ascending numbers, ETags as stored, no part
checksums) in one pass. For any request it must either return ``None`` (the full checks, in
AWS's order, then answer) or the very parts the full checks choose without an error.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mockmpu.core.errors import ServiceError
from mockmpu.core.state import MpuState
from mockmpu.s3 import semantics as _s3
from mockmpu.s3.complete_parts import checked_parts, plain_chosen

MIB = 1024 * 1024
SIZES = st.sampled_from([1, 5 * MIB - 1, 5 * MIB, 6 * MIB])
NUMBERS = st.one_of(
    st.integers(min_value=-1, max_value=12),
    st.sampled_from(["1", "2", "3", "01", "00003", "+2", "0", "-1", "x", "", "123456", "\u0663"]),
    st.none(),
)


@st.composite
def cases(draw: Any) -> tuple[Any, list[_s3.CompletedPartSpec]]:
    state = MpuState()
    _s3.create_bucket(state, "bucket")
    algorithm = draw(st.sampled_from([None, "CRC32"]))
    upload = _s3.create_multipart_upload(
        state,
        "bucket",
        "k",
        checksum_algorithm=algorithm,
        checksum_type="FULL_OBJECT" if algorithm else None,
    )
    sizes = draw(st.dictionaries(st.integers(1, 10), SIZES, min_size=1, max_size=6))
    for number, size in sizes.items():
        _s3.upload_part(state, "bucket", "k", upload.upload_id, number, bytes(size))
    # Mostly the usual request (an ascending subset, ETags as stored, numbers as int or text),
    # then at most one change of the kind the full checks refuse or read differently.
    chosen = sorted(draw(st.sets(st.sampled_from(sorted(sizes)), min_size=1)))
    specs = [
        _s3.CompletedPartSpec(
            draw(st.sampled_from([n, str(n), f"{n:05d}"])), upload.parts[n].etag, {}
        )
        for n in chosen
    ]
    change = draw(st.sampled_from(["none", "number", "etag", "checksum", "swap", "repeat"]))
    at = draw(st.integers(0, len(specs) - 1))
    old = specs[at]
    if change == "number":
        specs[at] = _s3.CompletedPartSpec(draw(NUMBERS), old.etag, {})
    elif change == "etag":
        etag = draw(st.sampled_from([None, '"x"', (old.etag or "").strip('"'), ""]))
        specs[at] = _s3.CompletedPartSpec(old.part_number, etag, {})
    elif change == "checksum":
        specs[at] = _s3.CompletedPartSpec(old.part_number, old.etag, {"CRC32": "AAAAAA=="})
    elif change == "swap" and len(specs) > 1:
        specs[0], specs[-1] = specs[-1], specs[0]
    elif change == "repeat":
        specs.insert(at, old)
    return upload, specs


@settings(max_examples=300, deadline=None)
@given(cases())
def test_the_one_pass_path_agrees_with_the_full_checks(case: Any) -> None:
    upload, specs = case
    mode = upload.checksum_type if upload.checksum_algorithm else None
    try:
        full: Any = checked_parts(upload, specs, False, upload.checksum_algorithm, mode)
    except ServiceError as error:
        full = error
    fast = plain_chosen(upload, specs)
    if fast is not None:
        assert not isinstance(full, ServiceError), (specs, full.code)
        assert fast == full


def test_the_usual_request_takes_the_one_pass_path() -> None:
    state = MpuState()
    _s3.create_bucket(state, "bucket")
    upload = _s3.create_multipart_upload(state, "bucket", "k")
    for number in (1, 2, 3):
        _s3.upload_part(state, "bucket", "k", upload.upload_id, number, bytes(5 * MIB))
    specs = [_s3.CompletedPartSpec(str(n), upload.parts[n].etag) for n in (1, 2, 3)]
    assert plain_chosen(upload, specs) == [upload.parts[n] for n in (1, 2, 3)]
