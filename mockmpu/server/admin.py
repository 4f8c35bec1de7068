"""The admin API of :class:`mockmpu.server.MpuServer`, under ``/_mockmpu/``: JSON in, JSON out.

======  =====================  ==========================================================
GET     ``/_mockmpu/``         an index of these endpoints
POST    ``/_mockmpu/reset``    serve from a fresh, empty state; calls and faults cleared
POST    ``/_mockmpu/scenario`` ``{"name": "stale-uploads", "params": {"older_than": "1d"}}``:
                               load a catalog scenario; answers its ground truth
GET     ``/_mockmpu/state``    the state, as a scenario file (the format of ``mpu.save``)
PUT     ``/_mockmpu/state``    replace the state with the scenario file in the body
POST    ``/_mockmpu/save``     write the state to the ``--save`` file, or ``{"path": ...}``
GET     ``/_mockmpu/calls``    the calls answered, oldest first (unserved ones with 501)
DELETE  ``/_mockmpu/calls``    forget the calls
GET     ``/_mockmpu/faults``   injected faults, switches, loop guard, loops stopped
POST    ``/_mockmpu/faults``   ``{"operation": "s3:UploadPart", "code": "SlowDown", "nth": 1,
                               "times": 1, "status": ..., "message": ...}`` (``mpu.faults.fail``)
PUT     ``/_mockmpu/faults``   ``{"omit_next_upload_id_marker": true, "loop_guard": 5}``
DELETE  ``/_mockmpu/faults``   remove every injected fault
======  =====================  ==========================================================

A request mockmpu cannot act on gets ``400 {"error": "..."}`` saying what to send instead; an
unknown endpoint ``404``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from mockmpu.core.errors import MockmpuError

if TYPE_CHECKING:
    from mockmpu.server import MpuServer

__all__ = ["answer"]


def _json_body(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        document = json.loads(body)
    except ValueError:
        raise MockmpuError("The admin API takes a JSON object as the request body.") from None
    if not isinstance(document, dict):
        raise MockmpuError("The admin API takes a JSON object as the request body.")
    return document


def _faults_json(server: MpuServer) -> dict[str, Any]:
    from mockmpu.server import SWITCHES

    faults = server.faults
    return {
        "injected": [
            {
                "operation": f"{f.service}:{f.operation}",
                "code": f.code,
                "status": f.status,
                "message": f.message,
                "nth": f.nth,
                "times": f.times,
            }
            for f in faults.injected
        ],
        "switches": {name: getattr(faults, name) for name in SWITCHES},
        "loop_guard": faults.loop_guard,
        "loops": list(faults.loops),
    }


def _set_switches(server: MpuServer, document: dict[str, Any]) -> None:
    from mockmpu.server import SWITCHES

    for name, value in document.items():
        if name == "loop_guard":
            server.faults.loop_guard = value
        elif name in SWITCHES:
            if not isinstance(value, bool):
                raise MockmpuError(f"Switch {name} takes true or false, not {value!r}.")
            setattr(server.faults, name, value)
        else:
            raise MockmpuError(
                f"No fault switch is called {name!r}; the switches are "
                f"{', '.join(SWITCHES)} and loop_guard."
            )


def _inject(server: MpuServer, document: dict[str, Any]) -> dict[str, Any]:
    known = {"operation", "code", "nth", "times", "status", "message"}
    if not {"operation", "code"} <= set(document) or set(document) - known:
        raise MockmpuError(
            'POST /_mockmpu/faults takes {"operation": "s3:UploadPart", "code": "SlowDown"} '
            'and optionally "nth", "times", "status", "message".'
        )
    fault = server.faults.fail(document.pop("operation"), document.pop("code"), **document)
    return {"injected": repr(fault)}


def answer(
    server: MpuServer, method: str, name: str, query: dict[str, str], body: bytes
) -> tuple[int, Any]:
    """Answer one admin request: ``(status, JSON document)``; ``MockmpuError`` for bad input."""
    from mockmpu.server import _options_doc, call_json, scenario_json

    route = (method, name)
    if route == ("GET", ""):
        return 200, {"endpoint_url": server.endpoint_url, "endpoints": _options_doc()}
    if route == ("POST", "reset"):
        server.reset()
        return 200, {"reset": True}
    if route == ("POST", "scenario"):
        from mockmpu.scenarios.spec import from_spec

        document = _json_body(body)
        if not isinstance(document.get("name"), str):
            raise MockmpuError(
                'POST /_mockmpu/scenario takes {"name": "colliding-keys", "params": {...}}; '
                "the names are listed by python -m mockmpu scenarios."
            )
        params = document.get("params") or {}
        if not isinstance(params, dict):
            raise MockmpuError('"params" is a JSON object of builder arguments.')
        return 200, scenario_json(server.load_scenario(from_spec(document["name"], params)))
    if route == ("GET", "state"):
        from mockmpu.scenarios.store import dumps_state

        return 200, json.loads(dumps_state(server.state))
    if route == ("PUT", "state"):
        from mockmpu.scenarios.store import loads_state

        state = loads_state(body.decode("utf-8", "replace"), source="The request body")
        server.reset(state=state)
        return 200, {"loaded": True}
    if route == ("POST", "save"):
        path = _json_body(body).get("path")
        return 200, {"saved": server.save(path)}
    if route == ("GET", "calls"):
        return 200, [call_json(c) for c in list(server.calls)]
    if route == ("DELETE", "calls"):
        server.calls.clear()
        return 200, {"cleared": True}
    if route == ("GET", "faults"):
        return 200, _faults_json(server)
    if route == ("POST", "faults"):
        return 200, _inject(server, _json_body(body))
    if route == ("PUT", "faults"):
        _set_switches(server, _json_body(body))
        return 200, _faults_json(server)
    if route == ("DELETE", "faults"):
        server.faults.clear()
        return 200, _faults_json(server)
    return 404, {
        "error": f"No admin endpoint {method} /_mockmpu/{name}; GET /_mockmpu/ lists them."
    }
