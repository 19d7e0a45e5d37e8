"""cjkit: a customer-journey research notebook kit.

load -> validate -> code -> measure -> plot -> report
"""
from __future__ import annotations

import logging

from . import errors, config, models, touchpoints  # noqa: F401
from .errors import CjkitError, ConfigError, DataError, ParameterError  # noqa: F401

__version__ = "0.1.0"

logging.getLogger("cjkit").addHandler(logging.NullHandler())
