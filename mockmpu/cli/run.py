"""Run a command against a fresh mockmpu server, then report what it did.

    mockmpu run --scenario stale-uploads older_than=1d --check -- ./clean-uploads.sh bkt

The command runs with AWS_ENDPOINT_URL (and AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_GLACIER)
pointing at the server, dummy credentials (AWS_ACCESS_KEY_ID=mockmpu), AWS_DEFAULT_REGION
(us-east-1 unless set) and AWS_EC2_METADATA_DISABLED=true. Afterwards mockmpu prints, on
stderr, the calls the command made and, for a scenario, its ground truth against what the
command saw (the uploads or parts listed to it) or, when it aborted uploads, what it left
behind (the uploads remaining against remaining_after_cleanup(older_than)).

Exits with the command's status; with --check, non-zero (1) also when a ground truth was not
met or a listing loop was stopped.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

__all__ = ["configure", "run"]


def configure(parser: argparse.ArgumentParser) -> None:
    from mockmpu.cli.server import add_options

    add_options(parser)
    parser.add_argument(
        "--check", action="store_true", help="exit non-zero when the ground truth was not met"
    )
    parser.add_argument(
        "--older-than",
        metavar="DURATION",
        help="a cleaner's age threshold (7d, 24h); default: the scenario's older_than, else 0",
    )
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- CMD ARGS...")


def run(args: argparse.Namespace) -> int:
    from mockmpu.cli.server import make_server
    from mockmpu.core.errors import MockmpuError
    from mockmpu.scenarios.spec import parse_duration
    from mockmpu.server.report import Seen, client_environment, report

    command = list(args.command)
    if command[:1] == ["--"]:
        command = command[1:]
    if not command:
        print(
            "mockmpu run: give the command after --, e.g. mockmpu run -- aws s3 ls", file=sys.stderr
        )
        return 2
    seen = Seen()
    try:
        older_than = parse_duration(args.older_than) if args.older_than else None
        server = make_server(args, observe=seen.observe)
    except MockmpuError as exc:
        print(f"mockmpu: {exc}", file=sys.stderr)
        return 2
    with server:
        print(f"mockmpu: serving at {server.endpoint_url}", file=sys.stderr, flush=True)
        try:
            status = subprocess.call(command, env=client_environment(server.endpoint_url))
        except OSError as exc:
            print(f"mockmpu: could not run {command[0]!r}: {exc.strerror}", file=sys.stderr)
            return 127
        except KeyboardInterrupt:
            status = 130
    text, met = report(server, seen, older_than=older_than)
    print(text, file=sys.stderr)
    if args.check and not met and status == 0:
        return 1
    return status
