"""Interactive coding and exploration in JupyterLab.

The logic is plain Python, testable without a browser; the widgets are a thin layer over it:

* ``store`` - the coding file: every action appended at once (coder, time, unit), private file
  modes, erased respondents dropped, the current codes replayed from the file;
* ``session`` - :class:`CodingSession`: the "code next" queue of the learning coder, accept /
  reject / add codes, memos, retraining and the model's agreement with the researcher,
  REFI-QDA export;
* ``learning`` - the session's learning coder: training and its held-out agreement figures;
* ``review`` - agreement between coders' files and the consolidated coding;
* ``codebook_edit`` - add, rename, merge and move codes, the YAML rewritten and validated;
* ``codebook_view`` - the widget over it, with the theme-discovery drafts to accept;
* ``widgets`` - the ipywidgets front end of a coding session (:func:`coding_workbench`);
* ``explore`` - the live filter panel (:func:`explore`).

The subpackage sits at the end of the flow (after ``report``): it calls the same functions as
the reports and nothing below imports it.
"""
