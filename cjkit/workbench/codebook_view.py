"""Codebook editing in the notebook: review theme-discovery drafts, add, rename, merge and move codes.

A thin ipywidgets view over :class:`~cjkit.workbench.codebook_edit.CodebookEditor`: each draft
code (from :func:`cjkit.themes_to_codebook`) is listed with its review note and an accept
button; one form applies an edit (the editor validates it at once, an invalid edit shows the
schema's message and changes nothing); "save" rewrites the YAML.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> import yaml
>>> from cjkit.workbench.codebook_view import codebook_editor
>>> book = {"id": "mini", "name_de": "Mini", "name_en": "Mini", "codes": [
...     {"id": "service", "label_de": "Service", "label_en": "Service", "canonical_stage": "service"}]}
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = Path(tmp) / "codes.yaml"
...     _ = path.write_text(yaml.safe_dump(book), encoding="utf-8")
...     view = codebook_editor(path)
>>> view.code.options
('service',)
"""
from __future__ import annotations

import html

import ipywidgets as W

from cjkit.catalog.i18n import check_lang, label
from cjkit.errors import CjkitError
from cjkit.workbench.codebook_edit import CodebookEditor

OPERATIONS = ("add", "rename", "merge", "move")


class CodebookView(W.VBox):
    """The codebook editing widget (see :func:`codebook_editor`)."""

    def __init__(self, editor: CodebookEditor, *, lang: str = "de"):
        self.editor, self.lang = editor, check_lang(lang)
        t = lambda key: label(key, lang)  # noqa: E731 - the one catalog lookup of this widget
        self.drafts = W.VBox().add_class("cj-drafts")
        self.operation = W.Dropdown(options=OPERATIONS, description=t("cb_operation")).add_class("cj-cb-operation")
        self.code = W.Dropdown(description=t("cb_code")).add_class("cj-cb-code")
        self.target = W.Dropdown(description=t("cb_target")).add_class("cj-cb-target")
        self.new_id = W.Text(description=t("cb_new_id")).add_class("cj-cb-new-id")
        self.label_de = W.Text(description="label_de")
        self.label_en = W.Text(description="label_en")
        self.touchpoint = W.Text(description=t("touchpoint"))
        self.apply_button = W.Button(description=t("cb_apply")).add_class("cj-cb-apply")
        self.save_button = W.Button(description=t("cb_save"), button_style="success").add_class("cj-cb-save")
        self.status = W.HTML().add_class("cj-cb-status")
        self.apply_button.on_click(lambda _: self._act(self.apply))
        self.save_button.on_click(lambda _: self._act(self._save))
        super().__init__([W.HTML(f"<b>{t('cb_drafts')}</b>"), self.drafts, self.operation, self.code, self.target,
                          self.new_id, self.label_de, self.label_en, self.touchpoint,
                          W.HBox([self.apply_button, self.save_button]), self.status])
        self.refresh()

    def _act(self, fn) -> None:
        try:
            fn()
            self.status.value = ""
        except CjkitError as exc:       # the schema's message, never a traceback
            self.status.value = f"<span style='color:#b00'>{html.escape(str(exc))}</span>"
        self.refresh()

    def _save(self) -> None:
        path = self.editor.save()
        self.status.value = f"{label('wb_exported', self.lang)}: {html.escape(path.name)}"

    def apply(self) -> None:
        """Apply the form's operation to the codebook (validated at once)."""
        op, code, target = self.operation.value, self.code.value, self.target.value or None
        if op == "add":
            self.editor.add(self.new_id.value.strip(), parent=target, label_de=self.label_de.value,
                            label_en=self.label_en.value, touchpoint=self.touchpoint.value or None)
        elif op == "rename":
            self.editor.rename(code, self.new_id.value.strip(), label_de=self.label_de.value or None,
                               label_en=self.label_en.value or None)
        elif op == "merge":
            self.editor.merge(code, into=target)
        else:
            self.editor.move(code, parent=target, touchpoint=self.touchpoint.value or None)

    def refresh(self) -> None:
        """Show the codebook as it is now: draft codes to review, codes in the form."""
        table = self.editor.codebook.table
        codes = tuple(table["code"])
        self.code.options, self.target.options = codes, ("", *codes)
        rows = []
        for code, lab, note in table.loc[table["draft"], ["code", f"label_{self.lang}", "note"]].itertuples(index=False):
            accept = W.Button(description=f"{label('wb_accept', self.lang)}: {code}", layout=W.Layout(width="auto"))
            accept.add_class("cj-cb-accept").on_click(lambda _, c=code: self._act(lambda: self.editor.accept_draft(c)))
            rows.append(W.HBox([W.HTML(f"{html.escape(str(lab))} <small>{html.escape(str(note or ''))}</small>"),
                                accept]))
        self.drafts.children = rows


def codebook_editor(path, *, lang: str = "de") -> CodebookView:
    """Edit a codebook YAML in the notebook: accept draft codes, add, rename, merge, move, save.

    Parameters
    ----------
    path : str or Path
        The codebook YAML (your copy; ``yaml.safe_dump(cj.load_codebook("default").to_dict())``
        writes one).
    lang : {"de", "en"}

    Returns
    -------
    CodebookView
        The widget; ``.editor`` is the :class:`cjkit.CodebookEditor` behind it.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import yaml
    >>> import cjkit as cj
    >>> book = {"id": "mini", "name_de": "Mini", "name_en": "Mini", "codes": [
    ...     {"id": "service", "label_de": "Service", "label_en": "Service", "canonical_stage": "service"},
    ...     {"id": "queue", "label_de": "Schlange", "label_en": "Queue", "draft": True, "note": "Thema 3"}]}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "codes.yaml"
    ...     _ = path.write_text(yaml.safe_dump(book), encoding="utf-8")
    ...     view = cj.codebook_editor(path, lang="en")
    ...     view.drafts.children[0].children[1].click()
    >>> bool(view.editor.codebook.table["draft"].any())
    False
    """
    return CodebookView(CodebookEditor(path), lang=lang)
