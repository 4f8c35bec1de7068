"""Reach every in-process client: botocore's hook and, where aiobotocore is installed, the aio one.

The two transports do not know each other: this module, above both, installs them at a mock's
first ``start()`` and attaches an existing client, resource or session to the one that serves it
(an aiobotocore emitter awaits its handlers, so it gets the aio transport's ``before-send``).
"""

from __future__ import annotations

import importlib.util
import threading
from typing import Any

from mockmpu.transports import botocore as _sync
from mockmpu.transports import crt

__all__ = ["attach", "install"]


_lock = threading.Lock()
_installed = False


def _aio_available() -> bool:
    return importlib.util.find_spec("aiobotocore") is not None


def install() -> None:
    """Wrap botocore's (and, if importable, aiobotocore's) ``_make_api_call`` once per process,
    and keep boto3's transfers off awscrt's own HTTP client while a mock is active (``crt``).

    Every ``start()`` calls this; after the first it only reads a flag (looking for aiobotocore
    and boto3 on the path costs tens of microseconds of ``stat`` calls).
    """
    global _installed
    if _installed:
        return
    with _lock:
        if _installed:
            return
        _sync.install()
        crt.install()
        if _aio_available():
            from mockmpu.transports import aio

            aio.install()
        _installed = True


def attach(target: Any) -> None:
    """Register the handlers on one client, resource or session, sync or aio (idempotent).

    Raises :class:`~mockmpu.core.errors.MockmpuError` for anything else.
    """
    emitter = _sync.emitter_of(target)
    if _sync.is_aio_emitter(emitter):
        from mockmpu.transports import aio

        _sync.attach_emitter(emitter, aio.register)
    else:
        _sync.attach_emitter(emitter, _sync.register)
