"""Command line: `csto-briefing validate` and `csto-briefing build`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from . import paths
from .errors import DataError


def _validate(args: argparse.Namespace) -> int:
    from .data.dataset import check_data

    try:
        problems = check_data(Path(args.data) if args.data else None)
    except OSError as exc:
        print(f"error: {_os_error(exc)}", file=sys.stderr)
        return 1
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {paths.display_path(Path(args.data or paths.DATA_DIR))}; nothing was built", file=sys.stderr)
        return 1
    print(f"{paths.display_path(Path(args.data or paths.DATA_DIR))}: all tables valid")
    return 0


def _dictionary(args: argparse.Namespace) -> int:
    from .data.codebook import CodebookError, data_dictionary_markdown, load_codebook

    try:
        print(data_dictionary_markdown(load_codebook()), end="")
    except CodebookError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _given_parameters(args: argparse.Namespace) -> dict:
    """The parameters as the user gave them: a parameters file first, then -p NAME VALUE, then the named flags."""
    values: dict = {}
    if args.params:
        import yaml

        path = Path(args.params)
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ValueError(f"{args.params}: cannot be read as a YAML parameters file ({' '.join(str(exc).split())})") from None
        if not isinstance(loaded, dict):
            raise ValueError(f"{args.params}: expected 'name: value' lines, got {type(loaded).__name__}")
        values.update(loaded)
    for name, value in args.param or []:
        values[name] = value
    for name in ("data_dir", "figures_dir"):
        if name in values:
            raise ValueError(f"parameter {name}: set by the build (use --data for another data folder)")
    for name in ("as_of", "since", "focus", "compare", "title", "edition", "author"):
        if getattr(args, name) is not None:
            values[name] = getattr(args, name)
    return values


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C: the build stops and leaves the report as it was."""


def _on_sigterm(signum, frame) -> None:
    import multiprocessing
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once is enough
    for child in multiprocessing.active_children():  # the notebook workers stop their kernels as on Ctrl-C
        try:
            os.kill(child.pid, signal.SIGINT)
        except OSError:
            pass
    raise Terminated()


def _os_error(exc: OSError) -> str:
    """One line for an operating-system error: what failed, and where."""
    what = exc.strerror or type(exc).__name__
    where = f": {paths.display_path(Path(exc.filename))}" if exc.filename else ""
    return f"{what}{where}"


def _reported(step: Callable[[], object], unchanged: str) -> int:
    """Run a build step; turn each kind of failure into its lines on stderr and an exit code.

    `unchanged` says what a failure leaves as it was, e.g. 'the report was not changed'."""
    import signal

    from .errors import BuildError
    from .parameters import ParameterError
    from .pipeline.state import BuildBusy

    try:
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread: SIGTERM keeps its default
        previous = None
    try:
        step()
    except DataError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"error: {len(exc.problems)} problem(s) in the data; no notebook was run and {unchanged}", file=sys.stderr)
        return 1
    except ParameterError as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        print(f"error: invalid parameters; no notebook was run and {unchanged}", file=sys.stderr)
        return 2
    except BuildBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 75  # EX_TEMPFAIL: try again later
    except (BuildError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        print(unchanged, file=sys.stderr)
        return 1
    except OSError as exc:  # a full disk, a folder that cannot be written ...
        print(f"error: {_os_error(exc)}; {unchanged}", file=sys.stderr)
        return 1
    except Terminated:
        print(f"terminated; {unchanged}", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print(f"interrupted; {unchanged}", file=sys.stderr)
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return 0


def _log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _build(args: argparse.Namespace) -> int:
    from .pipeline.build import build
    from .pipeline.config import BuildConfig

    try:
        config = BuildConfig(params=_given_parameters(args), log=_log)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.data:
        config.data_dir = Path(args.data).resolve()
    if args.out:
        config.report_dir = Path(args.out).resolve()
    if args.build_dir:
        config.build_dir = Path(args.build_dir).resolve()
    if args.notebooks:
        config.notebooks_dir = Path(args.notebooks).resolve()
    config.pdf = not args.no_pdf
    return _reported(lambda: build(config), "the report was not changed")


def _editions(args: argparse.Namespace) -> int:
    build_dir = Path(args.build_dir).resolve() if args.build_dir else paths.BUILD_DIR / "editions"
    from .pipeline.editions import build_editions

    return _reported(lambda: build_editions(
        Path(args.file), report_dir=Path(args.out).resolve() if args.out else paths.REPORT_DIR / "editions",
        build_dir=build_dir, data_dir=Path(args.data).resolve() if args.data else paths.DATA_DIR, pdf=not args.no_pdf,
        log=_log), "the published editions were not changed")


def _add_parameter_options(parser: argparse.ArgumentParser) -> None:
    from .parameters import BY_NAME

    parser.add_argument("--params", metavar="FILE", help="a YAML file of parameters (name: value), e.g. editions/jan-2022.yaml")
    parser.add_argument("-p", "--param", nargs=2, action="append", metavar=("NAME", "VALUE"), help="set one parameter (repeatable)")
    for name in ("as_of", "since", "focus", "compare", "title", "edition", "author"):
        p = BY_NAME[name]
        parser.add_argument(f"--{name.replace('_', '-')}", dest=name, default=None,
                            help=f"{p.help} (default: {p.default!r})")


def main(argv: list[str] | None = None) -> int:

    parser = argparse.ArgumentParser(prog="csto-briefing", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="check every table in data/ against data/codebook.yaml")
    v.add_argument("--data", help="data folder (default: data/)")
    v.set_defaults(func=_validate)
    d = sub.add_parser("dictionary", help="print the data dictionary (Markdown) generated from data/codebook.yaml")
    d.set_defaults(func=_dictionary)
    b = sub.add_parser("build", help="validate, execute the notebooks and export report/briefing.html and .pdf")
    _add_parameter_options(b)
    b.add_argument("--data", help="data folder (default: data/)")
    b.add_argument("--out", help="report folder (default: report/)")
    b.add_argument("--build-dir", help="folder for executed notebooks (default: build/)")
    b.add_argument("--notebooks", help="notebooks folder (default: notebooks/)")
    b.add_argument("--no-pdf", action="store_true", help="skip the PDF")
    b.set_defaults(func=_build)
    e = sub.add_parser("editions", help="build every edition listed in a file into report/editions/<as_of>/, with an index")
    e.add_argument("file", nargs="?", default="editions/editions.yaml", help="the editions file (default: editions/editions.yaml)")
    e.add_argument("--data", help="data folder (default: data/)")
    e.add_argument("--out", help="folder for the editions (default: report/editions/)")
    e.add_argument("--build-dir", help="folder for executed notebooks (default: build/editions/)")
    e.add_argument("--no-pdf", action="store_true", help="skip the PDFs")
    e.set_defaults(func=_editions)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
