"""mockmpu.glacier: see mockmpu/ARCHITECTURE.md."""
