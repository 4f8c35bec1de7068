"""``MpuServer``: mockmpu over HTTP, for tests that drive other processes and other languages.

::

    from mockmpu.server import MpuServer

    with MpuServer(scenario=scenarios.colliding_keys()) as server:
        env = {**os.environ, "AWS_ENDPOINT_URL": server.endpoint_url}
        subprocess.run(["aws", "s3api", "list-multipart-uploads", "--bucket", "bkt"], env=env)
        assert server.calls.filter("s3:ListMultipartUploads")
        assert server.s3.uploads("bkt")            # assert on the state directly

The server runs in a daemon thread of this process (werkzeug, threaded: one thread per
connection) and serves S3 and Glacier from one shared state; see
:mod:`mockmpu.transports.server` for what it accepts. The admin API under ``/_mockmpu/`` lets
another process reset it, load a scenario, read or save the state and the calls, and inject
faults (README.md, "Server").

Not modelled: TLS, signature verification (any credentials are accepted).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Collection, Mapping
from types import TracebackType
from typing import Any

from mockmpu.core.calls import Call, CallList
from mockmpu.core.errors import MockmpuError
from mockmpu.core.state import MpuState
from mockmpu.faults import Faults
from mockmpu.glacier.view import GlacierView
from mockmpu.mock import MpuMock
from mockmpu.s3.view import S3View
from mockmpu.scenarios.base import Scenario
from mockmpu.transports.server import ADMIN_PREFIX, Observer, ServerThread, WireApp

__all__ = ["SWITCHES", "MpuServer", "call_json", "scenario_json"]

#: The protocol-fault switches the admin API and ``--switch`` can turn on (``mpu.faults``).
SWITCHES = ("omit_next_upload_id_marker", "stuck_next_part_number_marker", "strict_empty_markers")


class MpuServer:
    """An HTTP endpoint serving S3 and Glacier multipart uploads from one mock.

    Args:
        port: the TCP port on 127.0.0.1; ``0`` (default) picks a free one.
        endpoint_hosts: host suffixes read as virtual-hosted-style S3 (``bkt.<suffix>:PORT``),
            besides ``localhost``.
        save: a file the state is written to (scenario-file JSON) at :meth:`stop`, and by the
            admin API's ``POST /_mockmpu/save``.
        admin: serve the admin API under ``/_mockmpu/`` (default ``True``).
        observe: called with ``(service, operation, response)`` after each served request.
        **options: :func:`mockmpu.mock_mpu` options for the mock behind it: ``seed``, ``clock``,
            ``state`` (a state or a scenario file), ``scenario``, ``account_id``,
            ``keep_bodies``, ``loop_guard``.

    Attributes:
        mpu: the :class:`~mockmpu.MpuMock` serving now (never started: it answers only HTTP).
            :meth:`reset` and the admin API replace it; :attr:`s3`, :attr:`glacier`,
            :attr:`calls`, :attr:`faults`, :attr:`state` and :attr:`scenario` read the current
            one.

    Raises :class:`MockmpuError` when the port is taken.
    """

    def __init__(
        self,
        *,
        port: int = 0,
        endpoint_hosts: Collection[str] = (),
        save: str | os.PathLike[str] | None = None,
        admin: bool = True,
        observe: Observer | None = None,
        **options: Any,
    ) -> None:
        unknown = set(options) - {
            "seed",
            "clock",
            "state",
            "scenario",
            "account_id",
            "keep_bodies",
            "loop_guard",
        }
        if unknown:
            raise MockmpuError(
                f"MpuServer does not take {', '.join(sorted(unknown))}; it takes port, "
                "endpoint_hosts, save, admin and the mock_mpu options seed, clock, state, "
                "scenario, account_id, keep_bodies and loop_guard."
            )
        self._options = dict(options)
        self.mpu = MpuMock(**options)
        self._save = save
        self._lock = threading.Lock()
        app = WireApp(
            lambda: self.mpu,
            endpoint_hosts=endpoint_hosts,
            admin=self._admin if admin else None,
            observe=observe,
        )
        self._thread = ServerThread(app, port=port)
        self._running = False
        self._closed = False

    # ------------------------------------------------------------------ lifecycle

    @property
    def endpoint_url(self) -> str:
        """``http://127.0.0.1:PORT``: pass it as ``endpoint_url`` or ``AWS_ENDPOINT_URL``."""
        return self._thread.url

    @property
    def port(self) -> int:
        return self._thread.port

    def start(self) -> MpuServer:
        """Start serving in a daemon thread (it accepts connections on return); return self."""
        if self._closed:
            raise MockmpuError("This MpuServer was stopped; create a new one to serve again.")
        if not self._running:
            self._thread.start()
            self._running = True
        return self

    def stop(self) -> None:
        """Stop serving, close the port, and write the state to ``save`` if it served. Idempotent.

        A server that was never started only closes its port.
        """
        if self._closed:
            return
        served, self._running, self._closed = self._running, False, True
        self._thread.shutdown()
        if served and self._save is not None:
            self.save()

    def __enter__(self) -> MpuServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        status = "serving" if self._running else "stopped"
        return f"<MpuServer {self.endpoint_url} {status}, {len(self.mpu.calls)} calls>"

    # ------------------------------------------------------------------ the current mock

    @property
    def state(self) -> MpuState:
        return self.mpu.state

    @property
    def s3(self) -> S3View:
        return self.mpu.s3

    @property
    def glacier(self) -> GlacierView:
        return self.mpu.glacier

    @property
    def calls(self) -> CallList:
        return self.mpu.calls

    @property
    def faults(self) -> Faults:
        return self.mpu.faults

    @property
    def scenario(self) -> Scenario:
        """The scenario loaded (``scenario=`` or the admin API), with its ground truth."""
        return self.mpu.scenario

    def reset(self, **options: Any) -> MpuMock:
        """Serve from a fresh, empty mock (calls and faults cleared); return it.

        ``options`` override the ``mock_mpu`` options given at construction (the ``state`` and
        ``scenario`` options are not carried over unless given again).
        """
        dropped = {"state", "scenario"}
        if "state" in options:  # a state brings its own seed, clock, account and bodies
            dropped |= {"seed", "clock", "account_id", "keep_bodies"}
        merged = {k: v for k, v in self._options.items() if k not in dropped}
        merged.update(options)
        with self._lock:
            self.mpu = MpuMock(**merged)
        return self.mpu

    def load_scenario(self, scenario: Scenario) -> Scenario:
        """Build ``scenario`` into the current state; return it bound (its ground truth)."""
        with self._lock:
            bound = scenario.load(self.mpu)
            self.mpu.scenarios = (*self.mpu.scenarios, bound)
        return bound

    def save(self, path: str | os.PathLike[str] | None = None) -> str:
        """Write the state to ``path`` (default: the ``save`` file); return the path written."""
        target = path if path is not None else self._save
        if target is None:
            raise MockmpuError(
                "This server has no save file; pass a path, or start it with save=PATH "
                "(--save PATH)."
            )
        self.mpu.save(target)
        return os.fspath(target)

    # ------------------------------------------------------------------ admin API

    def _admin(
        self, method: str, name: str, query: dict[str, str], body: bytes
    ) -> tuple[int, bytes]:
        from mockmpu.server.admin import answer

        try:
            status, document = answer(self, method, name, query, body)
        except MockmpuError as exc:
            status, document = 400, {"error": str(exc)}
        return status, json.dumps(document, default=str, indent=1).encode("utf-8")


def call_json(call: Call) -> dict[str, Any]:
    """One call as JSON: service, operation, params (values as text), status, error_code."""
    return {
        "service": call.service,
        "operation": call.operation,
        "params": {k: v if isinstance(v, (int, bool)) else str(v) for k, v in call.params.items()},
        "status": call.status,
        "error_code": call.error_code,
    }


def scenario_json(scenario: Scenario) -> dict[str, Any]:
    """A loaded scenario's ground truth as JSON (listing order; times ISO 8601 UTC)."""
    out: dict[str, Any] = {
        "name": scenario.name,
        "kind": scenario.kind,
        "service": scenario.service,
        "params": dict(scenario.params),
    }
    if scenario.service == "s3":
        out["bucket"] = scenario.bucket
    else:
        out["vault"] = scenario.vault
    out["uploads"] = [
        {"key": u.key, "upload_id": u.upload_id, "initiated": u.initiated.isoformat()}
        for u in scenario.uploads
    ]
    if scenario.kind.endswith("-parts"):
        out["upload_id"] = scenario.upload.upload_id
        out["part_numbers"] = list(scenario.part_numbers)
        out["part_ranges"] = list(scenario.part_ranges)
    return out


def _options_doc() -> Mapping[str, str]:
    p = ADMIN_PREFIX
    return {
        f"GET {p}": "this index",
        f"POST {p}reset": "serve from a fresh, empty state (calls and faults cleared)",
        f"POST {p}scenario": 'load a scenario: {"name": "stale-uploads", "params": {...}}',
        f"GET {p}state": "the state as a scenario file (JSON)",
        f"PUT {p}state": "replace the state with a scenario file (the body)",
        f"POST {p}save": 'write the state to the --save file, or {"path": ...}',
        f"GET {p}calls": "the calls answered, oldest first",
        f"DELETE {p}calls": "forget the calls",
        f"GET {p}faults": "injected faults, switches, loop guard, loops stopped",
        f"POST {p}faults": 'inject: {"operation": "s3:UploadPart", "code": "SlowDown", ...}',
        f"PUT {p}faults": 'set switches: {"omit_next_upload_id_marker": true, "loop_guard": 5}',
        f"DELETE {p}faults": "remove every injected fault",
    }
