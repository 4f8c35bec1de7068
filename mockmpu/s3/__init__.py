"""mockmpu.s3: see mockmpu/ARCHITECTURE.md."""
