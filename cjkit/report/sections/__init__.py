"""Report sections: the tables each report notebook shows, computed from a :class:`~cjkit.report.study.Study`.

Notebooks stay thin by calling these (as ``cj.report.<name>``); each returns one tidy
DataFrame with readable labels in the report language next to the ids. One module per
section family:

- :mod:`~cjkit.report.sections.base`: labels next to ids, the ratings a section scores, memos;
- :mod:`~cjkit.report.sections.keyfigures`: key figures, their JSON file, the ledger counts;
- :mod:`~cjkit.report.sections.scores`: touchpoints, phases, journey map cells, segments, waves;
- :mod:`~cjkit.report.sections.priorities`: drivers, importance x performance, pain points;
- :mod:`~cjkit.report.sections.comments`: coded comments, code counts, verbatims, sentiment;
- :mod:`~cjkit.report.sections.display`: headings, notes, omitted sections, figures.

The names below are the package's public surface, so ``from cjkit.report import sections``
keeps working.
"""
from __future__ import annotations

from cjkit.report.sections.base import UNASSIGNED, add_labels, question_label
from cjkit.report.sections.comments import (code_counts, coded_comments, coding_note, report_codebook,
                                            sentiment_vs_rating, verbatims)
from cjkit.report.sections.display import heading, note, save_figure, section_shown, show_figure, subheading
from cjkit.report.sections.keyfigures import format_figures, key_figures, ledger_table, write_key_figures
from cjkit.report.sections.priorities import driver_questions, driver_table, ipa_table, painpoint_table
from cjkit.report.sections.scores import (journey_map_data, phase_scores, segment_comparison, touchpoint_scores,
                                          trend_table)

__all__ = [
    "UNASSIGNED", "add_labels", "code_counts", "coded_comments", "coding_note", "driver_questions", "driver_table",
    "format_figures", "heading", "ipa_table", "journey_map_data", "key_figures", "ledger_table", "note",
    "painpoint_table", "phase_scores", "question_label", "report_codebook", "save_figure", "section_shown", "segment_comparison",
    "sentiment_vs_rating", "show_figure", "subheading", "touchpoint_scores", "trend_table", "verbatims",
    "write_key_figures",
]
