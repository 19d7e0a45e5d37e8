"""Which industry codebook fits a set of answers: hit rates with the evidence.

Every shipped industry codebook (``industry_*.yaml``) is scanned on its own (without the shared
codebook, whose price, staff and waiting codes fit every industry equally) over a sample of the
answers. An industry whose specific vocabulary occurs in many answers, with several of its codes,
is the likely one; the table shows which words decided it, so the researcher can check the
proposal before naming ``industry:`` in the survey spec.

Examples
--------
>>> from cjkit.coding.industry import propose_industry
>>> t = propose_industry(["Zug 20 Minuten zu spät, Anschluss verpasst.",
...                       "Die Zugtoilette war defekt.", "Am Bahnsteig keine Durchsage."])
>>> t.loc[0, "industry"], int(t.loc[0, "n_texts_hit"])
('rail_transport', 3)
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cjkit.coding.codebook import industries, load_codebook
from cjkit.coding.coder import code_texts
from cjkit.coding.texts import text_input
from cjkit.errors import ParameterError

COLUMNS = ["rank", "industry", "hit_rate", "n_texts", "n_texts_hit", "n_codes_hit", "score", "top_codes",
           "evidence"]


def propose_industry(texts, *, text_col: str = "text", lang: str = "auto", sample: int | None = 2000,
                     candidates=None, n_evidence: int = 8, random_state: int = 0) -> pd.DataFrame:
    """Rank the industry codebooks by how well they cover a sample of answers.

    Parameters
    ----------
    texts : DataFrame, Series or list of str
        Answers, as for :func:`cjkit.coding.coder.code_texts`; empty answers do not count.
    text_col : str
        Text column of a DataFrame.
    lang : {"auto", "de", "en"}
        Language of the answers (``auto`` detects per answer).
    sample : int or None
        Answers to scan (a random sample without replacement); None scans all.
    candidates : list of str, optional
        Industry names to compare (default: every shipped industry codebook).
    n_evidence : int
        Matched words to show per industry, most frequent first.
    random_state : int
        Seed of the sample.

    Returns
    -------
    DataFrame
        One row per industry, best first: ``rank``, ``industry``, ``hit_rate`` (share of the
        answers with at least one code of that industry), ``n_texts``, ``n_texts_hit``,
        ``n_codes_hit`` (distinct codes found), ``score`` (hit rate weighted by the share of the
        industry's codes found, so one very common word does not win alone), ``top_codes`` and
        ``evidence`` (``word (count)``, ``; ``-joined).

    Raises
    ------
    ParameterError
        For an unknown industry in *candidates*.

    Examples
    --------
    >>> from cjkit.coding.industry import propose_industry
    >>> t = propose_industry(["My suitcase was lost.", "Boarding was chaotic, the seat too narrow."])
    >>> t.loc[0, "industry"], float(t.loc[0, "hit_rate"])
    ('air_travel', 1.0)
    >>> "suitcase (1)" in t.iloc[0]["evidence"]
    True
    """
    known = industries()
    cands = list(candidates) if candidates is not None else known
    for c in cands:
        if c not in known:
            raise ParameterError("candidates", c, allowed=known)
    values, _ = text_input(texts, text_col, None)
    values = [v for v in values if v.strip()]
    if sample is not None and len(values) > sample:
        pick = np.random.default_rng(random_state).choice(len(values), size=sample, replace=False)
        values = [values[i] for i in np.sort(pick)]
    n = len(values)
    rows = []
    for ind in cands:
        cb = load_codebook(ind)
        codable = cb.table.loc[cb.table["kind"].isin(["touchpoint", "topic"]), "code"]
        out = code_texts(values, cb, lang=lang, sentiment=False) if n else pd.DataFrame(columns=["row", "code"])
        hit_rows = out["row"].nunique() if len(out) else 0
        codes = out["code"].astype(str).value_counts() if len(out) else pd.Series(dtype=int)
        words = (out["evidence"].astype(str).str.lower().value_counts() if len(out) else pd.Series(dtype=int))
        rate = hit_rows / n if n else 0.0
        coverage = len(codes) / max(len(codable), 1)
        rows.append({"industry": ind, "hit_rate": round(rate, 4), "n_texts": n, "n_texts_hit": int(hit_rows),
                     "n_codes_hit": int(len(codes)), "score": round(rate * (0.5 + 0.5 * coverage), 4),
                     "top_codes": "; ".join(codes.index[:5]),
                     "evidence": "; ".join(f"{w} ({k})" for w, k in words.head(n_evidence).items())})
    t = pd.DataFrame(rows).sort_values(["score", "hit_rate", "industry"], ascending=[False, False, True])
    t.insert(0, "rank", np.arange(1, len(t) + 1))
    return t.reset_index(drop=True)[COLUMNS]


#: an industry is chosen from the texts only when it is clearly ahead: its score at least this ...
MIN_SCORE = 0.3
#: ... and this far above the runner-up (checked on the labelled sets of the quality benchmark:
#: hotel, car-rental, bank complaints and intents, clothing reviews are picked; customer-service
#: chat about orders and an urban-planning consultation are left to the cross-industry codes)
MIN_MARGIN = 0.2


def pick_industry(ranking: pd.DataFrame) -> str | None:
    """The industry of a :func:`propose_industry` ranking that is clearly ahead, else None.

    Clearly ahead: a score of at least :data:`MIN_SCORE` and at least :data:`MIN_MARGIN` above
    the second. When none is, the answers are best coded with the cross-industry codebook alone
    (``"shared"``) until the researcher names one.

    Parameters
    ----------
    ranking : DataFrame
        :func:`propose_industry` output (best first).

    Returns
    -------
    str or None

    Examples
    --------
    >>> import pandas as pd
    >>> from cjkit.coding.industry import pick_industry
    >>> pick_industry(pd.DataFrame({"industry": ["telecom", "utilities"], "score": [0.62, 0.18]}))
    'telecom'
    >>> pick_industry(pd.DataFrame({"industry": ["telecom", "utilities"], "score": [0.42, 0.30]})) is None
    True
    """
    if ranking.empty:
        return None
    scores = ranking["score"].to_numpy(float)
    second = scores[1] if len(scores) > 1 else 0.0
    return str(ranking["industry"].iloc[0]) if scores[0] >= MIN_SCORE and scores[0] - second >= MIN_MARGIN else None
