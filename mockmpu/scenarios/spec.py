"""Scenarios named in text: ``colliding-keys``, ``stale-uploads older_than=1d stale=50``.

The server's ``--scenario`` option and its admin API name a scenario by its catalog name
(``python -m mockmpu scenarios``) with builder arguments as ``NAME=VALUE`` strings (or JSON
values). A name that ends in a builder's first argument (``glacier-end-marker-json-null``,
``empty-upload-s3``) passes it as that argument.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Callable

from mockmpu.core.errors import MockmpuError
from mockmpu.scenarios import named
from mockmpu.scenarios.base import Scenario

__all__ = ["from_spec", "parse_duration", "parse_params"]

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)([smhd]?)$")
_UNITS = {"": "seconds", "s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_NOT_BUILDERS = {"catalog", "get", "parametrize"}


def parse_duration(text: str) -> timedelta:
    """``"7d"``, ``"24h"``, ``"90m"``, ``"30s"`` or a number of seconds, as a ``timedelta``."""
    match = _DURATION.match(text.strip())
    if match is None:
        raise MockmpuError(
            f"{text!r} is not a duration; write a number with a unit, e.g. 7d, 24h, 90m or 30s."
        )
    return timedelta(**{_UNITS[match.group(2)]: float(match.group(1))})


def parse_params(items: list[str]) -> dict[str, str]:
    """``["older_than=1d", "stale=50"]`` -> ``{"older_than": "1d", "stale": "50"}``."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise MockmpuError(
                f"Scenario arguments are NAME=VALUE, e.g. older_than=1d, not {item!r}."
            )
        out[name.strip()] = value
    return out


def _builders() -> dict[str, Callable[..., Scenario]]:
    return {
        name.replace("_", "-"): getattr(named, name)
        for name in named.__all__
        if name[0].islower() and name not in _NOT_BUILDERS
    }


def _convert(builder: Callable[..., Scenario], name: str, value: Any) -> Any:
    parameter = inspect.signature(builder).parameters.get(name)
    if parameter is None:
        accepted = [p for p in inspect.signature(builder).parameters if p not in ("seed", "clock")]
        raise MockmpuError(
            f"Scenario builder {builder.__name__} takes no argument {name!r}; it takes "
            f"{', '.join(accepted)}."
        )
    default = parameter.default
    if not isinstance(value, str):
        if isinstance(default, timedelta) and isinstance(value, (int, float)):
            return timedelta(seconds=value)
        return value
    if isinstance(default, timedelta):
        return parse_duration(value)
    if isinstance(default, bool):
        return value.lower() in ("1", "true", "yes")
    if isinstance(default, int) or (default is None and value.lstrip("-").isdigit()):
        try:
            return int(value)
        except ValueError:
            raise MockmpuError(f"Scenario argument {name}={value!r} is not a number.") from None
    return value


def from_spec(name: str, params: Mapping[str, Any] | None = None) -> Scenario:
    """The scenario ``name`` (a catalog name) built with ``params`` (strings are converted).

    Raises :class:`MockmpuError` naming the scenarios or the arguments when one is unknown.
    """
    params = dict(params or {})
    if not params:
        return named.get(name)
    builders = _builders()
    builder = builders.get(name)
    positional: tuple[Any, ...] = ()
    if builder is None:
        for prefix, candidate in sorted(builders.items(), key=lambda kv: -len(kv[0])):
            if name.startswith(prefix + "-"):
                builder, positional = candidate, (name[len(prefix) + 1 :],)
                break
    if builder is None:
        named.get(name)  # raises with the list of names
        raise MockmpuError(f"No scenario is called {name!r}.")  # pragma: no cover
    kwargs = {key: _convert(builder, key, value) for key, value in params.items()}
    try:
        return builder(*positional, **kwargs)
    except TypeError as exc:
        raise MockmpuError(f"Scenario {name!r} cannot take these arguments: {exc}.") from None
