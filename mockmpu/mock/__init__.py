"""The public handle: ``mock_mpu`` and ``MpuMock`` (:mod:`mockmpu.mock.handle`), and the
decorator forms (:mod:`mockmpu.mock.decorate`)."""

from mockmpu.mock.handle import MpuMock, mock_mpu

__all__ = ["MpuMock", "mock_mpu"]
