"""What the front door and the transports need of a mock handle, as Protocols (leaf of core).

:class:`Target` is what :func:`mockmpu.dispatch.dispatch` serves from; :class:`ActiveMock` is what
a transport asks of the innermost active mock (``mockmpu.core.activation.current()``).
``mockmpu.MpuMock`` is both. They are defined here, at the bottom of the layers, so that neither
the activation stack nor a transport has to import the mock itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from mockmpu.core.calls import Call
    from mockmpu.core.state import MpuState
    from mockmpu.core.wire import Handler, WireRequest, WireResponse

__all__ = ["ActiveMock", "FaultGate", "FaultRef", "FaultSwitches", "Target"]


class FaultGate(Protocol):
    """What the dispatcher asks of a handle's faults (``mockmpu.faults.Faults`` is one)."""

    def serve(self, handler: Handler, request: WireRequest) -> WireResponse:
        """Answer ``request`` (an injected error, else ``handler``), guarding listing loops."""
        ...


class FaultRef(Protocol):
    """One injected fault, as far as a transport looks at it."""

    @property
    def service(self) -> str: ...

    @property
    def operation(self) -> str: ...


class FaultSwitches(FaultGate, Protocol):
    """A handle's faults as a transport sees them: the gate, plus the injected faults."""

    @property
    def injected(self) -> Sequence[FaultRef]:
        """The registered injected faults, oldest first."""
        ...


class Target(Protocol):
    """What the dispatcher serves from: a state, its fault gate, and a call record."""

    @property
    def state(self) -> MpuState: ...

    @property
    def faults(self) -> FaultGate: ...

    def record(self, call: Call) -> None:
        """Append one answered call to the handle's call records."""
        ...


class ActiveMock(Target, Protocol):
    """What a transport asks of the innermost active mock."""

    @property
    def faults(self) -> FaultSwitches: ...

    @property
    def wire(self) -> bool:
        """``False`` for ``mock_mpu(wire=False)``: the dict path answers where it can."""
        ...

    def lets_through(self, service: str, operation: str) -> bool:
        """True if this call goes on to botocore's normal path (or another mock)."""
        ...

    def unmocked_call(self, service: str, operation: str, params: Mapping[str, Any]) -> Exception:
        """Record a refused call and return the error to raise (``UnmockedCallError``)."""
        ...
