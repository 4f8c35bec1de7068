"""The texts of mockmpu's un-mocked-call errors (pinned by tests; one remedy per line)."""

from __future__ import annotations

from collections.abc import Sequence

from mockmpu.core.calls import format_operation
from mockmpu.services import served_summary

__all__ = ["swallowed_message", "unmocked_message"]


def unmocked_message(described: str, service: str, operation: str) -> str:
    """``mockmpu: S3 DeleteObject (...) is not mocked.`` with what is served and the remedies."""
    moto = ""
    if service == "s3":
        moto = (
            "  To have moto answer it (and every other call mockmpu does not serve), use "
            "@mock_aws together with @mock_mpu. See help(mockmpu.mock_mpu).\n"
        )
    return (
        f"mockmpu: {described} is not mocked.\n"
        f"  Served: {served_summary()}.\n"
        f"{moto}"
        f"  To let this call reach AWS, use "
        f'mock_mpu(passthrough={{"{service}:{operation}"}}) ("{service}:*" for every '
        f"{format_operation(service, '')}call; @pytest.mark.mpu_mock(passthrough=...) under "
        "pytest). See help(mockmpu.mock_mpu)."
    )


def swallowed_message(refused: Sequence[str]) -> str:
    """The teardown error: how many un-mocked calls the code under test caught, one line each."""
    count = len(refused)
    noun = "call was" if count == 1 else "calls were"
    lines = "\n".join(f"- {d}" for d in refused)
    return f"mockmpu: {count} un-mocked {noun} made and caught by the code under test:\n{lines}"
