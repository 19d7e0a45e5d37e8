"""Command line: ``cjkit report``, ``cjkit forget``, ``cjkit models``, ``cjkit infer``. Parses and calls, nothing else."""
from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd
import yaml

from cjkit.catalog import models
from cjkit.coding import industry
from cjkit.privacy.pii import mask_pii
from cjkit.errors import CjkitError
from cjkit.io import erasure, infer, load
from cjkit.report import batch, cleanup, plan


def _value(text: str):
    """``--set key=value`` values are YAML scalars: 3 -> int, true -> bool, text -> str."""
    return yaml.safe_load(text) if text.strip() else ""


def _report(args) -> int:
    cfg = batch.load_run(args.config)
    for item in args.set or []:
        key, _, value = item.partition("=")
        if not key or not _:
            raise CjkitError(f"--set expects key=value, got '{item}'")
        cfg = cfg.with_parameters(**{key: _value(value)})
    if args.dask or args.dask_insecure:
        cfg = replace(cfg, dask=args.dask or cfg.dask, dask_insecure=args.dask_insecure or cfg.dask_insecure)
    # every report is checked before any kernel starts; the table says what each will omit
    result = plan.run_reports(cfg, run=args.run, workers=args.workers, force=args.force, progress=not args.quiet)
    out_dir = cfg.output_root / (args.run or cfg.run)
    counts = result["status"].value_counts().to_dict()
    print(f"{len(result)} reports: " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())))
    for _, row in result[result.status == "failed"].iterrows():  # one line each, personal data masked
        message = " ".join(str(mask_pii(row["error"])).split())
        print(f"FAILED {row['name']}: {message[:300]}", file=sys.stderr)
    for _, row in result[result.status == "not_applicable"].iterrows():
        print(f"not run {row['name']}: {row['error']}")
    print(out_dir / "index.html")
    return 1 if counts.get("failed") else 0


def _reports_folder(spec: Path) -> Path | None:
    """The project's reports/ folder: the nearest one above the spec."""
    for folder in spec.resolve().parents:
        if (folder / "reports").is_dir():
            return folder / "reports"
    return None


def _forget(args) -> int:
    ids = list(args.ids or [])
    if args.file:
        path = Path(args.file)
        if not path.is_file():
            raise CjkitError(f"file '{path}': not found (one respondent id per line)")
        ids += [line.strip() for line in path.read_text(encoding="utf-8-sig").splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
    if not ids:
        raise CjkitError("no respondent ids given: name them, or give --file with one id per line")
    cfg = batch.load_run(args.rebuild) if args.rebuild else None
    spec = args.spec or (cfg.parameters.get("spec") if cfg else None)
    if not spec:
        raise CjkitError("name the survey: --spec SPEC (the erasure list lives beside it) or --rebuild RUNFILE")
    if not Path(spec).is_file():
        raise CjkitError(f"spec '{spec}' not found")
    done = erasure.forget(ids, folder=Path(spec).resolve().parent)
    print(f"{done['added']} respondent(s) added to the erasure list {done['path']} ({done['total']} listed); "
          "every load leaves them out and every report that read this survey is rebuilt on its next run")
    root = Path(args.reports) if args.reports else cfg.output_root if cfg else _reports_folder(Path(spec))
    removed = cleanup.remove_outputs(spec, root) if root else []
    print(f"{len(removed)} report(s) made from this survey removed from {root}" if root else
          "no reports/ folder found; name it with --reports")
    if cfg is None:
        return 0
    result = plan.run_reports(cfg, progress=not args.quiet)
    print(f"{len(result)} reports rebuilt or checked: {(result['status'] == 'failed').sum()} failed")
    return 1 if (result["status"] == "failed").any() else 0


def _models(args) -> int:
    for model_id in models.list_models():
        ph = models.phases(model_id, lang=args.lang)
        print(f"{model_id}: " + " > ".join(ph["label"]))
    return 0


def _with_industry(proposal, wide):
    """The proposal with ``industry:`` when the open answers clearly belong to one industry codebook;
    otherwise a decision row to check, naming the closest candidates."""
    columns = [q.column for q in proposal.spec.questions_with(types=("open",)) if q.column in wide.columns]
    texts = [str(t) for c in columns for t in wide[c].dropna() if str(t).strip()]
    if not texts:
        return proposal
    ranking = industry.propose_industry(texts, sample=2000)
    chosen = industry.pick_industry(ranking)
    top = ", ".join(f"{r.industry} {r.score:.2f}" for r in ranking.head(3).itertuples())
    row = {"column": "(open answers)", "decision": "industry",
           "proposal": chosen or "none: cross-industry codes only", "confidence": float(ranking["score"].iloc[0]),
           "check": "" if chosen else f"no industry clearly ahead ({top}); name industry: if one fits"}
    spec = replace(proposal.spec, industry=chosen) if chosen else proposal.spec
    return infer.Proposal(spec=spec, decisions=pd.concat([proposal.decisions, pd.DataFrame([row])],
                                                         ignore_index=True))


def _infer(args) -> int:
    if args.output and args.output_option and args.output != args.output_option:
        raise CjkitError(f"two output files given ('{args.output}' and -o '{args.output_option}'); give one")
    output = args.output_option or args.output
    out = Path(output) if output else Path(args.data).with_name("spec.yaml")
    if out.exists() and not args.force:
        raise CjkitError(f"file '{out}': a spec exists there and may hold your edits; "
                         "choose another output file or add --force to overwrite it")
    loaded = load.load(args.data, validate=False)
    proposal = infer.propose_spec(loaded.wide, loaded.meta, survey=args.survey or Path(args.data).stem,
                                  journey_model=args.model, language=args.language, data=args.data)
    proposal = _with_industry(proposal, loaded.wide)
    infer.write_spec(proposal, out, force=args.force)
    print(infer.decision_summary(proposal))
    print(f"spec written to {out}; check the rows marked '!' and edit the spec before use")
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser of the ``cjkit`` command (subcommands report, models, infer).

    Returns
    -------
    argparse.ArgumentParser

    Examples
    --------
    >>> from cjkit.cli import parser
    >>> args = parser().parse_args(["report", "surveys/demo/report.yaml", "--workers", "3"])
    >>> args.command, args.config, args.workers
    ('report', 'surveys/demo/report.yaml', 3)
    """
    p = argparse.ArgumentParser(prog="cjkit", description="Customer-journey research kit")
    p.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("report", help="run the batch reports of a run configuration (YAML)")
    r.add_argument("config", help="run configuration, e.g. surveys/demo/report.yaml")
    r.add_argument("--run", help="output folder under reports/ (default: the config's 'run')")
    r.add_argument("--workers", type=int, help="parallel reports (default 2)")
    r.add_argument("--force", action="store_true", help="rebuild reports that are up to date")
    r.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a fixed parameter")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    r.add_argument("--dask", metavar="SCHEDULER_ADDRESS", help="run the reports on a Dask cluster, e.g. "
                                                               "tls://scheduler:8786 (TLS only; run-file key 'dask')")
    r.add_argument("--dask-insecure", action="store_true", help="allow an unencrypted tcp:// scheduler address "
                                                                "(a cluster on this machine)")
    r.set_defaults(func=_report)
    f = sub.add_parser("forget", help="erase respondents: add them to the survey's erasure list")
    f.add_argument("ids", nargs="*", metavar="RESPONDENT_ID", help="respondent ids as in the data's id column")
    f.add_argument("--file", help="text file with one respondent id per line")
    f.add_argument("--spec", help="survey spec; the erasure list is the file erased_respondents.json beside it")
    f.add_argument("--rebuild", metavar="RUNFILE", help="rebuild the reports of this run file now (its spec is used "
                                                        "when --spec is not given)")
    f.add_argument("--reports", help="folder of the run folders whose reports are removed at once "
                                     "(default: the run file's, else the nearest reports/ above the spec)")
    f.add_argument("--quiet", action="store_true", help="no progress bar")
    f.set_defaults(func=_forget)
    m = sub.add_parser("models", help="list the journey models")
    m.add_argument("--lang", default="de", choices=["de", "en"])
    m.set_defaults(func=_models)
    i = sub.add_parser("infer", help="propose a survey spec (YAML) from a data export")
    i.add_argument("data", help="the export (CSV, Excel, SPSS, Qualtrics, ...)")
    i.add_argument("output", nargs="?", help="spec file to write (default: spec.yaml beside the data)")
    i.add_argument("-o", "--output", dest="output_option", metavar="SPEC", help="spec file to write (same as OUTPUT)")
    i.add_argument("--survey", help="survey id (default: the data file's name)")
    i.add_argument("--model", default="accra", help="journey model of the proposed phases (default accra)")
    i.add_argument("--language", choices=["de", "en"], help="survey language (default: detected)")
    i.add_argument("--force", action="store_true", help="overwrite an existing spec file")
    i.set_defaults(func=_infer)
    return p


def main(argv=None) -> int:
    """Run the ``cjkit`` command; a cjkit error is printed as one line, not a traceback.

    Parameters
    ----------
    argv : list of str, optional
        Arguments; default ``sys.argv[1:]``.

    Returns
    -------
    int
        Exit status: 0 success, 1 a report failed, 2 a cjkit error (bad file, parameter, ...).

    Examples
    --------
    >>> from cjkit.cli import main
    >>> main(["models", "--lang", "en"])
    accra: Awareness > Consideration > Conversion > Retention > Advocacy
    ...
    0
    """
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except CjkitError as exc:
        print(f"cjkit: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
