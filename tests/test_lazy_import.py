"""``import mockmpu`` loads its public names on first use (issue 13: import time)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any


def _python(code: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def test_import_mockmpu_loads_neither_the_mock_nor_the_scenarios_nor_asyncio() -> None:
    result = _python(
        """
        import json, sys
        import mockmpu
        heavy = ("mockmpu.mock", "mockmpu.scenarios", "wrapt", "asyncio", "xmltodict")
        print(json.dumps({name: name in sys.modules for name in heavy}))
        """
    )
    assert result == dict.fromkeys(
        ("mockmpu.mock", "mockmpu.scenarios", "wrapt", "asyncio", "xmltodict"), False
    )


def test_the_mock_loads_no_scenario_builder_and_no_wrapt() -> None:
    result = _python(
        """
        import json, sys
        from mockmpu import mock_mpu
        heavy = ("mockmpu.scenarios.named", "mockmpu.scenarios.build", "wrapt", "asyncio")
        print(json.dumps({name: name in sys.modules for name in heavy}))
        """
    )
    assert not any(result.values()), result


def test_every_public_name_resolves_on_first_use() -> None:
    result = _python(
        """
        import json
        import mockmpu
        from mockmpu import scenarios
        from mockmpu.scenarios import many_uploads
        from mockmpu.mock import MpuMock
        from mockmpu.core.state import MpuState
        names = {n: getattr(mockmpu, n) is not None for n in mockmpu.__all__}
        print(json.dumps({
            "names": all(names.values()),
            "dir": sorted(set(mockmpu.__all__) - set(dir(mockmpu))),
            "scenarios": scenarios.many_uploads is many_uploads,
            "scenario_names": sorted(set(scenarios.__all__) - set(dir(scenarios))),
            "same": mockmpu.MpuMock is MpuMock and mockmpu.MpuState is MpuState,
        }))
        """
    )
    assert result == {
        "names": True,
        "dir": [],
        "scenarios": True,
        "scenario_names": [],
        "same": True,
    }


def test_an_unknown_name_is_an_attribute_error() -> None:
    import mockmpu
    from mockmpu import scenarios

    for module in (mockmpu, scenarios):
        try:
            module.no_such_name  # type: ignore[attr-defined]  # noqa: B018
        except AttributeError as error:
            assert "no_such_name" in str(error)
        else:  # pragma: no cover
            raise AssertionError(f"{module.__name__}.no_such_name did not raise")
