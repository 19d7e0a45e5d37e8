"""The coding workbench in JupyterLab: ipywidgets over a :class:`~cjkit.workbench.session.CodingSession`.

The widgets only show the session and call its methods; everything they show comes from the
session (and so from the rule coder, the learning coder and the agreement functions the reports
use). Answers are shown PII-masked, with the rule coder's evidence highlighted. Keyboard: type
a key into the key field and press Enter (``a`` accept all and next, ``n`` next, ``1``-``9``
accept that suggestion); every button is also reachable by Tab and Enter. Each widget carries a
``cj-...`` CSS class so that a browser test can find it.

Examples
--------
>>> import tempfile
>>> import pandas as pd
>>> from cjkit.workbench.widgets import coding_workbench
>>> a = pd.DataFrame({"respondent_id": ["r1"], "text": ["WLAN ständig weg"]})
>>> with tempfile.TemporaryDirectory() as tmp:
...     wb = coding_workbench(a, coder="anna", path=tmp + "/anna.csv")
...     wb.accept_all_button.click()
>>> wb.session.progress()
{'n_coded': 1, 'n_total': 1}
"""
from __future__ import annotations

import html
import logging
from pathlib import Path

import ipywidgets as W
import pandas as pd

from cjkit.catalog.i18n import check_lang, format_number, label
from cjkit.errors import CjkitError
from cjkit.io.erasure import list_path
from cjkit.privacy.pii import mask_pii
from cjkit.report.study import Study
from cjkit.workbench.session import CodingSession

log = logging.getLogger("cjkit.workbench.widgets")
_MAX_SHOWN = 9      # suggestions and codes shown at once (keys 1-9)


def highlight(text: str, spans) -> str:
    """HTML of *text* with *spans* marked; every piece PII-masked and escaped on its own."""
    cuts, pos, out = sorted((int(s), int(e)) for s, e in spans), 0, []
    for s, e in cuts:
        if s < pos:
            s = pos
        if e <= s:
            continue
        out.append(html.escape(mask_pii(text[pos:s])) if s > pos else "")
        out.append(f"<mark>{html.escape(mask_pii(text[s:e]))}</mark>")
        pos = e
    out.append(html.escape(mask_pii(text[pos:])))
    return "".join(out)


def open_answers(study: Study) -> pd.DataFrame:
    """The open answers of a study's long frame (respondent_id, question, text)."""
    long = study.long
    return long.loc[long["type"] == "open", ["respondent_id", "question", "text"]]


class CodingWorkbench(W.VBox):
    """The workbench widget of a coding session (see :func:`coding_workbench`)."""

    def __init__(self, session: CodingSession, *, lang: str = "de"):
        self.session, self.lang = session, check_lang(lang)
        t = lambda key: label(key, lang)  # noqa: E731 - the one catalog lookup of this widget
        self.progress = W.IntProgress(min=0, max=max(session.progress()["n_total"], 1))
        self.progress_label = W.HTML().add_class("cj-progress")
        self.text = W.HTML().add_class("cj-text")
        self.suggestion_box = W.VBox().add_class("cj-suggestions")
        self.code_box = W.HBox(layout=W.Layout(flex_flow="row wrap")).add_class("cj-codes")
        tree = session.code_table
        self.add_choice = W.Dropdown(options=[("  " * (lvl - 1) + f"{lab} [{c}]", c)
                                              for c, lab, lvl in zip(tree["code"], tree["label"], tree["level"])],
                                     layout=W.Layout(width="24em")).add_class("cj-add-choice")
        self.add_button = W.Button(description=t("wb_add")).add_class("cj-add")
        self.memo = W.Textarea(placeholder=t("wb_memo"), layout=W.Layout(width="100%")).add_class("cj-memo")
        self.key_field = W.Text(placeholder=t("wb_keys"), continuous_update=False,
                           layout=W.Layout(width="100%")).add_class("cj-keys")
        self.accept_all_button = W.Button(description=t("wb_accept_all"), button_style="success",
                                          layout=W.Layout(width="auto")).add_class("cj-accept-all")
        self.next_button = W.Button(description=t("wb_next"), layout=W.Layout(width="auto")).add_class("cj-next")
        self.export_button = W.Button(description=t("wb_export"), layout=W.Layout(width="auto")).add_class("cj-export")
        self.status = W.HTML().add_class("cj-status")
        self.figure = W.Image(format="png", layout=W.Layout(max_width="32em")).add_class("cj-agreement")
        self.figure_label = W.HTML().add_class("cj-agreement-text")
        self.accept_all_button.on_click(lambda _: self._act(self._accept_all))
        self.next_button.on_click(lambda _: self._act(self._next))
        self.add_button.on_click(lambda _: self._act(lambda: session.add(self.add_choice.value)))
        self.export_button.on_click(lambda _: self._act(self._export))
        self.key_field.observe(self._key, names="value")
        self._drawn = -1
        self._pools()
        super().__init__([
            W.HBox([self.progress, self.progress_label]),
            self.text,
            W.HTML(f"<b>{t('wb_suggestions')}</b>"), self.suggestion_box,
            W.HTML(f"<b>{t('wb_codes')}</b>"), self.code_box,
            W.HBox([self.add_choice, self.add_button]),
            self.memo, self.key_field,
            W.HBox([self.accept_all_button, self.next_button, self.export_button]),
            self.status, self.figure_label, self.figure])
        self.refresh()

    # ------------------------------------------------------------ actions
    def _act(self, fn) -> None:
        try:
            fn()
        except CjkitError as exc:       # a researcher sees the message, never a traceback
            self.status.value = f"<span style='color:#b00'>{html.escape(str(exc))}</span>"
        self.refresh()

    def _save_memo(self) -> None:
        cur = self.session.current()
        if cur is not None and self.memo.value != cur["memo"]:
            self.session.memo(self.memo.value)

    def _accept_all(self) -> None:
        self._save_memo()
        self.session.accept_all()

    def _next(self) -> None:
        self._save_memo()
        self.session.done()

    def _export(self) -> None:
        out = self.session.export_qdpx(self.session.path.with_suffix(".qdpx"))
        self.status.value = f"{label('wb_exported', self.lang)}: {html.escape(out.name)}"

    def _key(self, change) -> None:
        key = (change["new"] or "").strip()[-1:].lower()
        if not key:
            return
        self.key_field.value = ""
        if key == "a":
            self._act(self._accept_all)
        elif key == "n":
            self._act(self._next)
        elif key.isdigit() and key != "0":
            if int(key) <= len(self._pending):
                self._act(lambda: self.session.accept(self._pending[int(key) - 1]))

    # ------------------------------------------------------------ view
    def _pools(self) -> None:
        """Suggestion rows and code tags made once and reused: a refresh changes values, not widgets."""
        lay = W.Layout(width="auto")
        self._rows, self._tags, self._pending, self._given = [], [], [], []
        for i in range(_MAX_SHOWN):
            text = W.HTML()
            acc = W.Button(description=label("wb_accept", self.lang), layout=lay).add_class("cj-accept")
            rej = W.Button(description=label("wb_reject", self.lang), layout=lay).add_class("cj-reject")
            acc.on_click(lambda _, i=i: self._act(lambda: self.session.accept(self._pending[i])))
            rej.on_click(lambda _, i=i: self._act(lambda: self.session.reject(self._pending[i])))
            self._rows.append((W.HBox([text, acc, rej], layout=W.Layout(display="none")), text))
            tag = W.Button(tooltip=label("wb_remove", self.lang), layout=W.Layout(width="auto", display="none"))
            tag.add_class("cj-code").on_click(lambda _, i=i: self._act(lambda: self.session.remove(self._given[i])))
            self._tags.append(tag)
        self.suggestion_box.children = [r for r, _ in self._rows]
        self.code_box.children = self._tags

    def refresh(self) -> None:
        """Show the session as it is now."""
        p = self.session.progress()
        self.progress.value = p["n_coded"]
        cur = self.session.current()
        pending, given = [], []
        if cur is None:
            self.text.value = f"<b>{label('wb_all_done', self.lang)}</b>"
        else:
            sugg = cur["suggestions"]
            spans = [sp for row in sugg.itertuples() if row.source == "rule" for sp in row.spans]
            self.text.value = (f"<div style='font-size:1.1em;padding:.4em;border-left:4px solid #888'>"
                               f"{highlight(cur['text'], spans)}</div>")
            pending = [r for r in sugg.itertuples() if r.code not in cur["codes"] and r.code not in cur["rejected"]]
            given = cur["codes"]
            self.memo.value = cur["memo"]
        self._pending = [r.code for r in pending[:_MAX_SHOWN]]
        self._given = list(given[:_MAX_SHOWN])
        for i, (row, text) in enumerate(self._rows):
            if i < len(self._pending):
                r = pending[i]
                src = label("wb_rule" if r.source == "rule" else "wb_model", self.lang)
                conf = format_number(r.confidence, lang=self.lang, decimals=2)
                text.value = f"{i + 1}. {html.escape(str(r.label))} <small>({src}, {conf})</small>"
            row.layout.display = "flex" if i < len(self._pending) else "none"
        for i, tag in enumerate(self._tags):
            if i < len(self._given):
                tag.description = f"{self._given[i]} ✕"
            tag.layout.display = "" if i < len(self._given) else "none"
        # the counter last: a browser test waits for it, by then the rest is shown
        self.progress_label.value = f"<span data-n='{p['n_coded']}'>{p['n_coded']} / {p['n_total']} " \
                                    f"{label('wb_coded', self.lang)}</span>"
        self._draw()

    def _draw(self) -> None:
        h = self.session.history
        if len(h) == self._drawn:
            return
        self._drawn = len(h)
        if not len(h):
            self.figure_label.value = f"<i>{label('wb_no_model', self.lang)}</i>"
            return
        last = h.iloc[-1]
        self.figure_label.value = (
            f"<span data-n='{int(last['n_coded'])}'>{label('wb_agreement', self.lang)}: "
            f"{label('wb_kappa', self.lang)} = {format_number(last['cohen_kappa'], lang=self.lang, decimals=2)}, "
            f"{label('wb_alpha', self.lang)} = {format_number(last['krippendorff_alpha'], lang=self.lang, decimals=2)} "
            f"(n = {int(last['n_coded'])})</span>")
        # drawn to PNG bytes (not an Output widget): the same image in a kernel, a test and a browser
        import io

        from matplotlib.figure import Figure

        fig = Figure(figsize=(5, 2.4))
        ax = fig.subplots()
        for col, key in (("cohen_kappa", "wb_kappa"), ("krippendorff_alpha", "wb_alpha"), ("f1", "wb_f1")):
            ax.plot(h["n_coded"].astype(int), h[col], marker="o", label=label(key, self.lang))
        ax.set_xlabel(label("wb_answers_coded", self.lang))
        ax.set_ylim(min(0, float(h[["cohen_kappa", "krippendorff_alpha"]].min().min())), 1)
        ax.set_title(label("wb_agreement", self.lang), fontsize=10)
        ax.legend(fontsize=8, loc="lower right")
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=90)
        self.figure.value = buf.getvalue()


def coding_workbench(texts, *, coder: str, path, codebook="default", lang: str = "de",
                     retrain_every: int = 10, min_train: int = 10, erasure=None) -> CodingWorkbench:
    """Code open answers in JupyterLab: one answer at a time, suggestions, memo, progress, saved at once.

    Parameters
    ----------
    texts : Study or DataFrame
        A study (its open answers; its erasure list applies) or answers with ``respondent_id``,
        optional ``question`` and ``text``.
    coder : str
        Your coder id (each coder codes into their own file).
    path : str or Path
        Your coding file, e.g. in the project's private folder; reopened after a kernel restart.
    codebook : "default", path, dict or Codebook
    lang : {"de", "en"}
    retrain_every, min_train : int
        Answers between trainings of the learning coder, answers before the first.
    erasure : str or Path, optional
        Erasure list (default for a study: the survey's).

    Returns
    -------
    CodingWorkbench
        The widget (an ``ipywidgets.VBox``); ``.session`` is its :class:`cjkit.CodingSession`.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> import cjkit as cj
    >>> a = pd.DataFrame({"respondent_id": ["r1", "r2"], "text": ["WLAN weg", "Preis zu hoch"]})
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     wb = cj.coding_workbench(a, coder="anna", path=tmp + "/anna.csv", lang="en")
    >>> wb.progress_label.value.endswith("0 / 2 coded</span>")
    True
    """
    if isinstance(texts, Study):
        if erasure is None and texts.spec is not None:
            erasure = list_path(texts.spec)
        texts = open_answers(texts)
    session = CodingSession(texts, codebook, coder=coder, path=Path(path), retrain_every=retrain_every,
                            min_train=min_train, erasure=erasure, lang=lang)
    return CodingWorkbench(session, lang=lang)
