"""Persona proposals: respondents clustered on attitudes, behaviour and coded comments.

:func:`propose_personas` standardises the chosen columns (numbers to z-scores, categories and
coded comments to 0/1 columns), clusters the respondents with k-means for every candidate number
of personas and every seed, and picks the number by a stated criterion:

* **stability**: the mean adjusted Rand index (ARI) between the solutions of different seeds
  (each seed one k-means fit, best of four starts) must reach ``min_stability`` (default 0.8) — a number of
  personas that the data do not support changes with the seed;
* **separation**: among the stable numbers, the one with the highest mean silhouette.

Each proposal comes with its size, a profile (mean or share per answer, against the rest of the
sample, with Cohen's d for numbers and Cohen's h for shares), the answers that distinguish it most
and quotes of the respondents nearest its centre, masked for personal data. The researcher names
and edits the proposals; :meth:`PersonaProposals.to_yaml` writes them as a persona file draft.

Examples
--------
>>> import cjkit as cj
>>> prop = cj.propose_personas(cj.example_data(200, seed=1), columns=["tp_room", "tp_wifi"], k=[2, 3])
>>> prop.selection.columns.tolist()
['k', 'silhouette', 'stability_ari', 'stable', 'chosen']
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cjkit.errors import ParameterError
from cjkit.privacy.pii import mask_pii

log = logging.getLogger("cjkit")

PROFILE_COLUMNS = ["proposal", "variable", "level", "kind", "value", "rest_value", "effect_size",
                   "effect_kind", "n", "n_rest"]


@dataclass(frozen=True)
class PersonaProposals:
    """Persona proposals for a researcher to name and edit.

    Parameters
    ----------
    labels : Series
        Proposal id (``p1``, ``p2`` ... by size) per respondent, index as the data.
    selection : DataFrame
        One row per candidate number: ``k, silhouette, stability_ari, stable, chosen``.
    sizes : DataFrame
        ``proposal, n, share``.
    profiles : DataFrame
        Columns :data:`PROFILE_COLUMNS`: per proposal and answer its mean (numbers) or share
        (categories, codes), the rest's value and the effect size.
    quotes : DataFrame
        ``proposal, respondent_id, text`` (masked), the respondents nearest the centre first.
    """

    labels: pd.Series
    selection: pd.DataFrame
    sizes: pd.DataFrame
    profiles: pd.DataFrame
    quotes: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def k(self) -> int:
        """The number of personas proposed."""
        return int(self.sizes.shape[0])

    def distinguishing(self, n: int = 5) -> pd.DataFrame:
        """The *n* answers per proposal with the largest absolute effect size."""
        prof = self.profiles.assign(_abs=self.profiles["effect_size"].abs())
        top = prof.sort_values(["proposal", "_abs"], ascending=[True, False]).groupby("proposal").head(n)
        return top.drop(columns="_abs").reset_index(drop=True)

    def to_yaml(self, path=None, *, segment_column: str = "persona", n: int = 3) -> str:
        """A persona file draft (schema ``persona``): one entry per proposal to name and edit.

        The distinguishing answers become the description, the quote nearest the centre the
        ``quote`` (masked); the file is written to *path* when given.
        """
        import yaml

        personas = []
        for prop, grp in self.distinguishing(n).groupby("proposal", sort=True):
            size = self.sizes.set_index("proposal").loc[prop]
            traits = [_trait(r) for r in grp.itertuples()]
            entry = {"id": prop, "name": f"Persona {prop[1:]}", "segment": prop,
                     "description": f"n = {int(size['n'])} ({size['share']:.0%}); " + "; ".join(traits)}
            q = self.quotes[self.quotes["proposal"] == prop]["text"] if len(self.quotes) else []
            if len(q):
                entry["quote"] = str(q.iloc[0]).replace("\n", " ")
            personas.append(entry)
        text = yaml.safe_dump({"segment_column": segment_column, "personas": personas},
                              allow_unicode=True, sort_keys=False, width=100)
        lines = ["# Persona proposals (cj.propose_personas): name, describe and edit before use;",
                 "# add goals, needs, pains, channels and devices from what you know."] + text.splitlines()
        out = "\n".join(lines) + "\n"
        if path is not None:
            Path(path).write_text(out, encoding="utf-8")
        return out


def _trait(r) -> str:
    name = r.variable if r.kind == "number" else f"{r.variable}={r.level}"
    if r.kind == "number":
        return f"{name} {r.value:.2f} vs {r.rest_value:.2f}"
    return f"{name} {r.value:.0%} vs {r.rest_value:.0%}"


def _design(data: pd.DataFrame, columns, codes) -> tuple[pd.DataFrame, list[tuple[str, str, str]]]:
    """Standardised matrix and (column, variable, level, kind) of each of its columns."""
    parts, meta = [], []
    for col in columns:
        s = data[col]
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            x = s.astype(float)
            n_missing = int(x.isna().sum())
            if n_missing:
                log.info("propose_personas: %d missing values of %r set to the median", n_missing, col)
            x = x.fillna(x.median())
            sd = x.std(ddof=0)
            parts.append(((x - x.mean()) / (sd if sd > 0 else 1.0)).rename(col))
            meta.append((col, col, "", "number"))
        else:
            dummies = pd.get_dummies(s.astype("string").fillna("(missing)"), dtype=float)
            for level in dummies.columns:
                name = f"{col}={level}"
                d = dummies[level]
                sd = d.std(ddof=0)
                parts.append(((d - d.mean()) / (sd if sd > 0 else 1.0)).rename(name))
                meta.append((name, col, str(level), "share"))
    if codes is not None:
        for col in codes.columns:
            d = codes[col].reindex(data.index).fillna(0).astype(float).clip(0, 1)
            sd = d.std(ddof=0)
            parts.append(((d - d.mean()) / (sd if sd > 0 else 1.0)).rename(f"code:{col}"))
            meta.append((f"code:{col}", "code", str(col), "share"))
    return pd.concat(parts, axis=1), meta


def _cluster(X: np.ndarray, k: int, seeds, n_init: int = 4) -> list:
    from sklearn.cluster import KMeans

    return [KMeans(n_clusters=k, n_init=n_init, random_state=int(s)).fit(X) for s in seeds]


def _select(X: np.ndarray, ks, seeds, min_stability: float, sample: int):
    from threadpoolctl import threadpool_limits

    # one thread: k-means and distances on a few thousand rows are fastest without OpenMP/BLAS workers
    # waiting for busy cores
    with threadpool_limits(limits=1):
        return _select_all(X, ks, seeds, min_stability, sample)


def _select_all(X, ks, seeds, min_stability, sample):
    from sklearn.metrics import adjusted_rand_score, silhouette_score

    rows, fits = [], {}
    rng_state = int(seeds[0])
    for k in ks:
        models = _cluster(X, k, seeds)
        aris = [adjusted_rand_score(a.labels_, b.labels_) for i, a in enumerate(models) for b in models[i + 1:]]
        best = min(models, key=lambda m: m.inertia_)
        sil = silhouette_score(X, best.labels_, sample_size=min(sample, len(X)), random_state=rng_state)
        fits[k] = best
        rows.append({"k": k, "silhouette": float(sil), "stability_ari": float(np.mean(aris)) if aris else 1.0})
    sel = pd.DataFrame(rows)
    sel["stable"] = sel["stability_ari"] >= min_stability
    pool = sel[sel["stable"]] if sel["stable"].any() else sel
    if not sel["stable"].any():
        log.warning("propose_personas: no number of personas reaches stability %.2f; the most separated is "
                    "proposed", min_stability)
    chosen = int(pool.loc[pool["silhouette"].idxmax(), "k"])
    sel["chosen"] = sel["k"] == chosen
    return sel, fits[chosen]


def _profiles(raw: pd.DataFrame, labels: pd.Series, meta, codes) -> pd.DataFrame:
    rows = []
    for prop in sorted(labels.unique()):
        inside = labels == prop
        for name, variable, level, kind in meta:
            if kind == "number":
                x = raw[variable].astype(float)
                a, b = x[inside].dropna(), x[~inside].dropna()
                pooled = np.sqrt(((len(a) - 1) * a.var() + (len(b) - 1) * b.var()) / max(len(a) + len(b) - 2, 1))
                eff = (a.mean() - b.mean()) / pooled if pooled > 0 else 0.0
                rows.append((prop, variable, "", kind, a.mean(), b.mean(), eff, "cohen_d", len(a), len(b)))
                continue
            if variable == "code":
                x = codes[level].reindex(raw.index).fillna(0).astype(float).clip(0, 1)
            else:
                x = (raw[variable].astype("string").fillna("(missing)") == level).astype(float)
            p1, p2 = x[inside].mean(), x[~inside].mean()
            eff = 2 * np.arcsin(np.sqrt(p1)) - 2 * np.arcsin(np.sqrt(p2))
            rows.append((prop, variable, level, kind, p1, p2, eff, "cohen_h", int(inside.sum()), int((~inside).sum())))
    return pd.DataFrame(rows, columns=PROFILE_COLUMNS)


def propose_personas(data: pd.DataFrame, *, columns, codes: pd.DataFrame | None = None,
                     k=range(2, 9), seeds=range(5), min_stability: float = 0.8,
                     text: str | None = None, id_column: str | None = None, n_quotes: int = 3,
                     silhouette_sample: int = 2000) -> PersonaProposals:
    """Propose personas by clustering respondents; the number chosen by stability and separation.

    Parameters
    ----------
    data : DataFrame
        One row per respondent (e.g. ``study.wide``).
    columns : list of str
        Attitude and behaviour columns. Numbers are standardised (missing values set to the
        median, logged); other columns become one 0/1 column per answer. Ratings must be clean:
        a code such as 9 = "not used" in a raw export would count as a score (``study.wide`` keeps
        the codes, ``study.long`` has them missing).
    codes : DataFrame, optional
        Coded comments, one 0/1 column per code, index as *data* (``cj.code_indicators``).
    k : int or iterable of int
        Candidate numbers of personas (default 2 to 8).
    seeds : iterable of int
        One k-means fit per seed (k-means++, best of four starts); the stability is the mean ARI
        between the solutions of the seeds (default five seeds).
    min_stability : float
        Smallest mean ARI across seeds for a number of personas to be eligible (default 0.8).
        Among the eligible numbers the highest mean silhouette wins.
    text : str, optional
        Column with open answers; quotes of the respondents nearest each centre, masked.
    id_column : str, optional
        Respondent id column for the quotes (default: the index).
    n_quotes : int
        Quotes per proposal.
    silhouette_sample : int
        Respondents sampled for the silhouette (seeded by the first seed).

    Returns
    -------
    PersonaProposals
        ``labels``, ``selection``, ``sizes``, ``profiles``, ``quotes``; ``distinguishing(n)``
        and ``to_yaml(path)`` for the persona file draft.

    Raises
    ------
    ParameterError
        A column not in the data, fewer than two candidate numbers of respondents, or fewer than
        two seeds.

    Examples
    --------
    >>> import cjkit as cj
    >>> wide = cj.example_data(300, seed=2)
    >>> prop = cj.propose_personas(wide, columns=["tp_room", "tp_wifi", "tp_check_in"], k=[2, 3, 4])
    >>> int(prop.sizes["n"].sum()) == len(wide), prop.k in (2, 3, 4)
    (True, True)
    """
    columns = [columns] if isinstance(columns, str) else list(columns)
    missing = [c for c in columns + [c for c in (text, id_column) if c] if c not in data.columns]
    if missing or not columns:
        raise ParameterError("columns", missing or columns, allowed=list(data.columns))
    ks = [int(k)] if np.isscalar(k) else [int(v) for v in k]
    ks = [v for v in ks if 2 <= v < len(data)]
    if not ks:
        raise ParameterError("k", k, allowed="numbers between 2 and the number of respondents - 1")
    seeds = list(seeds)
    if len(seeds) < 2:
        raise ParameterError("seeds", seeds, allowed="at least two seeds (stability needs a comparison)")
    X, meta = _design(data, columns, codes)
    selection, best = _select(X.to_numpy(), ks, seeds, min_stability, silhouette_sample)
    # proposals numbered by size, largest first, so that p1 is the biggest group
    order = pd.Series(best.labels_).value_counts().index.tolist()
    names = {c: f"p{i + 1}" for i, c in enumerate(order)}
    labels = pd.Series([names[c] for c in best.labels_], index=data.index, name="proposal")
    sizes = labels.value_counts().rename_axis("proposal").reset_index(name="n").sort_values("proposal")
    sizes["share"] = sizes["n"] / len(labels)
    profiles = _profiles(data, labels, meta, codes)
    quotes = _quotes(data, X, best, names, text, id_column, n_quotes)
    return PersonaProposals(labels=labels, selection=selection, sizes=sizes.reset_index(drop=True),
                            profiles=profiles, quotes=quotes)


def _quotes(data, X, best, names, text, id_column, n_quotes) -> pd.DataFrame:
    cols = ["proposal", "respondent_id", "text"]
    if text is None:
        return pd.DataFrame(columns=cols)
    dist = np.linalg.norm(X.to_numpy() - best.cluster_centers_[best.labels_], axis=1)
    frame = pd.DataFrame({"proposal": [names[c] for c in best.labels_], "dist": dist,
                          "respondent_id": (data[id_column] if id_column else data.index.to_series()).astype(str).to_numpy(),
                          "text": data[text].astype("string").to_numpy()})
    frame = frame[frame["text"].fillna("").str.strip().str.len() > 0]
    top = frame.sort_values(["proposal", "dist"]).groupby("proposal").head(n_quotes)
    top = top.assign(text=mask_pii(top["text"].astype(str)))
    return top[cols].reset_index(drop=True)
