"""Draw a scenario's listing page by page, with its page boundaries.

``mockmpu show colliding-keys`` loads the scenario into a fresh mock, walks its listing with a
correct client (botocore's paginator, or the robust loop on a fault scenario) and prints each
request's markers and page size, what came back (positions ``#n`` in the scenario's ground truth,
first and last items of each page), the page boundaries, and what the walk saw. ``--client``
walks it with one of the scenario's naive clients instead, and then shows where that walk leaves
the ground truth: the same explanation a failed pytest test gets. ``mockmpu scenarios`` lists the
names. Needs no AWS account and no network.
"""

from __future__ import annotations

import argparse
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", metavar="SCENARIO", help="a name from `mockmpu scenarios`")
    parser.add_argument(
        "--client",
        metavar="NAME",
        help="walk with this client of the scenario instead of the correct one; "
        "--client list names them",
    )
    parser.add_argument(
        "--rows",
        type=int,
        default=3,
        metavar="N",
        help="items shown at the start and at the end of each page (default 3; 0: none)",
    )


def run(args: argparse.Namespace) -> int:
    from mockmpu import MockmpuError, mock_mpu, scenarios
    from mockmpu.scenarios.clients import ROWS
    from mockmpu.scenarios.clients import run as run_client
    from mockmpu.scenarios.explain import explain

    try:
        scenario = scenarios.get(args.scenario)
    except MockmpuError as error:
        print(f"mockmpu show: {error}", file=sys.stderr)
        return 2
    rows = ROWS[scenario.name]
    if args.client == "list":
        for row in rows:
            print(f"{row.client}  ({'correct' if row.correct else 'naive'})")
        return 0
    if args.client is None:
        row = next(r for r in rows if r.correct)
    else:
        matches = [r for r in rows if r.client == args.client]
        if not matches:
            names = ", ".join(repr(r.client) for r in rows)
            print(
                f"mockmpu show: {scenario.name} has no client {args.client!r}; "
                f"its clients are {names}.",
                file=sys.stderr,
            )
            return 2
        row = matches[0]
    import boto3

    # Dummy credentials: mockmpu needs none, but botocore looks for some when a client is made.
    session = boto3.Session(
        aws_access_key_id="mockmpu", aws_secret_access_key="mockmpu", region_name="us-east-1"
    )
    with mock_mpu(scenario=scenario) as mpu:
        sc = mpu.scenario
        outcome = run_client(row.run, session.client(sc.service), sc)
        kind = "a correct client" if row.correct else "a naive client"
        print(f"mockmpu show {scenario.name}: the listing as {row.client!r} ({kind}) walks it")
        if outcome.error is not None:
            print(f"the client stopped with {outcome.error}")
        print(explain(sc, list(mpu.calls), rows=max(args.rows, 0)))
    return 0
