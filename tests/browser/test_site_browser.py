"""The site on a phone and for everyone: no sideways scrolling at 390 and 360 px, axe-core finds no
WCAG 2 A/AA violation, and a person can find the answers by clicking; a SPARQL user can write, run,
share and page a query. Expected values are computed from data/ in Python."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from .. import expected as ex
from .test_browser import follow

PAGES = {
    "home": "/",
    "regimes": "/regimes",
    "treaty": "/id/treaty/ets-185",
    "protocol": "/id/treaty/cets-224",
    "state": "/id/state/IND",
    "party": "/id/state/JPN",
    "article": "/id/treaty/ets-185/article/16",
    "term": "/term/isPartyTo",
    "event": "/id/event/ets-185/FRA/consent/1",
    "graph": "/graph/links",
    "query": "/query",
    "results": "/query?" + urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"}),
    "query-error": "/query?" + urlencode({"query": "SELECT ?x WHERE { ?x ?y ?z ) }"}),
    "named-query": "/queries/parties",
    "catalogue": "/queries",
    "endpoint": "/sparql",
    "ontology": "/ontology",
    "not-found": "/id/state/XXX",
}


def set_width(browser, width: int) -> None:
    """Make the page's viewport exactly `width` CSS px wide (the window adds its own frame)."""
    browser.set_window_size(width, 900)
    frame = browser.get_window_size()["width"] - browser.execute_script("return window.innerWidth")
    browser.set_window_size(width + frame, 900)


@pytest.fixture
def phone(browser):
    yield browser
    set_width(browser, 1280)


@pytest.mark.parametrize("width", [390, 360])
def test_no_page_scrolls_sideways_on_a_phone(phone, server, width):
    set_width(phone, width)
    too_wide = {}
    for kind, path in PAGES.items():
        phone.get(server.url + path)
        assert phone.execute_script("return window.innerWidth") == width
        scroll = phone.execute_script("return document.documentElement.scrollWidth")
        if scroll > width:
            too_wide[kind] = scroll
    assert too_wide == {}


def test_the_chart_stays_readable_on_a_phone(phone, server):
    set_width(phone, 360)
    phone.get(server.url + PAGES["treaty"])
    chart = phone.find_element(By.CSS_SELECTOR, "figure img")
    assert "Parties to Convention on Cybercrime" in chart.get_attribute("alt")
    assert chart.size["width"] >= 500  # drawn at a readable size, scrolled inside its own box
    assert phone.execute_script("return document.documentElement.scrollWidth") <= 360
    follow_summary(phone, "The chart's numbers as a table")
    assert phone.find_element(By.ID, "chart-table").is_displayed()


def run_axe(browser, source: str) -> list[dict]:
    browser.execute_script(source)
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        ".then(r => done(JSON.stringify(r.violations)),"
        " e => done(JSON.stringify([{id: 'axe-error', help: String(e)}])));"
    )
    return json.loads(result)


def test_axe_finds_no_accessibility_violation(browser, server, axe_source):
    # At one width: the markup, names and colours axe checks are the same at every width (CSS changes
    # only layout), and each run over every page costs tens of seconds on a busy machine.
    set_width(browser, 1400)
    browser.set_script_timeout(60)
    found = {}
    for kind, path in PAGES.items():
        browser.get(server.url + path)
        violations = run_axe(browser, axe_source)
        if violations:
            found[kind] = [
                (v["id"], v.get("help"), [n.get("target") for n in v.get("nodes", [])][:3]) for v in violations
            ]
    # The check can fail: a picture without a text alternative is found.
    browser.execute_script("document.querySelector('main').append(document.createElement('img'))")
    planted = {v["id"] for v in run_axe(browser, axe_source)}
    set_width(browser, 1280)
    assert found == {}
    assert "image-alt" in planted


# ---- a SPARQL user writes, runs, shares and pages a query -------------------------------------------


def test_a_query_is_written_run_shared_and_paged(browser, server):
    browser.get(server.url + "/query")
    editor = browser.find_element(By.ID, "query")
    assert "PREFIX bkg: <https://w3id.org/budapest-kg/ontology#>" in editor.get_attribute("value")
    editor.send_keys("\n# every statement\n")
    editor.clear()
    editor.send_keys("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    follow(browser, browser.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
    shared = browser.current_url
    assert "/query?query=SELECT" in shared
    caption = browser.find_element(By.ID, "results-caption").text
    assert caption.startswith("Rows 1 to 100 of ")
    total = int(caption.rsplit(" ", 1)[-1])
    assert len(browser.find_elements(By.CSS_SELECTOR, "#results tbody tr")) == 100

    follow(browser, browser.find_element(By.LINK_TEXT, "Next page"))
    assert browser.find_element(By.ID, "results-caption").text == f"Rows 101 to 200 of {total}"
    follow(browser, browser.find_element(By.LINK_TEXT, "500"))
    assert len(browser.find_elements(By.CSS_SELECTOR, "#results tbody tr")) == min(500, total)

    browser.get(shared)  # the shared address runs the query again
    assert browser.find_element(By.ID, "results-caption").text == f"Rows 1 to 100 of {total}"
    assert browser.find_element(By.ID, "query").get_attribute("value") == "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"


# ---- a person on a phone finds the answers by clicking ----------------------------------------------


def follow_summary(browser, text: str) -> None:
    summary = next(el for el in browser.find_elements(By.TAG_NAME, "summary") if el.text.startswith(text))
    summary.click()


def open_catalogue_query(browser, server, name: str) -> None:
    browser.get(server.url + "/")
    follow(browser, browser.find_element(By.LINK_TEXT, "Catalogue"))
    heading_link = browser.find_element(By.XPATH, f"//h2/a[normalize-space()='{ex.query_metadata()[name]['summary']}']")
    follow(browser, heading_link)


def linked_states(browser) -> set[str]:
    links = browser.find_elements(By.CSS_SELECTOR, "#results a[href*='/id/state/']")
    return {a.get_attribute("href").rsplit("/", 1)[-1] for a in links}


def test_a_person_on_a_phone_finds_the_answers_by_clicking(phone, server, acts):
    set_width(phone, 390)
    # Which States are Parties to each treaty, and since when.
    phone.get(server.url + "/")
    follow(phone, phone.find_element(By.LINK_TEXT, "Convention on Cybercrime"))
    rows = phone.find_elements(By.CSS_SELECTOR, "#parties tbody tr")
    in_force = {r["party"]: r["date"] for r in acts if r["treaty"] == "ETS 185" and r["act"] == "entry-into-force"}
    assert len(rows) == len(in_force)
    cells = {r.find_elements(By.TAG_NAME, "td")[0].text: r.find_elements(By.TAG_NAME, "td")[3].text for r in rows}
    # An undated entry into force shows the bounds the treaty's rule gives (computed by the oracle).
    windows = {iso: ex.entry_window("ETS 185", iso) for iso, date in in_force.items() if not date}
    shown = {iso: f"between {low.isoformat()} and {high.isoformat()}" for iso, (low, high) in windows.items()}
    assert cells == {iso: date or shown[iso] for iso, date in in_force.items()}

    # What Article 16 obliges: open the articles, click the article.
    structure = phone.find_element(By.ID, "structure")
    structure.find_element(By.TAG_NAME, "summary").click()
    follow(phone, structure.find_element(By.PARTIAL_LINK_TEXT, "Art. 16:"))
    assert "Each Party must make a power available" in phone.find_element(By.CSS_SELECTOR, "p.obligation").text
    assert phone.find_elements(By.CSS_SELECTOR, "#official-text a[href*='coe.int']")

    # How many Parties there were on a date: the treaty's year-end table, and the count today.
    phone.back()
    parties_2015 = sum(1 for date in in_force.values() if date and date <= "2015-12-31")
    follow_summary(phone, "The chart's numbers as a table")
    year_rows = {
        r.find_element(By.TAG_NAME, "th").text: r.find_elements(By.TAG_NAME, "td")[2].text
        for r in phone.find_elements(By.CSS_SELECTOR, "#chart-table tbody tr")
    }
    assert int(year_rows["2015"]) == parties_2015
    open_catalogue_query(phone, server, "party-count")
    assert phone.find_element(By.CSS_SELECTOR, "#results tbody td").text == str(len(ex.parties_today("ETS 185")))

    # Which Parties are not members of the Council of Europe.
    open_catalogue_query(phone, server, "non-member-parties")
    assert linked_states(phone) == ex.parties_today("ETS 185") - ex.members()

    # Which Parties lack the First Protocol: choose the protocol, show.
    open_catalogue_query(phone, server, "parties-missing-protocol")
    Select(phone.find_element(By.ID, "param-protocol")).select_by_value("189")
    follow(phone, phone.find_element(By.CSS_SELECTOR, "form.params button"))
    first_protocol = {r["party"] for r in acts if r["treaty"] == "ETS 189" and r["act"] == "entry-into-force"}
    assert linked_states(phone) == set(in_force) - first_protocol

    # What India said, and when.
    phone.get(server.url + "/")
    follow(phone, phone.find_element(By.LINK_TEXT, "India"))
    positions = phone.find_element(By.ID, "positions").text
    assert "2018" in positions
    assert "reconsidering its stand on the Convention" in positions
    assert "declined to adopt the Convention" in positions
    # India did nothing on any treaty: one "Not a Party" per treaty in data/.
    assert phone.find_element(By.ID, "status").text.count("Not a Party") == len({r["treaty"] for r in acts})
