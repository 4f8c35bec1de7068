"""``python -m mockmpu``: the ``mockmpu`` command (see :mod:`mockmpu.cli`)."""

from __future__ import annotations

import sys

from mockmpu.cli import main

if __name__ == "__main__":
    sys.exit(main())
