"""The ``mockmpu`` command: subcommands, ``--help``, the console script and ``python -m``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mockmpu.cli import SUBCOMMANDS, main


def test_help_exits_0_and_names_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in SUBCOMMANDS:
        assert name in out


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_each_subcommand_has_a_real_help(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([name, "--help"]) == 0
    out = capsys.readouterr().out
    assert f"usage: mockmpu {name}" in out
    assert len(out.splitlines()) > 3  # a description, not just a usage line


def test_no_subcommand_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "SUBCOMMAND" in capsys.readouterr().err


def test_unknown_subcommand_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nope"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_python_dash_m_and_the_console_script() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "mockmpu", "--help"], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    assert "usage: mockmpu" in run.stdout
    script = Path(sys.executable).parent / "mockmpu"
    if not script.exists():
        pytest.skip("the mockmpu console script is not installed in this environment")
    run = subprocess.run([str(script), "scenarios"], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert "colliding-keys" in run.stdout


def test_scenarios_lists_every_scenario_and_marks_faults(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from mockmpu import scenarios

    assert main(["scenarios"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == [s.name for s in scenarios.catalog()]
    for line, sc in zip(lines, scenarios.catalog()):
        assert ("[fault]" in line) == bool(sc.faults), line
        assert "(fault)" not in line
    assert main(["scenarios", "--kind", "s3-parts", "--no-faults"]) == 0
    names = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert names == [s.name for s in scenarios.catalog("s3-parts", faults=False)]


def test_show_draws_pages_and_the_boundary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "colliding-keys"]) == 0
    out = capsys.readouterr().out
    assert "the listing as 'botocore paginator' (a correct client) walks it" in out
    page1, page2 = out.split("-- page boundary --")
    assert "page 1: MaxUploads=1000" in page1
    assert "#1000  'b'" in page1 and "#999  'b'" in page1 and "#998  'a0997'" in page1
    assert "page 2: KeyMarker='b', UploadIdMarker=" in page2
    assert "#1001  'b'" in page2 and "#1009  'c0000'" in page2
    assert "the walk saw 1009 of the 1009 uploads; missed 0; repeated 0" in page2


def test_show_with_a_naive_client_explains_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "colliding-keys", "--client", "KeyMarker-only loop", "--rows", "0"]) == 0
    out = capsys.readouterr().out
    assert "-- page boundary --" not in out and "#1000  'b'" not in out
    assert "the 8 remaining uploads of 'b' were skipped" in out


def test_show_refuses_unknown_names(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "nope"]) == 2
    assert "No scenario is called 'nope'" in capsys.readouterr().err
    assert main(["show", "sparse-parts", "--client", "nope"]) == 2
    assert "its clients are 'PartNumberMarker=len(seen)', 'botocore paginator'" in (
        capsys.readouterr().err
    )
    assert main(["show", "sparse-parts", "--client", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "PartNumberMarker=len(seen)  (naive)",
        "botocore paginator  (correct)",
    ]
