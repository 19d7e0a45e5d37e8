"""cjkit: a customer-journey research notebook kit.

load -> validate -> code -> measure -> plot -> report
"""
from __future__ import annotations

import logging

from cjkit._version import __version__
from cjkit.errors import CjkitError, ConfigError, DataError, ParameterError  # noqa: F401

logging.getLogger("cjkit").addHandler(logging.NullHandler())
