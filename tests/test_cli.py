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
