"""A failed test that used a scenario gets a report section explaining the client's listing walk.

One test per listing bug class of the catalog (one-page, KeyMarker-only, index marker, encoded
marker, null marker), each through pytest itself (pytester), with the naive client of
``mockmpu.scenarios.clients`` failing the test.
"""

from __future__ import annotations

import pytest

from mockmpu.pytest_plugin import SECTION

HEADER = """
import boto3
import pytest
from mockmpu import mock_mpu, scenarios
from mockmpu.scenarios import clients

def client(service):
    return boto3.session.Session(
        aws_access_key_id="k", aws_secret_access_key="s", region_name="us-east-1"
    ).client(service)
"""


def _section(pytester: pytest.Pytester, body: str, *, failed: int = 1) -> str:
    pytester.makepyfile(HEADER + body)
    result = pytester.runpytest("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=failed)
    text = result.stdout.str()
    assert SECTION in text, text
    return text.split(SECTION, 1)[1]


def test_one_page(pytester: pytest.Pytester) -> None:
    out = _section(
        pytester,
        """
@pytest.mark.mpu_mock(scenario=scenarios.many_uploads())
def test_cleaner(mpu_scenario):
    seen = clients.s3_one_page(client("s3"), mpu_scenario)
    assert len(seen) == len(mpu_scenario.upload_ids)
""",
    )
    assert "page 1: MaxUploads not sent (default 1000)" in out
    assert "-> 1000 uploads #1-#1000 ('uploads/0000.bin' .. 'uploads/0999.bin')" in out
    assert (
        "the walk stopped after page 1 although IsTruncated was true "
        "(NextKeyMarker='uploads/0999.bin'"
    ) in out
    assert "the 500 uploads after it were never requested" in out
    assert "the walk saw 1000 of the 1500 uploads; missed 500 (#1001-#1500); repeated 0" in out


def test_key_marker_only(pytester: pytest.Pytester) -> None:
    out = _section(
        pytester,
        """
@pytest.mark.mpu_mock(scenario=scenarios.colliding_keys())
def test_lister(mpu_scenario):
    seen = clients.s3_key_marker_only(client("s3"), mpu_scenario)
    assert len(seen) == len(mpu_scenario.upload_ids)
""",
    )
    assert "page 2: KeyMarker='b', MaxUploads=1000" in out
    assert (
        "page 2 was requested with KeyMarker='b' and no UploadIdMarker: "
        "the 8 remaining uploads of 'b' were skipped"
    ) in out
    assert "missed 8 (#1001-#1008)" in out


def test_key_marker_only_because_the_server_omits_the_upload_id_marker(
    pytester: pytest.Pytester,
) -> None:
    out = _section(
        pytester,
        """
@pytest.mark.mpu_mock(scenario=scenarios.omit_next_upload_id_marker())
def test_paginator(mpu_scenario):
    seen = clients.s3_paginator(client("s3"), mpu_scenario)
    assert len(seen) == len(mpu_scenario.upload_ids)
""",
    )
    assert (
        "page 1 came without NextUploadIdMarker (this scenario's fault), so page 2 was requested "
        "with KeyMarker='b' alone: the 8 remaining uploads of 'b' were skipped"
    ) in out


def test_index_marker_as_a_count(pytester: pytest.Pytester) -> None:
    out = _section(
        pytester,
        """
@pytest.mark.mpu_mock(scenario=scenarios.sparse_parts())
def test_resume(mpu_scenario):
    seen = clients.s3_parts_count_marker(client("s3"), mpu_scenario)
    assert seen == list(mpu_scenario.part_numbers)
""",
    )
    assert "page 2: PartNumberMarker=1000, MaxParts not sent (default 1000)" in out
    assert (
        "PartNumberMarker=1000 was the count of parts seen, not the last part number (1999) of "
        "page 1: 500 parts #501-#1000 were listed again"
    ) in out
    assert "repeated 500" in out


def test_index_marker_as_an_offset_while_the_listing_changes(pytester: pytest.Pytester) -> None:
    out = _section(
        pytester,
        """
@pytest.mark.mpu_mock(scenario=scenarios.mutation_between_pages("s3"))
def test_offsets(mpu_scenario):
    seen = clients.offset_pages_with_changes(client("s3"), mpu_scenario)
    assert [u for _, u in seen] == [u.upload_id for u in mpu_scenario.expected_seen]
""",
    )
    assert "walk 3: 1 request" in out
    assert "the client listed from the start 3 times while the scenario changed the listing" in out
    assert "a position counted in one listing (an index or offset) names another item" in out


def test_encoded_marker(pytester: pytest.Pytester) -> None:
    out = _section(
        pytester,
        """
@pytest.mark.mpu_mock(scenario=scenarios.encoded_keys())
def test_lister(mpu_scenario):
    seen = clients.s3_raw_encoded_marker(client("s3"), mpu_scenario)
    assert len(seen) == len(mpu_scenario.upload_ids)
""",
    )
    assert "page 2: KeyMarker='dir/a+b.bin', EncodingType='url', MaxUploads=1000" in out
    assert (
        "page 2 was requested with KeyMarker='dir/a+b.bin', the URL-encoded NextKeyMarker sent "
        "back as it came: S3 reads a marker as a raw key, not as 'dir/a b.bin', so 2 uploads "
        "#1001-#1002 were skipped"
    ) in out


def test_null_marker_with_the_decorator(pytester: pytest.Pytester) -> None:
    out = _section(
        pytester,
        """
@mock_mpu(scenario=scenarios.glacier_end_marker("json-null"))
def test_lister():
    from mockmpu.core.activation import current
    clients.glacier_marker_key(client("glacier"), current().scenario)
""",
    )
    assert "page 3: marker='VbxGVpsd8QAAAAAAAABl', limit not sent (default 50)" in out
    assert "-> 20 uploads #101-#120" in out and "Marker=null" in out
    assert (
        "page 3 ended the listing with Marker null, which botocore drops from the response "
        "dict: reading r['Marker'] raised KeyError; read it with r.get('Marker')"
    ) in out


def test_stringified_null_marker_in_a_with_block(pytester: pytest.Pytester) -> None:
    out = _section(
        pytester,
        """
def test_lister():
    with mock_mpu(scenario=scenarios.glacier_unknown_marker("error")) as mpu:
        clients.glacier_paginator(client("glacier"), mpu.scenario)
""",
    )
    assert "-> 1 upload #1 (" in out and "Marker='null'" in out
    assert (
        "page 2 was requested with marker='null', the stringified end marker of page 1 sent "
        "back as if it named a page: the server refused it (InvalidParameterValueException)"
    ) in out


def test_passing_tests_and_tests_without_a_scenario_get_no_section(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        HEADER
        + """
@pytest.mark.mpu_mock(scenario=scenarios.colliding_keys())
def test_correct(mpu_scenario):
    seen = clients.s3_paginator(client("s3"), mpu_scenario)
    assert len(seen) == len(mpu_scenario.upload_ids)

def test_no_scenario(mpu_mock):
    assert False
"""
    )
    result = pytester.runpytest("-p", "no:randomly", "-rA")
    result.assert_outcomes(passed=1, failed=1)
    assert SECTION not in result.stdout.str()
