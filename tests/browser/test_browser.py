"""The site in a real browser: Debian's headless Chromium driven by Selenium, as a person would use it."""

from __future__ import annotations

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from .. import expected as ex


def follow(browser, element) -> None:
    """Click a link or button and wait until the next page has replaced this one."""
    page = browser.find_element(By.TAG_NAME, "html")
    element.click()
    # A bound, not a timing check: generous, since the machine may be busy.
    WebDriverWait(browser, 60).until(lambda _: replaced(page))


def replaced(page) -> bool:
    """Whether the old page's root is gone. Chromium sometimes answers a lookup of a node from a
    document being torn down with "does not belong to the document" rather than "stale": gone too."""
    try:
        return expected_conditions.staleness_of(page)(None)
    except WebDriverException as exc:
        if "does not belong to the document" in str(exc):
            return True
        raise


def test_home_to_treaty_to_state(browser, server, acts):
    browser.get(server.url + "/")
    assert browser.find_element(By.TAG_NAME, "h1").text == "The Budapest Convention knowledge graph"
    first_row = browser.find_element(By.CSS_SELECTOR, "table tbody tr")
    assert "Convention on Cybercrime" in first_row.text
    assert first_row.find_elements(By.TAG_NAME, "td")[0].text == str(len(ex.parties("ETS 185")))

    follow(browser, first_row.find_element(By.LINK_TEXT, "Convention on Cybercrime"))
    assert browser.current_url.endswith("/id/treaty/ets-185")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Convention on Cybercrime"
    rows = browser.find_elements(By.CSS_SELECTOR, "#parties tbody tr")
    assert len(rows) == len(ex.parties("ETS 185"))
    chart = browser.find_element(By.CSS_SELECTOR, "figure img")
    assert "Parties to Convention on Cybercrime" in chart.get_attribute("alt")
    assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", chart) > 0

    follow(browser, browser.find_element(By.CSS_SELECTOR, "#parties thead th a"))  # sort by State name
    names = [
        row.find_element(By.TAG_NAME, "th").text for row in browser.find_elements(By.CSS_SELECTOR, "#parties tbody tr")
    ]
    assert names == sorted(names, key=str.casefold)
    header = browser.find_element(By.CSS_SELECTOR, "#parties thead th")
    assert header.get_attribute("aria-sort") == "ascending"

    follow(browser, browser.find_element(By.LINK_TEXT, "France"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "France"
    timeline = browser.find_element(By.CSS_SELECTOR, "ol.timeline").text
    # Every dated act of France on the Convention: those of acts.csv and its reservations, declarations and
    # designations of authorities (party_statements.csv).
    statements = ex.rows("party_statements.csv")
    dated = [r for r in acts + statements if r["party"] == "FRA" and r["treaty"] == "ETS 185" and r["date"]]
    france = sorted(r["date"] for r in dated)
    assert [line.split()[0] for line in timeline.splitlines()] == france
    assert "Party to the Convention on Cybercrime" in browser.find_element(By.TAG_NAME, "main").text


def test_query_page_runs_a_catalogue_query_and_shows_errors(browser, server):
    browser.get(server.url + "/query")
    follow(browser, browser.find_element(By.LINK_TEXT, ex.query_metadata()["parties"]["summary"]))
    rows = browser.find_elements(By.CSS_SELECTOR, "#results tbody tr")
    assert {row.find_elements(By.TAG_NAME, "td")[1].text for row in rows} == ex.parties_today("ETS 185")

    editor = browser.find_element(By.ID, "query")
    editor.clear()
    editor.send_keys(
        'PREFIX bkg: <https://w3id.org/budapest-kg/ontology#> SELECT ?state WHERE { ?state bkg:iso3166Alpha3 "FRA" }'
    )
    follow(browser, browser.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    browser.find_element(By.CSS_SELECTOR, "#results").find_element(By.LINK_TEXT, "France").click()
    assert browser.current_url.endswith("/id/state/FRA")

    browser.get(server.url + "/query")
    editor = browser.find_element(By.ID, "query")
    editor.clear()
    editor.send_keys("SELECT ?x WHERE { ?x")
    follow(browser, browser.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    alert = browser.find_element(By.CSS_SELECTOR, "[role=alert]")
    assert "The query could not run" in alert.text
    assert browser.find_element(By.ID, "query").get_attribute("value") == "SELECT ?x WHERE { ?x"
