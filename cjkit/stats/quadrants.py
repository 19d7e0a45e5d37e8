"""The four quadrants of the importance-performance analysis and their names.

A table of its own, so the charts can name the quadrants without importing the driver
analysis (and with it statsmodels).
"""
from __future__ import annotations

import pandas as pd

from cjkit.catalog import i18n

QUADRANTS = pd.DataFrame([
    {"quadrant": "fix_first", "importance": "high", "performance": "low"},
    {"quadrant": "keep_up", "importance": "high", "performance": "high"},
    {"quadrant": "low_priority", "importance": "low", "performance": "low"},
    {"quadrant": "possible_overkill", "importance": "low", "performance": "high"},
])
# the names come from the one label catalog (keys quadrant_<id>)
for _lang in i18n.LANGS:
    QUADRANTS[f"label_{_lang}"] = [i18n.label(f"quadrant_{q}", _lang) for q in QUADRANTS["quadrant"]]
