"""The browser tests' shared pieces: a real server, Debian's headless Chromium, and axe-core to inject."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

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
    "--hide-scrollbars",
    "--window-size=1280,1000",
)
# axe-core comes from npm into a cache outside the repository (never committed); .ci/run fetches it too.
AXE_VERSION = "4"
AXE_CACHE = Path(os.environ.get("BKG_AXE_DIR", Path.home() / ".cache" / "budapest-kg" / "axe"))


@pytest.fixture(scope="session")
def server(apps):
    """The session's oxigraph app on its real loopback server."""
    return apps.server("oxigraph")


@pytest.fixture(scope="session")
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


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's browser bundle, installed from npm into AXE_CACHE when it is not there yet."""
    bundle = AXE_CACHE / "node_modules" / "axe-core" / "axe.min.js"
    if not bundle.is_file():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail(
                "the accessibility check needs axe-core from npm, and npm is not installed (apt-get install npm)"
            )
        AXE_CACHE.mkdir(parents=True, exist_ok=True)
        command = [npm, "install", "--prefix", str(AXE_CACHE), f"axe-core@{AXE_VERSION}", "--no-audit", "--no-fund"]
        result = subprocess.run(command, capture_output=True, text=True, timeout=300)
        if result.returncode != 0 or not bundle.is_file():
            pytest.fail(f"npm could not install axe-core into {AXE_CACHE}: {result.stderr.strip()[-500:]}")
    return bundle.read_text(encoding="utf-8")
