"""The dataset's VoID description at /.well-known/void (the Service Description is at /sparql)."""

from __future__ import annotations

from flask import Blueprint, Response

from . import descriptions

bp = Blueprint("service", __name__)


@bp.get(descriptions.VOID_PATH)
def send_void() -> Response:
    """VoID: triples per named graph, classes with their number of instances, links to other datasets."""
    return descriptions.send(descriptions.describe_void())
