"""Where the similarity fallback's threshold comes from (``cjkit/coding/similar.py``, MIN_SIMILARITY).

    .venv/bin/python benchmarks/similarity_threshold.py

The chance level of the similarity is measured on the shipped codebooks only (no labelled data,
no benchmark scores): every include example of every code, in the language it is written in, is
compared (as :func:`cjkit.coding.similar.similarities` compares an answer) with the code
documents of the *other* codes of its composed codebook (shared + one industry), its own code and
the code's ancestors and descendants left out, the example removed from its own code's
document. Those are pairs of a real customer sentence and a code it is not about. Printed: the
quantiles of the pairwise similarity and of the best similarity per example among the codes it
is not about.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from cjkit.coding.codebook import industries, load_codebook  # noqa: E402
from cjkit.coding import similar  # noqa: E402
from cjkit.coding.texts import guess_languages  # noqa: E402


def main():
    pair, best, own = [], [], []
    for ind in industries():
        cb = load_codebook(["shared", ind])
        t = cb.table
        paths = t["path"].tolist()
        ex = [(i, e) for i, cell in enumerate(t["examples_include"].fillna("")) for e in cell.split(" | ") if e.strip()]
        glang = guess_languages([e for _, e in ex])
        for lang in ("de", "en"):
            items = [(i, e) for (i, e), g in zip(ex, glang) if g == lang]
            if not items:
                continue
            docs = similar.code_documents(cb, lang)
            for i, e in items:
                d = list(docs)
                d[i] = d[i].replace(e, " ")
                s = similar.similarities([e], d, fit_on=d + [x for _, x in items])[0]
                unrelated = np.array([not (paths[j].startswith(paths[i] + "/") or paths[i].startswith(paths[j] + "/")
                                           or j == i) for j in range(len(t))]) & similar._candidates(cb)
                pair += s[unrelated].tolist()
                best.append(s[unrelated].max())
                own.append(s[i])
    q = [0.5, 0.9, 0.95, 0.99]
    print(f"{len(best)} example sentences, {len(pair)} sentence-code pairs they are not about")
    print("pairwise similarity quantiles  " + "  ".join(f"{x:.2f}: {v:.3f}" for x, v in zip(q, np.quantile(pair, q))))
    print("own code (example left out)    " + "  ".join(f"{x:.2f}: {v:.3f}" for x, v in zip(q, np.quantile(own, q))))
    print(f"own code more similar than every unrelated code: {np.mean(np.array(own) > np.array(best)):.0%}")
    print("best unrelated code quantiles  " + "  ".join(f"{x:.2f}: {v:.3f}" for x, v in zip(q, np.quantile(best, q))))


if __name__ == "__main__":
    main()
