"""Commands that keep the graph current: import-chart, diff, export. Registered by budapest_kg.cli."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import resources
from .graph_builder.changes import DiffError, change_graph, compare_builds, format_changes, read_side
from .graph_builder.importing.acts_diff import compare, read_treaty_code
from .graph_builder.importing.acts_write import NotWritable, apply_diff, check_writable
from .graph_builder.importing.chart import read_chart
from .graph_builder.importing.report import format_diff
from .graph_builder.table import DataError
from .graph_builder.wikidata import QID, NoTreatyItem, export_wikidata

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
    tree = resources.source_tree(args.source)
    try:
        diff = compare(chart, tree.data_dir, read_treaty_code(tree.data_dir, args.treaty))
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


def write(diff, tree: resources.SourceTree, address: str) -> int:
    if diff.chart.status_as_of is None:
        say("error: not written: the page shows no 'Status as of' date, and source_as_of is never guessed")
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
    qids = {}
    for pair in pairs:
        number, _, item = pair.partition("=")
        if not number.strip().isdigit() or not QID.match(item.strip()):
            raise ValueError(f"--qid {pair!r}: expected TREATY=QID, e.g. 185=Q12345")
        qids[int(number)] = item.strip()
    return qids


def cmd_export(args: argparse.Namespace) -> int:
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
