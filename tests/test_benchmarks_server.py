"""Workload 8 of the benchmark (benchmarks/_server.py): its case runs and lists the page."""

from __future__ import annotations

import importlib.util

import pytest

from benchmarks._server import server_cases

pytest.importorskip("werkzeug")


@pytest.mark.parametrize("moto", [False, True])
def test_the_server_case_lists_a_full_page_from_each_server(moto: bool) -> None:
    if moto and importlib.util.find_spec("flask") is None:
        pytest.skip("moto's server needs moto[server] (flask); the bench extra installs it")
    cases, stop = server_cases("8", 25, moto=moto)
    try:
        case, raw = cases
        assert b"<UploadId>" in raw.runners[0].call()  # type: ignore[operator]
        assert case.verify is not None
        case.verify()
        names = [runner.name for runner in case.runners]
        assert names == (["mockmpu server", "moto server"] if moto else ["mockmpu server"])
        for runner in case.runners:
            page = runner.call()
            assert isinstance(page, dict) and len(page["Uploads"]) == 25
        assert [t.subject for t in case.targets] == (["mockmpu server"] if moto else [])
    finally:
        stop()
