"""The site in a real browser: Debian's headless Chromium driven by Selenium, as a person would use it."""

from __future__ import annotations

import shutil

import pytest

from .. import expected as ex

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is in the test extra: pip install -e '.[test]'")
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.wait import WebDriverWait  # noqa: E402

CHROMIUM = shutil.which("chromium")
DRIVER = shutil.which("chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,1000",
)


@pytest.fixture(scope="module")
def server(apps):
    """The session's oxigraph app on its real loopback server."""
    return apps.server("oxigraph")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (CHROMIUM and DRIVER):
        pytest.skip(
            "Debian's chromium and chromium-driver are not installed on this machine "
            "(apt-get install -y chromium chromium-driver; .ci/run installs them)"
        )
    options = Options()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def follow(browser, element) -> None:
    """Click a link or button and wait until the next page has replaced this one."""
    page = browser.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(browser, 10).until(expected_conditions.staleness_of(page))


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
    france = sorted(r["date"] for r in acts if r["iso3"] == "FRA" and r["treaty"] == "ETS 185" and r["date"])
    assert [line.split()[0] for line in timeline.splitlines()] == france
    assert "Party to the Convention on Cybercrime" in browser.find_element(By.TAG_NAME, "main").text


def test_query_page_runs_a_catalogue_query_and_shows_errors(browser, server):
    browser.get(server.url + "/query")
    follow(browser, browser.find_element(By.LINK_TEXT, ex.query_metadata()["parties"]["summary"]))
    rows = browser.find_elements(By.CSS_SELECTOR, "#results tbody tr")
    assert {row.find_element(By.TAG_NAME, "td").text for row in rows} == ex.parties_today("ETS 185")

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
