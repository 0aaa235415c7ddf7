"""The one compiled part of Masthead: the anonymous meter's hot path (decision 0017).

Everything else is in ``pyproject.toml``. The extension is optional: where no C
compiler is found, the install goes on without it and the meter runs in Python,
with the same answers (``masthead.metering.meter``).
"""

import hashlib
from pathlib import Path

from setuptools import Extension, setup

SOURCE = "masthead/metering/_fastmeter.c"
# The build carries its source's hash: a test compares it with the file, so an
# edited source whose build failed (optional: a warning only) or was never
# rerun cannot leave the tests passing against an older binary.
SOURCE_SHA256 = hashlib.sha256((Path(__file__).parent / SOURCE).read_bytes()).hexdigest()

setup(
    ext_modules=[
        Extension(
            "masthead.metering._fastmeter",
            [SOURCE],
            define_macros=[("MASTHEAD_SOURCE_SHA256", f'"{SOURCE_SHA256}"')],
            optional=True,
        )
    ]
)
