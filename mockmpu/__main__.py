"""``python -m mockmpu demo``: the main job (see ``mockmpu._demo``)."""

from __future__ import annotations

import sys

from ._demo import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
