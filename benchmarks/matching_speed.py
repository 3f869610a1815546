"""Matching speed: batch screening and live queries on synthetic persons.

1. ``liaison screen`` (``liaison.matching.screen.main``) of 1,000,000 input
   records against a 100,000-person watchlist (target < 5 min, peak memory
   < 4 GiB on a 2-core machine). 5 % of the input records are variants of
   watchlist persons (unmarked / reordered Vietnamese, Lao script ↔ Latin,
   Cyrillic ↔ ICAO Latin, some with day/month swapped).
2. ``PersonIndex`` of 1,000,000 persons: latency of single live queries
   (target p95 < 200 ms).

Names are synthetic but built from real name parts: Vietnamese surnames,
middle and given names; Lao syllables; Russian given names and surnames.

    python benchmarks/matching_speed.py            # full size
    python benchmarks/matching_speed.py --scale 0.05   # quick run

Only ``screen.main`` is timed (CSV files in, ``HITS.csv`` out), not the
generation of the synthetic files. Memory is that of all processes together:
``peak_rss_mib`` sums the RSS of the parent and its forked workers (pages they
share copy-on-write are counted once per process), ``peak_pss_mib`` shares
those pages out (from ``/proc/<pid>/smaps_rollup``).

Prints JSON and writes ``benchmarks/results/matching_speed.json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

import iuliia
import lao2ipa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from liaison.matching.index import PersonIndex  # noqa: E402
from liaison.matching.names import fold_vietnamese  # noqa: E402
from liaison.matching.screen import main as screen_main  # noqa: E402

OUT = ROOT / "benchmarks" / "results" / "matching_speed.json"

VI_SUR = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đinh",
    "Trịnh",
    "Lương",
    "Mai",
    "Cao",
    "Tạ",
    "Hà",
    "Vương",
    "Lâm",
]
VI_MID = [
    "Văn",
    "Thị",
    "Đức",
    "Minh",
    "Ngọc",
    "Thanh",
    "Quang",
    "Xuân",
    "Hữu",
    "Công",
    "Đình",
    "Thành",
    "Hoàng",
    "Kim",
    "Bảo",
    "Anh",
    "Tuấn",
    "Mạnh",
    "Thu",
    "Hồng",
]
VI_GIVEN = [
    "Hùng",
    "Hưng",
    "Dũng",
    "Lan",
    "Lân",
    "Hoa",
    "Hòa",
    "Tâm",
    "Tám",
    "Minh",
    "Anh",
    "Tuấn",
    "Nam",
    "Long",
    "Hải",
    "Sơn",
    "Phúc",
    "Phú",
    "Quân",
    "Linh",
    "Trang",
    "Hương",
    "Hường",
    "Thảo",
    "Nhung",
    "Mai",
    "Hạnh",
    "Hằng",
    "Vân",
    "Yến",
    "Ngọc",
    "Bình",
    "Cường",
    "Khánh",
    "Kiên",
    "Lộc",
    "Nghĩa",
    "Thắng",
    "Thịnh",
    "Toàn",
    "Trung",
    "Việt",
    "Vinh",
    "Thủy",
    "Thúy",
    "Hiền",
    "Hiếu",
    "Huy",
    "Khoa",
    "Lực",
    "Đạt",
    "Đông",
    "Giang",
    "Hậu",
]
LAO_SYL = [
    "ສຸກ",
    "ສະ",
    "ຫວັນ",
    "ພົມ",
    "ມະ",
    "ຈັນ",
    "ຄຳ",
    "ພອຍ",
    "ບຸນ",
    "ທອງ",
    "ສີ",
    "ວົງ",
    "ໄຊ",
    "ແກ້ວ",
    "ສົມ",
    "ພອນ",
    "ວິ",
    "ຫານ",
    "ລາດ",
    "ດາ",
    "ລາ",
    "ມະນີ",
    "ສອນ",
    "ຈິດ",
    "ນວນ",
    "ແສງ",
    "ເພັດ",
    "ດວງ",
    "ສຸ",
    "ລິ",
    "ຂັນ",
    "ອຸ",
    "ດົມ",
    "ປະ",
    "ເສີດ",
    "ມີ",
    "ໄຕ",
    "ສັກ",
    "ຍະ",
    "ວອນ",
]
RU_FIRST = [
    "Александр",
    "Алексей",
    "Андрей",
    "Борис",
    "Вадим",
    "Виктор",
    "Владимир",
    "Дмитрий",
    "Евгений",
    "Иван",
    "Игорь",
    "Илья",
    "Кирилл",
    "Максим",
    "Михаил",
    "Николай",
    "Олег",
    "Павел",
    "Сергей",
    "Юрий",
    "Анна",
    "Елена",
    "Ольга",
    "Наталья",
    "Татьяна",
    "Мария",
    "Ирина",
    "Светлана",
    "Юлия",
    "Ксения",
]
RU_LAST = [
    "Иванов",
    "Петров",
    "Сидоров",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Воробьёв",
    "Сергеев",
    "Кузьмин",
    "Фролов",
    "Александров",
    "Дмитриев",
    "Королёв",
    "Гусев",
    "Киселёв",
    "Ильин",
    "Максимов",
    "Поляков",
    "Сорокин",
    "Виноградов",
    "Ковалёв",
    "Белов",
    "Медведев",
    "Антонов",
    "Тарасов",
    "Жуков",
    "Баранов",
    "Филиппов",
    "Комаров",
    "Давыдов",
    "Беляев",
    "Герасимов",
    "Богданов",
    "Осипов",
    "Сидоренко",
    "Матвеев",
]
ICAO = iuliia.schemas.get("icao_doc_9303")


def rand_date(rng: random.Random) -> str:
    y = rng.randint(1950, 2005)
    m = rng.randint(1, 12)
    d = rng.randint(1, 28)
    r = rng.random()
    if r < 0.1:
        return ""
    if r < 0.2:
        return f"{y}"
    return f"{y:04d}-{m:02d}-{d:02d}"


def rand_person(rng: random.Random) -> tuple[str, str]:
    r = rng.random()
    if r < 0.6:
        n = f"{rng.choice(VI_SUR)} {rng.choice(VI_MID)} {rng.choice(VI_GIVEN)}"
        if rng.random() < 0.3:
            n = f"{rng.choice(VI_SUR)} {rng.choice(VI_MID)} {rng.choice(VI_MID)} {rng.choice(VI_GIVEN)}"
        return n, "VN"
    if r < 0.85:
        given = "".join(rng.choice(LAO_SYL) for _ in range(rng.randint(1, 2)))
        fam = "".join(rng.choice(LAO_SYL) for _ in range(rng.randint(2, 3)))
        return f"{given} {fam}", "LA"
    first = rng.choice(RU_FIRST)
    last = rng.choice(RU_LAST)
    if first.endswith(("а", "я")) and last.endswith(("ов", "ев", "ин", "ёв")):
        last += "а"
    return f"{last} {first}", "RU"


def variant(rng: random.Random, name: str, nat: str) -> str:
    if nat == "VN":
        words = fold_vietnamese(name).split() if rng.random() < 0.7 else name.split()
        if rng.random() < 0.4:
            words = words[-1:] + words[:-1]
        return " ".join(words).upper() if rng.random() < 0.2 else " ".join(words)
    if nat == "LA":
        words = [lao2ipa.transliterate(w, "moh") for w in name.split()]
        words = ["".join(c for c in w if c.isalpha()).capitalize() for w in words]
        if rng.random() < 0.3:
            words.reverse()
        return " ".join(words)
    out = ICAO.translate(name) if ICAO is not None else name
    parts = out.split()
    return " ".join(reversed(parts)) if rng.random() < 0.5 else out


def swap(date: str, rng: random.Random) -> str:
    if len(date) == 10 and rng.random() < 0.2:
        y, m, d = date.split("-")
        if int(d) <= 12:
            return f"{y}-{d}-{m}"
    return date


def write_csv(path: Path, rows: list[tuple[str, str, str, str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "full_name", "birth_date", "nationality", "id_number"])
        w.writerows(rows)


def generate(n_watch: int, n_input: int, seed: int = 7) -> tuple[list, list]:
    rng = random.Random(seed)
    watch = []
    for i in range(n_watch):
        name, nat = rand_person(rng)
        watch.append((f"w{i}", name, rand_date(rng), nat, ""))
    inputs = []
    for i in range(n_input):
        if rng.random() < 0.05:
            _, name, date, nat, _ = rng.choice(watch)
            inputs.append((f"i{i}", variant(rng, name, nat), swap(date, rng), nat, ""))
        else:
            name, nat = rand_person(rng)
            inputs.append((f"i{i}", name, rand_date(rng), nat, ""))
    return watch, inputs


def peak_rss_mib() -> float:
    """Peak RSS of the largest single process (this one or a finished child)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def _memory_kib(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in KiB from /proc/<pid>/smaps_rollup (0, 0 if gone)."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    except OSError:
        return 0


def _children(pid: int) -> list[int]:
    """Child processes of ``pid`` (from the children lists of all its threads)."""
    kids: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return kids
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as fh:
                kids.extend(int(k) for k in fh.read().split())
        except OSError:
            continue
    return kids


class MemorySampler(threading.Thread):
    """Samples RSS and PSS of this process plus its worker processes, summed.

    Forked workers share the parent's pages copy-on-write: the summed RSS counts
    those pages once per process (an over-estimate), the summed PSS splits them
    between the processes sharing them (what the processes really occupy).
    """

    def __init__(self, interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.peak_rss_kib = 0
        self.peak_pss_kib = 0
        self.max_processes = 0
        self._stop_event = threading.Event()
        self.enabled = os.path.exists(f"/proc/{os.getpid()}/smaps_rollup")

    def sample(self, with_pss: bool = True) -> None:
        pids = [os.getpid(), *_children(os.getpid())]
        rss = pss = 0
        for pid in pids:
            if with_pss:
                r, p = _memory_kib(pid)
            else:
                r, p = _rss_kib(pid), 0
            rss += r
            pss += p
        self.peak_rss_kib = max(self.peak_rss_kib, rss)
        self.peak_pss_kib = max(self.peak_pss_kib, pss)
        self.max_processes = max(self.max_processes, len(pids))

    def run(self) -> None:
        # RSS (cheap, /proc/<pid>/statm) every interval; PSS (smaps_rollup walks the
        # page tables) every fourth
        n = 0
        while self.enabled and not self._stop_event.wait(self.interval):
            n += 1
            self.sample(with_pss=n % 4 == 0)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()
        if self.enabled:
            self.sample()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0, help="fraction of the full sizes")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--skip-index", action="store_true")
    args = ap.parse_args(argv)
    n_watch = int(100_000 * args.scale)
    n_input = int(1_000_000 * args.scale)
    n_index = int(1_000_000 * args.scale)
    result: dict[str, object] = {"scale": args.scale, "cpus": os.cpu_count()}

    t0 = time.perf_counter()
    watch, inputs = generate(n_watch, n_input)
    result["generate_seconds"] = round(time.perf_counter() - t0, 1)
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        write_csv(t / "watchlist.csv", watch)
        write_csv(t / "input.csv", inputs)
        del inputs
        sampler = MemorySampler()
        sampler.start()
        t0 = time.perf_counter()
        cpu0 = os.times()
        code = screen_main(
            [
                "--watchlist",
                str(t / "watchlist.csv"),
                "--input",
                str(t / "input.csv"),
                "--out",
                str(t / "hits.csv"),
            ]
        )
        elapsed = time.perf_counter() - t0
        cpu1 = os.times()
        sampler.stop()
        with (t / "hits.csv").open(encoding="utf-8") as fh:
            n_hits = sum(1 for _ in fh) - 1
    result["screen"] = {
        "exit_code": code,
        "watchlist_rows": n_watch,
        "input_rows": n_input,
        "seconds": round(elapsed, 1),
        "cpu_seconds_parent": round(cpu1.user + cpu1.system - cpu0.user - cpu0.system, 1),
        "cpu_seconds_workers": round(
            cpu1.children_user + cpu1.children_system - cpu0.children_user - cpu0.children_system,
            1,
        ),
        "hits": n_hits,
        # all processes together (parent + forked workers): RSS sampled every 0.5 s, PSS every 2 s
        "peak_rss_mib": round(sampler.peak_rss_kib / 1024, 1),
        "peak_pss_mib": round(sampler.peak_pss_kib / 1024, 1),
        "processes": sampler.max_processes,
        "peak_rss_largest_process_mib": round(peak_rss_mib(), 1),
        "target_seconds": 300,
        "target_peak_mib": 4096,
    }
    print(json.dumps(result["screen"]), file=sys.stderr)

    if not args.skip_index:
        rng = random.Random(11)
        t0 = time.perf_counter()
        idx = PersonIndex()
        people = []
        for i in range(n_index):
            name, nat = rand_person(rng)
            idx.add(f"p{i}", name, rand_date(rng), nat, "")
            if i % max(1, n_index // 500) == 0:
                people.append((name, nat))
        build = time.perf_counter() - t0
        lat = []
        for q in range(args.queries):
            name, nat = people[q % len(people)]
            qn = variant(rng, name, nat) if q % 2 else name
            s = time.perf_counter()
            idx.query(qn)
            lat.append((time.perf_counter() - s) * 1000)
        lat.sort()
        result["live_query"] = {
            "index_persons": n_index,
            "build_seconds": round(build, 1),
            "queries": len(lat),
            "p50_ms": round(lat[len(lat) // 2], 2),
            "p95_ms": round(lat[int(len(lat) * 0.95) - 1], 2),
            "max_ms": round(lat[-1], 2),
            "peak_rss_mib": round(peak_rss_mib(), 1),
            "target_p95_ms": 200,
        }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
