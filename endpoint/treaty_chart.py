"""A treaty's Parties-over-time chart as SVG, at its own address (the treaty page shows it with its table)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app

from . import charts
from .errors import not_found
from .lookup import SAFE_IRI, current_lookup
from .treaty import chart_parties

bp = Blueprint("treaty_chart", __name__)


@bp.get("/charts/parties/<path:rest>.svg")
def draw_parties_chart(rest: str) -> Response:
    """The Parties-over-time chart of a treaty; drawn once per treaty, the graph does not change."""
    lookup = current_lookup()
    iri = lookup.base + rest
    if not SAFE_IRI.match(iri) or not lookup.ask(f"ASK {{ <{iri}> a bkg:Treaty }}"):
        raise not_found(f"no treaty <{iri}> in this graph")
    cache = current_app.extensions.setdefault("bkg_charts", {})
    if iri not in cache:
        cache[iri] = charts.render_svg(charts.parties_over_time(chart_parties(lookup, iri)), lookup.label(iri))
    return Response(cache[iri], mimetype="image/svg+xml")
