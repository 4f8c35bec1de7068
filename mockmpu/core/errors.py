"""Exception types: mockmpu's own (usage errors, un-mocked calls) and AWS-shaped service faults."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["MockmpuError", "ServiceError", "UnmockedCallError"]


class MockmpuError(Exception):
    """Misuse of mockmpu itself: the message is one sentence saying what to do instead."""


class UnmockedCallError(MockmpuError, AssertionError):
    """A botocore call that mockmpu does not serve was made while a mock was active.

    It is an ``AssertionError`` (like botocore's ``StubAssertionError``) so that
    ``except ClientError`` in the code under test cannot swallow it, and botocore never retries it.
    """


class ServiceError(Exception):
    """An AWS-shaped fault raised by the semantics layer and rendered by the wire codec.

    Attributes:
        code: the AWS error code, verbatim (``NoSuchUpload``, ``InvalidParameterValueException``).
        message: the AWS wire message, verbatim.
        status: the HTTP status AWS answers with.
        extra: additional elements, in wire order (S3 ``<UploadId>``, ``<ArgumentName>`` ...).
        sender: ``"Client"`` or ``"Server"`` (the Glacier ``type`` field).
    """

    def __init__(
        self,
        code: str,
        message: str,
        status: int,
        extra: Mapping[str, str] | None = None,
        *,
        sender: str = "Client",
    ) -> None:
        super().__init__(f"{code} ({status}): {message}")
        self.code = code
        self.message = message
        self.status = status
        self.extra: dict[str, str] = dict(extra or {})
        self.sender = sender
