"""Command line: `csto-briefing validate` and `csto-briefing build`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import paths
from .load import DataError


def _validate(args: argparse.Namespace) -> int:
    from .validate import validate

    problems = validate(Path(args.data) if args.data else None)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {paths.display_path(Path(args.data or paths.DATA_DIR))}; nothing was built", file=sys.stderr)
        return 1
    print(f"{paths.display_path(Path(args.data or paths.DATA_DIR))}: all tables valid")
    return 0


def _dictionary(args: argparse.Namespace) -> int:
    from .codebook import data_dictionary_markdown, load_codebook

    print(data_dictionary_markdown(load_codebook()), end="")
    return 0


def _build(args: argparse.Namespace) -> int:
    from .build import BuildConfig, BuildError, build, contain

    contain(Path(args.build_dir).resolve() if args.build_dir else paths.BUILD_DIR)  # before matplotlib is imported
    config = BuildConfig(as_of=args.as_of, edition=args.edition, author=args.author)
    if args.data:
        config.data_dir = Path(args.data).resolve()
    if args.out:
        config.report_dir = Path(args.out).resolve()
    if args.build_dir:
        config.build_dir = Path(args.build_dir).resolve()
    if args.notebooks:
        config.notebooks_dir = Path(args.notebooks).resolve()
    config.pdf = not args.no_pdf
    try:
        build(config)
    except DataError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"error: {len(exc.problems)} problem(s) in the data; no notebook was run and the report was not changed", file=sys.stderr)
        return 1
    except (BuildError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        print("the report was not changed", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; the report was not changed", file=sys.stderr)
        return 130
    return 0


def main(argv: list[str] | None = None) -> int:
    from .context import DEFAULT_AS_OF
    from .parameters import DEFAULTS

    parser = argparse.ArgumentParser(prog="csto-briefing", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="check every table in data/ against data/codebook.yaml")
    v.add_argument("--data", help="data folder (default: data/)")
    v.set_defaults(func=_validate)
    d = sub.add_parser("dictionary", help="print the data dictionary (Markdown) generated from data/codebook.yaml")
    d.set_defaults(func=_dictionary)
    b = sub.add_parser("build", help="validate, execute the notebooks and export report/briefing.html and .pdf")
    b.add_argument("--as-of", default=DEFAULT_AS_OF, help=f"date the briefing is as of, YYYY-MM-DD (default {DEFAULT_AS_OF})")
    b.add_argument("--edition", default="", help="the edition's name, printed in the title block")
    b.add_argument("--author", default=DEFAULTS["author"], help=f"the publishing desk (default: {DEFAULTS['author']})")
    b.add_argument("--data", help="data folder (default: data/)")
    b.add_argument("--out", help="report folder (default: report/)")
    b.add_argument("--build-dir", help="folder for executed notebooks (default: build/)")
    b.add_argument("--notebooks", help="notebooks folder (default: notebooks/)")
    b.add_argument("--no-pdf", action="store_true", help="skip the PDF")
    b.set_defaults(func=_build)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
