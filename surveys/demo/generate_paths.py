"""Generate the synthetic booking-journey path table of the demo (seeded, reproducible).

Channel paths of prospective guests of the fictitious "Pfotenglück Wellnesshotels" before they
book (or not), aggregated like an analytics export: path, total_conversions, total_conversion_value,
total_null. The data are SYNTHETIC. Run: ``python surveys/demo/generate_paths.py``.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20261123
HERE = Path(__file__).resolve().parent
# channel -> (probability to start with it, booking propensity added when touched)
CHANNELS = {"instagram": (0.25, 0.02), "paid_google_cpc": (0.2, 0.03), "organic_google": (0.2, 0.04),
            "holidaycheck": (0.1, 0.06), "empfehlung": (0.1, 0.09), "newsletter": (0.05, 0.05),
            "blog": (0.05, 0.01), "direct": (0.05, 0.08)}


def generate(n_journeys: int = 20_000, seed: int = SEED) -> pd.DataFrame:
    """Aggregated path table of *n_journeys* simulated journeys."""
    rng = np.random.default_rng(seed)
    names = list(CHANNELS)
    start = np.array([CHANNELS[c][0] for c in names])
    rows = []
    for _ in range(n_journeys):
        length = 1 + rng.poisson(1.6)
        path = [rng.choice(names, p=start)] + list(rng.choice(names, size=length - 1))
        p_book = min(0.9, 0.02 + sum(CHANNELS[c][1] for c in set(path)))
        booked = rng.random() < p_book
        value = float(rng.gamma(4, 120)) if booked else 0.0   # booking value in euro
        rows.append((" > ".join(path), int(booked), value, int(not booked)))
    df = pd.DataFrame(rows, columns=["path", "total_conversions", "total_conversion_value", "total_null"])
    return (df.groupby("path", as_index=False).sum().round({"total_conversion_value": 2})
            .sort_values("path", ignore_index=True))


if __name__ == "__main__":
    out = generate()
    out.to_csv(HERE / "booking_paths.csv", sep=";", index=False)
    print(f"wrote {len(out)} paths to {HERE / 'booking_paths.csv'}")
