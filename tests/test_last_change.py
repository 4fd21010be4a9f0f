"""The treaty page's last change: the latest dated acts up to today, linked, with their source and its date."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from budapest_kg.endpoint import create_app
from budapest_kg.endpoint.config import Config

URL = re.compile(r"https?://[^\s\"<>;,)]+")


@pytest.fixture(scope="module")
def client(build_dir):
    return create_app(Config.load(build_dir=build_dir, engine="oxigraph", workers=0)).test_client()


class LastChange(HTMLParser):
    """The text and links of <dd id="last-change">."""

    def __init__(self):
        super().__init__()
        self.inside = False
        self.text, self.links = [], []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "dd" and values.get("id") == "last-change":
            self.inside = True
        elif tag == "a" and self.inside:
            self.links.append(values["href"])

    def handle_endtag(self, tag):
        if tag == "dd":
            self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.text.append(data)


@pytest.mark.parametrize("treaty", ["ETS 185", "ETS 189", "CETS 224"])
def test_the_treaty_page_shows_its_last_change_with_links_and_provenance(client, acts, treaty):
    today = dt.date.today().isoformat()
    dated = [a for a in acts if a["treaty"] == treaty and a["date"] and a["date"] <= today
             and a["act"] != "invitation-to-accede"]  # fmt: skip
    latest = max(a["date"] for a in dated)
    changed = [a for a in dated if a["date"] == latest]
    page = client.get(f"/id/treaty/{treaty.lower().replace(' ', '-')}", headers={"Accept": "text/html"})
    found = LastChange()
    found.feed(page.get_data(as_text=True))
    text = " ".join("".join(found.text).split())
    assert text.startswith(f"{latest}: ")
    events = [href for href in found.links if href.startswith("/id/event/")]
    assert sorted(href.split("/")[-3] for href in events) == sorted(a["party"] for a in changed)
    for href in events:
        assert client.get(href, headers={"Accept": "text/html"}).status_code == 200
    as_of = max(a["source_as_of"] for a in changed)
    assert f"recorded as of {as_of}" in text
    cited = {url.rstrip(".") for a in changed for url in URL.findall(a["source"])}
    assert {href for href in found.links if not href.startswith("/")} == cited
