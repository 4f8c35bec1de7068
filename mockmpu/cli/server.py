"""Serve S3 and Glacier multipart uploads over HTTP, for other processes and languages.

Prints the endpoint URL (http://127.0.0.1:PORT) on a line of its own, then serves until Ctrl-C
or SIGTERM (SIGUSR1 writes the --save file on demand). Point any client at it:
AWS_ENDPOINT_URL=http://127.0.0.1:PORT aws s3api list-multipart-uploads --bucket bkt.

Path-style and virtual-hosted-style addressing (bkt.localhost:PORT, or --host-suffix) are
accepted; signatures (SigV4, SigV2, presigned URLs) are accepted without being verified, so any
credentials work. An operation mockmpu does not serve gets AWS's 501 NotImplemented, naming it.

The admin API (JSON) under /_mockmpu/: GET / lists it; POST reset, POST scenario
{"name": ..., "params": {...}}, GET|PUT state, POST save, GET|DELETE calls,
GET|POST|PUT|DELETE faults. See README.md, "Server".
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

__all__ = ["add_options", "apply_faults", "configure", "make_server", "run"]


def add_options(parser: argparse.ArgumentParser) -> None:
    """The options ``server`` and ``run`` share: what the server starts with."""
    from mockmpu.server import SWITCHES

    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0: a free one)")
    parser.add_argument(
        "--scenario",
        nargs="+",
        metavar=("NAME", "ARG=VALUE"),
        help="load a named scenario (mockmpu scenarios), with builder arguments, e.g. "
        "--scenario stale-uploads older_than=1d stale=50",
    )
    parser.add_argument("--state", metavar="FILE", help="start from a saved state (scenario file)")
    parser.add_argument("--save", metavar="FILE", help="write the state here when stopping")
    parser.add_argument("--seed", type=int, default=0, help="seed of upload and request ids")
    parser.add_argument(
        "--clock",
        metavar="TIME",
        help="'wall' (default) or an ISO 8601 instant to freeze the clock at",
    )
    parser.add_argument(
        "--fail",
        action="append",
        default=[],
        metavar="OP=CODE[,nth=N][,times=N|all]",
        help="inject an AWS error, e.g. s3:UploadPart=SlowDown,nth=2 (repeatable)",
    )
    parser.add_argument(
        "--switch",
        action="append",
        default=[],
        choices=SWITCHES,
        help="turn on a protocol-fault switch (repeatable)",
    )
    parser.add_argument(
        "--loop-guard", type=int, metavar="N", help="listing loop guard limit (0: off)"
    )
    parser.add_argument(
        "--host-suffix",
        action="append",
        default=[],
        metavar="HOST",
        help="also read BUCKET.HOST as virtual-hosted style (localhost always is)",
    )


def configure(parser: argparse.ArgumentParser) -> None:
    add_options(parser)


def apply_faults(server: Any, args: argparse.Namespace) -> None:
    """Register ``--fail`` and ``--switch`` on the server's faults."""
    from mockmpu.core.errors import MockmpuError

    for spec in args.fail:
        head, *extras = spec.split(",")
        operation, sep, code = head.partition("=")
        if not sep:
            raise MockmpuError(
                f"--fail takes OPERATION=CODE, e.g. s3:UploadPart=SlowDown, not {spec!r}."
            )
        options: dict[str, Any] = {}
        for extra in extras:
            name, _, value = extra.partition("=")
            if name not in ("nth", "times") or not (value.isdigit() or value == "all"):
                raise MockmpuError(f"--fail options are nth=N and times=N|all, not {extra!r}.")
            options[name] = None if value == "all" else int(value)
        server.faults.fail(operation, code, **options)
    for name in args.switch:
        setattr(server.faults, name, True)


def make_server(args: argparse.Namespace, **extra: Any) -> Any:
    """An ``MpuServer`` configured from the shared options (not started)."""
    from mockmpu.server import MpuServer
    from mockmpu.server.report import options_of

    server = MpuServer(
        port=args.port,
        endpoint_hosts=args.host_suffix,
        save=args.save,
        **extra,
        **options_of(args),
    )
    try:
        apply_faults(server, args)
    except BaseException:
        server.stop()
        raise
    return server


def run(args: argparse.Namespace) -> int:
    from mockmpu.core.errors import MockmpuError

    try:
        server = make_server(args)
    except MockmpuError as exc:
        print(f"mockmpu: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def _stop(signum: int, frame: Any) -> None:
        stop.set()

    def _save(signum: int, frame: Any) -> None:
        if args.save:
            print(f"mockmpu: saved the state to {server.save()}", file=sys.stderr, flush=True)

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    if hasattr(signal, "SIGUSR1"):
        signal.signal(signal.SIGUSR1, _save)
    server.start()
    print(server.endpoint_url, flush=True)
    print("mockmpu: serving S3 and Glacier; Ctrl-C to stop", file=sys.stderr, flush=True)
    while not stop.wait(3600):
        pass
    server.stop()
    if args.save:
        print(f"mockmpu: saved the state to {args.save}", file=sys.stderr)
    print(f"mockmpu: stopped after {len(server.calls)} calls", file=sys.stderr)
    return 0
