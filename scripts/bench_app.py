"""Benchmark the app: time to first result in the browser (Draft, Review; cold and warm) and a
concurrency run (simulated users calling the app's API), all on 127.0.0.1.

- **Browser**: a fresh ``assistant serve --no-warm-up`` per flow (cold = the first request after the
  server starts, models not loaded; warm = the same action again). The time runs from the click to
  the result on screen (headless Chromium at /usr/bin/chromium via playwright).
- **Concurrency**: one server (warmed up), N users in threads, each running Draft → Review (upload
  a seed document) → Library search for R rounds (or for S seconds); every user connects first, then
  all start together. Reports errors, p50/p95/max latency per action, and the memory of the server
  and of its review worker processes. Bounded by a wall-clock limit.

Usage:
    .venv/bin/python scripts/bench_app.py [--store DIR] [--users 20] [--rounds 2 | --seconds 60] [--no-browser]
        [--client http|gradio_client]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
import warnings
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "corpus" / "raw" / "000_681f7b743be24556.txt"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DRAFTS = [
    ("党员教育培训经费", "全年举办党员教育培训班4期，培训党员400人次", 12, 2024, "区委组织部"),
    ("社区工作站管理经费", "保障社区工作站日常运行，完成物业评估和设施维护", 300, 2024, "街道办事处"),
    ("困难党员关爱帮扶", "走访慰问困难党员200人次，发放帮扶资金", 20, 2024, "区委组织部"),
    ("基层党组织建设经费", "开展基层党组织标准化建设，建成示范点10个", 50, 2023, "区委组织部"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(store: str, *, warm_up: bool):
    """``assistant serve`` on a free 127.0.0.1 port; yields (url, seconds until it answered)."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "assistant.interfaces.cli",
        "serve",
        "--port",
        str(port),
        "--store",
        store,
    ]
    if not warm_up:
        command.append("--no-warm-up")
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"}
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"serve exited with {process.returncode}")
            try:
                with urllib.request.urlopen(url, timeout=2):
                    break
            except OSError:
                if time.perf_counter() - start > 300:
                    raise TimeoutError("server did not start within 300 s") from None
                time.sleep(0.2)
        served.pid = process.pid  # type: ignore[attr-defined]  # for memory sampling
        yield url, time.perf_counter() - start
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (Linux /proc; 0 once it has gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        return 0.0
    return float("nan")


def descendants(pid: int) -> list[int]:
    """The process ids of ``pid``'s children, grandchildren … (the app's review workers)."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                children = [int(c) for c in handle.read().split()]
        except OSError:
            continue
        for child in children:
            found += [child, *descendants(child)]
    return found


def tree_rss_mb(pid: int) -> tuple[float, float]:
    """(server, server + its worker processes) resident memory in MB."""
    server = rss_mb(pid)
    return server, server + sum(rss_mb(child) for child in descendants(pid))


def build_store(folder: str) -> str:
    from assistant.ingest import ingest_paths
    from assistant.store.database import Store

    store = Store.open(folder)
    if store.project_count() == 0:
        ingest_paths([ROOT / "corpus" / "raw"], store, progress=False)
    return folder


# ------------------------------------------------------------------------------------------ browser
def _wait_text(page, selector: str, text: str, timeout_ms: int = 300_000) -> None:
    page.wait_for_function(
        "([s, t]) => { const e = document.querySelector(s); return e && e.innerText.includes(t); }",
        arg=[selector, text],
        timeout=timeout_ms,
    )


def browser_draft(url: str) -> tuple[float, float, float]:
    """(page load, cold draft, warm draft) seconds."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
        start = time.perf_counter()
        page.goto(url)
        page.wait_for_selector("#draft-name textarea", timeout=120_000)
        load = time.perf_counter() - start
        times = []
        for name, goal, budget, year, dept in DRAFTS[:2]:
            page.locator("#draft-name textarea").fill(name)
            page.locator("#draft-goal textarea").fill(goal)
            page.locator("#draft-budget input").fill(str(budget))
            page.locator("#draft-year input").fill(str(year))
            page.locator("#draft-department textarea").fill(dept)
            start = time.perf_counter()
            page.locator("#draft-run").click()
            _wait_text(page, "#draft-status", name)
            page.wait_for_selector('#draft-grid [data-testid="cell-0-3"]')
            times.append(time.perf_counter() - start)
        browser.close()
    return load, times[0], times[1]


def browser_review(url: str) -> tuple[float, float]:
    """(cold review, warm review) seconds: upload a seed document, click, see its flagged rows.

    The warm run reviews a copy of the same document under another name, so that the end of each
    run is visible (the per-project table shows the file name).
    """
    from playwright.sync_api import sync_playwright

    times = []
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
        page.goto(url)
        page.wait_for_selector("#draft-name textarea", timeout=120_000)
        page.get_by_role("tab", name="审核").click()
        for name in ("第一次.txt", "第二次.txt"):
            copy = Path(folder) / name
            copy.write_bytes(SEED.read_bytes())
            page.locator("#review-files input[type=file]").set_input_files(str(copy))
            page.wait_for_selector(f"#review-files >> text={copy.stem}", timeout=30_000)
            start = time.perf_counter()
            page.locator("#review-run").click()
            _wait_text(page, "#review-projects", copy.stem)
            page.wait_for_selector('#review-rows [data-testid="cell-0-4"]')
            times.append(time.perf_counter() - start)
        browser.close()
    return times[0], times[1]


# ------------------------------------------------------------------------------------------ concurrency
class HttpUser:
    """One simulated user calling the app's API over plain HTTP (Gradio's ``/gradio_api/call/<name>``:
    the same queue, handlers and outputs as the browser), with one keep-alive connection and one
    session (as a browser tab, or a gradio_client ``Client``, has).

    Much lighter than gradio_client (~1 ms of client CPU per call instead of ~45 ms), which matters
    here: the simulated users share the server's two cores, and gradio_client's 20 threads under one
    GIL were most of the latency the run used to measure.
    """

    def __init__(self, url: str) -> None:
        import httpx

        self._http = httpx.Client(base_url=url, timeout=300.0)
        self._session = uuid.uuid4().hex

    def call(self, api_name: str, data: list) -> list:
        """The outputs of one event, or RuntimeError with the server's error event."""
        import json

        answer = self._http.post(
            f"gradio_api/call/{api_name}", json={"data": data, "session_hash": self._session}
        )
        answer.raise_for_status()
        event_id = answer.json()["event_id"]
        event, payload = "", ""
        with self._http.stream("GET", f"gradio_api/call/{api_name}/{event_id}") as stream:
            for line in stream.iter_lines():
                if line.startswith("event:"):
                    event = line.partition(":")[2].strip()
                elif line.startswith("data:"):
                    payload = line.partition(":")[2].strip()
                    if event in ("complete", "error"):
                        break
        if event != "complete":
            raise RuntimeError(f"{event or 'no answer'}: {payload[:200]}")
        return json.loads(payload)

    def draft(self, form: tuple) -> list:
        return self.call("draft", list(form))

    def review(self, path: Path) -> list:
        uploaded = self._http.post("gradio_api/upload", files=[("files", (path.name, path.read_bytes()))])
        uploaded.raise_for_status()
        files = [
            {"path": p, "orig_name": path.name, "meta": {"_type": "gradio.FileData"}} for p in uploaded.json()
        ]
        return self.call("review", [files, ""])

    def search(self) -> list:
        return self.call("search", ["满意度", "关键词", "全部", "全部", "全部"])


def _calls(url: str, number: int, client: str) -> list[tuple[str, Any]]:
    """The user's (name, call) list: draft, review of the seed document, library search."""
    form = DRAFTS[number % len(DRAFTS)]
    if client == "http":
        user = HttpUser(url)
        return [
            ("draft", lambda: user.draft(form)),
            ("review", lambda: user.review(SEED)),
            ("search", user.search),
        ]
    from gradio_client import Client, handle_file

    gradio = Client(url, verbose=False, analytics_enabled=False, download_files=False)
    return [
        ("draft", lambda: gradio.predict(*form, api_name="/draft")),
        ("review", lambda: gradio.predict([handle_file(str(SEED))], "", api_name="/review")),
        ("search", lambda: gradio.predict("满意度", "关键词", "全部", "全部", "全部", api_name="/search")),
    ]


def concurrency(
    url: str,
    users: int,
    rounds: int,
    limit_s: float,
    seconds: float | None = None,
    client: str = "http",
) -> dict:
    """N users in threads; ``rounds`` rounds each, or as many as fit in ``seconds`` when given.

    Every user connects first; the clock starts when all are connected (then all start at once).
    """
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    lock = threading.Lock()
    start_at: list[float] = []
    ready = threading.Barrier(users + 1, action=lambda: start_at.append(time.monotonic()))

    def user(number: int) -> None:
        try:
            calls = _calls(url, number, client)
        except Exception as error:  # a failed connection is an error of the run
            with lock:
                errors.append(f"user {number} connect: {type(error).__name__}: {error}")
            calls = []
        ready.wait()
        if not calls:
            return
        deadline = start_at[0] + limit_s
        stop = start_at[0] + seconds if seconds else None
        done = 0
        while (stop is None and done < rounds) or (stop is not None and time.monotonic() < stop):
            done += 1
            for name, call in calls:
                if time.monotonic() > deadline or (stop is not None and time.monotonic() > stop):
                    return
                begin = time.perf_counter()
                try:
                    result = call()
                    ok = "status error" not in str(result[0])
                except Exception as error:
                    ok, result = False, f"{type(error).__name__}: {error}"
                elapsed = time.perf_counter() - begin
                with lock:
                    latencies[name].append(elapsed)
                    if not ok:
                        errors.append(f"user {number} {name}: {str(result)[:200]}")

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for thread in threads:
        thread.start()
    ready.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join(timeout=max(1.0, start_at[0] + limit_s - time.monotonic() + 30))
    return {"latencies": latencies, "errors": errors, "wall": time.perf_counter() - start}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(q) - 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--store", help="store folder (default: a temporary store built from corpus/raw)")
    parser.add_argument("--users", type=int, default=20, help="simulated concurrent users (default 20)")
    parser.add_argument(
        "--rounds", type=int, default=2, help="rounds of draft, review, search per user (default 2)"
    )
    parser.add_argument(
        "--limit", type=float, default=600.0, help="wall-clock limit of the concurrency run (s)"
    )
    parser.add_argument("--no-browser", action="store_true", help="skip the browser timings")
    parser.add_argument(
        "--seconds", type=float, default=None, help="run the users for this long instead of --rounds"
    )
    parser.add_argument(
        "--client",
        choices=["http", "gradio_client"],
        default="http",
        help="how the simulated users call the app: plain HTTP to Gradio's /gradio_api/call API "
        "(default; ~1 ms of client CPU per call) or gradio_client (~45 ms per call, sharing the cores)",
    )
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    store = args.store or build_store(tempfile.mkdtemp(prefix="bench-app-"))

    if not args.no_browser and Path(CHROMIUM).exists():
        with served(store, warm_up=False) as (url, started):
            load, cold, warm = browser_draft(url)
        print(f"server start → answering: {started:.1f} s; page load: {load:.1f} s")
        print(f"起草 (Draft) time to first result: cold {cold:.2f} s, warm {warm:.2f} s")
        with served(store, warm_up=False) as (url, _):
            cold_review, warm_review = browser_review(url)
        print(
            f"审核 (Review, one seed document) time to first result: cold {cold_review:.2f} s, warm {warm_review:.2f} s"
        )
    elif not args.no_browser:
        print(f"browser timings skipped: {CHROMIUM} not found")

    with served(store, warm_up=True) as (url, _):
        warm = dict(_calls(url, 0, args.client))
        for name in ("draft", "review", "search"):  # the models are loaded before users arrive
            warm[name]()
        pid = served.pid  # type: ignore[attr-defined]
        before, before_all = tree_rss_mb(pid)
        samples: list[float] = []
        sampling = threading.Event()

        def sample() -> None:
            while not sampling.wait(1.0):
                samples.append(tree_rss_mb(pid)[1])

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        result = concurrency(url, args.users, args.rounds, args.limit, args.seconds, args.client)
        sampling.set()
        after, after_all = tree_rss_mb(pid)
    latencies = result["latencies"]
    total = sum(len(v) for v in latencies.values())
    shape = f"{args.seconds:.0f} s" if args.seconds else f"{args.rounds} rounds"
    print(
        f"concurrency ({args.client} client): {args.users} users × {shape} × (draft, review, search) = {total} requests "
        f"in {result['wall']:.1f} s; errors: {len(result['errors'])}"
    )
    print(
        f"server memory after warm-up {before:.0f} MB → after the run {after:.0f} MB "
        f"(growth {after - before:+.0f} MB); with its worker processes {before_all:.0f} MB → "
        f"{after_all:.0f} MB (growth {after_all - before_all:+.0f} MB; peak {max(samples or [after_all]):.0f} MB)"
    )
    for name, values in latencies.items():
        print(
            f"  {name:<7} n={len(values):>3}  p50 {percentile(values, 50):6.2f} s  "
            f"p95 {percentile(values, 95):6.2f} s  max {max(values):6.2f} s"
        )
    for line in result["errors"][:10]:
        print("  error:", line)
    return 0 if not result["errors"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
