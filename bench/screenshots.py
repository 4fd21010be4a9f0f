"""Screenshots of each kind of page at 1400 and 390 px, for a reviewer to look at (not a test).

Starts the site over a build on a free loopback port, drives Debian's headless Chromium with
Selenium, and writes docs/screenshots/<kind>-<width>.png: the top of each page, up to MAX_HEIGHT px.

Run: python bench/screenshots.py [BUILD_DIR] [--out docs/screenshots] [--widths 1400 390]
"""

from __future__ import annotations

import argparse
import shutil
import socket
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlencode

import waitress
from budapest_kg.endpoint import create_app
from budapest_kg.endpoint.config import Config
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

MAX_HEIGHT = 2000
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
)
PAGES = {
    "home": "/",
    "treaty": "/id/treaty/ets-185",
    "state": "/id/state/IND",
    "article": "/id/treaty/ets-185/article/16",
    "term": "/term/isPartyTo",
    "event": "/id/event/ets-185/FRA/consent/1",
    "query-new": "/query",
    "query-results": "/query?" + urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"}),
    "query-error": "/query?" + urlencode({"query": "SELECT ?x WHERE { ?x ?y ?z ) }"}),
    "named-query": "/queries/parties-missing-protocol?protocol=189",
    "catalogue": "/queries",
    "endpoint": "/sparql",
    "ontology": "/ontology",
    "not-found": "/id/state/XXX",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def open_browser(profile: Path) -> webdriver.Chrome:
    options = Options()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    return webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)


def shoot(browser: webdriver.Chrome, url: str, width: int, target: Path) -> None:
    browser.set_window_size(width, 900)
    browser.get(url)
    inner = browser.execute_script("return window.innerWidth")
    # Grow the window so the page's top MAX_HEIGHT px fit in one picture; the viewport keeps `width`.
    height = min(browser.execute_script("return document.documentElement.scrollHeight"), MAX_HEIGHT)
    chrome = browser.get_window_size()
    browser.set_window_size(width + (chrome["width"] - inner), height + 120)
    browser.save_screenshot(str(target))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build_dir", nargs="?", default="build", type=Path)
    parser.add_argument("--out", default=Path("docs/screenshots"), type=Path)
    parser.add_argument("--widths", nargs="+", type=int, default=[1400, 390])
    parser.add_argument("--only", nargs="*", default=None, help="page kinds to shoot (default: all)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app = create_app(Config.load(build_dir=args.build_dir, workers=0))
    port = free_port()
    server = waitress.create_server(app, host="127.0.0.1", port=port, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    with tempfile.TemporaryDirectory() as profile:
        browser = open_browser(Path(profile))
        try:
            for kind, path in PAGES.items():
                if args.only and kind not in args.only:
                    continue
                for width in args.widths:
                    target = args.out / f"{kind}-{width}.png"
                    shoot(browser, f"http://127.0.0.1:{port}{path}", width, target)
                    print(target)
        finally:
            browser.quit()
            server.close()


if __name__ == "__main__":
    main()
