"""The four quadrants of the importance-performance analysis and their names.

A table of its own, so the charts can name the quadrants without importing the driver
analysis (and with it statsmodels).
"""
from __future__ import annotations

import pandas as pd

QUADRANTS = pd.DataFrame([
    {"quadrant": "fix_first", "label_de": "Zuerst verbessern", "label_en": "Fix first",
     "importance": "high", "performance": "low"},
    {"quadrant": "keep_up", "label_de": "Stärken halten", "label_en": "Keep up the good work",
     "importance": "high", "performance": "high"},
    {"quadrant": "low_priority", "label_de": "Geringe Priorität", "label_en": "Low priority",
     "importance": "low", "performance": "low"},
    {"quadrant": "possible_overkill", "label_de": "Möglicher Overkill", "label_en": "Possible overkill",
     "importance": "low", "performance": "high"},
])
