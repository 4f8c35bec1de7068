"""The layer contract (pyproject.toml ``[tool.importlinter]``) covers every service module.

``lint-imports`` (run by ``python3 tasks.py check``) enforces the contracts; these tests make
sure the contracts' module lists cannot silently fall behind the folders: every module of
``mockmpu/s3`` and ``mockmpu/glacier`` is either semantics or codec (exactly one), or one of the
modules above both (the ``mpu.s3`` / ``mpu.glacier`` view and the AWS CLI import).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: Service modules that are neither semantics nor codec: they sit on both.
ABOVE_BOTH = {"view", "aws_cli"}


def _contracts() -> dict[str, dict[str, Any]]:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+; the contract runs there in CI
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return {c["name"]: c for c in config["contracts"]}


def _service_modules(service: str) -> set[str]:
    folder = ROOT / "mockmpu" / service
    return {f"mockmpu.{service}.{p.stem}" for p in folder.glob("*.py") if p.stem != "__init__"}


@pytest.mark.parametrize("service", ["s3", "glacier"])
def test_every_service_module_is_semantics_or_codec_exactly_once(service: str) -> None:
    contracts = _contracts()
    semantics = set(contracts["Semantics import neither botocore nor a codec"]["source_modules"])
    codecs = set(contracts["Codecs import no transport"]["source_modules"])
    forbidden = set(contracts["Semantics import neither botocore nor a codec"]["forbidden_modules"])
    modules = _service_modules(service)
    above = {f"mockmpu.{service}.{name}" for name in ABOVE_BOTH}
    unclassified = modules - semantics - codecs - above
    assert not unclassified, f"add these to a contract in pyproject.toml: {sorted(unclassified)}"
    assert not (semantics & codecs), sorted(semantics & codecs)
    assert codecs <= forbidden, "semantics must be forbidden every codec module"
    listed = {m for m in semantics | codecs if m.startswith(f"mockmpu.{service}.")}
    assert listed <= modules, (
        f"contracts name modules that do not exist: {sorted(listed - modules)}"
    )


def _children() -> set[str]:
    """The package's top-level modules and subpackages (``cli``, ``services``, ...)."""
    package = ROOT / "mockmpu"
    children = {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    return children | {p.name for p in package.iterdir() if (p / "__init__.py").exists()}


def test_the_layers_name_every_top_level_module_of_the_package() -> None:
    layers = _contracts()["Layers: the public API on top, core at the bottom"]
    named = {name.strip() for layer in layers["layers"] for name in layer.split("|")}
    assert named == _children()


def test_the_architecture_drawing_matches_the_folders() -> None:
    text = (ROOT / "mockmpu" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    drawing = text.split("## The folders are the layers", 1)[1].split("```")[1]
    drawn = re.findall(r"^[├└]── (\S+)", drawing, flags=re.MULTILINE)
    names = {name.removesuffix("/").removesuffix(".py") for name in drawn}
    assert names - {"__init__"} == _children()
