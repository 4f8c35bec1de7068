"""``mpu.faults``: injected service errors, S3 protocol faults and the listing loop guard.

Three things a test may want from a server that is not behaving like a healthy AWS:

- **Injected service errors** (:meth:`Faults.fail`): the Nth and following attempts at one
  operation are answered with an AWS error document (``SlowDown`` 503, ``InternalError`` 500, a
  Glacier ``ServiceUnavailableException`` 500, CompleteMultipartUpload's 200 with ``<Error>``),
  rendered by the service's wire codec so that botocore's own parser and retry handler see it.
  They belong to the mock handle, not to the state.
- **S3 protocol faults** seen in real servers: switches in ``state.behaviour``
  (:class:`~mockmpu.core.state.ServerBehaviour`), exposed here as properties. Their effect is
  implemented where the concern lives: the S3 codec (``NextUploadIdMarker`` omitted,
  ``NextPartNumberMarker`` stuck) and the S3 listing semantics (empty markers rejected).
- **The loop guard**: a listing request for the same position that gets the same answer more
  than ``loop_guard`` times raises :class:`ListingLoopError`, so a client stuck in a pagination
  loop fails fast instead of hanging the test run.

Modules: :mod:`~mockmpu.faults.handle` (:class:`Faults`, ``mpu.faults``),
:mod:`~mockmpu.faults.injected` (:class:`InjectedFault`, the known codes, their rendering),
:mod:`~mockmpu.faults.loop_guard` (:class:`ListingLoopError`, the guard). The package imports
neither botocore nor the codecs at import time (``import mockmpu`` stays free of botocore); the
codecs are imported when a fault first fires.
"""

from mockmpu.faults.handle import Faults
from mockmpu.faults.injected import KNOWN_ERRORS, InjectedFault
from mockmpu.faults.loop_guard import DEFAULT_LOOP_GUARD, ListingLoopError

__all__ = ["DEFAULT_LOOP_GUARD", "KNOWN_ERRORS", "Faults", "InjectedFault", "ListingLoopError"]
