"""mockmpu's benchmark harness (not shipped, not timed tests).

Run it with ``python3 tasks.py bench`` (or ``python -m benchmarks.run`` inside ``.venv``); see
``benchmarks/RESULTS.md`` for the method and the latest figures.
"""
