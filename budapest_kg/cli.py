"""The budapest-kg command: build, validate, serve, query."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import cli_lifecycle, namespaces, publish, resources
from .catalogue import CatalogueError, ParameterError, UnknownQuery, find_query, read_catalogue
from .endpoint import check_build, server
from .endpoint.config import Config, ConfigError
from .endpoint.engine import open_engine
from .endpoint.faults import (
    EngineFailure,
    QueryError,
    QueryTimeout,
    RemoteFailure,
    ServiceRefused,
    StoreFailure,
    UpdateRefused,
)
from .endpoint.manifest import ManifestError
from .endpoint.negotiation import GRAPH_FORMATS, RESULT_FORMATS
from .graph_builder.freshness import Inputs, is_stale
from .namespaces import BKG

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
TABLE_FORMATS = ("table", "json", "xml", "csv", "tsv", "turtle", "ntriples", "rdfxml", "jsonld", "nquads", "trig")


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def report_failure(exc: Exception) -> int:
    """Print every problem a failed build or validation found; return the exit code."""
    from .graph_builder.checks import CheckError
    from .graph_builder.sources import DataError

    if isinstance(exc, DataError):
        say(f"error: {len(exc.problems)} problem(s) in the input data:")
        for problem in exc.problems:
            say(f"  {problem}")
    elif isinstance(exc, CheckError):
        say(f"error: {len(exc.violations)} check(s) failed:")
        for violation in exc.violations:
            say(f"  {violation}")
    else:
        say(f"error: {exc}")
    return EXIT_FAILED


def inputs_of(args: argparse.Namespace) -> Inputs:
    return Inputs.from_tree(resources.source_tree(args.source))


def cmd_build(args: argparse.Namespace) -> int:
    # The pipeline (owlrl, pyshacl) is imported only by the commands that run it: `serve` starts without it.
    from .graph_builder.build import build
    from .graph_builder.checks import CheckError
    from .graph_builder.reasoning import ReasoningError
    from .graph_builder.sources import DataError

    out = resources.build_dir(args.build_dir)
    try:
        result = build(out, inputs_of(args), report=say)
    except (DataError, CheckError, ReasoningError) as exc:
        code = report_failure(exc)
        say(f"build failed; {out} keeps the last good build" if out.exists() else "build failed; nothing written")
        return code
    total = sum(result.manifest["seconds"].values())
    say(f"built {result.manifest['triples']} quads into {out} in {total:.2f} s")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from .graph_builder.build import make_graphs
    from .graph_builder.checks import CheckError
    from .graph_builder.quality import format_quality, measure_quality
    from .graph_builder.reasoning import ReasoningError
    from .graph_builder.sources import DataError

    try:
        result = make_graphs(inputs_of(args), report=say if args.verbose else lambda _: None)
    except (DataError, CheckError, ReasoningError) as exc:
        return report_failure(exc)
    say(f"valid: {result.manifest['triples']} triples in {len(result.graphs)} graphs, all checks pass")
    say("data quality:\n" + format_quality(measure_quality(list(result.graphs.values()))))
    return EXIT_OK


def ensure_build(args: argparse.Namespace) -> bool:
    """Build when the build folder is missing or older than its inputs or code. False when that fails."""
    build_dir = resources.build_dir(args.build_dir)
    if not is_stale(build_dir, inputs_of(args)):
        return True
    say(f"{build_dir} is missing or out of date: building first")
    return cmd_build(args) == EXIT_OK or (build_dir / resources.GRAPH_FILE).is_file()


def cmd_serve(args: argparse.Namespace) -> int:
    build_dir = resources.build_dir(args.build_dir)
    # Over a remote store nothing is built: the build folder, when there is one, gives the manifest,
    # the ontology pages and the downloads; the graph itself is the store's. A release folder behind
    # a switched symlink is served as it is (--no-build), never rebuilt in place.
    if not (args.remote or args.no_build) and not ensure_build(args):
        return EXIT_FAILED
    try:
        config = Config.load(
            build_dir=build_dir.resolve(), engine=args.engine, timeout=args.timeout, workers=args.workers,
            processes=args.processes, threads=args.threads, cache_bytes=args.cache_bytes, max_age=args.max_age,
            remote=args.remote,
        )  # fmt: skip
    except ConfigError as exc:
        say(f"error: {exc}")
        return EXIT_USAGE
    # A broken queries/*.rq, a corrupt manifest or a missing graph stops the start here, before any
    # serving process is made (each then makes the app with its own query workers). A remote store is
    # asked by each serving process; one that does not answer stops them.
    try:
        manifest = check_build(config)
    except (CatalogueError, ManifestError, OSError, StoreFailure, QueryTimeout, EngineFailure) as exc:
        say(f"error: {exc}")
        return EXIT_FAILED
    try:
        server.check_listen(args.host, args.port)
    except OSError as exc:  # the port is taken (or the address is not this machine's): one line, no traceback
        say(f"error: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}; choose another with --port")
        return EXIT_USAGE
    where = f" at {args.remote}" if args.remote else f" from {config.build_dir}"
    root = f"http://{args.host}:{args.port}"

    def announce() -> None:  # once the address listens
        say(f"serving {manifest.get('triples', '?')} triples with the {config.engine} engine{where}")
        say(f"  the site:            {root}/")
        say(f"  the SPARQL endpoint: {root}/sparql")
        say(f"  {config.processes} process(es), {config.workers} query worker(s) and {config.threads} thread(s) each")
        say(f"kill -HUP {os.getpid()} serves the build {build_dir} names then, one process at a time")

    link = None if args.remote else build_dir
    server.serve(config, args.host, args.port, build_link=link, report=say, announce=announce)
    return EXIT_OK


def cmd_publish(args: argparse.Namespace) -> int:
    build_dir = resources.build_dir(args.build_dir)
    query_url = args.query_url or publish.default_query_url(args.url)
    if not query_url:
        say(f"error: {args.url} is not a graph-store address this command knows; give the query address (--query-url)")
        return EXIT_USAGE
    if (build_dir / resources.GRAPH_FILE).is_file() and is_stale(build_dir, inputs_of(args)):
        say(f"warning: {build_dir} is older than its inputs or code; publishing it as it is (run build first)")
    target = publish.Target(
        store_url=args.url,
        query_url=query_url,
        user=args.user or os.environ.get(publish.USER_ENV),
        password=args.password if args.password is not None else os.environ.get(publish.PASSWORD_ENV),
        auth=args.auth,
        timeout=args.timeout,
    )
    say(f"publishing {build_dir} to {args.url}")
    try:
        result = publish.publish(build_dir, target, report=say)
    except publish.PublishError as exc:
        say(f"error: {exc}")
        return EXIT_FAILED
    say(
        f"published {len(result.graphs)} graphs, {result.triples} triples, to {args.url}; "
        f"each graph's triple count checked at {query_url}"
    )
    return EXIT_OK


def read_query_text(args: argparse.Namespace) -> str:
    if args.file:
        return Path(args.file).read_text(encoding="utf-8")
    if args.name:
        return find_query(read_catalogue(resources.source_tree(args.source).queries_dir), args.name).text
    return args.query


def read_params(pairs: list[str]) -> dict[str, str]:
    """--param key=value pairs as a dict; ParameterError for a malformed or repeated pair."""
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ParameterError(f"--param {pair!r}: expected key=value")
        if key.strip() in values:
            raise ParameterError(f"--param {key.strip()!r} is given more than once")
        values[key.strip()] = value
    return values


def bind_named(args: argparse.Namespace, engine) -> str:
    """The named query with its --param values bound; ParameterError naming a bad one."""
    query = find_query(read_catalogue(resources.source_tree(args.source).queries_dir), args.name)
    answer = engine.query(f"SELECT DISTINCT ?code WHERE {{ ?state <{BKG.iso3166Alpha3}> ?code }}")
    rows = json.loads(answer.serialize(RESULT_FORMATS[0]))["results"]["bindings"]
    return query.bind(read_params(args.param), {row["code"]["value"] for row in rows})


def cmd_query(args: argparse.Namespace) -> int:
    build_dir = resources.build_dir(args.build_dir)
    if args.param and not args.name:
        say("error: --param goes with --name NAME (a query from the catalogue)")
        return EXIT_USAGE
    try:
        text = read_query_text(args)
    except (OSError, UnknownQuery, CatalogueError) as exc:
        say(f"error: {exc}")
        return EXIT_USAGE
    if not ensure_build(args):
        return EXIT_FAILED
    try:
        allowlist = Config.load().allowlist  # SERVICE from the CLI obeys BKG_SERVICE_ALLOWLIST too
    except ConfigError as exc:
        say(f"error: {exc}")
        return EXIT_USAGE
    engine = open_engine(args.engine, build_dir, allowlist=allowlist)
    if args.name:
        try:
            text = bind_named(args, engine)
        except (ParameterError, CatalogueError) as exc:
            say(f"error: {exc}")
            return EXIT_USAGE
    try:
        answer = engine.query(text)
    except (QueryError, UpdateRefused, ServiceRefused, RemoteFailure) as exc:
        say(f"error: {exc}")
        return EXIT_FAILED
    formats = GRAPH_FORMATS if answer.kind == "graph" else RESULT_FORMATS
    wanted = args.format
    if wanted == "table":
        if answer.kind == "graph":
            wanted = "turtle"
        else:
            sys.stdout.write(render_table(answer.serialize(RESULT_FORMATS[0])))
            return EXIT_OK
    fmt = next((f for f in formats if f.name == wanted), None)
    if fmt is None:
        say(f"error: format {wanted!r} does not fit a {answer.kind} answer; use {', '.join(f.name for f in formats)}")
        return EXIT_USAGE
    sys.stdout.buffer.write(answer.serialize(fmt))
    return EXIT_OK


def render_table(json_bytes: bytes) -> str:
    """SPARQL JSON results as an aligned text table (or 'true'/'false' for ASK)."""
    data = json.loads(json_bytes)
    if "boolean" in data:
        return ("true" if data["boolean"] else "false") + "\n"
    columns = data["head"].get("vars", [])
    rows = [[(row.get(c) or {}).get("value", "") for c in columns] for row in data["results"]["bindings"]]
    widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def add_build_dir(p: argparse.ArgumentParser, *aliases: str) -> None:
    p.add_argument(
        "--build-dir", *aliases, dest="build_dir", default=None,
        help=f"build folder (default: ${resources.BUILD_ENV}, else ./build in the current folder)",
    )  # fmt: skip


def add_source(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--source", default=None, metavar="DIR",
        help=f"a tree with data/, ontology/ and queries/ to build from (default: ${resources.SOURCE_ENV}, "
        "else the files shipped in the package: in a source checkout, the checkout's own)",
    )  # fmt: skip


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="budapest-kg", description="Knowledge graph of the Budapest Convention.")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("build", help="build the graph from data/ and ontology/ into build/")
    add_build_dir(p, "--out")
    add_source(p)
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("validate", help="check data and ontology; list every problem; write nothing")
    p.add_argument("-v", "--verbose", action="store_true", help="print each step")
    add_source(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("serve", help="serve the SPARQL endpoint (builds first when needed)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    p.add_argument("--port", type=int, default=8000, help="port (default: %(default)s)")
    p.add_argument(
        "--processes", type=int, default=None,
        help="serving processes (default: one per core; BKG_PROCESSES)",
    )  # fmt: skip
    p.add_argument("--threads", type=int, default=None, help="request threads per process (default 2; BKG_THREADS)")
    p.add_argument("--engine", default=None, help="oxigraph (default) or rdflib")
    p.add_argument("--timeout", type=float, default=None, help="seconds a query may run (default 5; BKG_TIMEOUT)")
    p.add_argument(
        "--workers", type=int, default=None,
        help="query worker processes per serving process, at least --threads; 0: none, no time limit "
        "(default 2; BKG_WORKERS)",
    )  # fmt: skip
    p.add_argument(
        "--cache-bytes", type=int, default=None,
        help="bytes of answers each process keeps for repeated queries; 0 turns it off (BKG_CACHE_BYTES)",
    )  # fmt: skip
    p.add_argument(
        "--max-age", type=int, default=None,
        help="seconds a client may reuse an answer without asking again (Cache-Control; BKG_MAX_AGE)",
    )  # fmt: skip
    p.add_argument(
        "--no-build", action="store_true",
        help="serve the build folder as it is, never build first (release folders behind a switched symlink)",
    )  # fmt: skip
    p.add_argument(
        "--remote", default=None, metavar="QUERY_URL",
        help="serve from this SPARQL endpoint (where 'publish' put the graphs) instead of the build (BKG_REMOTE)",
    )  # fmt: skip
    add_build_dir(p)
    add_source(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("publish", help="load the build into a SPARQL Graph Store (PUT per graph), then check it")
    p.add_argument("url", help="the server's Graph Store Protocol address, e.g. http://host:7878/store")
    p.add_argument(
        "--query-url", default=None,
        help="its SPARQL query address, for the check (default: known from the store address for Oxigraph, "
        "Virtuoso, Fuseki, GraphDB, Neptune)",
    )  # fmt: skip
    p.add_argument("--user", default=None, help=f"user name (default: ${publish.USER_ENV})")
    p.add_argument("--password", default=None, help=f"password (default: ${publish.PASSWORD_ENV}; prefer it)")
    p.add_argument(
        "--auth", default="auto", choices=publish.AUTH_SCHEMES,
        help="HTTP authentication: whatever the server asks for (default), basic or digest",
    )  # fmt: skip
    p.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for each answer (default: %(default)s)")
    add_build_dir(p)
    add_source(p)
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser("query", help="run a SPARQL query against the built graph, without a server")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("query", nargs="?", help="the query text")
    source.add_argument("--file", help="read the query from a file")
    source.add_argument("--name", help="run a named query from queries/ (see /queries for the list)")
    p.add_argument(
        "--param", action="append", default=[], metavar="KEY=VALUE",
        help="a parameter of the named query, e.g. --param treaty=185 --param date=2010-01-01",
    )  # fmt: skip
    p.add_argument("--format", default="table", choices=TABLE_FORMATS, help="output format (default: %(default)s)")
    p.add_argument("--engine", default="oxigraph", choices=("oxigraph", "rdflib"), help="query engine")
    add_build_dir(p)
    add_source(p)
    p.set_defaults(func=cmd_query)

    cli_lifecycle.add_commands(sub, add_source, add_build_dir)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        namespaces.check_base(namespaces.BASE)
    except ValueError as exc:
        say(f"error: {exc}")
        return EXIT_USAGE
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
