#!/usr/bin/env python3
"""Bootstrap and run mockmpu's jobs with nothing but Python 3 (3.9+).

    python3 tasks.py demo      # the main job: python -m mockmpu demo
    python3 tasks.py test      # the test suite (pytest)
    python3 tasks.py check     # ruff, mypy --strict and the layer contract (lint-imports)
    python3 tasks.py docs      # the documentation site (mkdocs build --strict) into ./site
    python3 tasks.py bench     # the benchmark, a few minutes (--smoke: seconds in CI)

Each command creates ./.venv on first use and installs the package with its extras there
(again whenever pyproject.toml changes). Extra arguments go to the underlying tool.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".mockmpu-installed"


def _run(*cmd: str | os.PathLike[str]) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.call([str(c) for c in cmd], cwd=ROOT)


def ensure_env(extras: str) -> None:
    """Create .venv and install mockmpu[extras] unless the stamp says it is current."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    if PYTHON.exists() and STAMP.exists() and STAMP.read_text() == digest:
        return
    if not PYTHON.exists():
        print(f"+ creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    if _run(PYTHON, "-m", "pip", "install", "-q", "--upgrade", "pip") != 0:
        sys.exit("tasks.py: could not upgrade pip in .venv")
    if _run(PYTHON, "-m", "pip", "install", "-q", "-e", f".[{extras}]") != 0:
        sys.exit(f"tasks.py: could not install mockmpu[{extras}] into .venv")
    STAMP.write_text(digest)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"demo", "test", "check", "docs", "bench"}:
        print(__doc__)
        return 2
    job, rest = argv[0], argv[1:]
    if job == "demo":
        ensure_env("dev")
        return _run(PYTHON, "-m", "mockmpu", "demo", *rest)
    if job == "test":
        ensure_env("dev")
        return _run(PYTHON, "-m", "pytest", *rest)
    if job == "check":
        ensure_env("dev")
        paths = ("mockmpu", "tests", "examples", "benchmarks", "tasks.py")
        return (
            _run(BIN / "ruff", "check", *paths)
            or _run(BIN / "ruff", "format", "--check", *paths)
            or _run(BIN / "mypy")
            # The layer contract, [tool.importlinter] in pyproject.toml (ARCHITECTURE.md).
            or _run(BIN / "lint-imports", "--no-cache")
        )
    if job == "docs":
        ensure_env("dev")
        return _run(BIN / "mkdocs", "build", "--strict", *rest)
    # bench: the floor / mockmpu / moto comparison of issue 5 (benchmarks/run.py --help).
    ensure_env("bench")
    return _run(PYTHON, "-m", "benchmarks.run", *rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
