"""The ``mockmpu`` command (also ``python -m mockmpu``): one subcommand per module.

    mockmpu demo                 real clients against the states where real client code broke
    mockmpu scenarios            the named scenarios, one line each
    mockmpu show SCENARIO        a scenario's listing, page by page, with its page boundaries
    mockmpu SUBCOMMAND --help    what a subcommand does and its options

Each subcommand is a module of this package, named after it, that defines ``configure(parser)``
(adds its arguments to an ``argparse.ArgumentParser`` whose description is the module's
docstring) and ``run(args) -> int`` (the exit status). Registering one is one line in
``SUBCOMMANDS``. Importing this package imports neither botocore nor the subcommands.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

__all__ = ["SUBCOMMANDS", "build_parser", "main"]

#: The subcommands, in ``--help`` order: module names in this package.
SUBCOMMANDS: tuple[str, ...] = (
    "demo",
    "scenarios",
    "show",
)


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"{__name__}.{name}")


def _summary(module: ModuleType) -> str:
    doc = (module.__doc__ or "").strip()
    return doc.splitlines()[0].rstrip(".") if doc else ""


def build_parser() -> argparse.ArgumentParser:
    """The ``mockmpu`` parser, with a subparser per module of ``SUBCOMMANDS``."""
    parser = argparse.ArgumentParser(
        prog="mockmpu",
        description=(
            "mockmpu: a fidelity-first mock of S3 and S3 Glacier multipart uploads for "
            "boto3/botocore tests. These commands need no AWS account and no network. "
            "The Python API is documented in help(mockmpu.mock_mpu)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="SUBCOMMAND")
    for name in SUBCOMMANDS:
        module = _module(name)
        child = sub.add_parser(
            name,
            help=_summary(module),
            description=(module.__doc__ or "").strip(),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.configure(child)
        child.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``mockmpu`` with ``argv`` (default: ``sys.argv[1:]``); return the exit status.

    Without a subcommand it prints the help and returns 2; ``--help`` returns 0 (argparse's
    ``SystemExit`` is turned into the return value).
    """
    parser = build_parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    if getattr(args, "_run", None) is None:
        parser.print_help(sys.stderr)
        return 2
    status: int = args._run(args)
    return status
