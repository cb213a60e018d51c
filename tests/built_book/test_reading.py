"""The reading experience of the built book, checked in headless Chromium driven by Selenium: math typeset with
no network (no raw TeX left), no JavaScript errors, every internal link resolving, the search finding a topic,
a quiz answering a click, and a figure that moves when its slider is dragged."""

from __future__ import annotations

import html.parser
import re
import shutil
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from .conftest import HTML

PAGES = sorted(p for p in HTML.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts)
CONTENT = [p for p in PAGES if p.name not in ("search.html", "genindex.html")]
CHROMEDRIVER = shutil.which("chromedriver")
CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
needs_browser = pytest.mark.skipif(CHROMEDRIVER is None or CHROMIUM is None,
                                   reason="chromium and chromium-driver are not installed")


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1200,1000",
                 "--disable-background-networking", "--no-first-run", "--disable-component-update"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _open(driver, page: Path) -> None:
    driver.get(page.as_uri())
    driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const ready = () => (window.MathJax && MathJax.startup && MathJax.startup.promise) || Promise.resolve();
        setTimeout(() => ready().then(() => done(true), () => done(false)), 300);""")


# Text the reader sees, without code, scripts and typeset math; raw TeX left in it means MathJax did not run.
_VISIBLE_PROSE = """
const root = (document.querySelector('article') || document.body).cloneNode(true);
root.querySelectorAll('pre, code, script, style, mjx-container, .MathJax, .cell_input').forEach(e => e.remove());
return root.textContent;"""


def test_the_book_has_pages() -> None:
    assert len(CONTENT) >= 20, f"only {len(CONTENT)} pages were built"


@needs_browser
@pytest.mark.parametrize("page", CONTENT, ids=lambda p: str(p.relative_to(HTML)))
def test_math_is_typeset_offline_and_the_page_logs_no_error(browser, page: Path) -> None:
    _open(browser, page)
    text = browser.execute_script(_VISIBLE_PROSE)
    for delimiter in ("\\[", "\\(", "$$", "\\begin{", "\\frac"):
        assert delimiter not in text, f"raw TeX in the visible text: {text[text.index(delimiter):][:80]!r}"
    errors = [e["message"][:200] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, "JavaScript console errors:\n" + "\n".join(errors)


@needs_browser
def test_math_is_served_by_the_book_itself() -> None:
    page = (HTML / "book" / "part1" / "05_adam.html").read_text()
    assert "_static/mathjax/tex-chtml.js" in page
    assert not re.search(r"<script[^>]+src=\"https?://[^\"]*mathjax", page), "MathJax is loaded from the network"
    assert (HTML / "_static" / "mathjax" / "tex-chtml.js").exists()


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])


def _parse(page: Path) -> _Links:
    parser = _Links()
    parser.feed(page.read_text())
    return parser


def test_every_internal_link_and_anchor_resolves() -> None:
    parsed = {p: _parse(p) for p in PAGES}
    broken = []
    for page, links in parsed.items():
        for href in links.hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(HTML)} -> {href}")
            elif parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else _parse(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{page.relative_to(HTML)} -> {href} (no such anchor)")
    assert not broken, f"{len(broken)} broken internal links:\n" + "\n".join(broken[:40])


@needs_browser
def test_search_finds_bias_correction(browser) -> None:
    browser.get((HTML / "search.html").as_uri() + "?q=bias+correction")
    deadline = time.time() + 30
    found: list[str] = []
    while time.time() < deadline and not found:
        time.sleep(0.5)
        found = browser.execute_script(
            "return Array.from(document.querySelectorAll('#search-results li a')).map(a => a.textContent)")
    assert found, "the search page found nothing for 'bias correction'"
    assert any("Adam" in title for title in found), found


@needs_browser
def test_a_quiz_answer_clicked_shows_feedback(browser) -> None:
    _open(browser, HTML / "book" / "part1" / "05_adam.html")
    time.sleep(1)
    buttons = browser.execute_script("return Array.from(document.querySelectorAll('.MCButton'))")
    assert buttons, "no quiz buttons on the Adam chapter"
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", buttons[0])
    buttons[0].click()
    time.sleep(0.5)
    feedback = browser.execute_script("""
        const q = arguments[0].closest('.Quiz') || document;
        const f = q.querySelector('.Feedback');
        return f ? f.textContent.trim() : '';""", buttons[0])
    assert feedback, "clicking an answer showed no feedback"


def _slider_handles(driver) -> list:
    return driver.execute_script("""
        const out = [];
        const walk = root => root.querySelectorAll('*').forEach(el => {
            if (el.shadowRoot) { const h = el.shadowRoot.querySelector('.noUi-handle'); if (h) out.push(h); walk(el.shadowRoot); }
        });
        walk(document); return out;""")


@needs_browser
@pytest.mark.parametrize("page, source, column", [
    ("book/part1/03_momentum.html", "trajectory", "x"),
    ("book/part2/10_warmup.html", "curve", "lr"),
])
def test_dragging_a_slider_redraws_the_figure(browser, page: str, source: str, column: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    _open(browser, HTML / page)
    read = f"return Array.from(Bokeh.documents[0].get_model_by_name('{source}').data['{column}']).slice(0, 60)"
    handles = _slider_handles(browser)
    assert handles, f"no slider on {page}"
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", handles[0])
    before, picture = browser.execute_script(read), browser.get_screenshot_as_png()
    ActionChains(browser).click_and_hold(handles[0]).move_by_offset(-200, 0).release().perform()
    time.sleep(0.5)
    assert browser.execute_script(read) != before, "the figure's data did not change"
    assert browser.get_screenshot_as_png() != picture, "the drawn figure did not change"
