"""mockmpu.scenarios: each catalog case, its ground truth, naive clients failing on it and correct
clients passing, and the ways a scenario is loaded (mock_mpu, decorator, TestCase, pytest)."""

from __future__ import annotations

import unittest
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import boto3
import pytest
from botocore.exceptions import ClientError

from mockmpu import MockmpuError, MpuMock, MpuState, Scenario, mock_mpu, scenarios
from mockmpu.cli import main as cli
from mockmpu.cli.demo import _load_example
from mockmpu.core.activation import current
from mockmpu.scenarios.clients import (
    ROWS,
    abort,
    expected_pairs,
    run,
    s3_paginator_cleaner,
    s3_raw_encoded_marker,
    verdict,
)

MIB = 1024 * 1024
UTC = timezone.utc
CATALOG = scenarios.catalog()
BUILDERS = (
    scenarios.many_uploads,
    scenarios.colliding_keys,
    scenarios.encoded_keys,
    scenarios.stale_uploads,
    scenarios.mutation_between_pages,
    scenarios.omit_next_upload_id_marker,
    scenarios.strict_empty_markers,
    scenarios.many_parts,
    scenarios.sparse_parts,
    scenarios.stuck_next_part_number_marker,
    scenarios.empty_upload,
    scenarios.glacier_end_marker,
    scenarios.glacier_unknown_marker,
    scenarios.glacier_many_parts,
)


@pytest.fixture(scope="module")
def session() -> Any:
    return boto3.session.Session()


@pytest.fixture(scope="module")
def s3(session: Any) -> Any:
    """One S3 client for the module (creating clients dominates these tests' time)."""
    return session.client("s3", region_name="us-east-1")


@pytest.fixture(scope="module")
def glacier(session: Any) -> Any:
    """One Glacier client for the module."""
    return session.client("glacier", region_name="us-east-1")


def _client(sc: Scenario, s3: Any, glacier: Any) -> Any:
    return s3 if sc.service == "s3" else glacier


# ------------------------------------------------------------------------------------ catalog


def test_catalog_names_are_unique_and_cover_every_kind_and_client_table() -> None:
    names = [s.name for s in CATALOG]
    assert len(names) == len(set(names)) == 20
    assert {s.kind for s in CATALOG} == set(scenarios.KINDS)
    assert all(s.summary and s.bugs for s in CATALOG)
    assert set(names) == set(ROWS)


@pytest.mark.parametrize("builder", BUILDERS, ids=lambda b: b.__name__)
def test_every_builder_documents_the_bug_it_reproduces(builder: Any) -> None:
    doc = builder.__doc__ or ""
    assert "Reproduces" in doc
    assert "BUG-" in doc or "D.3" in doc


def test_catalog_filters_by_kind_and_faults() -> None:
    parts = scenarios.catalog("glacier-parts")
    assert [s.name for s in parts] == [
        "glacier-many-parts",
        "empty-upload-glacier",
        "glacier-unknown-marker-error",
        "glacier-unknown-marker-restart",
    ]
    aws = scenarios.catalog(faults=False)
    assert all(not s.faults for s in aws)
    assert "glacier-end-marker-json-null" in [s.name for s in aws]
    assert "glacier-end-marker-absent" not in [s.name for s in aws]
    with pytest.raises(MockmpuError, match="kind must be one of"):
        scenarios.catalog("s3")


def test_get_finds_a_scenario_by_name_and_lists_the_names_otherwise() -> None:
    assert scenarios.get("colliding-keys").params == {"before": 998, "count": 10, "page_size": 1000}
    with pytest.raises(MockmpuError, match="No scenario is called 'nope'; the names are: many"):
        scenarios.get("nope")


# ------------------------------------------------------------------------- building, truth


def test_builders_are_lazy_and_deterministic_given_a_seed() -> None:
    sc = scenarios.many_uploads(50, seed=3)
    assert "(loaded)" not in repr(sc)
    ids = sc.upload_ids
    assert "(loaded)" in repr(sc)
    assert len(set(ids)) == 50
    assert scenarios.many_uploads(50, seed=3).upload_ids == ids
    assert scenarios.many_uploads(50, seed=4).upload_ids != ids
    # Loaded into a fresh mock, the ids come from the mock's seed: the same seed, the same ids.
    with mock_mpu(seed=3, scenario=scenarios.many_uploads(50)) as mpu:
        assert mpu.scenario.upload_ids == ids
        assert mpu.scenario.state is mpu.state


@pytest.mark.parametrize("sc", CATALOG, ids=lambda s: s.name)
def test_truth_is_what_the_state_holds(sc: Scenario) -> None:
    state = MpuState(seed=1)
    loaded = sc.load(state)
    assert loaded.state is state
    for name, value in loaded.faults.items():
        assert getattr(state.behaviour, name) == value
    with mock_mpu(state=state) as mpu:
        if loaded.service == "s3":
            listed = mpu.s3.uploads(loaded.bucket)
            assert [(u.key, u.upload_id) for u in listed] == expected_pairs(loaded)
            if loaded.kind == "s3-parts":
                parts = mpu.s3.parts(loaded.bucket, loaded.upload.upload_id)
                assert tuple(p.part_number for p in parts) == loaded.part_numbers
        else:
            listed_ids = [u.upload_id for u in mpu.glacier.uploads(loaded.vault)]
            assert listed_ids == list(loaded.upload_ids)
            if loaded.kind == "glacier-parts":
                parts_g = mpu.glacier.parts(loaded.vault, loaded.upload.upload_id)
                assert tuple(f"{p.range_start}-{p.range_end}" for p in parts_g) == (
                    loaded.part_ranges
                )


def test_parts_truth() -> None:
    assert scenarios.many_parts().part_numbers == tuple(range(1, 2501))
    assert scenarios.sparse_parts().part_numbers == tuple(range(1, 3000, 2))
    assert scenarios.sparse_parts([7, 3, 3]).part_numbers == (3, 7)
    assert scenarios.empty_upload("s3").part_numbers == ()
    many = scenarios.glacier_many_parts()
    assert len(many.part_ranges) == 880
    assert (many.part_ranges[0], many.part_ranges[-1]) == (
        "0-1048575",
        f"{879 * MIB}-{880 * MIB - 1}",
    )
    assert scenarios.empty_upload("glacier").part_ranges == ()
    assert scenarios.empty_upload("glacier").upload.key is None


def test_colliding_keys_puts_the_page_boundary_inside_one_keys_run() -> None:
    sc = scenarios.colliding_keys()
    keys = sc.keys
    assert len(keys) == 1009
    assert keys[997:1001] == ("a0997", "b", "b", "b")  # page 1 ends after the 2nd upload on b
    run_ = [u for u in sc.uploads if u.key == "b"]
    assert len(run_) == 10
    # The run was created newest first; it lists in initiation order.
    assert all(a.initiated < b.initiated for a, b in zip(run_, run_[1:]))
    assert sc.boundary_key == "b"


def test_colliding_keys_with_a_small_page(s3: Any) -> None:
    layout = scenarios.colliding_keys(before=3, count=4, after=2, page_size=5)
    with mock_mpu(scenario=layout) as mpu:
        sc = mpu.scenario
        assert sc.keys == ("a0000", "a0001", "a0002", "b", "b", "b", "b", "c0000", "c0001")
        naive = run(ROWS["colliding-keys"][0].run, s3, sc)
        assert verdict(expected_pairs(sc), naive) == "MISSED 2"
        assert run(ROWS["colliding-keys"][1].run, s3, sc).seen == expected_pairs(sc)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"before": 1000}, "before < page_size < before \\+ count"),
        ({"before": 980}, "before < page_size < before \\+ count"),
        ({"key": "zzz"}, "key='zzz' must sort between 'a0997' and 'c0000'"),
    ],
)
def test_colliding_keys_refuses_layouts_that_miss_the_boundary(
    kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(MockmpuError, match=message):
        scenarios.colliding_keys(**kwargs)


def test_encoded_keys_put_an_encoded_key_on_the_page_boundary(s3: Any) -> None:
    with mock_mpu(scenario=scenarios.encoded_keys(page_size=4)) as mpu:
        sc = mpu.scenario
        assert sc.keys[3] == sc.boundary_key == "dir/a b.bin"
        page = s3.list_multipart_uploads(Bucket=sc.bucket, EncodingType="url", MaxUploads=4)
        # Encoded, the boundary key is another real key, and botocore does not decode it.
        assert page["NextKeyMarker"] == "dir/a+b.bin" and "dir/a+b.bin" in sc.keys
        raw = s3_raw_encoded_marker(s3, sc)
        missed = set(sc.keys) - {unquote_plus(key) for key, _ in raw}
        assert missed == {"dir/a%b.bin", "dir/a+b.bin"}
        with pytest.raises(ClientError) as error:
            pages = s3.get_paginator("list_multipart_uploads").paginate(
                Bucket=sc.bucket, EncodingType="url", PaginationConfig={"PageSize": 4}
            )
            list(pages)
        assert error.value.response["Error"]["Code"] == "InvalidArgument"


def test_stale_uploads_follow_the_mock_clock(s3: Any) -> None:
    frozen = datetime(2024, 5, 1, 12, 0, 0, 500_000, tzinfo=UTC)
    layout = scenarios.stale_uploads(stale=2, fresh=2)
    with mock_mpu(clock=frozen, scenario=layout) as mpu:
        sc = mpu.scenario
        now = frozen.replace(microsecond=0)
        assert sc.now == now
        initiated = {u.key: u.initiated for u in sc.uploads}
        assert initiated == {
            "edge/just-fresh.bin": now - timedelta(days=7) + timedelta(hours=1),
            "edge/just-stale.bin": now - timedelta(days=7, hours=1),
            "fresh/0.bin": now,
            "fresh/1.bin": now - timedelta(hours=1),
            "stale/0000.bin": now - timedelta(days=30),
            "stale/0001.bin": now - timedelta(days=30),
        }
        listed = s3.list_multipart_uploads(Bucket=sc.bucket)["Uploads"]
        assert {u["Key"]: u["Initiated"] for u in listed} == initiated


def test_remaining_after_cleanup_both_ways() -> None:
    sc = scenarios.stale_uploads(stale=3, fresh=2)
    week = {u.key for u in sc.remaining_after_cleanup(timedelta(days=7))}
    assert week == {"edge/just-fresh.bin", "fresh/0.bin", "fresh/1.bin"}
    day = {u.key for u in sc.remaining_after_cleanup(timedelta(days=1))}
    assert day == {"fresh/0.bin", "fresh/1.bin"}
    # An upload initiated exactly at the cutoff is not older than it: it stays.
    month = sc.remaining_after_cleanup(timedelta(days=30))
    assert len(month) == len(sc.uploads)
    assert sc.remaining_after_cleanup(timedelta(days=30), now=sc.now + timedelta(seconds=1)) == (
        tuple(u for u in sc.uploads if not u.key.startswith("stale/"))  # type: ignore[union-attr]
    )


def test_a_correct_cleaner_leaves_exactly_the_ground_truth_remainder(s3: Any) -> None:
    # 1001 stale uploads: the first page of 1000 ends among them.
    with mock_mpu(scenario=scenarios.stale_uploads(stale=1001)) as mpu:
        sc = mpu.scenario
        left = abort(s3, sc, s3_paginator_cleaner(s3, sc))
        expected = [(u.key, u.upload_id) for u in sc.remaining_after_cleanup(timedelta(days=7))]
        assert left == expected
        assert len(left) == 4


@scenarios.parametrize(kind="s3-listing")
def test_the_example_cleaner_finds_exactly_the_stale_uploads_in_every_s3_listing_scenario(
    mpu_mock: MpuMock, mpu_scenario: Scenario, s3: Any
) -> None:
    tool = _load_example("abort_stale_uploads")
    assert tool is not None
    found = tool.find_stale_uploads(s3, mpu_scenario.bucket, timedelta(days=7))
    left = set(mpu_scenario.remaining_after_cleanup(timedelta(days=7)))
    stale = [(u.key, u.upload_id) for u in mpu_scenario.uploads if u not in left]
    assert [(u["Key"], u["UploadId"]) for u in found] == stale
    assert mpu_mock.s3.uploads(mpu_scenario.bucket)  # the listing changed nothing


# ----------------------------------------------------------------------- mutation between pages


def _positions(sc: Scenario, refs: Any) -> list[int]:
    where = {u.upload_id: i for i, u in enumerate(sc.uploads)}
    return [where[u.upload_id] for u in refs]


def test_mutation_plan_s3_ground_truth() -> None:
    sc = scenarios.mutation_between_pages("s3")
    assert sc.keys[8:12] == ("m08",) * 4 and sc.page_size == 10
    assert _positions(sc, sc.expected_seen) == [
        *range(10), 11, 12, 13, 14, *range(16, 22), 23, 24, *range(26, 30)
    ]  # fmt: skip
    gone = {0, 1, 2, 10, 15, 11, 12, 22, 25}
    assert _positions(sc, sc.survivors) == [i for i in range(30) if i not in gone]


def test_mutation_plan_glacier_ground_truth() -> None:
    sc = scenarios.mutation_between_pages("glacier")
    assert _positions(sc, sc.expected_seen) == [
        *range(50), *range(51, 60), *range(61, 110), *range(111, 120)
    ]  # fmt: skip
    assert len(sc.survivors) == 120 - 9


def test_between_pages_makes_each_pages_changes_once(s3: Any) -> None:
    with mock_mpu(scenario=scenarios.mutation_between_pages("s3")) as mpu:
        sc = mpu.scenario
        sc.between_pages(3)  # nothing planned: nothing happens
        assert len(mpu.s3.uploads(sc.bucket)) == 30
        sc.between_pages(1)
        assert len(mpu.s3.uploads(sc.bucket)) == 25
        assert mpu.s3.object(sc.bucket, "m08").upload_id == sc.uploads[10].upload_id
        with pytest.raises(MockmpuError, match=r"after page 1 of .* were already made"):
            sc.between_pages(1)


def test_markers_stay_position_stable_while_uploads_change(s3: Any, glacier: Any) -> None:
    for service in ("s3", "glacier"):
        with mock_mpu(scenario=scenarios.mutation_between_pages(service)) as mpu:
            sc = mpu.scenario
            seen = run(ROWS[sc.name][1].run, _client(sc, s3, glacier), sc).seen
            ids = [item[1] if service == "s3" else item for item in seen]
            assert ids == [u.upload_id for u in sc.expected_seen]
            assert len(ids) == len(set(ids))  # nothing twice
            assert set(u.upload_id for u in sc.survivors) <= set(ids)  # no survivor skipped


# ----------------------------------------------------------------- naive fails, correct passes

#: Every (scenario, client) of ROWS and its verdict against the ground truth.
VERDICTS = {
    ("many-uploads", "one-page loop"): "MISSED 500",
    ("colliding-keys", "KeyMarker-only loop"): "MISSED 8",
    ("encoded-keys", "EncodingType=url, raw NextKeyMarker"): "MISSED 4, WRONG 2",
    ("stale-uploads", "one-page cleaner (would abort)"): "MISSED 205",
    ("stale-uploads", "age-blind cleaner (would abort)"): "WRONG 4",
    ("mutation-between-pages-s3", "offset into a fresh listing"): "MISSED 6, WRONG 1",
    ("omit-next-upload-id-marker", "botocore paginator"): "MISSED 8",
    ("strict-empty-markers", 'KeyMarker="" on the first request'): "ERROR InvalidArgument",
    ("many-parts", "one ListParts call"): "MISSED 1500",
    ("sparse-parts", "PartNumberMarker=len(seen)"): "REPEATED 500",
    ("empty-upload-s3", 'resume reading r["Parts"]'): "ERROR KeyError",
    ("stuck-next-part-number-marker", "botocore paginator"): "MISSED 500",
    (
        "stuck-next-part-number-marker",
        "while IsTruncated: NextPartNumberMarker",
    ): "LOOP (stopped after 5 requests)",
    ("glacier-end-marker-json-null", 'loop reading r["Marker"]'): "ERROR KeyError",
    ("glacier-end-marker-absent", 'loop reading r["Marker"]'): "ERROR KeyError",
    (
        "glacier-end-marker-string-null",
        "botocore paginator",
    ): "ERROR InvalidParameterValueException",
    ("glacier-end-marker-string-None", "botocore paginator"): "LOOP (stopped after 30 requests)",
    ("mutation-between-pages-glacier", "offset into a fresh listing"): "MISSED 6",
    ("glacier-many-parts", "first page only"): "MISSED 830",
    ("glacier-many-parts", "Marker loop without uploadId"): "ERROR ParamValidationError",
    ("empty-upload-glacier", "glacier-cmd resume (stop unset)"): "ERROR UnboundLocalError",
    ("glacier-unknown-marker-error", "botocore paginator"): "ERROR InvalidParameterValueException",
    ("glacier-unknown-marker-restart", "botocore paginator"): "LOOP (stopped after 30 requests)",
}


def test_every_scenario_has_a_naive_client_and_a_correct_client() -> None:
    for name, rows in ROWS.items():
        assert any(r.correct for r in rows) and any(not r.correct for r in rows), name
        for row in rows:
            assert ((name, row.client) in VERDICTS) != row.correct, (name, row.client)


@pytest.mark.parametrize(
    ("name", "index"),
    [
        pytest.param(name, i, id=f"{name}:{row.client}")
        for name, rows in ROWS.items()
        for i, row in enumerate(rows)
    ],
)
def test_naive_clients_fail_and_correct_clients_pass(
    name: str, index: int, s3: Any, glacier: Any
) -> None:
    row = ROWS[name][index]
    with mock_mpu(scenario=scenarios.get(name)) as mpu:
        sc = mpu.scenario
        outcome = run(row.run, _client(sc, s3, glacier), sc)
        result = verdict(row.expect(sc), outcome)
    assert result == VERDICTS.get((name, row.client), "ok")


# ------------------------------------------------------------------------------------ loading


def test_several_scenarios_load_into_one_mock() -> None:
    pair = [scenarios.many_uploads(3, bucket="one"), scenarios.glacier_end_marker(n=2)]
    with mock_mpu(scenario=pair) as mpu:
        s3_sc, glacier_sc = mpu.scenarios
        assert [u.upload_id for u in mpu.s3.uploads("one")] == list(s3_sc.upload_ids)
        assert [u.upload_id for u in mpu.glacier.uploads("backups")] == list(glacier_sc.upload_ids)
        with pytest.raises(MockmpuError, match="This mock loaded 2 scenarios"):
            _ = mpu.scenario
    with mock_mpu() as mpu, pytest.raises(MockmpuError, match="loaded 0 scenarios"):
        _ = mpu.scenario


def test_loading_refuses_clashes_and_other_targets() -> None:
    with pytest.raises(MockmpuError, match="Bucket 'bkt' already holds uploads or objects"):
        mock_mpu(scenario=[scenarios.many_uploads(3), scenarios.many_uploads(2)])
    with pytest.raises(MockmpuError, match="sets glacier_end_marker='string-null' but this"):
        mock_mpu(
            scenario=[
                scenarios.glacier_end_marker("absent"),
                scenarios.glacier_unknown_marker("error", vault="other"),
            ]
        )
    with pytest.raises(MockmpuError, match="scenario= takes a Scenario or a list of them"):
        mock_mpu(scenario="many-uploads")  # type: ignore[arg-type]
    with pytest.raises(MockmpuError, match="load into an MpuMock or an MpuState, not int"):
        scenarios.many_uploads(1).load(42)


def test_truth_accessors_refuse_the_other_service() -> None:
    with pytest.raises(MockmpuError, match=r"is an S3 scenario; use \.bucket"):
        _ = scenarios.many_uploads(1).vault
    with pytest.raises(MockmpuError, match=r"is a Glacier scenario; use \.vault"):
        _ = scenarios.glacier_end_marker(n=1).bucket
    with pytest.raises(MockmpuError, match="uploads have no key"):
        _ = scenarios.glacier_end_marker(n=1).keys
    with pytest.raises(MockmpuError, match=r"not one upload's parts; use \.uploads"):
        _ = scenarios.many_uploads(1).upload


def test_the_decorator_loads_a_fresh_scenario_per_call() -> None:
    states = []

    @mock_mpu(scenario=scenarios.many_uploads(3))
    def body() -> None:
        mpu = current()
        assert mpu is not None
        sc = mpu.scenario
        assert [u.upload_id for u in mpu.s3.uploads(sc.bucket)] == list(sc.upload_ids)
        mpu.s3.abort_multipart_upload(sc.bucket, sc.keys[0], sc.upload_ids[0])
        states.append(mpu.state)

    body()
    body()
    assert states[0] is not states[1]


@mock_mpu(scenario=scenarios.colliding_keys(before=2, count=3, after=1, page_size=3))
class ScenarioTestCase(unittest.TestCase):
    def test_each_test_gets_the_scenario(self) -> None:
        sc = self.mpu.scenario  # type: ignore[attr-defined]
        self.assertEqual(sc.keys, ("a0000", "a0001", "b", "b", "b", "c0000"))


@pytest.mark.mpu_mock(scenario=scenarios.sparse_parts(range(2, 21, 2)))
def test_the_marker_loads_a_scenario(mpu_scenario: Scenario, mpu_mock: MpuMock, s3: Any) -> None:
    assert mpu_scenario is mpu_mock.scenario
    pages = s3.get_paginator("list_parts").paginate(
        Bucket=mpu_scenario.bucket,
        Key=mpu_scenario.upload.key,
        UploadId=mpu_scenario.upload.upload_id,
        PaginationConfig={"PageSize": 3},
    )
    assert tuple(p["PartNumber"] for page in pages for p in page["Parts"]) == (
        mpu_scenario.part_numbers
    )


def test_parametrize_runs_once_per_scenario_with_readable_ids(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from mockmpu import scenarios

        @scenarios.parametrize(kind="glacier-listing")
        def test_each(mpu_mock, mpu_scenario):
            assert mpu_scenario.state is mpu_mock.state
            listed = [u.upload_id for u in mpu_mock.glacier.uploads(mpu_scenario.vault)]
            assert listed == list(mpu_scenario.upload_ids)

        @scenarios.parametrize(kind="glacier-listing", faults=True)
        def test_with_faults(mpu_scenario):
            assert mpu_scenario.kind == "glacier-listing"

        @pytest.mark.mpu_mock(scenario=scenarios.many_uploads(2, bucket="marked"))
        @scenarios.parametrize(scenarios=[scenarios.empty_upload("glacier")])
        def test_marker_and_parametrize_combine(mpu_mock, mpu_scenario):
            assert [s.name for s in mpu_mock.scenarios] == ["many-uploads", "empty-upload-glacier"]
            assert mpu_scenario is mpu_mock.scenarios[1]
        """
    )
    result = pytester.runpytest("-p", "no:randomly", "-v")
    result.assert_outcomes(passed=2 + 5 + 1)
    result.stdout.fnmatch_lines(
        [
            "*test_each[[]glacier-end-marker-json-null[]] PASSED*",
            "*test_each[[]mutation-between-pages-glacier[]] PASSED*",
            "*test_with_faults[[]glacier-end-marker-string-None[]] PASSED*",
        ]
    )


def test_parametrize_refuses_an_empty_selection() -> None:
    with pytest.raises(MockmpuError, match="No scenario matches"):
        scenarios.parametrize(scenarios=[])


def test_parametrize_on_a_class_runs_every_method_once_per_scenario(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        from mockmpu import scenarios

        @scenarios.parametrize(scenarios=[scenarios.empty_upload("s3"), scenarios.many_uploads(3)])
        class TestEach:
            def test_loaded(self, mpu_mock, mpu_scenario):
                assert mpu_mock.scenarios[-1] is mpu_scenario

            def test_kind(self, mpu_scenario):
                assert mpu_scenario.kind.startswith("s3-")
        """
    )
    result = pytester.runpytest("-p", "no:randomly", "-v")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["*TestEach::test_loaded[[]many-uploads[]] PASSED*"])


def test_parametrize_twice_on_one_test_is_refused() -> None:
    def test_x() -> None:
        pass

    scenarios.parametrize(kind="s3-parts")(test_x)
    with pytest.raises(MockmpuError, match=r"already has @scenarios\.parametrize"):
        scenarios.parametrize(kind="s3-listing")(test_x)


# -------------------------------------------------------------------------------------- CLI


def test_the_cli_lists_every_scenario_on_one_line(capsys: Any) -> None:
    assert cli(["scenarios"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == [s.name for s in CATALOG]
    assert lines[1].split()[1] == "s3-listing" and lines[1].endswith("[BUG-04]")
    assert cli(["nonsense"]) == 2
    err = capsys.readouterr().err
    assert "usage: mockmpu" in err and "invalid choice: 'nonsense'" in err


def test_builder_arguments_are_checked_when_called() -> None:
    with pytest.raises(MockmpuError, match="every part number must be a whole number between 1"):
        scenarios.sparse_parts([0, 2])
    with pytest.raises(MockmpuError, match="parts must be a whole number between 0 and 10000"):
        scenarios.glacier_many_parts(10_001)
    with pytest.raises(MockmpuError, match="style must be one of json-null, absent"):
        scenarios.glacier_end_marker("null")
    with pytest.raises(MockmpuError, match="older_than must be at least 2 hours"):
        scenarios.stale_uploads(older_than=timedelta(hours=1))
    with pytest.raises(MockmpuError, match="service must be 's3' or 'glacier'"):
        scenarios.empty_upload("ebs")


def test_the_docs_scenarios_example_runs() -> None:
    page = (Path(__file__).resolve().parent.parent / "docs" / "scenarios.md").read_text()
    section = page.split("# Scenarios", 1)[1]
    block = section.split("```python\n", 1)[1].split("```", 1)[0]
    exec(compile(block, "docs/scenarios.md", "exec"), {})
