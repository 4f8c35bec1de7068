"""``python -m mockmpu demo`` (the main job) and ``python -m mockmpu scenarios`` (see ``_demo``)."""

from __future__ import annotations

import sys

from mockmpu.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
