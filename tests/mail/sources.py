"""The engine's tests use the benchmark's recipient source: ``count`` numbered
readers (``bench/recipients.py``), registered as "numbered" on import."""

from bench import recipients  # noqa: F401
