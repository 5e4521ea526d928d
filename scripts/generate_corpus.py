"""Generate a realistic synthetic corpus by recombining real indicators, for scale tests.

Each synthetic project starts from a real one (seeds + songgang workbooks, or a store): its name
gets another place/unit entity and a serial, its goal and budget are rescaled, and each indicator
is either kept (numbers in its value perturbed) or swapped for an indicator of the same slot taken
from another real project; one name in five is prefixed with the project's entity, so the number of
distinct names grows with the corpus as it does in real collections.

Output: a CSV with a header row that ``assistant ingest`` reads (项目名称, 部门, 年度, 预算（万元）,
年度目标, 一级指标, 二级指标, 三级指标, 指标值), or projects written straight into a store.

Usage:
    .venv/bin/python scripts/generate_corpus.py --indicators 100000 --csv /tmp/synth100k.csv
    .venv/bin/python scripts/generate_corpus.py --indicators 100000 --store /tmp/store100k
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.records.build import make_indicator  # noqa: E402
from assistant.records.schema import Indicator, Project  # noqa: E402

PLACES = [
    "东方",
    "松涛",
    "江边",
    "碧头",
    "溪头",
    "沙浦",
    "朗下",
    "花果山",
    "楼岗",
    "潭头",
    "红星",
    "山门",
    "燕川",
    "塘下涌",
    "罗田",
    "洪桥头",
    "芙蓉",
    "龙安",
    "平南",
    "响岩",
    "古城",
    "白马",
    "新城",
    "河西",
    "城北",
    "清水",
]
HEADER = [
    "项目名称",
    "部门",
    "年度",
    "预算（万元）",
    "年度目标",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标值",
]
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_PLACE_IN_NAME = re.compile(r"（[^（）]*社区[^（）]*）|[一-龥]{2,3}社区")


def load_real_projects(store: str | None = None, songgang: Path | None = None) -> list[Project]:
    """The projects to recombine (seeds + songgang workbooks, or a store's)."""
    from assistant.evaluation.suggest_eval import load_projects

    projects = load_projects(
        store, songgang or Path(__file__).resolve().parents[2] / "shared" / "data" / "songgang"
    )
    return [p for p in projects if len(p.indicators) >= 3]


def _scale_numbers(text: str, rng: random.Random, keep_percent: bool = True) -> str:
    """Multiply the numbers of a value by one random factor (percentages and years kept)."""
    if keep_percent and "%" in text:
        return text
    factor = rng.choice([0.5, 0.8, 1.0, 1.0, 1.25, 1.5, 2.0, 3.0])

    def repl(match: re.Match[str]) -> str:
        number = float(match.group())
        if 1900 <= number <= 2100 and "年" in text[match.end() : match.end() + 1]:
            return match.group()
        scaled = number * factor
        return str(int(round(scaled))) if "." not in match.group() else f"{scaled:.2f}"

    return _NUMBER.sub(repl, text)


class Generator:
    """Draws synthetic projects from real ones (deterministic for a seed)."""

    def __init__(self, projects: Sequence[Project], seed: int = 0):
        self.projects = list(projects)
        self.rng = random.Random(seed)
        self.by_slot: dict[str, list[Indicator]] = defaultdict(list)
        for p in self.projects:
            for i in p.indicators:
                if i.name and i.name not in {"不适用", "无"}:
                    self.by_slot[i.level2].append(i)
        self.serial = 0

    def project(self) -> Project:
        rng = self.rng
        base = rng.choice(self.projects)
        self.serial += 1
        place = rng.choice(PLACES)
        name = (
            _PLACE_IN_NAME.sub(f"（{place}社区）", base.name)
            if _PLACE_IN_NAME.search(base.name)
            else base.name
        )
        name = f"{name}（{place}·{self.serial}）"
        factor = rng.choice([0.5, 0.8, 1.0, 1.2, 1.5, 2.0])
        budget = round(base.budget_wan * factor, 4) if base.budget_wan else None
        goal = _scale_numbers(base.goal, rng) if base.goal else None
        indicators = []
        for i in base.indicators:
            source = i
            pool = self.by_slot.get(i.level2)
            if pool and rng.random() < 0.3:
                source = rng.choice(pool)
            value = _scale_numbers(source.value, rng)
            indicator_name = f"{place}社区{source.name}" if rng.random() < 0.2 else source.name
            indicators.append(
                make_indicator(
                    source.level1, source.level2, indicator_name, value, location=f"行 {len(indicators) + 1}"
                )
            )
        return Project(
            name=name,
            indicators=tuple(indicators),
            department=base.department,
            year=rng.randint(2019, 2025),
            budget_wan=budget,
            goal=goal,
            source=f"synthetic-{self.serial // 10000:03d}.csv",
            location=f"项目 {self.serial}",
        )

    def projects_for(self, indicators: int) -> Iterator[Project]:
        """Projects until at least ``indicators`` indicators were produced."""
        produced = 0
        while produced < indicators:
            project = self.project()
            produced += len(project.indicators)
            yield project


def write_csv(projects: Iterator[Project], path: Path) -> tuple[int, int]:
    """Write projects as one header table; returns (projects, indicators)."""
    n_projects = n_indicators = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for p in projects:
            n_projects += 1
            for i in p.indicators:
                n_indicators += 1
                writer.writerow(
                    [
                        p.name,
                        p.department or "",
                        p.year or "",
                        p.budget_wan or "",
                        p.goal or "",
                        i.level1,
                        i.level2,
                        i.name,
                        i.value,
                    ]
                )
    return n_projects, n_indicators


def write_store(projects: Iterator[Project], directory: Path, chunk: int = 5000) -> tuple[int, int]:
    """Add projects straight into a store (in chunks, one transaction each)."""
    from assistant.store.database import Store

    store = Store.open(directory)
    n_projects = n_indicators = 0
    batch: list[Project] = []
    for p in projects:
        batch.append(p)
        n_projects += 1
        n_indicators += len(p.indicators)
        if len(batch) >= chunk:
            store.add_projects(batch)
            batch = []
    if batch:
        store.add_projects(batch)
    return n_projects, n_indicators


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--indicators",
        type=int,
        default=10_000,
        help="how many indicators (approximately, rounded up to whole projects)",
    )
    parser.add_argument("--csv", type=Path, help="write a CSV that `assistant ingest` reads")
    parser.add_argument("--store", type=Path, help="write straight into this store folder")
    parser.add_argument(
        "--source-store", default=None, help="recombine this store's projects (default: seeds + songgang)"
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if not args.csv and not args.store:
        parser.error("give --csv PATH or --store DIR")
    real = load_real_projects(args.source_store)
    if not real:
        print("no real projects to recombine", file=sys.stderr)
        return 2
    start = time.perf_counter()
    generator = Generator(real, seed=args.seed)
    projects = generator.projects_for(args.indicators)
    if args.csv:
        counts = write_csv(projects, args.csv)
        target = args.csv
    else:
        counts = write_store(projects, args.store)
        target = args.store
    elapsed = time.perf_counter() - start
    print(
        f"{counts[0]} projects, {counts[1]} indicators → {target} in {elapsed:.1f}s (from {len(real)} real projects)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
