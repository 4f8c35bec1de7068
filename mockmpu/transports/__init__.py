"""mockmpu.transports: see mockmpu/ARCHITECTURE.md."""
