"""Named scenarios: the states in which real client code broke, with their ground truth.

The builders live in :mod:`mockmpu.scenarios.named`; this package re-exports them, so
``from mockmpu import scenarios; scenarios.many_uploads()`` is the public spelling.
"""

from __future__ import annotations

from mockmpu.scenarios.named import *  # noqa: F403
from mockmpu.scenarios.named import __all__ as __all__
from mockmpu.scenarios.named import __doc__ as __doc__
