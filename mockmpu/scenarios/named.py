"""Named scenarios: the states in which real client code broke, with their ground truth.

Each builder returns a :class:`Scenario`: a recipe (nothing is built yet) that knows the bug it
reproduces. Load it into a mock and read the ground truth from the loaded scenario::

    from mockmpu import mock_mpu, scenarios

    with mock_mpu(scenario=scenarios.colliding_keys()) as mpu:
        sc = mpu.scenario                   # bound to this mock's state
        seen = my_lister(boto3.client("s3"), sc.bucket)
        assert [u["UploadId"] for u in seen] == list(sc.upload_ids)

or with pytest: ``@pytest.mark.mpu_mock(scenario=scenarios.many_uploads())`` and the
``mpu_scenario`` fixture, or :func:`parametrize` over every scenario of a kind.

Builders write through the same semantics the wire uses (so every invariant holds) without
going through botocore, so they are fast. They are deterministic: upload ids come from the
state's seed (a fresh ``mock_mpu(seed=s)`` and ``builder(seed=s)`` give the same ids), and every
timestamp is the state's clock in whole seconds minus a fixed age, so "older than N days" logic
sees real, distinct dates (moto stamps every upload 2010-11-10, which is why a cleaner tested on
it cannot tell old from new).

Bug numbers refer to the project's bug catalog (``bug-catalog.md``); each builder cites the
public report. Scenarios with ``faults`` switch the server away from AWS's behaviour (for
servers such as GCS, lakeFS, MinIO, Ceph, or a stringified Glacier marker); :func:`parametrize`
leaves them out unless asked.

Not modelled: scenarios for object listing, versioning, or other S3-compatible servers' quirks
beyond the switches in ``ServerBehaviour``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Callable, TypeVar

from mockmpu.core.errors import MockmpuError
from mockmpu.scenarios.base import KINDS, PARAMETRIZED, Scenario, Step, UploadRef
from mockmpu.scenarios.glacier import (
    END_MARKER_STYLES,
    glacier_end_marker,
    glacier_many_parts,
    glacier_unknown_marker,
)
from mockmpu.scenarios.listings import (
    colliding_keys,
    encoded_keys,
    many_uploads,
    mutation_between_pages,
    omit_next_upload_id_marker,
    stale_uploads,
    strict_empty_markers,
)
from mockmpu.scenarios.parts import (
    empty_upload,
    many_parts,
    sparse_parts,
    stuck_next_part_number_marker,
)

_Test = TypeVar("_Test")

__all__ = [
    "KINDS",
    "Scenario",
    "Step",
    "UploadRef",
    "catalog",
    "colliding_keys",
    "empty_upload",
    "encoded_keys",
    "get",
    "glacier_end_marker",
    "glacier_many_parts",
    "glacier_unknown_marker",
    "many_parts",
    "many_uploads",
    "mutation_between_pages",
    "omit_next_upload_id_marker",
    "parametrize",
    "sparse_parts",
    "stale_uploads",
    "strict_empty_markers",
    "stuck_next_part_number_marker",
]

# ------------------------------------------------------------------------------ the catalog


def catalog(kind: str | None = None, *, faults: bool = True) -> tuple[Scenario, ...]:
    """Every named scenario with its default arguments, optionally of one ``kind``.

    ``faults=False`` leaves out the scenarios that switch the server away from AWS's behaviour.
    Names are unique; the order is stable.
    """
    if kind is not None and kind not in KINDS:
        raise MockmpuError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}.")
    every = (
        many_uploads(),
        colliding_keys(),
        encoded_keys(),
        stale_uploads(),
        mutation_between_pages("s3"),
        omit_next_upload_id_marker(),
        strict_empty_markers(),
        many_parts(),
        sparse_parts(),
        empty_upload("s3"),
        stuck_next_part_number_marker(),
        *(glacier_end_marker(style) for style in END_MARKER_STYLES),
        mutation_between_pages("glacier"),
        glacier_many_parts(),
        empty_upload("glacier"),
        glacier_unknown_marker("error"),
        glacier_unknown_marker("restart"),
    )
    return tuple(s for s in every if (kind is None or s.kind == kind) and (faults or not s.faults))


def get(name: str) -> Scenario:
    """The catalog scenario called ``name`` (see ``python -m mockmpu scenarios``)."""
    for scenario in catalog():
        if scenario.name == name:
            return scenario
    names = ", ".join(s.name for s in catalog())
    raise MockmpuError(f"No scenario is called {name!r}; the names are: {names}.")


def parametrize(
    kind: str | None = None,
    *,
    faults: bool = False,
    scenarios: Iterable[Scenario] | None = None,
) -> Callable[[_Test], _Test]:
    """Parametrize a test (function or class) over scenarios, loaded into the ``mpu_mock`` fixture.

    The test takes the ``mpu_scenario`` fixture (the loaded scenario, with its ground truth)
    and runs once per scenario, with the scenario's name as the test id::

        @scenarios.parametrize(kind="s3-listing")
        def test_cleaner_leaves_the_ground_truth(mpu_mock, mpu_scenario):
            run_cleaner(boto3.client("s3"), mpu_scenario.bucket, days=7)
            left = [u.upload_id for u in mpu_mock.s3.uploads(mpu_scenario.bucket)]
            assert left == [u.upload_id for u in
                            mpu_scenario.remaining_after_cleanup(timedelta(days=7))]

    mockmpu's pytest plugin does the parametrizing (``metafunc.parametrize("mpu_scenario",
    ..., indirect=True)``), so this module never imports pytest.

    Args:
        kind: one of :data:`KINDS`, or ``None`` for all.
        faults: include the scenarios that switch the server away from AWS's behaviour.
        scenarios: parametrize over these instead of the catalog.

    Raises:
        MockmpuError: no scenario matches, or the test is already parametrized this way.
    """
    chosen = tuple(scenarios) if scenarios is not None else catalog(kind, faults=faults)
    if not chosen:
        raise MockmpuError("No scenario matches; check kind= and faults=.")

    def parametrized(test: _Test) -> _Test:
        if PARAMETRIZED in getattr(test, "__dict__", {}):
            raise MockmpuError(
                f"{getattr(test, '__name__', test)!r} already has @scenarios.parametrize; "
                "give it one, with scenarios=[...] to pick several."
            )
        setattr(test, PARAMETRIZED, chosen)
        return test

    return parametrized
