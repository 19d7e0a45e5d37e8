"""Report languages, the fixed words of charts and tables, and locale-aware number formats.

One place answers three questions every report asks:

* which report languages exist (:data:`LANGS`) and whether a ``lang`` argument is one of
  them (:func:`check_lang`, the only language check in cjkit);
* what the fixed words are in that language (:func:`label`, :func:`labels`): axis titles,
  column headers, notes, flags such as ``low_base``/``suppressed``, IPA quadrant names;
  phase and touchpoint names come from the journey-model and touchpoint catalogs
  (:func:`phase_labels`, :func:`touchpoint_labels`);
* how numbers and dates are written (:func:`format_number`, :func:`format_percent`,
  :func:`format_date`), by Babel with the CLDR conventions of a locale. A ``lang`` picks
  its default locale (:data:`DEFAULT_LOCALE`); ``locale=`` picks a regional variant.

This module imports nothing from the rest of cjkit but the errors, so every layer (catalogs,
coding, statistics, charts, reports) can use it without an import cycle.

Examples
--------
>>> from cjkit.catalog import i18n
>>> i18n.check_lang("en")
'en'
>>> i18n.label("base", "de"), i18n.label("base", "en")
('Basis', 'Base')
>>> i18n.format_number(1234.5, lang="de"), i18n.format_number(1234.5, locale="de_CH")
('1.234,5', "1'234.5")
"""
from __future__ import annotations

import datetime as _dt
import math
from decimal import Decimal

import babel.dates
import babel.numbers
from babel import Locale

from cjkit.errors import ParameterError

#: The report languages: German and English.
LANGS = ("de", "en")
#: Locales a report can be formatted for.
LOCALES = ("de_DE", "de_AT", "de_CH", "en_GB", "en_US")
#: The locale a bare ``lang`` stands for (a German-speaking market in Germany, British English).
DEFAULT_LOCALE = {"de": "de_DE", "en": "en_GB"}
#: Shown for a missing number (an en dash, so an empty cell is not mistaken for zero).
MISSING = "–"

# key -> (German, English). Keys are the ids code passes; the texts are what readers see.
LABELS: dict[str, tuple[str, str]] = {
    # axes, columns and legends
    "satisfaction": ("Zufriedenheit", "Satisfaction"),
    "share": ("Anteil", "Share"),
    "score": ("Wert", "Score"),
    "mean": ("Mittelwert", "Mean"),
    "base": ("Basis", "Base"),
    "n": ("n", "n"),
    "touchpoint": ("Touchpoint", "Touchpoint"),
    "phase": ("Phase", "Phase"),
    "wave": ("Welle", "Wave"),
    "segment": ("Segment", "Segment"),
    "persona": ("Persona", "Persona"),
    "respondents": ("Befragte", "Respondents"),
    "journey_model": ("Journey-Modell", "Journey model"),
    "all": ("alle", "all"),
    "driver": ("Treiber", "Driver"),
    "importance": ("Wichtigkeit", "Importance"),
    "performance": ("Leistung", "Performance"),
    "relative_weight": ("Erklärter Anteil an R²", "Contribution to R²"),
    "driver_title": ("Treiberanalyse", "Driver analysis"),
    "ipa_title": ("Wichtigkeit-Leistung-Portfolio", "Importance-performance analysis"),
    "nps": ("NPS", "NPS"),
    "nps_scale": ("Weiterempfehlungsbereitschaft (0–10)", "Likelihood to recommend (0–10)"),
    "detractor": ("Kritiker (0–6)", "Detractors (0–6)"),
    "passive": ("Indifferente (7–8)", "Passives (7–8)"),
    "promoter": ("Promotoren (9–10)", "Promoters (9–10)"),
    "emotion_curve": ("Emotionskurve", "Emotion curve"),
    "pain_point": ("Pain Point (Rang)", "Pain point (rank)"),
    # column names charts take as axis titles (theme.label falls back to the key otherwise)
    "item_label": ("Touchpoint", "Touchpoint"), "touchpoint_label": ("Touchpoint", "Touchpoint"),
    "phase_label": ("Phase", "Phase"),
    # board report: section headings (cjkit.report.sections.section)
    "sec_summary": ("Das Wichtigste in Kürze", "Executive summary"),
    "sec_key_figures": ("Kennzahlen", "Key figures"),
    "sec_touchpoints": ("Zufriedenheit je Touchpoint", "Satisfaction by touchpoint"),
    "sec_nps": ("Weiterempfehlung (NPS)", "Recommendation (NPS)"),
    "sec_drivers": ("Treiber der Gesamtzufriedenheit", "Drivers of overall satisfaction"),
    "sec_ipa": ("Wichtigkeit und Leistung", "Importance and performance"),
    "sec_segments": ("Personas im Vergleich", "Personas compared"),
    "sec_trend": ("Entwicklung zwischen den Wellen", "Change between waves"),
    "sec_quality": ("Datenbasis und Datenqualität", "Data basis and data quality"),
    "sec_methods": ("Methodik", "Methods"),
    "sec_codes": ("Themen der offenen Antworten", "Topics of the open answers"),
    "sec_painpoints": ("Rangliste der Pain Points", "Pain points ranked"),
    "sec_verbatims": ("Stimmen der Befragten", "In the respondents' words"),
    "sec_sentiment": ("Textstimmung und Bewertung", "Text sentiment and rating"),
    "sec_map": ("Journey Map", "Journey map"),
    "sec_map_cells": ("Werte der Karte", "Values on the map"),
    "sec_curve": ("Emotionskurve über die Phasen", "Emotion curve across the phases"),
    "sec_questions": ("Fragen", "Questions"),
    "sec_themes": ("Themen ohne Code", "Themes no code catches"),
    "sec_long": ("Langformat: eine Zeile je Befragte:r und Frage", "Long format: one row per respondent and question"),
    "sec_first_results": ("Erste Ergebnisse", "First results"),
    "sec_sections": ("Abschnitte der Berichte", "Sections of the reports"),
    "note_drivers": ("Relative Gewichte (Johnson) und LMG teilen das erklärte R² des Modells auf die Bewertungen auf.",
                     "Relative weights (Johnson) and LMG split the model's explained R² among the ratings."),
    "note_ipa": ("Touchpoints im Quadranten „Zuerst verbessern“ sind wichtig für die Gesamtzufriedenheit und "
                 "schneiden unterdurchschnittlich ab.",
                 "Touchpoints in the 'fix first' quadrant matter for overall satisfaction and perform below average."),
    "note_segments": ("Jede Persona im Vergleich zu allen übrigen Befragten.",
                      "Each persona compared with all other respondents."),
    "note_curve": ("Zufriedenheitsindex je Phase (alle Touchpoint-Bewertungen der Phase, 0–100).",
                   "Satisfaction index per phase (all touchpoint ratings of the phase, 0–100)."),
    "note_painpoints": ("Pain Points sind Touchpoints, die wichtig sind und schlecht abschneiden (Quadrant „Zuerst "
                        "verbessern“) oder die viele Befragte ungestützt beklagen; gereiht nach Anteil Unzufriedener "
                        "mal Wichtigkeit. Die übrigen Touchpoints stehen mit ihrer Einordnung darunter; die Formel "
                        "steht im Methodik-Anhang.",
                        "Pain points are touchpoints that matter and perform poorly ('fix first' quadrant) or that "
                        "many respondents complain about unprompted, ranked by share dissatisfied times importance. "
                        "The other touchpoints follow with their classification; the formula is in the methods "
                        "appendix."),
    "note_no_painpoints": ("Kein Touchpoint erfüllt die Regel für einen Pain Point (siehe Methodik).",
                           "No touchpoint meets the pain-point rule (see methods)."),
    "sec_driver_diagnostics": ("Was die Treiberanalyse verwendet hat", "What the driver analysis used"),
    "note_driver_diagnostics": ("Befragte und Bewertungen, die das Modell nicht verwenden konnte, mit dem Grund.",
                                "Respondents and ratings the model could not use, with the reason."),
    "sec_personas_compared": ("Emotionskurven der Personas", "Emotion curves of the personas"),
    "note_verbatims": ("Negative Antworten; personenbezogene Angaben sind maskiert.",
                       "Negative answers; personal data is masked."),
    "no_significant_change": ("Keine Veränderung zur Vorwelle ist signifikant.",
                              "No change against the previous wave is significant."),
    # table headers (cjkit.report.tables.format_table)
    "col_phase": ("Phase", "Phase"),
    "col_touchpoint": ("Touchpoint", "Touchpoint"),
    "col_item": ("Bewertung", "Rating"),
    "col_value": ("Wert", "Score"),
    "col_mean": ("Mittelwert", "Mean"),
    "col_index": ("Index (0–100)", "Index (0–100)"),
    "col_ci": ("95-%-KI", "95% CI"),
    "col_base": ("Basis (n)", "Base (n)"),
    "col_n_effective": ("Effektive Basis", "Effective base"),
    "col_segment": ("Persona/Segment", "Persona/segment"),
    "col_total": ("Gesamt", "Total"),
    "col_difference": ("Differenz zum Rest", "Difference vs rest"),
    "col_wave": ("Welle", "Wave"),
    "col_change": ("Veränderung", "Change"),
    "col_rank": ("Rang", "Rank"),
    "col_low_share": ("Anteil niedriger Bewertungen", "Share of low ratings"),
    "col_n_mentions": ("Negative Nennungen", "Negative mentions"),
    "col_mention_share": ("Anteil negativer Nennungen", "Share of negative mentions"),
    "col_driver_impact": ("Wichtigkeit (% der Varianz)", "Importance (% of variance)"),
    "col_effect": ("Effekt auf Gesamturteil", "Effect on overall rating"),
    "col_score": ("Pain-Point-Score", "Pain-point score"),
    "col_code": ("Thema", "Topic"),
    "col_n_respondents": ("Befragte", "Respondents"),
    "col_share": ("Anteil", "Share"),
    "col_negative": ("negativ", "negative"),
    "col_neutral": ("neutral", "neutral"),
    "col_positive": ("positiv", "positive"),
    "col_relative_weight": ("Relatives Gewicht (%)", "Relative weight (%)"),
    "col_lmg": ("LMG (%)", "LMG (%)"),
    "col_importance": ("Wichtigkeit", "Importance"),
    "col_performance": ("Leistung", "Performance"),
    "col_quadrant": ("Quadrant", "Quadrant"),
    "col_check": ("Prüfung", "Check"),
    "col_action": ("Maßnahme", "Action"),
    "col_n_rows": ("Zeilen", "Rows"),
    "col_reason": ("Beispiel", "Example"),
    "col_measure": ("Größe", "Measure"),
    "col_n": ("Anzahl", "Count"),
    "col_text": ("Antwort", "Answer"),
    "col_codes": ("Themen", "Topics"),
    "col_evidence": ("Belegstelle", "Evidence"),
    "col_section": ("Abschnitt", "Section"),
    "col_shown": ("gezeigt", "shown"),
    "col_status": ("Einordnung", "Classification"),
    "col_why": ("Grund", "Reason"),
    "col_question": ("Frage", "Question"),
    "col_type": ("Typ", "Type"),
    "col_role": ("Rolle", "Role"),
    "col_metric": ("Kennzahl", "Measure"),
    "col_p": ("p (korrigiert)", "p (adjusted)"),
    "yes": ("ja", "yes"), "no": ("nein", "no"),
    "legend_low_base": ("* Basis unter {min_n}: mit Vorsicht interpretieren; – nicht ausgewiesen (Basis unter {suppress_n}).",
                        "* Base below {min_n}: interpret with caution; – not shown (base below {suppress_n})."),
    "legend_sig_segment": ("▲/▼ signifikant höher/niedriger als die übrigen Befragten (p < {alpha}, Holm-korrigiert).",
                           "▲/▼ significantly higher/lower than the other respondents (p < {alpha}, Holm-adjusted)."),
    "legend_sig_trend": ("▲/▼ signifikante Veränderung zur Vorwelle (p < {alpha}, Holm-korrigiert).",
                         "▲/▼ significant change against the previous wave (p < {alpha}, Holm-adjusted)."),
    "check_duplicate_id": ("Doppelte Befragten-ID", "Duplicate respondent id"),
    "check_speeder": ("Zu schnell ausgefüllt", "Speeder"),
    "check_straightliner": ("Durchklicken (gleiche Antwort überall)", "Straight-lining"),
    "check_out_of_range": ("Wert außerhalb der Skala", "Value out of range"),
    "check_user_missing": ("Fehlender-Wert-Code", "Missing-value code"),
    "check_incomplete": ("Zu unvollständig", "Too incomplete"),
    "check_empty_row": ("Leere Zeile (keine Antwort)", "Empty row (no answer)"),
    "check_missing_code": ("Fehlender-Wert-Code", "Missing-value code"),
    "check_unknown_value": ("Kein gültiger Wert", "Not a valid value"),
    "check_value_changed": ("Wert bereinigt", "Value cleaned"),
    "check_formula_text": ("Text beginnt wie eine Formel", "Text starts like a formula"),
    "check_long_text": ("Sehr langer Text", "Very long text"),
    "check_ragged_row": ("Zeile mit falscher Spaltenzahl", "Row with a wrong number of columns"),
    "check_invalid_date": ("Ungültiges Datum", "Invalid date"),
    "check_unparsable_date": ("Unlesbares Datum", "Unreadable date"),
    "action_excluded": ("ausgeschlossen", "excluded"),
    "action_value_changed": ("Wert geändert", "value changed"),
    "action_flagged": ("markiert", "flagged"),
    "measure_input_rows": ("Zeilen in der Datei", "Rows in the file"),
    "measure_kept": ("Verwertbare Befragte", "Usable respondents"),
    "measure_in_scope": ("Befragte in diesem Bericht", "Respondents in this report"),
    "measure_excluded": ("ausgeschlossen", "excluded"),
    "qtype_likert": ("Zustimmung", "Agreement"), "qtype_rating": ("Bewertung", "Rating"),
    "qtype_csat": ("Zufriedenheit (CSAT)", "Satisfaction (CSAT)"), "qtype_ces": ("Aufwand (CES)", "Effort (CES)"),
    "qtype_nps": ("Weiterempfehlung (NPS)", "Likelihood to recommend (NPS)"),
    "qtype_single": ("Gesamturteil", "Overall verdict"),
    # figure tiles (cjkit.report.sections.figure_tiles)
    "tile_respondents": ("Befragte", "Respondents"),
    "tile_overall_mean": ("Gesamtzufriedenheit (Mittelwert)", "Overall satisfaction (mean)"),
    "tile_overall_top2": ("Gesamtzufriedenheit (Top-2-Box)", "Overall satisfaction (top-2 box)"),
    "tile_positive_share": ("Anteil zufrieden (Gesamturteil)", "Share satisfied (overall)"),
    "tile_nps": ("Net Promoter Score", "Net Promoter Score"),
    "tile_ces": ("Kundenaufwand (CES, Mittelwert)", "Customer effort (CES, mean)"),
    "tile_ci": ("95-%-KI {low} bis {high}", "95% CI {low} to {high}"),
    "tile_base": ("Basis n = {n}", "Base n = {n}"),
    "tile_scale": ("Skala {low}–{high}", "scale {low}–{high}"),
    # executive summary sentences (cjkit.report.summary)
    "sum_level_mean": ("Die Gesamtzufriedenheit liegt bei {value} auf einer Skala von {low} bis {high} "
                       "(95-%-KI {ci_low} bis {ci_high}; n = {n}).",
                       "Overall satisfaction stands at {value} on a scale of {low} to {high} "
                       "(95% CI {ci_low} to {ci_high}; n = {n})."),
    "sum_level_top2": ("{value} der Befragten vergeben eine der beiden besten Bewertungen.",
                       "{value} of respondents give one of the two best ratings."),
    "sum_level_share": ("{value} der Befragten sind insgesamt zufrieden (95-%-KI {ci_low} bis {ci_high}; n = {n}).",
                        "{value} of respondents are satisfied overall (95% CI {ci_low} to {ci_high}; n = {n})."),
    "sum_level_nps": ("Der Net Promoter Score beträgt {value} (95-%-KI {ci_low} bis {ci_high}; n = {n}).",
                      "The Net Promoter Score is {value} (95% CI {ci_low} to {ci_high}; n = {n})."),
    "sum_change": ("Gegenüber der Welle {previous} hat sich der Wert um {change} verändert ({sig}).",
                   "Compared with wave {previous} it changed by {change} ({sig})."),
    "sum_change_sig": ("signifikant, {p}", "significant, {p}"),
    "sum_change_not_sig": ("nicht signifikant, {p}", "not significant, {p}"),
    "sum_strongest": ("Am besten schneidet {label} ab (Index {value} von 100; n = {n}), am schwächsten "
                      "{weak_label} (Index {weak_value}; n = {weak_n}).",
                      "{label} performs best (index {value} out of 100; n = {n}), {weak_label} weakest "
                      "(index {weak_value}; n = {weak_n})."),
    "sum_painpoint": ("{rank}. {label} – {evidence}.", "{rank}. {label} – {evidence}."),
    "sum_ev_low": ("{share} niedrige Bewertungen", "{share} low ratings"),
    "sum_ev_mentions": ("{count} negative Nennungen in den offenen Antworten", "{count} negative mentions in the open answers"),
    "sum_ev_driver": ("erklärt {share} der Varianz des Gesamturteils",
                      "explains {share} of the variance of the overall rating"),
    "sum_segment": ("Persona „{segment}“ bewertet {label} signifikant {direction} als die übrigen Befragten ({value} "
                    "gegenüber {total} insgesamt; {p}).",
                    "Persona '{segment}' rates {label} significantly {direction} than the other respondents ({value} "
                    "against {total} overall; {p})."),
    "sum_segment_group": ("Die Gruppe „{segment}“ ({name}) bewertet {label} signifikant {direction} als die übrigen "
                          "Befragten ({value} gegenüber {total} insgesamt; {p}).",
                          "The group '{segment}' ({name}) rates {label} significantly {direction} than the other "
                          "respondents ({value} against {total} overall; {p})."),
    "sum_no_segment_group": ("Zwischen den Gruppen nach „{name}“ gibt es keinen signifikanten Unterschied "
                             "(p < {alpha}, Holm-korrigiert).",
                             "The groups by '{name}' do not differ significantly (p < {alpha}, Holm-adjusted)."),
    "sum_higher": ("besser", "higher"), "sum_lower": ("schlechter", "lower"),
    "sum_no_segment": ("Zwischen den Personas gibt es keinen signifikanten Unterschied (p < {alpha}, "
                       "Holm-korrigiert).",
                       "The personas do not differ significantly (p < {alpha}, Holm-adjusted)."),
    "sum_basis": ("{n} Befragte in diesem Bericht ({kept} verwertbar von {input} Zeilen){period}; {weighting}.",
                  "{n} respondents in this report ({kept} usable of {input} rows){period}; {weighting}."),
    "sum_period": (", befragt vom {start} bis {end}", ", surveyed from {start} to {end}"),
    "sum_weighted": ("gewichtet, effektive Fallzahl {n_eff} (Kish)",
                     "weighted, effective base {n_eff} (Kish)"),
    "sum_unweighted": ("ungewichtet", "unweighted"),
    "sum_topic_level": ("Gesamtniveau", "Overall level"),
    "sum_topic_change": ("Veränderung", "Change"),
    "sum_topic_touchpoints": ("Touchpoints", "Touchpoints"),
    "sum_topic_painpoints": ("Pain Points", "Pain points"),
    "sum_topic_segments": ("Personas", "Personas"),
    "sum_topic_basis": ("Datenbasis", "Data basis"),
    # methods appendix (cjkit.report.methods)
    "method_base_rule": ("Fallzahlen: Werte mit einer ungewichteten Basis unter {min_n} sind mit * markiert und mit "
                         "Vorsicht zu lesen; unter {suppress_n} werden sie nicht ausgewiesen.",
                         "Bases: figures with an unweighted base below {min_n} are marked * and should be read with "
                         "caution; below {suppress_n} they are not shown."),
    "method_ci": ("Konfidenzintervalle: 95 %, gewichtet, auf der effektiven Fallzahl nach Kish "
                  "((Σw)²/Σw²), die den Genauigkeitsverlust durch die Gewichtung ausdrückt.",
                  "Confidence intervals: 95%, weighted, on Kish's effective base ((Σw)²/Σw²), which expresses the "
                  "precision lost to weighting."),
    "method_significance": ("Signifikant heißt: p < {alpha} nach Holm-Korrektur für die Zahl der Vergleiche "
                            "(Personas gegen die übrigen Befragten, Wellen gegen die Vorwelle; gewichteter Welch-Test).",
                            "Significant means p < {alpha} after Holm's correction for the number of comparisons "
                            "(personas against the other respondents, waves against the previous wave; weighted "
                            "Welch test)."),
    "method_index": ("Index: jede Bewertung linear auf 0–100 umgerechnet (Skalenminimum 0, Maximum 100), damit "
                     "Touchpoints mit verschiedenen Skalen vergleichbar sind; stärkster und schwächster Touchpoint "
                     "sind die mit dem höchsten und niedrigsten Index (ausgewiesene Werte ab Basis {suppress_n}).",
                     "Index: every rating rescaled linearly to 0–100 (scale minimum 0, maximum 100) so touchpoints on "
                     "different scales compare; the strongest and weakest touchpoints have the highest and lowest "
                     "index (figures shown from a base of {suppress_n})."),
    "method_painpoints": ("{method} Die Zusammenfassung nennt die {top} Pain Points mit dem höchsten Rang.",
                          "{method} The summary names the {top} highest-ranked pain points."),
    "method_sentiment": ("Übereinstimmung von Textstimmung und Bewertung: stark ab Spearmans rho {strong}, mäßig ab "
                         "{weak}, darunter (oder mit weniger als 30 Antworten) schwach.",
                         "Agreement of text sentiment and rating: strong from Spearman's rho {strong}, moderate from "
                         "{weak}, weak below (or with fewer than 30 answers)."),
    "method_weighting": ("Gewichtung: Alle Anteile, Mittelwerte und Tests sind mit der Gewichtsspalte der Umfrage "
                         "gewichtet; Basen (n) sind ungewichtete Fallzahlen.",
                         "Weighting: every share, mean and test uses the survey's weight column; bases (n) are "
                         "unweighted counts."),
    "method_topic_base_rule": ("Fallzahlen", "Bases"),
    "method_topic_ci": ("Konfidenzintervalle", "Confidence intervals"),
    "method_topic_significance": ("Signifikanz", "Significance"),
    "method_topic_index": ("Index und Touchpoint-Vergleich", "Index and touchpoint comparison"),
    "method_topic_painpoints": ("Pain Points", "Pain points"),
    "method_topic_sentiment": ("Textstimmung", "Text sentiment"),
    # which codebooks coded the open answers (cjkit.report.sections.comments.coding_note)
    "method_topic_coding": ("Codierung der offenen Antworten", "Coding of the open answers"),
    "method_coding": ("Die offenen Antworten wurden mit {books} codiert; {why}",
                      "Open answers were coded with {books}; {why}"),
    "coding_shared": ("dem branchenübergreifenden Codebuch", "the cross-industry codebook"),
    "coding_industry": ("dem Branchen-Codebuch „{name}“", "the industry codebook '{name}'"),
    "coding_own": ("dem eigenen Codebuch {file}", "your own codebook {file}"),
    "and_sep": (" und ", " and "),
    "coding_why_spec": ("die Branche ist für diese Umfrage festgelegt.", "the industry is set for this survey."),
    "coding_why_proposed": ("die Branche wurde aus den Antworten gewählt, deren Wortschatz ihr Codebuch klar am "
                            "besten abdeckt (Score {score}).",
                            "the industry was chosen from the answers, whose vocabulary its codebook covers clearly "
                            "best (score {score})."),
    "coding_why_shared": ("kein Branchen-Codebuch deckt den Wortschatz der Antworten klar am besten ab.",
                          "no industry codebook clearly covers the vocabulary of the answers best."),
    "method_topic_weighting": ("Gewichtung", "Weighting"),
    # chart alt texts (cjkit.plot.charts)
    "alt_chart": ("Diagramm", "Chart"),
    "alt_painpoints": ("Balkendiagramm der {k} wichtigsten Pain Points nach Score; an erster Stelle {first} "
                       "(Score {score}).",
                       "Bar chart of the {k} top pain points by score; first {first} (score {score})."),
    "painpoint_axis": ("Pain-Point-Score (Häufigkeit × Wirkung, 0–1)", "Pain-point score (incidence × impact, 0–1)"),
    "painpoint_evidence": ("{low} niedrig · {mentions} Nennungen", "{low} low · {mentions} mentions"),
    # personas, recommendations, retention and value (cjkit.stats.value, cjkit.plot.value)
    "value_detractors_at_risk": ("Umsatz der Kritiker im Risiko", "Revenue of detractors at risk"),
    "value_passives_to_promoters": ("Wert, Passive zu Promotoren zu machen", "Value of moving passives to promoters"),
    "value_assumption_detractors": (
        "Annahme: {detractor} der Kritiker wandern ab, aber nur {promoter} der Promotoren; ohne diesen Abstand "
        "blieben Kritiker wie Promotoren. Wert im Risiko = Wert der Kritiker × Abstand.",
        "Assumption: {detractor} of detractors churn against {promoter} of promoters; without that gap "
        "detractors would stay like promoters. Value at stake = detractors' value × the gap."),
    "value_assumption_passives": (
        "Annahme: Ein Passiver, der Promotor wird, erreicht den mittleren Wert der Promotoren "
        "({promoter} statt {passive} je Kunde).",
        "Assumption: a passive who becomes a promoter reaches the promoters' mean value "
        "({promoter} instead of {passive} per customer)."),
    "nps_group": ("NPS-Gruppe", "NPS group"),
    "nps_promoter": ("Promotoren", "Promoters"),
    "nps_passive": ("Passive", "Passives"),
    "nps_detractor": ("Kritiker", "Detractors"),
    "repurchase_axis": ("Anteil noch ohne erneute Buchung", "Share not yet rebooked"),
    "time_weeks": ("Wochen seit der Befragung", "Weeks since the survey"),
    "expected_gain_axis": ("Erwarteter Gewinn in der Gesamtzufriedenheit", "Expected gain in overall satisfaction"),
    "value_at_stake_axis": ("Wert im Risiko (EUR)", "Value at stake (EUR)"),
    "persona_proposal": ("Persona-Vorschlag", "Persona proposal"),
    "persona_k_axis": ("Anzahl Personas", "Number of personas"),
    "persona_silhouette": ("Silhouette (Trennung)", "Silhouette (separation)"),
    "persona_stability": ("Stabilität über Seeds (ARI)", "Stability across seeds (ARI)"),
    "title_value": ("Personas und Wert", "Personas and value"),
    "sec_value_personas": ("Persona-Vorschläge aus den Daten", "Persona proposals from the data"),
    "note_value_personas": (
        "k-Means auf standardisierten Antworten; die Anzahl ist die mit der besten Trennung (Silhouette) unter "
        "denen, die über Seeds stabil sind (ARI ≥ 0,8). Vorschläge zum Benennen und Bearbeiten.",
        "k-means on standardised answers; the number is the best separated (silhouette) among those stable "
        "across seeds (ARI ≥ 0.8). Proposals to name and edit."),
    "sec_value_distinguishing": ("Was die Vorschläge unterscheidet", "What distinguishes the proposals"),
    "sec_value_quotes": ("Stimmen nahe der Mitte jedes Vorschlags (maskiert)",
                         "Voices near the centre of each proposal (masked)"),
    "sec_value_recommendations": ("Was zuerst verbessern – je Persona", "What to improve first – per persona"),
    "note_value_recommendations": (
        "Erwarteter Gewinn = Wirkung des Touchpoints (Regression) × Abstand zum Zielwert; Intervall aus "
        "dem Bootstrap. Annahme: Die Wirkung ist kausal und linear.",
        "Expected gain = the touchpoint's effect (regression) × gap to the target; interval from the "
        "bootstrap. Assumption: the effect is causal and linear."),
    "sec_value_whatif": ("Was wäre, wenn …", "What if …"),
    "sec_value_link": ("Befragung und Buchungen verknüpft", "Survey and bookings joined"),
    "sec_value_repurchase": ("Erneute Buchung nach NPS-Gruppe", "Rebooking by NPS group"),
    "sec_value_clv": ("Kundenwert (BG/NBD und Gamma-Gamma)", "Customer lifetime value (BG/NBD and Gamma-Gamma)"),
    "sec_value_at_stake": ("Wert im Risiko", "Value at stake"),
    # journey-path report (cjkit.report.pathtables, cjkit.report.pathfindings)
    "title_journey_paths": ("Customer-Journey-Pfade", "Customer journey paths"),
    "path_head_source": ("Quelle", "Source"), "path_head_level": ("Ebene der Pfade", "Level of the paths"),
    "path_source_table": ("Pfadtabelle", "path table"), "path_source_events": ("Ereignisprotokoll", "event log"),
    "path_level_phase": ("Journey-Phasen", "journey phases"), "path_level_touchpoint": ("Touchpoints", "touchpoints"),
    "path_level_channel": ("Kanäle", "channels"),
    "sec_path_channels": ("Kanäle, Touchpoints und Phasen", "Channels, touchpoints and phases"),
    "sec_path_common": ("Häufigste Pfade", "Most common paths"),
    "sec_path_funnel": ("Funnel", "Funnel"),
    "sec_path_flow": ("Pfadfluss", "Path flow"),
    "sec_path_transitions": ("Übergänge zwischen den Kontakten", "Transitions between touches"),
    "sec_path_lengths": ("Pfadlängen, Schleifen und Rücksprünge", "Path lengths, loops and returns"),
    "sec_path_windows": ("Zeitfenster und Sitzungen", "Windows and sessions"),
    "note_path_windows": ("Regeln für Ereignisprotokolle: Ein Lookback-Fenster lässt Kontakte zu lange vor der "
                          "Conversion weg, ein Conversion-Fenster rechnet Conversions zu lange nach dem ersten Kontakt "
                          "nicht zu, eine Inaktivitätsgrenze beginnt nach einer langen Pause eine neue Journey. "
                          "Verglichen mit den Journeys ohne diese Regeln.",
                          "Rules for event logs: a lookback window leaves out touches too long before the conversion, "
                          "a conversion window does not credit conversions too long after the first touch, an "
                          "inactivity timeout starts a new journey after a long pause. Compared with the journeys "
                          "without these rules."),
    "note_path_no_windows": ("Zeitfenster und Sitzungen gelten für Ereignisprotokolle mit Zeitstempeln (Parameter "
                             "event_file mit lookback, conversion_window oder session_timeout); dieser Bericht "
                             "verwendet keine.",
                             "Windows and sessions apply to event logs with timestamps (parameter event_file with "
                             "lookback, conversion_window or session_timeout); this report uses none."),
    "sec_path_ordered": ("Geordneter Funnel", "Ordered funnel"),
    "note_path_ordered": ("Journeys, die die Stufen in dieser Reihenfolge durchlaufen: strikt (jede Stufe ist der "
                          "unmittelbar nächste Kontakt) und locker (andere Kontakte dürfen dazwischen liegen).",
                          "Journeys passing the stages in this order: strict (each stage is the very next touch) and "
                          "loose (other touches may lie between)."),
    "sec_path_backward": ("Rückwärts vom Abschluss", "Backward from the conversion"),
    "note_path_backward": ("Die letzten Kontakte vor jeder Conversion, vom Abschluss aus gelesen "
                           "(„Shop ‹ E-Mail“ = erst E-Mail, dann Shop, dann die Conversion).",
                           "The last touches before each conversion, read backward from it "
                           "('shop ‹ e-mail' = e-mail, then shop, then the conversion)."),
    "sec_path_touches": ("Kontakte und Zeit bis zur Conversion", "Touches and time to conversion"),
    "sec_path_attribution": ("Attribution", "Attribution"),
    "note_path_attribution": ("Faustregeln (erster und letzter Kontakt, linear, Zeitverfall, positionsbasiert) neben "
                              "dem datengetriebenen Markov-Modell. Removal-Effekt: Anteil der Conversions, der "
                              "verloren geht, wenn ein Kanal aus den Journeys entfernt wird.",
                              "Rules of thumb (first and last touch, linear, time decay, position-based) beside the "
                              "data-driven Markov model. Removal effect: share of conversions lost when a channel is "
                              "removed from the journeys."),
    "sec_path_compare": ("Shapley und Markov im Vergleich", "Shapley beside Markov"),
    "note_path_compare": ("Markov: Conversions nach dem Removal-Effekt, 95-%-Intervall aus dem Bootstrap (Journeys "
                          "neu gezogen). Shapley: Jede Kanalmenge mit Conversions teilt sie nach dem mittleren Beitrag "
                          "ihrer Kanäle.",
                          "Markov: conversions by removal effect, 95% interval from the bootstrap (journeys "
                          "resampled). Shapley: each converting channel set shares its conversions by its channels' "
                          "average marginal contribution."),
    "sec_path_participation": ("Beteiligung der Kanäle", "Channel participation"),
    "note_path_participation": ("Journeys und Conversions mit dem Kanal irgendwo im Pfad; unterstützt = Conversions, "
                                "an denen der Kanal beteiligt war, ohne der letzte Kontakt zu sein.",
                                "Journeys and conversions with the channel anywhere on the path; assisted = "
                                "conversions the channel took part in without being the last touch."),
    "sec_path_order": ("Prüfung der Markov-Ordnung", "Markov order check"),
    "note_path_order": ("Wie gut eine Markov-Kette der jeweiligen Ordnung Conversions vorhersagt (AUC), bestraft für "
                        "die Zahl ihrer Zustände.",
                        "How well a Markov chain of each order predicts conversions (AUC), penalised for its number "
                        "of states."),
    "sec_path_segments": ("Segmente", "Segments"),
    "sec_path_excluded": ("Ausgeschlossene und geänderte Zeilen", "Excluded and changed rows"),
    "note_path_excluded": ("Je Prüfung zusammengefasst; jede einzelne Zeile steht mit Datei, Zeile, Spalte und Grund "
                           "in excluded.csv.",
                           "Summarised per check; every single row is listed with file, row, column and reason in "
                           "excluded.csv."),
    "note_path_none_excluded": ("Keine Zeile wurde ausgeschlossen.", "No row was excluded."),
    # journey-path report: measures, columns and words
    "pm_n_journeys": ("Journeys", "Journeys"), "pm_n_distinct_paths": ("Verschiedene Pfade", "Distinct paths"),
    "pm_conversions": ("Conversions", "Conversions"), "pm_conversion_rate": ("Conversion-Rate", "Conversion rate"),
    "pm_value": ("Umsatz", "Value"), "pm_mean_steps": ("Kontakte je Journey (Mittelwert)", "Touches per journey (mean)"),
    "pm_median_steps": ("Kontakte je Journey (Median)", "Touches per journey (median)"),
    "pm_n_channels": ("Kanäle", "Channels"),
    "pm_n_input": ("Gelesene Zeilen", "Rows read"), "pm_n_excluded": ("Ausgeschlossene Zeilen", "Rows excluded"),
    "pm_share_repeat": ("Journeys mit demselben Kontakt zweimal hintereinander",
                        "Journeys with the same touch twice in a row"),
    "pm_share_loop": ("Journeys, die zu einem Kontakt zurückkehren", "Journeys returning to a touch"),
    "pm_share_return": ("Journeys mit Rücksprung in eine frühere Phase", "Journeys stepping back to an earlier phase"),
    "pm_mean_returns": ("Rücksprünge je Journey (Mittelwert)", "Steps back per journey (mean)"),
    "pm_conversion_rate_return": ("Conversion-Rate mit Rücksprung", "Conversion rate with a step back"),
    "pm_conversion_rate_no_return": ("Conversion-Rate ohne Rücksprung", "Conversion rate without a step back"),
    "pcol_channel": ("Kanal", "Channel"), "pcol_path": ("Pfad", "Path"), "pcol_path_back": ("Pfad rückwärts", "Path backward"),
    "pcol_stage": ("Stufe", "Stage"), "pcol_mode": ("Art", "Mode"), "pcol_journeys": ("Journeys", "Journeys"),
    "pcol_conversions": ("Conversions", "Conversions"), "pcol_conversion_rate": ("Conversion-Rate", "Conversion rate"),
    "pcol_value": ("Umsatz", "Value"), "pcol_share_of_start": ("Anteil vom Start", "Share of start"),
    "pcol_step_conversion": ("Weiter von der Vorstufe", "On from the stage before"),
    "pcol_drop_off": ("Abbrüche", "Drop-offs"), "pcol_steps_back": ("Kontakte zurück", "Touches back"),
    "pcol_touches": ("Kontakte", "Touches"), "pcol_cum_share": ("Kumuliert", "Cumulative"),
    "pcol_time": ("Zeit bis zur Conversion", "Time to conversion"),
    "pcol_markov": ("Markov", "Markov"), "pcol_shapley": ("Shapley", "Shapley"),
    "pcol_last_touch": ("Letzter Kontakt", "Last touch"), "pcol_in_interval": ("Shapley im Markov-Intervall",
                                                                               "Shapley inside the Markov interval"),
    "pcol_removal_effect": ("Removal-Effekt", "Removal effect"), "pcol_journeys_with": ("Journeys mit dem Kanal",
                                                                                       "Journeys with the channel"),
    "pcol_assists": ("Unterstützte Conversions", "Assisted conversions"),
    "pcol_assist_ratio": ("Unterstützt je letzter Kontakt", "Assisted per last touch"),
    "pcol_order": ("Ordnung", "Order"), "pcol_auc": ("AUC", "AUC"), "pcol_pauc": ("Bestrafte AUC", "Penalised AUC"),
    "pcol_suggested": ("vorgeschlagen", "suggested"), "pcol_without_rules": ("Ohne Regeln", "Without rules"),
    "pcol_with_rules": ("Mit Regeln", "With rules"), "pcol_n_steps": ("Kontakte je Journey", "Touches per journey"),
    "pcol_file": ("Datei", "File"), "pcol_row": ("Zeile", "Row"), "pcol_column": ("Spalte", "Column"),
    "pcol_approach": ("Ansatz", "Approach"),
    "path_node_conversion": ("Conversion", "Conversion"), "path_node_null": ("ohne Conversion", "No conversion"),
    "path_mode_strict": ("strikt", "strict"), "path_mode_loose": ("locker", "loose"),
    "pcol_figure": ("Wert", "Value"),
    "pcol_rows": ("Zeilen", "Rows"), "pcol_examples": ("Beispielzeilen", "Example rows"),
    "check_missing_customer_id": ("Kunden-ID fehlt", "Customer id missing"),
    "check_missing_channel": ("Kanal fehlt", "Channel missing"),
    "check_missing_timestamp": ("Zeitstempel fehlt", "Timestamp missing"),
    "check_bad_timestamp": ("Zeitstempel unlesbar", "Timestamp unreadable"),
    "check_bad_conversion": ("Conversion-Wert ungültig", "Conversion value invalid"),
    "check_duplicate_event": ("Doppeltes Ereignis", "Duplicate event"),
    "check_negative_count": ("Negative Anzahl", "Negative count"),
    "check_empty_path": ("Leerer Pfad", "Empty path"),
    "check_outside_lookback": ("Kontakt vor dem Lookback-Fenster", "Touch before the lookback window"),
    "check_outside_conversion_window": ("Conversion nach dem Conversion-Fenster", "Conversion after the conversion window"),
    "path_bin_0": ("unter 1 Stunde", "under 1 hour"), "path_bin_1": ("1 Stunde bis 1 Tag", "1 hour to 1 day"),
    "path_bin_2": ("1 bis 7 Tage", "1 to 7 days"), "path_bin_3": ("7 bis 30 Tage", "7 to 30 days"),
    "path_bin_4": ("30 Tage und mehr", "30 days and more"),
    "tile_path_journeys": ("Journeys", "Journeys"), "tile_path_conversions": ("Conversions", "Conversions"),
    "tile_path_rate": ("Conversion-Rate", "Conversion rate"), "tile_path_value": ("Umsatz", "Value"),
    "tile_path_touches": ("Kontakte je Journey (Mittelwert)", "Touches per journey (mean)"),
    "tile_path_top_channel": ("Stärkster Kanal (Markov)", "Strongest channel (Markov)"),
    "tile_path_share": ("Conversions, {share} aller", "conversions, {share} of all"),
    # journey-path report: findings in words
    "sum_topic_path_basis": ("Datenbasis", "Data basis"),
    "sum_topic_path_channels": ("Kanäle mit Conversions", "Channels carrying conversions"),
    "sum_topic_path_funnel": ("Geordneter Funnel", "Ordered funnel"),
    "sum_topic_path_attribution": ("Markov und Shapley", "Markov and Shapley"),
    "sum_topic_path_time": ("Weg zur Conversion", "Road to conversion"),
    "sum_topic_path_windows": ("Zeitfenster", "Windows"),
    "sum_path_basis": ("{journeys} Journeys mit {conversions} Conversions (Conversion-Rate {rate}); {excluded} von "
                       "{rows} Zeilen ausgeschlossen.",
                       "{journeys} journeys with {conversions} conversions (conversion rate {rate}); {excluded} of "
                       "{rows} rows excluded."),
    "sum_path_channels": ("Nach dem Markov-Modell tragen {channels} die meisten Conversions.",
                          "By the Markov model {channels} carry the most conversions."),
    "sum_path_channel_item": ("{channel} mit {value} Conversions ({share})", "{channel} with {value} conversions ({share})"),
    "sum_path_last": ("Als letzter Kontakt schließt {channel} am häufigsten ab ({value} Conversions).",
                      "As the last touch, {channel} closes most often ({value} conversions)."),
    "word_and": ("und", "and"),
    "path_rule_lookback": ("Lookback-Fenster", "lookback window"),
    "path_rule_conversion_window": ("Conversion-Fenster", "conversion window"),
    "path_rule_session_timeout": ("Inaktivitätsgrenze", "inactivity timeout"),
    "sum_path_funnel": ("Im strikten Funnel {stages} gehen die meisten Journeys zwischen {from_stage} und {to_stage} "
                        "verloren: nur {share} gehen direkt weiter ({n_to} von {n_from}); mit anderen Kontakten "
                        "dazwischen (locker) sind es {loose_share}.",
                        "In the strict funnel {stages} most journeys drop between {from_stage} and {to_stage}: only "
                        "{share} go straight on ({n_to} of {n_from}); with other touches between (loose) it is "
                        "{loose_share}."),
    "sum_path_funnel_single": ("Der Funnel hat nur eine Stufe ({stages}); es gibt keinen Übergang zu bewerten.",
                               "The funnel has a single stage ({stages}); there is no step to assess."),
    "sum_path_differ": ("Markov und Shapley unterscheiden sich am stärksten bei {channel}: {markov} gegenüber {shapley} "
                        "Conversions; bei {outside} von {k} Kanälen liegt der Shapley-Wert außerhalb des "
                        "95-%-Bootstrap-Intervalls von Markov.",
                        "Markov and Shapley differ most for {channel}: {markov} against {shapley} conversions; for "
                        "{outside} of {k} channels the Shapley value lies outside Markov's 95% bootstrap interval."),
    "sum_path_overlap": ("Die Bootstrap-Intervalle der beiden stärksten Kanäle nach Markov überschneiden sich "
                         "({first}: {first_low} bis {first_high}; {second}: {second_low} bis {second_high}): ihre "
                         "Reihenfolge ist nicht gesichert.",
                         "The bootstrap intervals of the two strongest channels by Markov overlap ({first}: "
                         "{first_low} to {first_high}; {second}: {second_low} to {second_high}): their order is not "
                         "established."),
    "sum_path_no_overlap": ("Die Bootstrap-Intervalle der beiden stärksten Kanäle nach Markov überschneiden sich nicht "
                            "({first}: {first_low} bis {first_high}; {second}: {second_low} bis {second_high}): "
                            "{first} liegt gesichert vorn.",
                            "The bootstrap intervals of the two strongest channels by Markov do not overlap ({first}: "
                            "{first_low} to {first_high}; {second}: {second_low} to {second_high}): {first} is ahead."),
    "sum_path_order": ("Die Prüfung der Ordnung schlägt eine Markov-Kette der Ordnung {suggested} vor; der Bericht "
                       "verwendet Ordnung {used}.",
                       "The order check suggests a Markov chain of order {suggested}; the report uses order {used}."),
    "sum_path_touches": ("Konvertierende Journeys brauchen im Median {median} Kontakte; {first} konvertieren beim "
                         "ersten Kontakt, {within3} spätestens beim dritten.",
                         "Converting journeys need {median} touches (median); {first} convert at the first touch, "
                         "{within3} by the third."),
    "sum_path_time": ("Vom ersten Kontakt bis zur Conversion vergehen bei {share} der Conversions weniger als 7 Tage; "
                      "die häufigste Dauer ist {mode_bin} ({mode_share}).",
                      "From the first touch to the conversion, {share} of conversions take less than 7 days; the most "
                      "common duration is {mode_bin} ({mode_share})."),
    "alt_path_flow": ("Pfadfluss über {steps} Schritte: {share} der Journeys beginnen mit {first}; {converted} enden "
                      "mit einer Conversion.",
                      "Path flow over {steps} steps: {share} of journeys start with {first}; {converted} end in a "
                      "conversion."),
    "alt_path_attribution": ("Balkendiagramm der zugeordneten Conversions je Kanal ({approaches}); die meisten nach "
                             "{model} erhält {channel} ({value}).",
                             "Bar chart of the conversions credited to each channel ({approaches}); by {model} "
                             "{channel} gets the most ({value})."),
    "method_topic_path_markov": ("Markov-Attribution", "Markov attribution"),
    "method_path_markov": ("Die Journeys werden als Markov-Kette der gewählten Ordnung über die Kanäle beschrieben (Start, "
                           "Kanäle, Conversion, keine Conversion) und exakt gelöst, ohne Simulation. Removal-Effekt eines "
                           "Kanals = Anteil der Conversion-Wahrscheinlichkeit, der verloren geht, wenn der Kanal aus den "
                           "Journeys entfernt wird; die Conversions werden im Verhältnis der Removal-Effekte auf die Kanäle "
                           "verteilt. Das 95-%-Intervall stammt aus einem Bootstrap: Die Journeys werden mit Zurücklegen "
                           "neu gezogen (multinomial über die verschiedenen Pfade und ihre Ergebnisse), das Intervall "
                           "sind die Perzentile der Wiederholungen. Überschneiden sich die Intervalle der beiden stärksten "
                           "Kanäle, gilt ihre Reihenfolge als nicht gesichert.",
                           "The journeys are described as a Markov chain of the chosen order over the channels (start, "
                           "channels, conversion, no conversion) and solved exactly, without simulation. A channel's "
                           "removal effect = the share of the conversion probability lost when the channel is removed "
                           "from the journeys; conversions are shared among the channels in proportion to their removal "
                           "effects. The 95% interval comes from a bootstrap: journeys are drawn again with replacement "
                           "(multinomial over the distinct paths and their outcomes) and the interval is the percentiles "
                           "of the replicates. When the intervals of the two strongest channels overlap, their order is "
                           "not established."),
    "method_topic_path_shapley": ("Shapley-Werte", "Shapley values"),
    "method_path_shapley": ("Jede Kanalmenge mit Conversions (die Kanäle, die eine Journey berührt hat, ohne Reihenfolge "
                            "und Wiederholung) ist ein eigenes kooperatives Spiel; der Wert einer Teilmenge ist die "
                            "Conversion-Rate der Journeys mit genau diesen Kanälen. Der Shapley-Wert eines Kanals ist sein "
                            "mittlerer Grenzbeitrag über alle Reihenfolgen der Kanäle der Menge; die Conversions jeder "
                            "Menge werden danach aufgeteilt. Mengen mit bis zu {max_exact} Kanälen werden exakt gelöst, "
                            "größere über Stichproben von Reihenfolgen.",
                            "Every converting channel set (the channels a journey touched, without order and repeats) is "
                            "a cooperative game of its own; the worth of a subset is the conversion rate of the journeys "
                            "with exactly those channels. A channel's Shapley value is its average marginal contribution "
                            "over all orderings of the set's channels, and each set's conversions are shared by it. Sets "
                            "of up to {max_exact} channels are solved exactly, larger ones by sampled orderings."),
    "method_topic_path_funnel": ("Geordneter Funnel", "Ordered funnel"),
    "method_path_funnel": ("Strikt zählt eine Journey für eine Stufe, wenn diese der unmittelbar nächste Kontakt nach der "
                           "vorigen Stufe ist; locker dürfen andere Kontakte dazwischen liegen. Weiter von der Vorstufe = "
                           "Journeys der Stufe / Journeys der Vorstufe. Die Zusammenfassung nennt den Übergang mit dem "
                           "kleinsten Anteil im strikten Funnel.",
                           "Strict counts a journey at a stage when the stage is the very next touch after the stage "
                           "before; loose allows other touches between. On from the stage before = journeys at the stage "
                           "/ journeys at the stage before. The summary names the step with the smallest share in the "
                           "strict funnel."),
    "method_topic_path_order": ("Ordnung der Markov-Kette", "Order of the Markov chain"),
    "method_path_order": ("Für jede Ordnung wird geprüft, wie gut die Kette Conversions vorhersagt (Fläche unter der "
                          "ROC-Kurve, AUC), bestraft für die Zahl ihrer Zustände, wie in ChannelAttribution "
                          "(choose_order); vorgeschlagen wird die Ordnung mit der höchsten bestraften AUC. Höhere "
                          "Ordnungen brauchen mehr Journeys je Zustand.",
                          "For each order the check measures how well the chain predicts conversions (area under the ROC "
                          "curve, AUC), penalised for its number of states, as in ChannelAttribution (choose_order); the "
                          "order with the highest penalised AUC is suggested. Higher orders need more journeys per state."),
    "sum_path_windows": ("Mit den Journey-Regeln ({rules}) bleiben {with_rules} von {without_rules} Conversions.",
                         "With the journey rules ({rules}) {with_rules} of {without_rules} conversions remain."),
    # flags and notes
    "low_base": ("Geringe Fallzahl – mit Vorsicht interpretieren", "Low base – interpret with caution"),
    "suppressed": ("Nicht ausgewiesen (Fallzahl zu gering)", "Not shown (base too small)"),
    "not_shown_short": ("Nicht ausgewiesen", "Not shown"),
    "not_applicable": ("Kommt in dieser Phase nicht vor", "Does not occur in this phase"),
    "ci95": ("95-%-Konfidenzintervall", "95% confidence interval"),
    "significant": ("signifikant", "significant"),
    "sig_change": ("Signifikante Veränderung zur Vorwelle", "Significant change vs previous wave"),
    "sig_higher_lower": ("signifikant höher/niedriger als der Rest", "significantly higher/lower than the rest"),
    # importance-performance quadrants (cjkit.stats.ipa)
    "quadrant_fix_first": ("Zuerst verbessern", "Fix first"),
    "quadrant_keep_up": ("Stärken halten", "Keep up the good work"),
    "quadrant_low_priority": ("Geringe Priorität", "Low priority"),
    "quadrant_possible_overkill": ("Möglicher Overkill", "Possible overkill"),
    # report titles (cjkit.report.sections.heading)
    "title_satisfaction": ("Zufriedenheitsbericht", "Satisfaction report"),
    "title_painpoints": ("Pain-Point-Bericht", "Pain-point report"),
    "title_journeymap": ("Customer Journey Map", "Customer journey map"),
    "title_explore": ("Exploration", "Exploration"),
    # journey-path charts (cjkit.plot.paths)
    "journeys": ("Journeys", "Journeys"),
    "step": ("Schritt", "Step"),
    "from": ("von", "from"),
    "to": ("nach", "to"),
    "order": ("Ordnung", "order"),
    # attribution rules
    "first_touch": ("Erster Kontakt", "First touch"), "last_touch": ("Letzter Kontakt", "Last touch"),
    "linear": ("Linear", "Linear"), "time_decay": ("Zeitverfall", "Time decay"),
    "position_based": ("Positionsbasiert", "Position-based"),
    "shapley": ("Shapley", "Shapley"), "markov": ("Markov", "Markov"),
    # attribution columns (cjkit.paths.attribution, shapley, credit)
    "approach": ("Ansatz", "Approach"),
    "removal_effect": ("Removal-Effekt", "Removal effect"),
    "removal_effect_value": ("Removal-Effekt (Umsatz)", "Removal effect (value)"),
    "attributed_conversions": ("Zugeordnete Conversions", "Attributed conversions"),
    "attributed_value": ("Zugeordneter Umsatz", "Attributed value"),
    "ci_low": ("KI untere Grenze", "CI lower bound"), "ci_high": ("KI obere Grenze", "CI upper bound"),
    "conversion_type": ("Conversion-Art", "Conversion type"),
    "conversion_rate": ("Conversion-Rate", "Conversion rate"),
    "participation": ("Beteiligung", "Participation"),
    "assists": ("Unterstützte Conversions", "Assisted conversions"),
    "assist_ratio": ("Verhältnis unterstützt/letzter Kontakt", "Assisted / last-touch ratio"),
    "cost": ("Kosten", "Cost"), "cpa": ("Kosten pro Conversion (CPA)", "Cost per acquisition (CPA)"),
    "roas": ("Umsatz je Werbe-Euro (ROAS)", "Return on ad spend (ROAS)"),
    "pauc": ("Bestrafte AUC", "Penalised AUC"),
    "share_lower": ("Anteil", "share"),
    # report sections that adapt to the survey (cjkit.report.plan)
    "unassigned": ("ohne Touchpoint", "no touchpoint"),
    "unassigned_phase": ("ohne Phase", "no phase"),
    "sum_unassigned_where": ("Bewertungen und Antworten ohne Touchpoint", "ratings and answers without a touchpoint"),
    "positive_share": ("Anteil positiv", "Share positive"),
    "section_omitted": ("Dieser Abschnitt entfällt", "This section is omitted"),
    "sentiment_agreement": ("Textstimmung und Bewertung stimmen {strength} überein (Spearmans rho {rho}; "
                            "gleiche Richtung bei {exact}, gegenläufig bei {opposite} von {n} Antworten)",
                            "Text sentiment and rating agree {strength} (Spearman's rho {rho}; same direction in "
                            "{exact}, opposite in {opposite} of {n} answers)"),
    "agreement_strong": ("stark", "strongly"),
    "agreement_moderate": ("mäßig", "moderately"),
    "agreement_weak": ("schwach", "weakly"),
    "sentiment_weak_warning": ("Achtung: schwache Übereinstimmung (rho unter 0,3). Die Textstimmung taugt hier nicht "
                               "als Ersatz für die Bewertung: die Kommentare selbst lesen.",
                               "Warning: weak agreement (rho below 0.3). Text sentiment is no stand-in for the rating "
                               "here: read the comments themselves."),
    "report_not_run": ("Bericht nicht erstellt", "Report not run"),
    "why_no_ratings": ("die Umfrage hat keine Bewertungsfragen (Rolle driver oder csat)",
                       "the survey has no rating questions (role driver or csat)"),
    "why_small_bases": ("keine Bewertungsfrage hat die Mindestbasis von 10 Antworten",
                        "no rating question has the minimum base of 10 answers"),
    "why_no_nps": ("die Umfrage hat keine NPS-Frage (Rolle nps)", "the survey has no NPS question (role nps)"),
    "why_no_outcome": ("die Umfrage hat keine Gesamtbewertung (Rolle overall oder outcome)",
                       "the survey has no overall outcome (role overall or outcome)"),
    "why_no_drivers": ("die Treiberanalyse braucht eine Gesamtbewertung (Rolle overall) und Bewertungsfragen (Rolle driver)",
                       "the driver analysis needs an overall outcome (role overall) and rating questions (role driver)"),
    "why_no_segments": ("keine Segmente zum Vergleichen (die Segmentspalte fehlt oder hat nur einen Wert)",
                        "no segments to compare (the segment column is missing or has a single value)"),
    "why_one_segment": ("der Bericht gilt einem Segment; der Vergleich steht im Bericht über alle",
                        "the report covers one segment; the comparison is in the report on all respondents"),
    "why_no_trend": ("weniger als zwei Wellen im Bericht", "fewer than two waves in the report"),
    "why_no_comments": ("die Umfrage hat keine offenen Antworten (Rolle comment)",
                        "the survey has no open answers (role comment)"),
    "why_no_sentiment": ("braucht offene Antworten und eine numerische Gesamtbewertung",
                         "needs open answers and a numeric overall rating"),
    "why_no_phases": ("keine Bewertungsfrage ist einer Journey-Phase zugeordnet (phase)",
                      "no rating question is assigned to a journey phase (phase)"),
    "why_no_painpoints": ("braucht Bewertungsfragen oder offene Antworten",
                          "needs rating questions or open answers"),
    # privacy
    "small_group": ("(kleine Gruppe)", "(small group)"),
    "mentions": ("Nennungen", "Mentions"),
    "suppressed_primary": ("unterdrückt: zu wenige Fälle", "suppressed: too few cases"),
    "suppressed_complementary": ("unterdrückt: schützt eine kleine Zelle", "suppressed: protects a small cell"),
    "suppressed_single_cell_line": ("unterdrückt: einzige Zelle, Summe nicht veröffentlichen",
                                    "suppressed: only cell, do not publish its total"),
    # pain points and banner tables
    "painpoint_method_score": (
        "Score = Anteil Unzufriedener x vorzeichenbehaftete abgeleitete Wichtigkeit. Anteil Unzufriedener: "
        "gewichteter Anteil der Bewertenden eines Touchpoints mit einer Bewertung in den unteren zwei "
        "Skalenstufen (z. B. 1 oder 2 auf einer Skala von 1 bis 5).",
        "Score = share dissatisfied x signed derived importance. Share dissatisfied: weighted share of the "
        "raters of a touchpoint who gave a bottom-2-box rating (e.g. 1 or 2 on a 1-5 scale)."),
    "painpoint_method_importance": (
        "Abgeleitete Wichtigkeit: relatives Gewicht (Johnson) des Touchpoints in der Treiberanalyse der "
        "Gesamtbewertung, in Prozent der Varianz der Gesamtbewertung (nicht in Prozent von R²), mit dem "
        "Vorzeichen des Regressionskoeffizienten. Ein Treiber, dessen höhere Bewertung mit einer schlechteren "
        "Gesamtbewertung einhergeht, hat eine negative Wichtigkeit und ist kein Pain Point.",
        "Derived importance: the touchpoint's relative weight (Johnson) in the driver analysis of the overall "
        "rating, in percent of the overall rating's variance (not in percent of R²), with the sign of the "
        "regression coefficient. A driver whose higher ratings go with a worse overall rating has a negative "
        "importance and is not a pain point."),
    "painpoint_method_gap": (
        "Leistung: gewichteter Mittelwert auf dem Index 0-100 (Skalenminimum = 0, Skalenmaximum = 100); "
        "Lücke = Zielwert {target} minus Leistung, in Indexpunkten.",
        "Performance: weighted mean on the 0-100 index (scale minimum = 0, scale maximum = 100); "
        "gap = target {target} minus performance, in index points."),
    "painpoint_method_mentions": (
        "Nennungen: gewichteter Anteil aller Befragten mit einer negativ codierten offenen Antwort zum "
        "Touchpoint; eine Nennung zählt für den Touchpoint, um den es im Text geht. Alle Größen sind "
        "absolut und hängen nicht von den anderen Touchpoints ab; sie sind daher zwischen Segmenten und "
        "Wellen vergleichbar.",
        "Mentions: weighted share of all respondents with a negatively coded open answer on the touchpoint; "
        "a mention counts for the touchpoint the text is about. Every figure is absolute and does not depend "
        "on the other touchpoints, so it can be compared across segments and waves."),
    "painpoint_method_rule": (
        "Ein Touchpoint ist ein Pain Point, wenn einer seiner Treiber in der Wichtigkeits-Leistungs-Analyse "
        "desselben Berichts im Quadranten \"Zuerst verbessern\" liegt. Pain Points werden nach dem Score "
        "gereiht, bei Gleichstand nach dem Anteil der Nennungen.",
        "A touchpoint is a pain point when one of its drivers lies in the \"fix first\" quadrant of the "
        "importance-performance analysis of the same report. Pain points are ranked by score, ties by the "
        "share of mentions."),
    "painpoint_method_exception": (
        "Ausnahme: Ein Touchpoint, den die Treiberanalyse nicht einordnen kann (keine Bewertung im Modell) "
        "oder als \"geringe Priorität\" einordnet, ist trotzdem ein Pain Point, wenn mindestens {share} "
        "aller Befragten ihn in offenen Antworten negativ nennen (und mindestens so viele wie die "
        "Mindestbasis).",
        "Exception: a touchpoint that the driver analysis cannot place (no rating in the model) or places as "
        "\"low priority\" is still a pain point when at least {share} of all respondents mention it "
        "negatively in open answers (and at least as many as the minimum base)."),
    "painpoint_status_fix_first": ("Zuerst verbessern", "Fix first"),
    "painpoint_status_raised_unprompted": ("Ungestützt häufig beklagt", "Often raised unprompted"),
    "painpoint_status_keep_up": ("Stärken halten", "Keep up the good work"),
    "painpoint_status_possible_overkill": ("Möglicher Overkill", "Possible overkill"),
    "painpoint_status_low_priority": ("Geringe Priorität", "Low priority"),
    "painpoint_status_negative_direction": ("Gegenläufiger Treiber", "Negative-direction driver"),
    "painpoint_status_no_position": ("Nicht im Treibermodell", "Not in the driver model"),
    "painpoint_status_suppressed": ("Basis zu klein", "Base too small"),
    "banner_sheet": ("Tabelle", "Table"),
    "banner_notes": ("Hinweise", "Notes"),
    "banner_question": ("Frage", "Question"),
    "banner_total": ("Gesamt", "Total"),
    "banner_top2": ("Top-2-Box", "Top-2 box"),
    "banner_base": ("Basis (ungewichtet)", "Base (unweighted)"),
    "banner_effective_base": ("Effektive Basis", "Effective base"),
    "banner_unweighted": ("ungewichtet", "unweighted"),
    "banner_correction_holm": ("Holm", "Holm"),
    "banner_correction_bonferroni": ("Bonferroni", "Bonferroni"),
    "banner_correction_bh": ("Benjamini-Hochberg", "Benjamini-Hochberg"),
    "banner_correction_fdr_bh": ("Benjamini-Hochberg", "Benjamini-Hochberg"),
    "banner_correction_none": ("keine", "none"),
    "banner_note_letters": (
        "Buchstaben: Der Wert ist signifikant höher als in der Spalte mit diesem Buchstaben "
        "(Spalten des Segments {segment}; Signifikanzniveau {alpha} nach Korrektur).",
        "Letters: the value is significantly higher than in the column with that letter "
        "(columns of the segment {segment}; significance level {alpha} after correction)."),
    "banner_note_tests": (
        "Tests: Anteile mit dem z-Test für zwei Anteile (gepoolter Anteil), Mittelwerte mit dem t-Test "
        "für zwei Stichproben (gepoolte Varianz der beiden Spalten); jedes Spaltenpaar einer Zeile wird getestet.",
        "Tests: percentages by the two-sample z-test of proportions (pooled proportion), means by the "
        "two-sample t-test (pooled variance of the two columns); every pair of columns of a row is tested."),
    "banner_note_correction": (
        "Korrektur für multiples Testen: {correction}, über alle Spaltenpaare einer Zeile.",
        "Multiple-testing correction: {correction}, over all column pairs of a row."),
    "banner_note_effective_base": (
        "Die Tests verwenden die effektive Basis (Kish): (Summe der Gewichte)² / Summe der quadrierten Gewichte.",
        "The tests use the effective base (Kish): (sum of weights)² / sum of squared weights."),
    "banner_note_low_base": (
        "Werte in Klammern: Basis unter {min_n} Befragten, mit Vorsicht interpretieren.",
        "Values in brackets: base below {min_n} respondents, interpret with caution."),
    "banner_note_suppressed": (
        "Strich: Basis unter {suppress_n} Befragten, nicht ausgewiesen und nicht getestet.",
        "Dash: base below {suppress_n} respondents, not shown and not tested."),
    "banner_note_weight": ("Gewichtung: {weight}.", "Weighting: {weight}."),
    "banner_note_total": ("Die Spalte Gesamt wird nicht getestet.", "The Total column is not tested."),
    # deliverables and journey map
    "page_of": ("Seite {page} von {pages}", "Page {page} of {pages}"),
    "survey": ("Umfrage", "Survey"),
    "source": ("Quelle", "Source"),
    "key_figures": ("Kennzahlen", "Key figures"),
    "figure": ("Kennzahl", "Figure"),
    "value": ("Wert", "Value"),
    "respondents_input": ("Befragte im Datensatz", "Respondents in the data"),
    "respondents_kept": ("Befragte nach Qualitätsprüfung", "Respondents after quality checks"),
    "respondents_in_scope": ("Befragte im Bericht", "Respondents in the report"),
    "suffix_mean": ("Mittelwert", "mean"),
    "suffix_top2": ("Top-2-Box", "top-2 box"),
    "suffix_index": ("Index (0–100)", "index (0–100)"),
    "chart_satisfaction_by_touchpoint": ("Zufriedenheit nach Touchpoint", "Satisfaction by touchpoint"),
    "chart_nps_distribution": ("Weiterempfehlung (NPS)", "Likelihood to recommend (NPS)"),
    "chart_drivers": ("Treiber der Gesamtzufriedenheit", "Drivers of overall satisfaction"),
    "chart_importance_performance": ("Wichtigkeit und Leistung", "Importance and performance"),
    "chart_persona_comparison": ("Personas im Vergleich", "Personas compared"),
    "chart_wave_trend": ("Entwicklung über die Wellen", "Trend across waves"),
    "chart_journey_map": ("Customer Journey Map", "Customer journey map"),
    "chart_pain_points": ("Die wichtigsten Pain Points", "Top pain points"),
    "chart_journey_comparison": ("Emotionskurven der Personas", "Emotion curves of the personas"),
    "chart_funnel": ("Funnel", "Funnel"), "chart_flow": ("Pfadfluss", "Path flow"),
    "chart_transitions": ("Übergänge zwischen den Kontakten", "Transitions between touches"),
    "chart_attribution": ("Attribution: Faustregeln und Markov", "Attribution: rules of thumb and Markov"),
    "chart_attribution_shapley_markov": ("Shapley und Markov im Vergleich", "Shapley beside Markov"),
    "chart_persona_selection": ("Wahl der Anzahl Personas", "Choosing the number of personas"),
    "chart_recommendations": ("Was zuerst verbessern – je Persona", "What to improve first – per persona"),
    "chart_rebooking": ("Erneute Buchung nach NPS-Gruppe", "Rebooking by NPS group"),
    "chart_value_at_stake": ("Wert im Risiko", "Value at stake"),
    "fig_personas_proposed": ("Vorgeschlagene Personas", "Personas proposed"),
    "fig_matched": ("Befragte mit Buchungen verknüpft", "Respondents joined to bookings"),
    "guiding_question": ("Leitfrage", "Guiding question"),
    "goals": ("Ziele", "Goals"),
    "needs": ("Bedürfnisse", "Needs"),
    "channels": ("Kanäle", "Channels"),
    "touchpoints": ("Touchpoints", "Touchpoints"),
    "pain_points": ("Pain Points", "Pain points"),
    "opportunities": ("Chancen", "Opportunities"),
    "all_respondents": ("Alle Befragten", "All respondents"),
    # statistics diagnostics
    "diagnostics_check": ("Prüfung", "Check"),
    "diagnostics_action": ("Folge", "Action"),
    "diagnostics_reason": ("Grund", "Reason"),
    "diag_missing_outcome": ("Gesamtbewertung fehlt", "Outcome missing"),
    "diag_zero_weight": ("Gewicht 0", "Weight 0"),
    "diag_no_answers": ("Keine Antworten", "No answers"),
    "diag_constant": ("Keine Streuung", "No variance"),
    "diag_duplicate": ("Doppelte Frage", "Duplicated question"),
    "diag_collinearity": ("Kollinearität (VIF)", "Collinearity (VIF)"),
    "diag_missing_answer": ("Fehlende Antworten", "Missing answers"),
    "diag_respondents_used": ("Verwendete Befragte", "Respondents used"),
    "diag_positive_definite": ("Korrelationsmatrix nicht positiv definit", "Correlation matrix not positive definite"),
    "diag_constant_outcome": ("Gesamtbewertung ohne Streuung", "Outcome without variance"),
    "diag_regression": ("Regression", "Regression"),
    "diag_action_not_fitted": ("nicht geschätzt", "not fitted"),
    "diag_action_excluded": ("ausgeschlossen", "excluded"),
    "diag_action_refused": ("Analyse abgelehnt", "analysis refused"),
    "diag_action_respondents_excluded": ("Befragte ausgeschlossen", "respondents excluded"),
    "diag_action_pairwise": ("paarweise genutzt", "used pairwise"),
    "diag_action_adjusted": ("korrigiert", "adjusted"),
    "diag_action_warning": ("Warnung", "warning"),
    "diag_action_ok": ("in Ordnung", "ok"),
    "diag_action_info": ("Hinweis", "note"),
    "diag_reason_missing_outcome": ("{value:.0f} Befragte ohne Antwort auf „{question}“",
                                    "{value:.0f} respondents without an answer to '{question}'"),
    "diag_reason_zero_weight": ("{value:.0f} Befragte mit Gewicht 0", "{value:.0f} respondents with weight 0"),
    "diag_reason_no_answers": ("„{question}“ hat keine gewichtete Antwort", "'{question}' has no weighted answer"),
    "diag_reason_constant": ("„{question}“ streut bei den verwendeten Befragten nicht",
                             "'{question}' has no variance among the respondents used"),
    "diag_reason_duplicate": ("„{question}“ wiederholt eine andere Frage (Korrelation {value:.6f}); die erste wird behalten",
                              "'{question}' repeats another question (correlation {value:.6f}); the first is kept"),
    "diag_reason_collinearity": ("VIF {value:.1f} (Grenze {threshold:.0f})", "VIF {value:.1f} (limit {threshold:.0f})"),
    "diag_reason_missing_answer": ("{value:.0f} Befragte ohne Antwort auf „{question}“",
                                   "{value:.0f} respondents without an answer to '{question}'"),
    "diag_reason_respondents_used": ("{value:.0f} von {threshold:.0f} Befragten im Modell ({share:.0f} %); die "
                                     "übrigen haben keine Gesamtbewertung, Gewicht 0 oder eine fehlende Antwort",
                                     "{value:.0f} of {threshold:.0f} respondents in the model ({share:.0f} %); the "
                                     "others have no outcome, weight 0 or a missing answer"),
    "diag_reason_positive_definite": ("kleinster Eigenwert {value:.3g}; die nächstliegende positiv definite Matrix wird verwendet",
                                      "smallest eigenvalue {value:.3g}; the nearest positive definite matrix is used"),
    "diag_reason_regression": ("nur {value:.0f} Befragte haben jeden Treiber bewertet (nötig: {threshold:.0f}): "
                               "keine Koeffizienten; die relativen Gewichte nutzen paarweise Korrelationen",
                               "only {value:.0f} respondents rated every driver ({threshold:.0f} needed): no "
                               "coefficients; the relative weights use pairwise correlations"),
    "diag_reason_constant_outcome": ("„{question}“ streut nicht: es gibt nichts zu erklären",
                                     "'{question}' has no variance: there is nothing to explain"),

    # index page of a batch run
    "index_all_segment": ("Gesamt", "Total"),
    "index_all_wave": ("alle Wellen", "all waves"),
    "index_all_other": ("alle", "all"),
    "index_report": ("Bericht", "Report"),
    "index_data_quality": ("Datenqualität", "Data quality"),
    "index_data": ("Datendatei", "Data file"),
    "index_n_input": ("Zeilen in der Datei", "Rows in the file"),
    "index_n_kept": ("Verwertbare Befragte", "Usable respondents"),
    "index_n_excluded": ("Ausgeschlossen", "Excluded"),
    "index_n_values_changed": ("Bereinigte Werte", "Values cleaned"),
    "index_n_flagged": ("Markierte Werte", "Values flagged"),
    "index_key_figures": ("Kennzahlen", "Key figures"),
    "index_status": ("Status", "Status"),
    "index_note": ("Hinweis", "Note"),
    "index_omitted": ("Entfällt", "Omitted"),
    "index_run": ("Lauf", "Run"),
    "index_survey": ("Umfrage", "Survey"),
    "index_reports": ("Berichte", "reports"),
    "index_failed": ("fehlgeschlagen", "failed"),
    "index_erased": ("gelöschte Befragte", "erased respondents"),
    "index_errors_before": ("Fehler vor dem Lauf", "Errors before the run"),
    # coding workbench and exploration panel (cjkit.workbench)
    "wb_coded": ("codiert", "coded"),
    "wb_answer": ("Antwort", "Answer"),
    "wb_suggestions": ("Vorschläge", "Suggestions"),
    "wb_codes": ("Vergebene Codes", "Codes given"),
    "wb_rule": ("Regel", "rule"),
    "wb_model": ("Modell", "model"),
    "wb_accept": ("Übernehmen", "Accept"),
    "wb_reject": ("Ablehnen", "Reject"),
    "wb_remove": ("Entfernen", "Remove"),
    "wb_add": ("Code hinzufügen", "Add code"),
    "wb_memo": ("Memo", "Memo"),
    "wb_next": ("Fertig, weiter", "Done, next"),
    "wb_accept_all": ("Alle Vorschläge übernehmen, weiter", "Accept all suggestions, next"),
    "wb_keys": ("Tasten (Eingabe): a = alle übernehmen, n = weiter, 1–9 = Vorschlag übernehmen",
                "Keys (Enter): a = accept all, n = next, 1–9 = accept suggestion"),
    "wb_all_done": ("Alle Antworten sind codiert.", "All answers are coded."),
    "wb_agreement": ("Übereinstimmung Lernmodell – Forscher", "Agreement learning coder – researcher"),
    "wb_no_model": ("Das Lernmodell wird nach den ersten codierten Antworten trainiert.",
                    "The learning coder is trained after the first coded answers."),
    "wb_export": ("REFI-QDA exportieren", "Export REFI-QDA"),
    "wb_exported": ("Geschrieben", "Written"),
    "wb_compare": ("Codierer vergleichen", "Compare coders"),
    "wb_disagreements": ("Abweichungen", "Disagreements"),
    "wb_consolidate": ("Konsolidierte Codierung schreiben", "Write consolidated coding"),
    "wb_answers_coded": ("codierte Antworten", "coded answers"),
    "wb_kappa": ("Cohens κ", "Cohen's κ"),
    "wb_alpha": ("Krippendorffs α", "Krippendorff's α"),
    "wb_f1": ("F1", "F1"),
    "cb_drafts": ("Entwürfe aus der Themenfindung", "Drafts from theme discovery"),
    "cb_operation": ("Änderung", "Edit"),
    "cb_code": ("Code", "Code"),
    "cb_target": ("Ziel/Eltern", "Target/parent"),
    "cb_new_id": ("Neue ID", "New id"),
    "cb_apply": ("Anwenden (geprüft)", "Apply (validated)"),
    "cb_save": ("YAML speichern", "Save YAML"),
    "ex_filter": ("Filter", "Filter"),
    "ex_language": ("Sprache", "Language"),
    "ex_run_file": ("Als Berichtslauf speichern", "Save as report run"),
    "ex_drill": ("Drill-down", "Drill-down"),
    "ex_ratings": ("Bewertungen", "Ratings"),
    # persona and value report: table headers, summary sentences, methods
    "col_k": ("Anzahl Personas", "Number of personas"), "col_silhouette": ("Silhouette", "Silhouette"),
    "col_stability": ("Stabilität (ARI)", "Stability (ARI)"), "col_stable": ("stabil", "stable"),
    "col_chosen": ("gewählt", "chosen"), "col_proposal": ("Vorschlag", "Proposal"),
    "col_variable": ("Merkmal", "Characteristic"), "col_level": ("Ausprägung", "Level"),
    "col_proposal_value": ("Wert im Vorschlag", "Value in the proposal"),
    "col_rest_value": ("Wert der Übrigen", "Value of the others"), "col_estimate": ("Schätzwert", "Estimate"),
    "col_stake_item": ("Größe", "Item"),
    "col_effect_size": ("Effektstärke", "Effect size"), "col_current": ("Aktuell", "Current"),
    "col_target": ("Ziel", "Target"), "col_expected_gain": ("Erwarteter Gewinn", "Expected gain"),
    "col_complaints": ("Beschwerden", "Complaints"), "col_new": ("Neu", "New"),
    "col_predicted_change": ("Erwartete Änderung", "Predicted change"), "col_side": ("Seite", "Side"),
    "col_matched": ("verknüpft", "matched"), "col_unmatched": ("nicht verknüpft", "unmatched"),
    "col_model": ("Modell", "Model"), "col_parameter": ("Parameter", "Parameter"),
    "col_log_likelihood": ("Log-Likelihood", "Log-likelihood"), "col_rate": ("Anteil", "Rate"),
    "col_value_at_stake": ("Wert im Risiko (EUR)", "Value at stake (EUR)"),
    "col_base_value": ("Wert der Gruppe (EUR)", "Value of the group (EUR)"),
    "col_hazard_ratio": ("Hazard Ratio", "Hazard ratio"), "col_term": ("Gruppe", "Group"),
    "col_value_at_stake_amount": ("Wert im Risiko", "Value at stake"),
    "col_base_value_amount": ("Wert der Gruppe", "Value of the group"),
    "value_at_stake_axis_currency": ("Wert im Risiko ({currency})", "Value at stake ({currency})"),
    "col_events": ("Buchungen", "Bookings"), "col_p_value": ("p", "p"),
    "total_outcome": ("Gesamt (Zielgröße)", "Total (outcome)"),
    "side_survey": ("Befragung", "Survey"), "side_customers": ("Kundendatei", "Customer file"),
    "model_bgnbd": ("BG/NBD", "BG/NBD"), "model_gamma_gamma": ("Gamma-Gamma", "Gamma-Gamma"),
    "sum_topic_personas": ("Personas", "Personas"), "sum_topic_recommendations": ("Was zuerst", "What first"),
    "sum_topic_value": ("Wert im Risiko", "Value at stake"),
    "sum_value_personas": ("Die Daten legen {k} Personas nahe: unter den stabilen Lösungen (mittlerer ARI ab {min_ari}) "
                           "trennt diese Anzahl am besten (Silhouette {silhouette}).",
                           "The data suggest {k} personas: among the stable solutions (mean ARI of at least "
                           "{min_ari}) this number separates best (silhouette {silhouette})."),
    "sum_value_recommendation": ("{segment}: zuerst {driver} verbessern – erwarteter Gewinn {gain} "
                                 "(95-%-KI {low} bis {high}; n = {n}).",
                                 "{segment}: improve {driver} first – expected gain {gain} "
                                 "(95% CI {low} to {high}; n = {n})."),
    "sum_value_stake": ("{label}: {value} (n = {n}).", "{label}: {value} (n = {n})."),
    "method_topic_persona_k": ("Anzahl der Personas", "Number of personas"),
    "method_persona_k": ("Die Befragten werden mit k-means über die gewählten Merkmale gruppiert (Zahlen als "
                         "z-Werte), für jede Anzahl mit mehreren Startwerten. Stabil ist eine Anzahl, wenn die "
                         "Lösungen der Startwerte im Mittel einen bereinigten Rand-Index (ARI) von mindestens "
                         "{min_ari} erreichen; unter den stabilen Anzahlen wird die mit der höchsten mittleren "
                         "Silhouette gewählt.",
                         "Respondents are grouped by k-means on the chosen characteristics (numbers as z-scores), "
                         "for each number of personas with several seeds. A number is stable when the seeds' "
                         "solutions reach a mean adjusted Rand index (ARI) of at least {min_ari}; among the stable "
                         "numbers the one with the highest mean silhouette is chosen."),
    "method_topic_expected_gain": ("Erwarteter Gewinn", "Expected gain"),
    "method_expected_gain": ("Je Persona wird die Gesamtzufriedenheit linear (gewichtet) auf die Touchpoint-Werte "
                             "regressiert. Erwarteter Gewinn = Effekt × Lücke, Lücke = max(Ziel − aktueller "
                             "Mittelwert, 0); Ziel ist das obere Quartil aller Befragten oder der Wert der besten "
                             "Persona. Das 95-%-Intervall stammt aus einem Bootstrap über die Befragten "
                             "(Perzentile der Wiederholungen).",
                             "Per persona, overall satisfaction is regressed (weighted, linear) on the touchpoint "
                             "scores. Expected gain = effect × gap, gap = max(target − current mean, 0); the target "
                             "is the upper quartile of all respondents or the best persona's mean. The 95% "
                             "interval comes from a bootstrap over respondents (percentiles of the resamples)."),
    "method_topic_clv": ("Kundenwert", "Customer lifetime value"),
    "method_clv": ("Kaufhäufigkeit und Abwanderung folgen dem BG/NBD-Modell, der Wert je Buchung dem "
                   "Gamma-Gamma-Modell (Fader, Hardie und Lee 2005, „Counting your customers“ the easy way, "
                   "Marketing Science 24(2); Fader und Hardie 2013). Beide werden per Maximum Likelihood auf "
                   "Häufigkeit, Aktualität und Beobachtungsdauer je Kunde geschätzt; der Kundenwert ist die "
                   "erwartete Zahl der Buchungen im Horizont mal dem erwarteten Wert je Buchung (ohne Abzinsung).",
                   "Purchase frequency and dropout follow the BG/NBD model, the value per purchase the Gamma-Gamma "
                   "model (Fader, Hardie and Lee 2005, \"Counting your customers\" the easy way, Marketing "
                   "Science 24(2); Fader and Hardie 2013). Both are fitted by maximum likelihood on frequency, "
                   "recency and observation time per customer; the lifetime value is the expected number of "
                   "purchases in the horizon times the expected value per purchase (not discounted)."),
    "method_topic_value_at_stake": ("Wert im Risiko", "Value at stake"),
    "method_value_at_stake": ("Verloren ist, wer nach der Befragung nicht innerhalb der gewählten Wochen erneut "
                              "bucht; Gäste, die noch nicht so lange beobachtet sind, zählen nicht mit. Wert im "
                              "Risiko der Kritiker = ihr Kundenwert × der Anteil, um den ihre Abwanderung über der "
                              "der Promotoren liegt; Wert der Passiven = ihre Zahl × der Abstand ihres mittleren "
                              "Kundenwerts zu dem der Promotoren. Die Annahmen stehen im "
                              "Abschnitt Wert im Risiko; die Beträge sind Schätzungen, keine Prognosen.",
                              "Lost means no new booking within the chosen weeks after the survey; guests not yet "
                              "observed that long are left out. Value at stake of detractors = their lifetime "
                              "value × the share by which their churn exceeds the promoters'; value of passives = "
                              "their number × the gap between their mean lifetime value and the promoters'. The assumptions are listed in the value-at-stake section; the amounts "
                              "are estimates, not forecasts."),
}


def check_lang(lang, name: str = "lang") -> str:
    """Return *lang* if it is a report language, else raise :class:`~cjkit.errors.ParameterError`.

    Parameters
    ----------
    lang : str
        The value to check.
    name : str
        The parameter name the error message shows (e.g. ``"label_lang"``).

    Returns
    -------
    str
        *lang* unchanged.

    Examples
    --------
    >>> check_lang("de")
    'de'
    >>> check_lang("fr")
    Traceback (most recent call last):
    ...
    cjkit.errors.ParameterError: parameter 'lang' got 'fr'; allowed: de, en
    """
    if not isinstance(lang, str) or lang not in LANGS:
        raise ParameterError(name, lang, allowed=LANGS)
    return lang


def label(key: str, lang: str = "de") -> str:
    """The fixed text for *key* in *lang*.

    Parameters
    ----------
    key : str
        A key of :data:`LABELS`, e.g. ``"base"``, ``"low_base"``, ``"quadrant_fix_first"``.
    lang : {"de", "en"}

    Returns
    -------
    str

    Raises
    ------
    ParameterError
        For a key the catalog does not have (a typo would otherwise print the key in a report).

    Examples
    --------
    >>> label("suppressed", "en")
    'Not shown (base too small)'
    >>> label("sufficent", "en")
    Traceback (most recent call last):
    ...
    cjkit.errors.ParameterError: parameter 'key' got 'sufficent'; allowed: a key of cjkit.catalog.i18n.LABELS
    """
    check_lang(lang)
    pair = LABELS.get(key)
    if pair is None:
        raise ParameterError("key", key, allowed="a key of cjkit.catalog.i18n.LABELS")
    return pair[LANGS.index(lang)]


def label_or(key: str, lang: str = "de", fallback: str | None = None) -> str:
    """The fixed text for *key* in *lang*, or *fallback* when the catalog has no such key.

    For keys built from data (a status, a check, a report type) where an unknown value is shown
    as it is; :func:`label` is for keys the code names, where a typo must fail.

    Parameters
    ----------
    key : str
        A key that may or may not be in :data:`LABELS`.
    lang : {"de", "en"}
    fallback : str, optional
        Shown for an unknown key; default the key itself.

    Returns
    -------
    str

    Examples
    --------
    >>> label_or("base", "de"), label_or("diag_unknown_check", "en", "unknown check")
    ('Basis', 'unknown check')
    """
    check_lang(lang)
    return label(key, lang) if key in LABELS else (key if fallback is None else fallback)


def labels(keys, lang: str = "de") -> dict[str, str]:
    """Key -> text in *lang* for several keys (each checked as in :func:`label`).

    Parameters
    ----------
    keys : iterable of str
    lang : {"de", "en"}

    Returns
    -------
    dict

    Examples
    --------
    >>> labels(["segment", "wave", "respondents"], "de")
    {'segment': 'Segment', 'wave': 'Welle', 'respondents': 'Befragte'}
    """
    return {k: label(k, lang) for k in keys}


def _field(obj, name: str):
    """A field of a catalog entry, whether it is a mapping or an object with attributes."""
    return obj[name] if isinstance(obj, dict) else getattr(obj, name)


def phase_labels(model, lang: str = "de") -> dict[str, str]:
    """Phase id -> label in *lang* of a loaded journey model.

    Parameters
    ----------
    model : mapping or object with ``phases``
        A journey model as :func:`cjkit.catalog.models.get` returns it; each phase has
        ``id``, ``label_de`` and ``label_en``. ``None`` gives ``{}``.
    lang : {"de", "en"}

    Returns
    -------
    dict

    Examples
    --------
    >>> m = {"phases": [{"id": "search", "label_de": "Suche", "label_en": "Search"}]}
    >>> phase_labels(m, "de"), phase_labels(None, "en")
    ({'search': 'Suche'}, {})
    """
    check_lang(lang)
    if model is None:
        return {}
    return {_field(p, "id"): _field(p, f"label_{lang}") for p in _field(model, "phases")}


def touchpoint_labels(ids, lang: str = "de", catalog=None) -> dict:
    """Touchpoint id -> label in *lang* from a touchpoint catalog; unknown ids keep their id.

    Parameters
    ----------
    ids : iterable or None
        Touchpoint ids to name; ``None`` names every touchpoint of *catalog*.
    lang : {"de", "en"}
    catalog : DataFrame
        Columns ``id``, ``label_de``, ``label_en`` (as :func:`cjkit.catalog.touchpoints.load` returns).

    Returns
    -------
    dict

    Examples
    --------
    >>> import pandas as pd
    >>> cat = pd.DataFrame({"id": ["reception"], "label_de": ["Rezeption"], "label_en": ["Reception"]})
    >>> touchpoint_labels(["reception", "spa"], "de", cat)
    {'reception': 'Rezeption', 'spa': 'spa'}
    """
    check_lang(lang)
    if catalog is None:
        raise ParameterError("catalog", None, message="touchpoint_labels needs a touchpoint catalog")
    known = dict(zip(catalog["id"], catalog[f"label_{lang}"]))
    if ids is None:
        return known
    return {i: known.get(i, str(i)) for i in ids}


def resolve_locale(lang: str | None = None, locale: str | None = None) -> str:
    """The locale to format for: *locale* if given, else the default locale of *lang*.

    Parameters
    ----------
    lang : {"de", "en"}, optional
    locale : {"de_DE", "de_AT", "de_CH", "en_GB", "en_US"}, optional

    Returns
    -------
    str

    Examples
    --------
    >>> resolve_locale("de"), resolve_locale("en"), resolve_locale(locale="de_CH")
    ('de_DE', 'en_GB', 'de_CH')
    """
    if locale is not None:
        if locale not in LOCALES:
            raise ParameterError("locale", locale, allowed=LOCALES)
        return locale
    return DEFAULT_LOCALE[check_lang(lang if lang is not None else "de")]


def _missing(x) -> bool:
    try:
        return x is None or math.isnan(float(x))
    except (TypeError, ValueError):
        return x is not None and str(x) in ("<NA>", "NaT")


def _rounded(x, decimals: int) -> Decimal:
    """*x* rounded as Python's own formatting rounds it, as an exact Decimal.

    ``round`` works on the binary value (``round(2.675, 2) == 2.67``) exactly like
    ``f"{x:.2f}"``; Babel alone would round the decimal text ("2.675" -> 2.68). Rounding
    first keeps every figure equal to the one the tables show, and "-0,0" becomes "0,0".
    """
    r = round(float(x), decimals)
    return Decimal(repr(r + 0.0 if r == 0 else r))


def _check_decimals(decimals) -> int:
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 10:
        raise ParameterError("decimals", decimals, allowed="a whole number 0..10")
    return decimals


def _pattern(loc: str, kind: str, decimals: int):
    locale = Locale.parse(loc)
    source = locale.decimal_formats[None] if kind == "decimal" else locale.percent_formats[None]
    pattern = babel.numbers.parse_pattern(source.pattern)
    pattern.frac_prec = (decimals, decimals)  # fixed decimals: a column of figures lines up
    return pattern, locale


def format_number(x, *, lang: str | None = "de", locale: str | None = None, decimals: int = 1,
                  sign: bool = False) -> str:
    """A number in the conventions of a locale (grouping, decimal separator), by Babel.

    Parameters
    ----------
    x : float
        The number; ``None``/NaN give :data:`MISSING`.
    lang : {"de", "en"}
        Report language; picks the locale of :data:`DEFAULT_LOCALE`.
    locale : {"de_DE", "de_AT", "de_CH", "en_GB", "en_US"}, optional
        Overrides the locale of *lang*.
    decimals : int
        Digits after the decimal separator (always shown).
    sign : bool
        Show "+" before positive numbers (for changes and NPS); zero gets no sign.

    Returns
    -------
    str

    Examples
    --------
    >>> format_number(1234.56, lang="de"), format_number(1234.56, lang="en", decimals=0)
    ('1.234,6', '1,235')
    >>> format_number(-0.04, lang="de"), format_number(23, lang="en", decimals=0, sign=True)
    ('0,0', '+23')
    >>> format_number(1234.5, locale="de_CH", decimals=2), format_number(float("nan"))
    ("1'234.50", '–')
    """
    loc = resolve_locale(lang, locale)
    _check_decimals(decimals)
    if _missing(x):
        return MISSING
    value = _rounded(x, decimals)
    pattern, locale_obj = _pattern(loc, "decimal", decimals)
    text = pattern.apply(value, locale_obj)
    return ("+" + text) if sign and value > 0 else text


def format_percent(x, *, lang: str | None = "de", locale: str | None = None, decimals: int = 0,
                   sign: bool = False) -> str:
    """A share (0..1) as a percentage in the conventions of a locale, by Babel.

    German (de_DE, de_AT) writes a non-breaking space before the percent sign, English and
    Swiss German do not (CLDR).

    Parameters
    ----------
    x : float
        A share; 0.42 is 42 %.
    lang, locale, decimals, sign
        As in :func:`format_number`; *decimals* counts digits of the percentage.

    Returns
    -------
    str

    Examples
    --------
    >>> format_percent(0.425, lang="de", decimals=1), format_percent(0.425, lang="en")
    ('42,5\\xa0%', '42%')
    >>> format_percent(0.05, locale="de_CH", sign=True)
    '+5%'
    """
    loc = resolve_locale(lang, locale)
    _check_decimals(decimals)
    if _missing(x):
        return MISSING
    value = _rounded(float(x) * 100, decimals)
    pattern, locale_obj = _pattern(loc, "percent", decimals)
    text = pattern.apply(value / 100, locale_obj)
    return ("+" + text) if sign and value > 0 else text


def format_date(d, *, lang: str | None = "de", locale: str | None = None, format: str = "medium") -> str:  # noqa: A002
    """A date in the conventions of a locale, by Babel.

    Parameters
    ----------
    d : date, datetime or pandas Timestamp
        ``None``/NaT give :data:`MISSING`.
    lang, locale
        As in :func:`format_number`.
    format : {"short", "medium", "long", "full"} or a CLDR pattern such as ``"MMMM y"``

    Returns
    -------
    str

    Examples
    --------
    >>> import datetime
    >>> day = datetime.date(2026, 1, 5)
    >>> format_date(day, lang="de"), format_date(day, locale="de_AT", format="long")
    ('05.01.2026', '5. Jänner 2026')
    >>> format_date(day, lang="en"), format_date(day, locale="en_US")
    ('5 Jan 2026', 'Jan 5, 2026')
    """
    loc = resolve_locale(lang, locale)
    if d is None or _missing_date(d):
        return MISSING
    if hasattr(d, "to_pydatetime"):
        d = d.to_pydatetime()
    if isinstance(d, _dt.datetime):
        d = d.date()
    if not isinstance(d, _dt.date):
        raise ParameterError("d", d, allowed="a date, datetime or pandas Timestamp")
    return babel.dates.format_date(d, format=format, locale=loc)


def _missing_date(d) -> bool:
    return str(d) == "NaT" or (isinstance(d, float) and math.isnan(d))
