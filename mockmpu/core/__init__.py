"""mockmpu.core: see mockmpu/ARCHITECTURE.md."""
