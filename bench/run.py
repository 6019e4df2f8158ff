"""The portal's benchmark: the same pages at 1,000 and 100,000 articles (1,000,000 with --large).

    make bench                      # everything, starting its own PostgreSQL
    .venv/bin/python bench/run.py   # the same, when DATABASE_URL already points at an empty database

For each size it fills PostgreSQL with bench/generate.py, serves the portal with
gunicorn (production settings, DJANGO_DEBUG=0, whitenoise) on 127.0.0.1, warms
it up and loads each page with wrk (bounded in time, loopback only). It records
requests/s, p50 and p95 latency and SQL queries per request, measures image
processing and legacy import speed, writes bench/results/<name>.json and
<name>.png, and prints a table with the targets and whether they hold.
"""

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

PROJECT_ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = PROJECT_ROOT / "bench"
RESULTS_DIR = BENCH_DIR / "results"
PYTHON = sys.executable
WRK_SCRIPT = BENCH_DIR / "percentiles.lua"

COMMON_TERM = "ชุมชน"
RARE_TERM = "สบู่สมุนไพร"


def log(message: str) -> None:
    print(message, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_environment(media_root: Path) -> dict:
    env = dict(os.environ)
    env.update({
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": env.get("DJANGO_SECRET_KEY") or "bench-" + "k" * 60,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MEDIA_ROOT": str(media_root),
        "STATIC_ROOT": str(media_root.parent / "static"),
        "DJANGO_LOG_LEVEL": "ERROR",
        # The benchmark talks plain HTTP on loopback.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_SETTINGS_MODULE": "samma_portal.settings",
    })
    return env


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def probe(env: dict) -> dict:
    """Page URLs and SQL queries per page, measured inside Django with the test client."""
    result = subprocess.run(
        [PYTHON, str(BENCH_DIR / "probe.py"), COMMON_TERM, RARE_TERM],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"bench/probe.py failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout)


class Gunicorn:
    """The portal served as in production, for the length of a with-block."""

    def __init__(self, env: dict, workers: int):
        self.env = env
        self.port = free_port()
        self.workers = workers
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "samma_portal.wsgi:application",
             "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
             "--worker-class", "gthread", "--threads", "4", "--log-level", "warning"],
            cwd=PROJECT_ROOT, env=self.env, start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__(None, None, None)
        raise SystemExit("gunicorn did not start within 60 s")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


def run_wrk(url: str, seconds: int, connections: int) -> dict:
    """requests/s, p50, p95 (ms) and non-2xx count from one bounded wrk run."""
    url = quote(url, safe=":/?&=%")  # wrk takes only ASCII: the Thai search terms are percent-encoded
    result = subprocess.run(
        # A new connection per request, as from a load balancer without keep-alive: gunicorn
        # workers accept greedily, and kept-alive connections would pile onto one of them
        # at random, halving some runs and not others.
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-H", "Connection: close",
         "-s", str(WRK_SCRIPT), url],
        capture_output=True, text=True, timeout=seconds + 60,
    )
    if result.returncode != 0:
        raise SystemExit(f"wrk failed for {url}: {result.stderr}")
    out = result.stdout
    numbers = dict(re.findall(r"^(p50|p95|requests|rps|errors)=([\d.]+)$", out, re.M))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(numbers["rps"]),
        "p50_ms": float(numbers["p50"]) / 1000,
        "p95_ms": float(numbers["p95"]) / 1000,
        "requests": int(float(numbers["requests"])),
        "errors": int(float(numbers["errors"])) + (int(non_2xx.group(1)) if non_2xx else 0),
    }


def measure_size(env: dict, size: int, args) -> dict:
    log(f"\n== {size:,} articles ==")
    pages = probe(env)
    results = {}
    with Gunicorn(env, workers=args.workers) as server:
        # Every page once before any is timed: the first pages measured otherwise pay for
        # the workers' start-up and the database settling after the bulk load.
        for page in pages["pages"].values():
            run_wrk(server.url(page["path"]), 2, args.connections)
        for name, page in pages["pages"].items():
            url = server.url(page["path"])
            run_wrk(url, max(2, args.seconds // 3), args.connections)  # warm-up
            numbers = run_wrk(url, args.seconds, args.connections)
            numbers.update(path=page["path"], queries=page["queries"], queries_uncached=page["queries_uncached"],
                           status=page["status"])
            results[name] = numbers
            log(f"  {name:<16} {numbers['rps']:8.1f} req/s  p50 {numbers['p50_ms']:7.1f} ms  "
                f"p95 {numbers['p95_ms']:7.1f} ms  {page['queries']:>2} queries "
                f"({page['queries_uncached']:>2} uncached)  {numbers['errors']} errors")
    if args.rendered_seconds > 0:
        # The same pages with the page cache off: what every first reader after a change
        # waits for, and what the servers do when the cache is cold.
        log("  -- page cache off (every request rendered) --")
        with Gunicorn({**env, "PAGE_CACHE_SECONDS": "0"}, workers=args.workers) as server:
            for name, page in pages["pages"].items():
                url = server.url(page["path"])
                run_wrk(url, 2, args.connections)  # warm-up
                numbers = run_wrk(url, args.rendered_seconds, args.connections)
                results[name]["rendered"] = numbers
                log(f"  {name:<16} {numbers['rps']:8.1f} req/s  p50 {numbers['p50_ms']:7.1f} ms  "
                    f"p95 {numbers['p95_ms']:7.1f} ms  {numbers['errors']} errors")
    log(f"  database {pages['disk_bytes']['database'] / 2**20:,.0f} MiB "
        f"(trigram index {pages['disk_bytes']['trigram_index'] / 2**20:,.0f} MiB)")
    return {"pages": results, "explain": pages["explain"], "articles": pages["articles"],
            "disk_bytes": pages["disk_bytes"]}


def generate(env: dict, count: int) -> float:
    started = time.monotonic()
    log(f"generating {count:,} articles …")
    process = subprocess.run(
        [PYTHON, str(BENCH_DIR / "generate.py"), "--articles", str(count)], cwd=PROJECT_ROOT, env=env
    )
    if process.returncode != 0:
        raise SystemExit("bench/generate.py failed")
    return time.monotonic() - started


def measure_images_and_import(env: dict) -> dict:
    result = subprocess.run(
        [PYTHON, str(BENCH_DIR / "processing.py")], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"bench/processing.py failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def check_targets(results: dict, small: int, large: int) -> list[dict]:
    """Each target of docs/deploy.md, as a ratio measured in this one run."""
    checks = []
    at_small, at_large = results["sizes"][str(small)]["pages"], results["sizes"][str(large)]["pages"]
    floor = at_large["floor"]
    for name, page in at_large.items():
        if name == "floor":
            continue
        before = at_small[name]
        if name.startswith("search"):
            checks.append({"target": f"{name}: p95 < 10× floor p95", "value": page["p95_ms"] / floor["p95_ms"],
                           "limit": 10, "holds": page["p95_ms"] < 10 * floor["p95_ms"]})
            checks.append({"target": f"{name}: p95 at {large:,} ≤ 3× p95 at {small:,}",
                           "value": page["p95_ms"] / before["p95_ms"], "limit": 3,
                           "holds": page["p95_ms"] <= 3 * before["p95_ms"]})
        else:
            checks.append({"target": f"{name}: req/s ≥ 50% of floor", "value": page["rps"] / floor["rps"],
                           "limit": 0.5, "holds": page["rps"] >= 0.5 * floor["rps"]})
            checks.append({"target": f"{name}: p95 at {large:,} ≤ 1.5× p95 at {small:,}",
                           "value": page["p95_ms"] / before["p95_ms"], "limit": 1.5,
                           "holds": page["p95_ms"] <= 1.5 * before["p95_ms"]})
        checks.append({"target": f"{name}: same SQL queries at {small:,} and {large:,}",
                       "value": f"{before['queries']} / {page['queries']}", "limit": "equal",
                       "holds": before["queries"] == page["queries"]})
        checks.append({"target": f"{name}: same SQL queries uncached (page rendered) at {small:,} and {large:,}",
                       "value": f"{before['queries_uncached']} / {page['queries_uncached']}", "limit": "equal",
                       "holds": before["queries_uncached"] == page["queries_uncached"]})
        checks.append({"target": f"{name}: no errors", "value": page["errors"], "limit": 0,
                       "holds": page["errors"] == 0 and before["errors"] == 0})
    generated = results["generation_seconds"].get(str(large))
    if generated is not None and large > small:
        per_100k = generated * 100_000 / (large - small)
        checks.append({"target": "generate 100,000 articles < 3 min (s per 100,000)", "value": per_100k,
                       "limit": 180, "holds": per_100k < 180})
    processing = results["processing"]
    checks.append({"target": "12-megapixel JPEG display sizes < 1 s", "value": processing["image_seconds"],
                   "limit": 1.0, "holds": processing["image_seconds"] < 1.0})
    checks.append({"target": "legacy import ≥ 100 documents/s", "value": processing["import_per_second"],
                   "limit": 100, "holds": processing["import_per_second"] >= 100})
    explain = results["sizes"][str(large)]["explain"]
    checks.append({"target": "search uses the pg_trgm index", "value": "article_search_text_trgm" in explain,
                   "limit": True, "holds": "article_search_text_trgm" in explain})
    return checks


def chart(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = list(results["sizes"])
    names = list(results["sizes"][sizes[0]]["pages"])
    figure, (rps_axis, p95_axis) = plt.subplots(1, 2, figsize=(14, 5.5))
    width = 0.8 / len(sizes)
    for index, size in enumerate(sizes):
        pages = results["sizes"][size]["pages"]
        positions = [n + index * width for n in range(len(names))]
        label = f"{int(size):,} articles"
        rps_axis.bar(positions, [pages[n]["rps"] for n in names], width, label=label)
        p95_axis.bar(positions, [pages[n]["p95_ms"] for n in names], width, label=label)
    for axis, title in ((rps_axis, "requests/s (higher is better)"), (p95_axis, "p95 latency, ms (lower is better)")):
        axis.set_xticks([n + width * (len(sizes) - 1) / 2 for n in range(len(names))])
        axis.set_xticklabels(names, rotation=35, ha="right")
        axis.set_title(title)
        axis.legend()
        axis.grid(axis="y", alpha=0.3)
    figure.suptitle(f"Samma Portal benchmark — {results['date']} — {results['machine']}")
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def table(results: dict, checks: list[dict]) -> str:
    sizes = list(results["sizes"])
    rendered = "rendered" in next(iter(results["sizes"][sizes[0]]["pages"].values()))
    headers = [f"{int(s):,}: req/s · p50 · p95 ms · queries" for s in sizes]
    if rendered:
        headers += [f"{int(s):,} cache off: req/s · p95 ms · queries" for s in sizes]
    lines = ["| page | " + " | ".join(headers) + " |", "| --- | " + " | ".join("---" for _ in headers) + " |"]
    for name in results["sizes"][sizes[0]]["pages"]:
        cells = []
        for size in sizes:
            page = results["sizes"][size]["pages"][name]
            cells.append(f"{page['rps']:.0f} · {page['p50_ms']:.1f} · {page['p95_ms']:.1f} · {page['queries']}")
        if rendered:
            for size in sizes:
                page = results["sizes"][size]["pages"][name]
                cells.append(f"{page['rendered']['rps']:.0f} · {page['rendered']['p95_ms']:.1f} · "
                             f"{page['queries_uncached']}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "| target | measured | holds |", "| --- | --- | --- |"]
    for check in checks:
        value = check["value"]
        shown = f"{value:.2f}" if isinstance(value, float) else str(value)
        lines.append(f"| {check['target']} | {shown} | {'yes' if check['holds'] else '**no**'} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Samma Portal benchmark")
    parser.add_argument("--large", action="store_true", help="also measure 1,000,000 articles")
    parser.add_argument("--sizes", default=None, help="comma-separated article counts (default 1000,100000)")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
    parser.add_argument("--rendered-seconds", type=int, default=5,
                        help="wrk duration per page with the page cache off (0: skip that pass)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--name", default=None, help="results file name (default: date)")
    parser.add_argument("--page-cache-seconds", type=int, default=None,
                        help="PAGE_CACHE_SECONDS for the server; 0 measures every page rendered")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        log("bench/run.py needs DATABASE_URL=postgres://… (make bench starts a server itself)")
        return 2
    if not shutil.which("wrk"):
        log("wrk is not installed: apt-get install wrk (make bench does it)")
        return 2
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else [1000, 100000]
    if args.large:
        sizes.append(1000000)
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="samma-bench-"))
    env = bench_environment(work / "media")
    if args.page_cache_seconds is not None:
        env["PAGE_CACHE_SECONDS"] = str(args.page_cache_seconds)
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        results = {
            "date": datetime.now().strftime("%Y-%m-%d %H:%M"),
            "machine": f"{os.cpu_count()} cores, {round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GiB, {platform.python_implementation()} {platform.python_version()}",
            "settings": {"workers": args.workers, "threads": 4, "wrk_seconds": args.seconds,
                         "connections": args.connections, "page_cache_seconds": env.get("PAGE_CACHE_SECONDS")},
            "sizes": {},
            "generation_seconds": {},
        }
        have = 0
        for size in sizes:
            results["generation_seconds"][str(size)] = round(generate(env, size - have), 1)
            have = size
            results["sizes"][str(size)] = measure_size(env, size, args)
        results["processing"] = measure_images_and_import(env)
        checks = check_targets(results, sizes[0], sizes[1] if len(sizes) > 1 else sizes[0])
        results["targets"] = checks
        results["total_seconds"] = round(time.monotonic() - started, 1)
        name = args.name or datetime.now().strftime("%Y-%m-%d")
        RESULTS_DIR.mkdir(exist_ok=True)
        (RESULTS_DIR / f"{name}.json").write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
        chart(results, RESULTS_DIR / f"{name}.png")
        (RESULTS_DIR / f"{name}.md").write_text(table(results, checks) + "\n")
        log("\n" + table(results, checks))
        log(f"\nimage display sizes of a 12 MP JPEG: {results['processing']['image_seconds']:.2f} s; "
            f"legacy import: {results['processing']['import_per_second']:.0f} documents/s")
        log(f"results: {RESULTS_DIR / (name + '.json')}, chart: {RESULTS_DIR / (name + '.png')}; "
            f"total {results['total_seconds']:.0f} s")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
