"""End-to-end: the app in headless Chromium (Debian's /usr/bin/chromium driven by playwright).

The app runs as ``assistant serve`` on 127.0.0.1 (a free port) over a store built from the seed
documents. Each test drives one tab like a user and saves a screenshot to artifacts/screenshots/
(gitignored) for a person to look at. Skipped when chromium or playwright is absent; never runs
``playwright install`` (no downloads).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path(os.environ.get("ASSISTANT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
SEED = "000_681f7b743be24556.txt"
FIRST_RESULT_TIMEOUT_MS = 180_000  # a cold start loads the models


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(url: str, process: subprocess.Popen, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"assistant serve exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"the app did not answer at {url} within {timeout:.0f} s")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, seeds_dir) -> Iterator[str]:
    if not CHROMIUM.exists():
        pytest.skip(f"chromium not found at {CHROMIUM} (make browser-deps installs it)")
    pytest.importorskip("playwright.sync_api")
    from assistant.ingest import ingest_paths
    from assistant.store.database import Store

    store_dir = tmp_path_factory.mktemp("e2e-store")
    report = ingest_paths(sorted(seeds_dir.glob("*.txt")), Store.open(store_dir), progress=False)
    assert not report.failed
    port = _free_port()
    log = (tmp_path_factory.mktemp("e2e-log") / "serve.log").open("w")
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "assistant.interfaces.cli",
            "serve",
            "--port",
            str(port),
            "--store",
            str(store_dir),
            "--allow-ingest",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def browser(app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture()
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.goto(app_url)
    page.wait_for_selector("#draft-name textarea", timeout=60_000)
    yield page
    context.close()


def _shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def _wait_text(page, selector: str, text: str, timeout: int = FIRST_RESULT_TIMEOUT_MS) -> None:
    page.wait_for_function(
        "([sel, text]) => { const el = document.querySelector(sel); return el && el.innerText.includes(text); }",
        arg=[selector, text],
        timeout=timeout,
    )


def _cell(page, grid: str, row: int, column: int):
    return page.locator(f'{grid} [data-testid="cell-{row}-{column}"]')


def _rows(page, grid: str) -> list[list[str]]:
    """The grid's cells as text, row by row (gradio renders cells with data-testid cell-R-C)."""
    cells = page.locator(f'{grid} [data-testid^="cell-"]').evaluate_all(
        "els => els.map(e => [e.dataset.testid, e.innerText.trim()])"
    )
    table: dict[int, dict[int, str]] = {}
    for testid, text in cells:
        _, r, c = testid.split("-")
        table.setdefault(int(r), {})[int(c)] = text
    return [[row[c] for c in sorted(row)] for _, row in sorted(table.items())]


def _eventually(check, timeout: float = 30.0) -> bool:
    """Poll ``check()`` until it is true (an event's output lands a moment after the click)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.25)
    return bool(check())


def test_draft_form_gives_a_complete_table(page):
    page.locator("#draft-name textarea").fill("党员教育培训经费")
    page.locator("#draft-goal textarea").fill(
        "全年举办党员教育培训班4期，培训党员400人次，参训党员考核合格率100%。"
    )
    page.locator("#draft-budget input").fill("12")
    page.locator("#draft-year input").fill("2024")
    page.locator("#draft-department textarea").fill("区委组织部")
    page.locator("#draft-run").click()
    _wait_text(page, "#draft-status", "生成")
    rows = _rows(page, "#draft-grid")
    assert len(rows) >= 6
    slots = {r[2] for r in rows}
    assert {"数量指标", "质量指标", "时效指标", "服务对象满意度指标"} <= slots
    assert slots & {"成本指标", "经济成本指标"} and slots & {
        "社会效益指标",
        "经济效益指标",
        "可持续影响指标",
        "生态效益指标",
    }
    assert all(r[4] for r in rows), "every row has a value"
    _shot(page, "draft_table")

    _cell(page, "#draft-grid", 0, 3).click()  # select the first row → its evidence
    _wait_text(page, "#draft-evidence", "建议值", timeout=30_000)

    value = _cell(page, "#draft-grid", 1, 4)  # edit a value → live re-review with highlighted spans
    value.dblclick()
    page.keyboard.press("Control+A")
    page.keyboard.type("明显提升")
    page.keyboard.press("Enter")
    _wait_text(page, "#draft-review", "建议改写", timeout=30_000)
    assert _eventually(lambda: "明显" in page.locator("#draft-spans").inner_text())
    assert _eventually(lambda: _rows(page, "#draft-grid")[1][7].startswith("✗"))
    _shot(page, "draft_edited")

    page.locator("#export-xlsx").click()
    _wait_text(page, "#export-file", ".xlsx", timeout=30_000)


def test_draft_in_another_domain_shows_domain_notes_and_swaps_an_alternative(page):
    page.locator("#draft-name textarea").fill("农村饮水安全工程维修养护")
    page.locator("#draft-goal textarea").fill("维修养护农村集中供水工程15处，保障3.2万农村人口饮水安全")
    page.locator("#draft-budget input").fill("150")
    page.locator("#draft-year input").fill("2025")
    page.locator("#draft-department textarea").fill("")
    page.locator("#draft-run").click()
    _wait_text(page, "#draft-status", "水利")
    status = page.locator("#draft-status").inner_text()
    assert "没有相近的项目" in status and "表格检查" in status
    table = _rows(page, "#draft-grid")
    values = {r[4] for r in table}
    assert {"≥15处", "≥3.2万人", "≤10万元/处"} <= values
    alternatives = _rows(page, "#draft-alternatives")
    assert len(table) + len(alternatives) >= 10
    slots = {r[2] for r in table}
    pick = next(i for i, r in enumerate(alternatives) if r[1] in slots)
    chosen = alternatives[pick][2]
    _shot(page, "draft_other_domain")
    _cell(page, "#draft-alternatives", pick, 2).click()  # swap it into the table
    assert _eventually(lambda: chosen in {r[3] for r in _rows(page, "#draft-grid")})
    assert chosen not in {r[2] for r in _rows(page, "#draft-alternatives")}
    _shot(page, "draft_swapped")


def test_examples_are_one_click_away(page):
    page.get_by_text("社区工作站管理（300 万元）").click()
    _wait_text(page, "#draft-status", "社区工作站管理经费")
    assert page.locator("#draft-name textarea").input_value() == "社区工作站管理经费"
    assert len(_rows(page, "#draft-grid")) >= 6


def test_review_upload_shows_flagged_rows(page, seeds_dir):
    page.get_by_role("tab", name="审核").click()
    page.locator("#review-files input[type=file]").set_input_files(str(seeds_dir / SEED))
    page.wait_for_selector("#review-files >> text=.txt", timeout=30_000)  # uploaded
    page.locator("#review-run").click()
    _wait_text(page, "#review-status", "退回")
    rows = _rows(page, "#review-rows")
    verdicts = [r[4] for r in rows]
    assert "退回" in verdicts and len(rows) >= 10
    deferred = [r for r in rows if r[3] == "依申报情况定"]
    assert deferred and deferred[0][4] == "退回" and deferred[0][7], "flagged with a rewrite"
    # the chart draws (vega) a moment after the table lands: wait for it rather than race it
    page.wait_for_selector("#review-chart-codes canvas, #review-chart-codes svg", timeout=30_000)
    _shot(page, "review_results")

    page.locator("#filter-verdict input").click()
    page.locator('#filter-verdict [role="option"][aria-label="退回"]').click()
    assert _eventually(lambda: {r[4] for r in _rows(page, "#review-rows")} == {"退回"})
    reports = page.locator("#review-reports").inner_text().replace("\n", "")
    assert "审核报告.xlsx" in reports and "审核报告.csv" in reports


def test_library_search_and_value_histogram(page):
    page.get_by_role("tab", name="指标库").click()
    page.locator("#library-query textarea").fill("满意度")
    page.locator("#library-run").click()
    _wait_text(page, "#library-status", "条")
    rows = _rows(page, "#library-rows")
    assert rows and all("满意" in r[0] for r in rows[:5])
    _cell(page, "#library-rows", 0, 0).click()
    _wait_text(page, "#library-summary", "历史记录", timeout=30_000)
    assert page.locator("#library-indicator textarea").input_value() == rows[0][0]
    _shot(page, "library_search")


def test_corpus_tab_ingests_with_cli_messages(page, seeds_dir, tmp_path):
    page.get_by_role("tab", name="语料").click()
    copy = tmp_path / SEED
    shutil.copy(seeds_dir / SEED, copy)
    page.locator("#corpus-files input[type=file]").set_input_files(str(copy))
    page.wait_for_selector("#corpus-files >> text=.txt", timeout=30_000)
    page.locator("#corpus-run").click()
    _wait_text(page, "#corpus-status", "跳过", timeout=60_000)
    assert "新增 0 个项目" in page.locator("#corpus-status").inner_text()  # already in the store
    _shot(page, "corpus_ingest")


def test_review_marks_spans_shows_not_applicable_and_a_reviewer_dismisses_a_flag(page):
    page.get_by_role("tab", name="审核").click()
    page.locator("#review-paste textarea").fill(
        "项目名称\t二级指标\t三级指标\t指标值\n"
        "社区饭堂\t社会效益指标\t用餐环境\t明显提升\n"
        "社区饭堂\t成本指标\t食材成本\t50万%\n"
        "社区饭堂\t经济效益指标\t不适用\t不适用\n"
        "社区饭堂\t数量指标\t服务人次\t≥3000人次\n"
    )
    page.locator("#review-run").click()
    _wait_text(page, "#review-status", "退回")
    marks = page.locator("#review-rows mark").all_inner_texts()
    assert {"明显", "提升", "万%"} <= set(marks), "flagged spans are marked in the table, not offsets"
    rows = _rows(page, "#review-rows")
    assert [r[4] for r in rows] == ["退回", "退回", "不适用", "通过"]
    _cell(page, "#review-rows", 0, 2).click()
    page.get_by_text("撤销误报（审核人决定）").click()
    _wait_text(page, "#dismiss-row", "用餐环境", timeout=30_000)
    page.locator("#dismiss-reason textarea").fill("2023年口径：社会效益允许定性表述")
    page.locator("#dismiss-run").click()
    _wait_text(page, "#dismiss-status", "已写入审核配置", timeout=30_000)
    _shot(page, "review_dismissed")
    page.locator("#review-run").click()  # the next run applies the reviewer's decision
    assert _eventually(lambda: "程度词" not in _rows(page, "#review-rows")[0][5], timeout=60)


def test_corpus_lists_documents_and_removes_one(page, tmp_path):
    page.get_by_role("tab", name="语料").click()
    extra = tmp_path / "临时表.csv"
    extra.write_text("项目名称,三级指标,指标值\n临时项目,培训人次,≥100人次\n", encoding="utf-8")
    page.locator("#corpus-files input[type=file]").set_input_files(str(extra))
    page.wait_for_selector("#corpus-files >> text=.csv", timeout=30_000)
    page.locator("#corpus-run").click()
    _wait_text(page, "#corpus-sources", "临时表.csv", timeout=60_000)
    page.locator("#corpus-remove-choice input").click()
    page.locator('#corpus-remove-choice [role="option"][aria-label="临时表.csv"]').click()
    page.locator("#corpus-remove").click()
    _wait_text(page, "#corpus-remove-status", "已从语料库删除 临时表.csv", timeout=30_000)
    assert _eventually(lambda: "临时表.csv" not in page.locator("#corpus-sources").inner_text())
    _shot(page, "corpus_removed")


def test_library_says_when_nothing_is_close(page):
    page.get_by_role("tab", name="指标库").click()
    page.locator("#library-query textarea").fill("供水")
    page.locator("#library-run").click()
    _wait_text(page, "#library-status", "没有与“供水”相近的历史指标")
    assert _rows(page, "#library-rows") == []
    _shot(page, "library_nothing_close")
