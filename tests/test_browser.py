"""The app in real headless Chromium: every tab opens, a micro job starts, the chart draws points."""
import re
import shutil
from pathlib import Path

import pytest
from web_app import running_app

CHROMIUM = Path("/usr/bin/chromium")
playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists() and shutil.which("chromium") is None,
                                 reason="Debian's chromium is not installed (apt-get install chromium)")]
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


def test_tabs_job_and_live_chart(template_workspace, tmp_path):
    with running_app(template_workspace, tmp_path / "ws") as (url, workspace), \
            playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        page.goto(url)
        page.get_by_text("A small GPT that learns English first, then bash").wait_for(timeout=30_000)
        for tab in ("Data", "Runs", "Playground", "Report", "Training"):
            page.get_by_role("tab", name=tab).click()
        page.get_by_text("No job running").filter(visible=True).first.wait_for(timeout=10_000)

        # Training tab: a micro model for 40 steps, started with the Start button.
        size = page.get_by_label("model size").filter(visible=True).first
        size.click()
        size.fill("micro")
        size.press("Enter")
        page.get_by_label("steps", exact=True).fill("40")
        page.get_by_label("eval every").fill("10")
        page.get_by_role("button", name="Start", exact=True).click()
        page.get_by_text("Started").filter(visible=True).first.wait_for(timeout=15_000)
        # One job at a time: while it runs, the Data tab's builds are not offered.
        page.get_by_role("tab", name="Data").click()
        playwright_api.expect(page.get_by_role("button", name="Download / build english corpus")).to_be_disabled(
            timeout=10_000)
        page.get_by_role("tab", name="Training").click()

        page.locator(".training-plot .js-plotly-plot").filter(visible=True).first.wait_for(timeout=30_000)

        # A second tab opened mid-training shows the same job, owned by core rather than a page.
        second = browser.new_page()
        second.goto(url)
        second.get_by_role("tab", name="Training").click()
        second.get_by_text("training · language").filter(visible=True).first.wait_for(timeout=20_000)
        second.close()
        page.wait_for_function(
            """() => [...document.querySelectorAll('.training-plot .js-plotly-plot')]
                 .some(p => (p.data || []).some(t => (t.x || []).length >= 3))""", timeout=60_000)
        page.get_by_text("· finished").filter(visible=True).first.wait_for(timeout=90_000)

        # A page loaded now lists the run made since the app started and draws its curves at once.
        later = browser.new_page(viewport={"width": 1400, "height": 1800})
        later.goto(url)
        later.get_by_role("tab", name="Runs").click()
        later.locator(".js-plotly-plot").filter(visible=True).first.wait_for(timeout=20_000)
        later.close()

        # Data tab: a corpus built here joins the tokenizer's lists when its job ends, unasked.
        page.get_by_role("tab", name="Data").click()
        page.get_by_label("corpus name").filter(visible=True).first.fill("fresh")
        page.get_by_label("max documents (0 = all)").filter(visible=True).first.fill("5")
        page.get_by_role("button", name="Download / build english corpus").click()
        page.get_by_text("Building english/fresh").filter(visible=True).first.wait_for(timeout=15_000)
        page.get_by_text(re.compile(r"download · english corpus fresh .* · finished")).filter(
            visible=True).first.wait_for(timeout=120_000)
        page.wait_for_timeout(4_000)  # two ticks of the console's timer
        page.get_by_label("English corpora").click()
        page.get_by_role("option", name="fresh").wait_for(timeout=10_000)
        screenshot = tmp_path / "training-tab.png"
        page.screenshot(path=str(screenshot), full_page=True)
        assert screenshot.stat().st_size > 10_000
        print(f"screenshot: {screenshot}")
        browser.close()
    metrics = (workspace.run_dir("language") / "metrics.jsonl").read_text().splitlines()
    assert len(metrics) >= 5
