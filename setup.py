"""The one compiled part of Masthead: the anonymous meter's hot path (decision 0017).

Everything else is in ``pyproject.toml``. The extension is optional: where no C
compiler is found, the install goes on without it and the meter runs in Python,
with the same answers (``masthead.metering.meter``).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "masthead.metering._fastmeter",
            ["masthead/metering/_fastmeter.c"],
            optional=True,
        )
    ]
)
