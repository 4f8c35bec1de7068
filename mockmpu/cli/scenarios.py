"""List the named scenarios, one line each.

Each line: the scenario's name (for ``mockmpu show NAME``, ``scenarios.get(NAME)`` and the pytest
id), its kind (the listing a client walks: s3-listing, s3-parts, glacier-listing, glacier-parts),
what it arranges, and the bug-catalog entries it reproduces. Scenarios marked ``[fault]`` switch
the server away from AWS's behaviour (another S3 implementation's, or a stringified Glacier
marker); ``scenarios.parametrize`` leaves them out unless ``faults=True``.
"""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--kind",
        choices=("s3-listing", "s3-parts", "glacier-listing", "glacier-parts"),
        help="only the scenarios of this kind",
    )
    parser.add_argument(
        "--no-faults",
        action="store_true",
        help="leave out the scenarios that switch the server away from AWS's behaviour",
    )


def render(kind: str | None = None, *, faults: bool = True) -> str:
    """The scenario list, one line per scenario."""
    from mockmpu import scenarios

    every = scenarios.catalog(kind, faults=faults)
    width = max(len(s.name) for s in every)
    kind_width = max(len(s.kind) for s in every)
    return "\n".join(
        f"{s.name:<{width}}  {s.kind:<{kind_width}}  {'[fault] ' if s.faults else ''}"
        f"{s.summary.replace(' (fault)', '')} [{', '.join(s.bugs)}]"
        for s in every
    )


def run(args: argparse.Namespace) -> int:
    print(render(args.kind, faults=not args.no_faults))
    return 0
