"""The Content-Security-Policy in a real browser: every page renders with nothing blocked (issue 16, hole 10)."""

from __future__ import annotations

import shutil

import pytest
from budapest_kg.endpoint import create_app
from budapest_kg.endpoint.config import Config

from ..conftest import LiveServer

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is in the test extra: pip install -e '.[test]'")
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

CHROMIUM = shutil.which("chromium")
DRIVER = shutil.which("chromedriver")
PAGES = ["/id/treaty/ets-185", "/id/state/FRA", "/ontology", "/query?example=party-count"]


@pytest.fixture(scope="module")
def server(build_dir):
    with LiveServer(create_app(Config.load(build_dir=build_dir))) as live:
        yield live


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (CHROMIUM and DRIVER):
        pytest.skip("Debian's chromium and chromium-driver are not installed (.ci/run installs them)")
    options = Options()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-policy')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


@pytest.mark.parametrize("path", PAGES)
def test_pages_render_with_nothing_blocked_by_the_policy(browser, server, path):
    browser.get_log("browser")  # drop what earlier pages logged
    browser.get(server.url + path)
    assert browser.find_element(By.TAG_NAME, "h1").text
    # The stylesheet applied: body text is not the browser's default serif.
    font = browser.execute_script("return getComputedStyle(document.body).fontFamily")
    assert "serif" not in font.replace("sans-serif", "")
    logged = [entry["message"] for entry in browser.get_log("browser")]
    assert [message for message in logged if "Content Security Policy" in message] == []


def test_the_chart_image_loads_on_the_treaty_page(browser, server):
    browser.get(server.url + "/id/treaty/ets-185")
    image = browser.find_element(By.CSS_SELECTOR, "img[src*='/charts/parties/']")
    assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image) > 0
