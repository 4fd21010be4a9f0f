"""Commands that keep the graph current: import-chart, import-untc, diff, export. Registered by budapest_kg.cli.

Each command imports the builder's modules it runs when it runs: `serve` registers these commands too, and
must not pay for importing them (the parser of Treaty Office pages, the diff of builds, httpx) before its
first answer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from . import resources

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
TREATIES = (185, 189, 224)


def say(message: str) -> None:
    sys.stdout.flush()
    print(message, file=sys.stderr, flush=True)


def read_html(path: Path) -> str:
    """The saved page's text: UTF-8, else Windows-1252 (the older ASP pages were not UTF-8)."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def cmd_import_chart(args: argparse.Namespace) -> int:
    from .graph_builder.importing.chart import read_chart

    path = Path(args.file)
    try:
        html = read_html(path)
    except OSError as exc:
        say(f"error: cannot read the chart page {path}: {exc.strerror or exc}")
        return EXIT_USAGE
    chart = read_chart(html, address=args.url or "")
    if chart.treaty is not None and chart.treaty != args.treaty:
        say(f"error: {path} is the chart of treaty {chart.treaty}, not of treaty {args.treaty} (--treaty)")
        return EXIT_USAGE
    if chart.treaty is None:
        say(f"warning: {path} does not say which treaty it charts; taken as treaty {args.treaty} (--treaty)")
    if not chart.rows:
        for problem in chart.problems:
            say(
                f"  {path.name}:{problem.line}: {problem.message}"
                if problem.line
                else f"  {path.name}: {problem.message}"
            )
        say(f"error: no State row could be read from {path}: nothing compared")
        return EXIT_FAILED
    return review(chart, path, args.treaty, args)


def review(chart, path: Path, number: int | str, args: argparse.Namespace) -> int:
    """Print how data/ differs from the status list read from path; apply it with --write."""
    from .graph_builder.importing.acts_diff import compare, read_treaty_code
    from .graph_builder.importing.report import format_diff
    from .graph_builder.table import DataError

    tree = resources.source_tree(args.source)
    try:
        diff = compare(chart, tree.data_dir, read_treaty_code(tree.data_dir, number))
    except DataError as exc:
        say(f"error: data/ cannot be read ({len(exc.problems)} problem(s)):")
        for problem in exc.problems:
            say(f"  {problem}")
        return EXIT_FAILED
    sys.stdout.write(format_diff(diff, path.name))
    if not args.write:
        say("nothing written" if diff.empty else "nothing written; review the above, then run again with --write")
        return EXIT_OK
    return write(diff, tree, chart.address)


def cmd_import_untc(args: argparse.Namespace) -> int:
    from .graph_builder.importing.untc import read_status

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        say(f"error: cannot read the status file {path}: {exc.strerror or exc}")
        return EXIT_USAGE
    as_of = None
    if args.as_of:
        try:
            as_of = dt.date.fromisoformat(args.as_of)
        except ValueError:
            say(f"error: --as-of {args.as_of!r}: expected a date YYYY-MM-DD (the status date of the copy)")
            return EXIT_USAGE
    status = read_status(data, address=args.url or "", as_of=as_of, file_name=path.name)
    reference = args.mtdsg or status.reference
    if not reference:
        say(
            f"error: {path.name} does not say which treaty it is (no XVIII-16.en.xml in its name or --url): "
            "give --mtdsg"
        )
        return EXIT_USAGE
    if args.mtdsg and status.reference and args.mtdsg != status.reference:
        say(f"error: {path.name} is the status of {status.reference}, not of {args.mtdsg} (--mtdsg)")
        return EXIT_USAGE
    if not status.rows:
        for problem in status.problems:
            where = f"{path.name}:{problem.line}" if problem.line else path.name
            say(f"  {where}: {problem.message}")
        say(f"error: no participant row could be read from {path}: nothing compared")
        return EXIT_FAILED
    return review(status, path, reference, args)


def write(diff, tree: resources.SourceTree, address: str) -> int:
    from .graph_builder.importing.acts_write import NotWritable, apply_diff, check_writable

    if diff.chart.status_as_of is None:
        missing = (
            "the page shows no 'Status as of' date"
            if diff.chart.kind == "CoE chart"
            else "the file states no status date: give --as-of, or the address of a dated archived copy with --url"
        )
        say(f"error: not written: {missing}, and source_as_of is never guessed")
        return EXIT_FAILED
    if not address:
        say("error: not written: no address of the chart found in the page; give it with --url")
        return EXIT_USAGE
    try:
        check_writable(tree.data_dir)
    except NotWritable as exc:
        say(f"error: not written: {exc}")
        return EXIT_USAGE
    if diff.empty:
        say(f"nothing to write: data/ already agrees with the chart of {diff.chart.status_as_of}")
        return EXIT_OK
    applied = apply_diff(diff, tree.data_dir, address)
    held = [c for c in diff.changes if c.held_back]
    say(f"wrote {len(applied)} change(s) to {tree.data_dir}" + (f"; {len(held)} held back" if held else ""))
    say("next: budapest-kg build, then budapest-kg diff OLD NEW to see the change in the graph")
    return EXIT_OK


RDF_SUFFIXES = {".trig": "trig", ".nq": "nquads", ".nquads": "nquads"}


def cmd_diff(args: argparse.Namespace) -> int:
    from .graph_builder.changes import DiffError, change_graph, compare_builds, format_changes, read_side

    if args.rdf and Path(args.rdf).suffix not in RDF_SUFFIXES:
        say(f"error: --rdf {args.rdf}: name a .trig or .nq file (the changes are named graphs)")
        return EXIT_USAGE
    try:
        old, new = read_side(Path(args.old)), read_side(Path(args.new))
    except DiffError as exc:
        say(f"error: {exc}")
        return EXIT_USAGE
    diff = compare_builds(old, new)
    sys.stdout.write(format_changes(diff, limit=args.limit))
    if args.rdf:
        out = Path(args.rdf)
        try:
            change_graph(diff).serialize(destination=str(out), format=RDF_SUFFIXES[out.suffix], encoding="utf-8")
        except OSError as exc:
            say(f"error: cannot write {out}: {exc.strerror or exc}")
            return EXIT_FAILED
        say(f"wrote the added and removed triples to {out}")
    return EXIT_OK


def read_qids(pairs: list[str]) -> dict[int, str]:
    """--qid 185=Q123 pairs as {185: 'Q123'}; ValueError naming a malformed one."""
    from .graph_builder.wikidata import QID

    qids = {}
    for pair in pairs:
        number, _, item = pair.partition("=")
        if not number.strip().isdigit() or not QID.match(item.strip()):
            raise ValueError(f"--qid {pair!r}: expected TREATY=QID, e.g. 185=Q12345")
        qids[int(number)] = item.strip()
    return qids


def cmd_export(args: argparse.Namespace) -> int:
    from .graph_builder.importing.acts_diff import read_treaty_code
    from .graph_builder.table import DataError
    from .graph_builder.wikidata import NoTreatyItem, export_wikidata

    try:
        qids = read_qids(args.qid)
    except ValueError as exc:
        say(f"error: {exc}")
        return EXIT_USAGE
    others = sorted(set(qids) - {args.treaty})
    if others:
        say(f"error: --qid names treaty {others[0]}, but the export is of treaty {args.treaty} (--treaty)")
        return EXIT_USAGE
    tree = resources.source_tree(args.source)
    try:
        export = export_wikidata(tree.data_dir, read_treaty_code(tree.data_dir, args.treaty), qids.get(args.treaty))
    except NoTreatyItem:
        say(
            f"error: no Wikidata item of treaty {args.treaty} is sourced in data/links.csv, and none is guessed: "
            f"give it with --qid {args.treaty}=Q… (the item you checked on wikidata.org)"
        )
        return EXIT_USAGE
    except DataError as exc:
        say(f"error: data/ cannot be read ({len(exc.problems)} problem(s)):")
        for problem in exc.problems:
            say(f"  {problem}")
        return EXIT_FAILED
    if args.out:
        Path(args.out).write_text(export.text(), encoding="utf-8")
    else:
        sys.stdout.write(export.text())
    for reason in export.skipped:
        say(f"left out: {reason}")
    say(f"{len(export.lines)} statement(s) (QuickStatements V1); {len(export.skipped)} act(s) left out")
    return EXIT_OK


def add_commands(sub, add_source, add_build_dir) -> None:
    """Register the lifecycle commands on the top-level parser's subcommands."""
    p = sub.add_parser(
        "import-chart",
        help="compare a saved Treaty Office chart page with data/ (and apply it with --write)",
        description="Read a chart of signatures and ratifications saved from the Council of Europe Treaty "
        "Office (the older conventions.coe.int page or today's coe.int page) and print how data/ differs.",
    )
    p.add_argument("file", help="the chart page as saved from a browser (HTML)")
    p.add_argument("--treaty", type=int, required=True, choices=TREATIES, help="the treaty the chart is of")
    p.add_argument("--write", action="store_true", help="apply the differences to data/ (default: only print)")
    p.add_argument("--url", default=None, help="the chart's address, when the saved page does not record it")
    add_source(p)
    p.set_defaults(func=cmd_import_chart)

    p = sub.add_parser(
        "import-untc",
        help="compare a saved UN Treaty Collection status file (MTDSG XML) with data/ (and apply it with --write)",
        description="Read the status of a treaty deposited with the UN Secretary-General as saved from the UN "
        "Treaty Collection (e.g. XVIII-16.en.xml) and print how data/ differs. The file states no status date: "
        "give it with --as-of, or give the address of a dated archived copy with --url.",
    )
    p.add_argument("file", help="the status file as saved (XML)")
    p.add_argument("--mtdsg", default=None, help="the treaty's MTDSG number (XVIII-16) when the file name lacks it")
    p.add_argument("--as-of", default=None, help="the status date of the copy, YYYY-MM-DD")
    p.add_argument("--url", default=None, help="the file's address (a web.archive.org address also gives its date)")
    p.add_argument("--write", action="store_true", help="apply the differences to data/ (default: only print)")
    add_source(p)
    p.set_defaults(func=cmd_import_untc)

    p = sub.add_parser(
        "diff",
        help="what changed between two builds (or two .nq dumps), per named graph",
        description="Compare two build folders (or two N-Quads dumps) graph by graph and print what changed.",
    )
    p.add_argument("old", help="the older build folder or .nq file")
    p.add_argument("new", help="the newer build folder or .nq file")
    p.add_argument("--rdf", metavar="FILE", help="also write the changes as RDF (.trig or .nq): added/removed graphs")
    p.add_argument("--limit", type=int, default=20, help="changed subjects listed per graph (default: %(default)s)")
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser(
        "export",
        help="give the data back: QuickStatements for Wikidata",
        description="Write QuickStatements (V1, tab-separated) adding each verified signature (P1891) and "
        "consent (P6193) of a treaty to its Wikidata item, with the date (P585) and the source (S854).",
    )
    p.add_argument("target", choices=("wikidata",), help="where the statements go")
    p.add_argument("--treaty", type=int, required=True, choices=TREATIES, help="the treaty whose acts to export")
    p.add_argument(
        "--qid", action="append", default=[], metavar="TREATY=QID",
        help="the treaty's Wikidata item, e.g. 185=Q12345 (required while data/links.csv sources none)",
    )  # fmt: skip
    p.add_argument("--out", metavar="FILE", help="write the statements to FILE (default: standard output)")
    add_source(p)
    p.set_defaults(func=cmd_export)
