"""Small synthetic surveys of the shapes researchers bring, written by a seeded function.

Each kind has the columns and spec of one kind of export: no NPS question, a yes/no outcome,
CSAT items only, driver ratings with an overall school grade, a comments-only feedback file.
"""
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

KINDS = ("no_nps", "yes_no", "csat_only", "grade", "comments_only")
_TOUCHPOINTS = [("website", "consideration"), ("booking", "conversion"), ("check_in", "retention"),
                ("room", "retention")]
_COMMENTS = ["Das Zimmer war sehr sauber.", "Beim Check-in mussten wir lange warten.",
             "Das WLAN war leider sehr langsam.", "Freundliches Personal, gerne wieder!",
             "The room was dirty and noisy.", ""]


def make_survey(kind: str, folder: Path, *, n: int = 80, seed: int = 1) -> Path:
    """Write ``answers.csv`` and ``spec.yaml`` of survey *kind* into *folder*; return the spec path."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=n)
    data = {"id": [f"r{i:03d}" for i in range(n)], "region": rng.choice(["Nord", "Süd"], size=n)}
    questions = []

    def rating(lo=1, hi=5, shift=0.0):
        return np.clip(np.round((lo + hi) / 2 + shift + latent * (hi - lo) / 4 + rng.normal(scale=0.8, size=n)), lo, hi).astype(int)

    if kind in ("no_nps", "yes_no", "grade"):
        for tp, phase in _TOUCHPOINTS:
            data[f"tp_{tp}"] = rating()
            questions.append({"id": f"tp_{tp}", "type": "rating", "scale": {"min": 1, "max": 5},
                              "phase": phase, "touchpoint": tp})
        data["tp_other"] = rating()  # a rating without a touchpoint: reported as "unassigned"
        questions.append({"id": "tp_other", "type": "rating", "scale": {"min": 1, "max": 5}, "phase": "retention"})
    if kind == "no_nps":
        data["overall"] = rating()
        questions.append({"id": "overall", "type": "csat", "role": "overall", "scale": {"min": 1, "max": 5}})
        data["comment"] = rng.choice(_COMMENTS, size=n)
        questions.append({"id": "comment", "type": "open", "role": "comment"})
    if kind == "yes_no":
        data["recommend"] = np.where(latent + rng.normal(scale=0.7, size=n) > 0, "yes", "no")
        questions.append({"id": "recommend", "type": "single", "role": "outcome", "positive": "yes"})
    if kind == "grade":  # German school grade: 1 = best, so reverse-coded
        data["grade"] = np.clip(np.round(3.5 - latent + rng.normal(scale=0.6, size=n)), 1, 6).astype(int)
        questions.append({"id": "grade", "type": "rating", "role": "overall", "reverse": True,
                          "scale": {"min": 1, "max": 6}})
    if kind == "csat_only":
        for tp, phase in _TOUCHPOINTS[:3]:
            data[f"csat_{tp}"] = rating()
            questions.append({"id": f"csat_{tp}", "type": "csat", "role": "csat", "scale": {"min": 1, "max": 5},
                              "phase": phase, "touchpoint": tp})
    if kind == "comments_only":
        data["date"] = pd.date_range("2026-01-01", periods=n, freq="D").strftime("%Y-%m-%d")
        data["channel"] = rng.choice(["app", "web"], size=n)
        data["stars"] = rating()
        data["text"] = rng.choice(_COMMENTS[:-1], size=n)
        questions += [{"id": "stars", "type": "rating", "role": "overall", "scale": {"min": 1, "max": 5}},
                      {"id": "text", "type": "open", "role": "comment"}]
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(data).to_csv(folder / "answers.csv", index=False)
    spec = {"survey": kind, "title": f"Synthetic {kind}", "data": "answers.csv", "respondent_id": "id",
            "segments": ["channel" if kind == "comments_only" else "region"], "questions": questions}
    if kind == "comments_only":
        spec["date"] = "date"
    path = folder / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path
