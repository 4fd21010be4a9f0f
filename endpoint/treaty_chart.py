"""A treaty's Parties-over-time chart as SVG, at its own address (the treaty page shows it with its table)."""

from __future__ import annotations

from flask import Blueprint, Response

from . import charts
from .errors import not_found
from .lookup import current_lookup, is_iri, shown
from .treaty import chart_parties

bp = Blueprint("treaty_chart", __name__)


@bp.get("/charts/parties/<path:rest>.svg")
def draw_parties_chart(rest: str) -> Response:
    """The Parties-over-time chart of a treaty; drawn once per treaty, the graph does not change."""
    lookup = current_lookup()
    iri = lookup.base + rest
    if not is_iri(iri):
        raise not_found(f"no treaty <{shown(iri)}> in this graph: the path is not a valid IRI")
    if not lookup.ask(f"ASK {{ <{iri}> a bkg:Treaty }}"):
        raise not_found(f"no treaty <{iri}> in this graph")
    svg = lookup.remember("chart " + iri, lambda: draw(lookup, iri))
    return Response(svg, mimetype="image/svg+xml")


def draw(lookup, iri: str) -> bytes:
    return charts.render_svg(charts.parties_over_time(chart_parties(lookup, iri)), lookup.label(iri))
