"""A coding session: one coder codes open answers, most informative first, saved at every step.

:class:`CodingSession` holds what the workbench widgets show and does what their buttons do;
it has no widget code, so it is tested without a browser. The rule coder
(:func:`cjkit.code_texts`) suggests codes with their evidence (the matched words); once enough
answers are coded, a :class:`cjkit.LearningCoder` trained on the researcher's codes adds its own
suggestions and orders the remaining answers by :func:`cjkit.coding.suggest.suggest_next` (the
answers it is least sure about first). Every ``retrain_every`` finished answers the model that
was trained before is scored on the answers coded since (it has not seen them: an honest
held-out check), the scores are written to the coding file, and the model is trained again on
all codes so far. The answers and the codes offered for one of them come from
:mod:`cjkit.workbench.suggestions`, the REFI-QDA export from :mod:`cjkit.workbench.qdpx`.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> import pandas as pd
>>> from cjkit.workbench.session import CodingSession
>>> answers = pd.DataFrame({"respondent_id": ["r1", "r2"], "question": "kommentar",
...                         "text": ["WLAN ständig weg", "Frühstück lecker"]})
>>> with tempfile.TemporaryDirectory() as tmp:
...     s = CodingSession(answers, coder="anna", path=Path(tmp) / "anna.csv")
...     first = s.current()["respondent_id"]
...     s.accept_all()
...     again = CodingSession(answers, coder="anna", path=Path(tmp) / "anna.csv")
>>> first, again.n_coded, again.codings()["code"].tolist()
('r1', 1, ['wifi'])
"""
from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from cjkit.catalog.i18n import check_lang
from cjkit.coding.codebook import load_codebook
from cjkit.coding.coder import code_texts
from cjkit.coding.suggest import suggest_next
from cjkit.errors import DataError, ParameterError
from cjkit.workbench import store
from cjkit.workbench.learning import fit_coder, score_coder
from cjkit.workbench.qdpx import session_qdpx
from cjkit.workbench.suggestions import UNIT, session_answers, suggested_codes

log = logging.getLogger("cjkit.workbench.session")


class CodingSession:
    """One coder's coding of open answers, saved to a coding file at every action.

    Parameters
    ----------
    texts : DataFrame
        Answers with ``respondent_id``, optional ``question`` and the text column (the open
        answers of ``study.long`` work as they are); empty answers are left out.
    codebook : "default", path, dict or Codebook
        Codes offered and the rules that suggest them.
    coder : str
        Coder id, written on every line of the coding file.
    path : str or Path
        The coding file (CSV, see :mod:`cjkit.workbench.store`); reopened after a restart.
    retrain_every : int
        Finished answers between two trainings of the learning coder.
    min_train : int
        Finished answers before the first training.
    erasure : str or Path, optional
        The survey's erasure list: its respondents are left out and purged from the file.
    text_col : str
        Text column of *texts*.
    lang : {"de", "en"}
        Language of the code labels.
    threshold : float
        Probability from which the learning coder suggests a code.

    Attributes
    ----------
    answers : DataFrame
        respondent_id, question, text (unmasked; the widgets mask what they show).
    model : LearningCoder or None
        The current learning coder.
    history : DataFrame
        The model's agreement with the researcher: n_coded, cohen_kappa, krippendorff_alpha, f1.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> a = pd.DataFrame({"respondent_id": ["r1"], "text": ["Zimmer war laut"]})
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     s = CodingSession(a, coder="ben", path=tmp + "/ben.csv")
    ...     s.add("noise"); s.done()
    >>> s.progress()
    {'n_coded': 1, 'n_total': 1}
    """

    def __init__(self, texts, codebook="default", *, coder: str, path, retrain_every: int = 10,
                 min_train: int = 10, erasure=None, text_col: str = "text", lang: str = "de",
                 threshold: float = 0.5):
        check_lang(lang)
        if not str(coder).strip():
            raise ParameterError("coder", coder, message="name the coder (a short id such as 'anna')")
        if int(retrain_every) < 1:
            raise ParameterError("retrain_every", retrain_every, allowed="an integer >= 1")
        self.coder, self.path, self.erasure = str(coder).strip(), Path(path), erasure
        self.retrain_every, self.min_train, self.lang, self.threshold = int(retrain_every), int(min_train), lang, threshold
        self.codebook = load_codebook(codebook)
        self.answers = session_answers(texts, text_col)
        self.code_table = self.codebook.table[["code", "parent", "level", "path", f"label_{lang}",
                                               "touchpoint", "canonical_stage"]].rename(columns={f"label_{lang}": "label"})
        self._labels = dict(zip(self.code_table["code"], self.code_table["label"]))
        hits = code_texts(self.answers, self.codebook, sentiment=False, label_lang=lang)
        self._hits = {r: g for r, g in hits.groupby("row", sort=False)}
        self._units = list(zip(self.answers["respondent_id"], self.answers["question"]))
        self._row = {u: i for i, u in enumerate(self._units)}
        if erasure is not None:
            store.purge(self.path, erasure)
        self.model = None
        self._suggested: dict = {}
        self._state = store.replay(store.read_actions(self.path, erasure=erasure))
        self._trained_on = 0
        if self.n_coded >= self.min_train:
            self._fit()
        self._queue = self._order()

    # ------------------------------------------------------------ state
    @property
    def n_coded(self) -> int:
        """Answers finished by this coder (of the current answers)."""
        return sum(u in self._row for u in self._state.done)

    @property
    def history(self) -> pd.DataFrame:
        """The learning coder's agreement with the researcher, one row per training."""
        h = self._state.history
        return h if h is not None else pd.DataFrame(columns=["n_coded"])

    def progress(self) -> dict:
        """Finished and total answers: ``{"n_coded": ..., "n_total": ...}``."""
        return {"n_coded": self.n_coded, "n_total": len(self._units)}

    def _order(self) -> list:
        done = {self._row[u] for u in self._state.done if u in self._row}
        # an answer begun but not finished (before a restart) comes first again
        begun = [self._row[u] for u in {**self._state.codes, **self._state.rejected, **self._state.memos}
                 if u in self._row and self._row[u] not in done]
        if self.model is None:
            rest = [i for i in range(len(self._units)) if i not in done]
        else:
            rest = suggest_next(self.model, self.answers["text"].tolist(), n=len(self._units),
                                exclude_rows=sorted(done), mask=False)["row"].astype(int).tolist()
        return begun + [i for i in rest if i not in set(begun)]

    def _unit(self):
        return self._units[self._queue[0]] if self._queue else None

    def current(self) -> dict | None:
        """The answer to code now (None when all are coded).

        Returns
        -------
        dict or None
            respondent_id, question, text, row, codes (given so far), rejected, memo and
            suggestions (DataFrame: code, label, source, confidence, spans as (start, end) pairs).
        """
        unit = self._unit()
        if unit is None:
            return None
        row = self._row[unit]
        return {"respondent_id": unit[0], "question": unit[1], "text": self.answers.at[row, "text"], "row": row,
                "codes": list(self._state.codes.get(unit, [])), "rejected": list(self._state.rejected.get(unit, [])),
                "memo": self._state.memos.get(unit, ""), "suggestions": self.suggestions(row)}

    def suggestions(self, row: int) -> pd.DataFrame:
        """Suggested codes of answer *row*: the rule coder's (with evidence) and the learning coder's."""
        if row not in self._suggested:      # kept until the model changes: the view asks several times
            self._suggested[row] = suggested_codes(self._hits.get(row), self._labels, self.model,
                                                   self.answers.at[row, "text"], self.threshold)
        return self._suggested[row]

    # ------------------------------------------------------------ actions
    def _write(self, action: str, code=None, memo=None, *, more=()) -> None:
        unit = self._unit()
        if unit is None:
            raise DataError(f"all answers are coded; no answer left for '{action}'")
        # one write for the action and those that go with it (accept all + done)
        lines = [(unit[0], unit[1], a, c, None, None, m) for a, c, m in [(action, code, memo), *more]]
        store.append(self.path, self.coder, lines)
        for a, c, m in [(action, code, memo), *more]:
            self._apply(unit, a, c, m)

    def _apply(self, unit, action, code, memo) -> None:
        store_state = self._state
        if action in ("accept", "add"):
            store_state.codes[unit] = sorted(set(store_state.codes.get(unit, [])) | {code})
            store_state.rejected[unit] = [c for c in store_state.rejected.get(unit, []) if c != code]
        elif action in ("reject", "remove"):
            store_state.codes[unit] = [c for c in store_state.codes.get(unit, []) if c != code]
            if action == "reject":
                store_state.rejected[unit] = sorted(set(store_state.rejected.get(unit, [])) | {code})
        elif action == "memo":
            store_state.memos[unit] = memo
        elif action == "done":
            store_state.done = [u for u in store_state.done if u != unit] + [unit]

    def _check_code(self, code) -> str:
        if code not in self._labels:
            raise ParameterError("code", code, allowed=f"a code of codebook '{self.codebook.id}' "
                                 f"({len(self._labels)} codes, see session.code_table)")
        return code

    def accept(self, code: str) -> None:
        """Accept a suggested code for the current answer."""
        self._write("accept", self._check_code(code))

    def reject(self, code: str) -> None:
        """Reject a suggested code for the current answer."""
        self._write("reject", self._check_code(code))

    def add(self, code: str) -> None:
        """Give the current answer a code of the codebook."""
        self._write("add", self._check_code(code))

    def remove(self, code: str) -> None:
        """Take a code off the current answer."""
        self._write("remove", self._check_code(code))

    def memo(self, text: str) -> None:
        """Store a free memo for the current answer."""
        self._write("memo", memo=str(text))

    def accept_all(self) -> None:
        """Accept every suggestion not rejected, then finish the answer (the "accept" key)."""
        cur = self.current()
        if cur is None:
            raise DataError("all answers are coded; nothing to accept")
        codes = [c for c in cur["suggestions"]["code"] if c not in cur["rejected"] and c not in cur["codes"]]
        lines = [("accept", c, None) for c in codes] + [("done", None, None)]
        self._write(*lines[0], more=lines[1:])
        self._finished()

    def done(self) -> None:
        """Finish the current answer (its codes as they are now) and move to the next."""
        self._write("done")
        self._finished()

    def _finished(self) -> None:
        self._queue.pop(0)
        if self.n_coded >= self.min_train and self.n_coded - self._trained_on >= self.retrain_every:
            self.retrain()

    # ------------------------------------------------------------ learning coder
    def retrain(self) -> pd.DataFrame:
        """Score the current model on the answers coded since it was trained, then train it again.

        Returns
        -------
        DataFrame
            :attr:`history`, the new row last (no row before the first model).
        """
        done = [u for u in self._state.done if u in self._row]
        if self.model is not None and self._trained_on < len(done):
            new = done[self._trained_on:]
            self._score(new, len(done))
        self._fit()
        self._queue = self._order()
        return self.history

    def _score(self, units, n_coded: int) -> None:
        texts = [self.answers.at[self._row[u], "text"] for u in units]
        figures = score_coder(self.model, texts, units, self._state.codes)
        store.append(self.path, self.coder, [("", "", "model", k, v, n_coded) for k, v in figures.items()])
        self._state = store.replay(store.read_actions(self.path, erasure=self.erasure))

    def _fit(self) -> None:
        done = [u for u in self._state.done if u in self._row]
        model = fit_coder([self.answers.at[self._row[u], "text"] for u in done],
                          [self._state.codes.get(u, []) for u in done], threshold=self.threshold)
        if model is not None:
            self.model, self._trained_on, self._suggested = model, len(done), {}

    # ------------------------------------------------------------ results
    def codings(self) -> pd.DataFrame:
        """The finished answers' codes: respondent_id, question, code, coder (one row per code)."""
        rows = [(u[0], u[1], c) for u in self._state.done if u in self._row for c in self._state.codes.get(u, [])]
        out = pd.DataFrame(rows, columns=[*UNIT, "code"])
        return out.assign(coder=self.coder)

    def coded_units(self) -> pd.DataFrame:
        """The finished answers: respondent_id, question, text."""
        rows = [self._row[u] for u in self._state.done if u in self._row]
        return self.answers.iloc[rows].reset_index(drop=True)

    def export_qdpx(self, path, *, lang: str | None = None) -> Path:
        """Write the finished answers and their codes as a REFI-QDA project (``.qdpx``).

        Rule-suggested codes keep their evidence as the coded span; other codes mark the whole answer.

        Parameters
        ----------
        path : str or Path
        lang : {"de", "en"}, optional
            Language of the code names (default the session's).

        Returns
        -------
        Path
        """
        return session_qdpx(self.coded_units(), self.codings(), path, answers=self.answers, rows=self._row,
                            hits=self._hits, codebook=self.codebook, lang=lang or self.lang)
