"""The world map of the two regimes, drawn by Vega-Lite (rendered to SVG in-process by vl-convert).

Countries come from world-atlas's TopoJSON of Natural Earth's 1:110m countries (shipped in static/,
see its LICENSE file), keyed by ISO 3166-1 numeric code; each State of the graph is coloured by its
group. At 1:110m the smallest States (Andorra, Malta, Singapore, most island States) have no shape:
the page's table lists every State, the map is its picture. No script runs in the browser: the SVG
is drawn once on the server.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from importlib.resources import files

import pycountry
import vl_convert

GROUP_LABELS = {
    "both": "Budapest Party, in the UN Convention",
    "budapest-only": "Budapest Party only",
    "un-only": "In the UN Convention only",
    "neither": "In neither",
    "not-in-graph": "Not a UN Member or observer State",
}
# Okabe-Ito colours: told apart with every common form of colour blindness; grey for neither.
COLOURS = {
    "both": "#0072B2",
    "budapest-only": "#E69F00",
    "un-only": "#009E73",
    "neither": "#BBBBBB",
    "not-in-graph": "#F4F4F4",
}


@cache
def countries() -> dict:
    return json.loads(files("budapest_kg.endpoint").joinpath("static/countries-110m.json").read_text("utf-8"))


def numeric(iso3: str) -> str | None:
    country = pycountry.countries.get(alpha_3=iso3)
    return country.numeric if country else None


def spec(groups: dict[str, str]) -> dict:
    """The Vega-Lite specification: one geoshape per country, coloured by the group of its State."""
    values = [{"id": code, "group": GROUP_LABELS[group]} for iso3, group in groups.items() if (code := numeric(iso3))]
    order = list(GROUP_LABELS.values())
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": 860,
        "height": 430,
        "background": "#ffffff",
        "config": {"view": {"stroke": None}, "font": "sans-serif"},
        "data": {"values": countries(), "format": {"type": "topojson", "feature": "countries"}},
        "transform": [
            {
                "lookup": "id",
                "from": {"data": {"values": values}, "key": "id", "fields": ["group"]},
                "default": GROUP_LABELS["not-in-graph"],
            }
        ],
        "projection": {"type": "equalEarth"},
        "mark": {"type": "geoshape", "stroke": "#ffffff", "strokeWidth": 0.4},
        "encoding": {
            "color": {
                "field": "group",
                "type": "nominal",
                "scale": {"domain": order, "range": [COLOURS[k] for k in GROUP_LABELS]},
                "legend": {
                    "title": None,
                    "orient": "bottom",
                    "columns": 3,
                    "labelFontSize": 13,
                    "symbolSize": 160,
                    "labelLimit": 0,
                },
            }
        },
    }


def render_svg(groups: dict[str, str]) -> bytes:
    """groups: ISO 3166-1 alpha-3 code -> group ("both", "budapest-only", "un-only", "neither")."""
    return vl_convert.vegalite_to_svg(spec(groups)).encode("utf-8")


def alt_text(totals: Counter) -> str:
    return (
        f"World map of the two regimes: {totals['both']} States are Parties to the Budapest Convention and signed "
        f"or consented to the UN Convention against Cybercrime, {totals['budapest-only']} are Parties to Budapest "
        f"only, {totals['un-only']} take part in the UN Convention only and {totals['neither']} are in neither. "
        "The tables on this page give the same by region and State."
    )
