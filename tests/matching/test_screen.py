"""`liaison screen` end to end: exit codes, error lines, hits file."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from liaison.matching.screen import main

HEADER = "id,full_name,birth_date,nationality,id_number\n"


def write(path: Path, rows: str, header: str = HEADER) -> Path:
    path.write_text(header + rows, encoding="utf-8")
    return path


@pytest.fixture
def watchlist(tmp_path: Path) -> Path:
    return write(
        tmp_path / "W.csv",
        "w1,Nguyễn Văn Hùng,1980-03-04,VN,\n"
        "w2,Nguyễn Văn Hưng,1975-01-01,VN,\n"
        "w3,ທອງລຸນ ສີສຸລິດ,1945,LA,\n"
        "w4,Владимир Путин,1952-10-07,RU,\n",
    )


def read_hits(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_screen_finds_cross_script_hits(tmp_path: Path, watchlist: Path) -> None:
    inp = write(
        tmp_path / "I.csv",
        "i1,Hung Nguyen Van,1980-04-03,VN,\n"
        "i2,Thongloun Sisoulith,,,\n"
        "i3,Vladimir Putin,1952,RU,\n"
        "i4,Trần Thị Lan,1990,VN,\n"
        "i5,,,,\n"
        "i6,☺☺,,,\n",
        header="id,full_name,birth_date,nationality,id_number,remarks\n",
    )
    out = tmp_path / "HITS.csv"
    assert main(["--watchlist", str(watchlist), "--input", str(inp), "--out", str(out)]) == 0
    hits = read_hits(out)
    assert list(hits[0]) == ["input_id", "watchlist_id", "score", "explanation"]
    pairs = {(h["input_id"], h["watchlist_id"]) for h in hits}
    assert pairs == {("i1", "w1"), ("i2", "w3"), ("i3", "w4")}
    first = next(h for h in hits if h["input_id"] == "i1")
    assert "day/month swapped" in first["explanation"]
    assert all(0.0 <= float(h["score"]) <= 1.0 for h in hits)


def test_threshold_option(tmp_path: Path, watchlist: Path) -> None:
    inp = write(tmp_path / "I.csv", "i1,Hung Nguyen Van,,,\n")
    out = tmp_path / "HITS.csv"
    args = ["--watchlist", str(watchlist), "--input", str(inp), "--out", str(out)]
    assert main([*args, "--threshold", "0.99"]) == 0
    assert read_hits(out) == []
    assert main([*args, "--threshold", "1.5"]) == 2


def test_bad_date_exit_2_names_file_row_field(
    tmp_path: Path, watchlist: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = "".join(f"i{n},Name {n},1990,VN,\n" for n in range(1, 7)) + "i7,X Y,1990-13-45,VN,\n"
    inp = write(tmp_path / "input.csv", rows)
    out = tmp_path / "HITS.csv"
    code = main(["--watchlist", str(watchlist), "--input", str(inp), "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith('input.csv row 7 field birth_date: not a date "1990-13-45"')
    assert not out.exists()


def test_bad_nationality(
    tmp_path: Path, watchlist: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inp = write(tmp_path / "I.csv", "i1,A,,Narnia,\n")
    code = main(["--watchlist", str(watchlist), "--input", str(inp), "--out", str(tmp_path / "o")])
    assert code == 2
    assert "I.csv row 1 field nationality" in capsys.readouterr().err


def test_missing_columns(
    tmp_path: Path, watchlist: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inp = write(tmp_path / "I.csv", "i1,A\n", header="id,full_name\n")
    code = main(["--watchlist", str(watchlist), "--input", str(inp), "--out", str(tmp_path / "o")])
    assert code == 2
    err = capsys.readouterr().err
    assert "I.csv" in err and "birth_date" in err and "missing" in err


def test_zero_row_watchlist(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wl = write(tmp_path / "W.csv", "")
    inp = write(tmp_path / "I.csv", "i1,A,,,\n")
    code = main(["--watchlist", str(wl), "--input", str(inp), "--out", str(tmp_path / "o")])
    assert code == 2
    assert "W.csv" in capsys.readouterr().err


def test_missing_file_and_bad_args(tmp_path: Path, watchlist: Path) -> None:
    out = str(tmp_path / "o")
    assert (
        main(["--watchlist", str(watchlist), "--input", str(tmp_path / "no.csv"), "--out", out])
        == 2
    )
    assert main(["--watchlist", str(watchlist)]) == 2


def test_unwritable_output_is_exit_1(tmp_path: Path, watchlist: Path) -> None:
    inp = write(tmp_path / "I.csv", "i1,A,,,\n")
    out = tmp_path / "missing-dir" / "o.csv"
    assert main(["--watchlist", str(watchlist), "--input", str(inp), "--out", str(out)]) == 1


def test_module_entry_point_quiet_without_tty(tmp_path: Path, watchlist: Path) -> None:
    inp = write(tmp_path / "I.csv", "i1,Hung Nguyen Van,,,\n")
    out = tmp_path / "o.csv"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "liaison.matching.screen",
            "--watchlist",
            str(watchlist),
            "--input",
            str(inp),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    # an unmarked "Hung" is compatible with both Hùng and Hưng: both are reported
    assert {h["watchlist_id"] for h in read_hits(out)} == {"w1", "w2"}


def _screen_rows(tmp_path: Path, watch: str, inp: str, *extra: str) -> list[list[str]]:
    w = write(tmp_path / "W.csv", watch, header=HEADER.strip() + ",phone\n")
    i = write(tmp_path / "I.csv", inp, header=HEADER.strip() + ",phone\n")
    out = tmp_path / "o.csv"
    assert main(["--watchlist", str(w), "--input", str(i), "--out", str(out), *extra]) == 0
    with out.open(encoding="utf-8") as fh:
        return list(csv.reader(fh))


WATCH_MANY = (
    "w1,Nguyễn Văn Hùng,1980-03-04,VN,,\n"
    "w2,Nguyễn Văn Hưng,1975-01-01,VN,,\n"
    "w3,ທອງລຸນ ສີສຸລິດ,1945,LA,,\n"
    "w4,Владимир Путин,1952-10-07,RU,,\n"
    "w5,Nguyen Van Hung,1961-05-05,VN,B1234567,\n"
    "w6,Trần Thị Lan,1990-02-02,VN,,+84 912 345 678\n"
)
INPUT_MANY = "".join(
    f"i{n},{name},{date},{nat},{doc},{phone}\n"
    for n, (name, date, nat, doc, phone) in enumerate(
        [
            ("Hung Nguyen Van", "1980-04-03", "VN", "", ""),
            ("Hung Nguyen Van", "1990", "VN", "", ""),  # same name, dates far apart
            ("Hung Nguyen Van", "1990", "VN", "B 123-456.7", ""),  # ... but the document
            ("Thongloun Sisoulith", "", "", "", ""),
            ("Vladimir Putin", "1952", "RU", "", ""),
            ("Tran Thi Lan", "1970", "VN", "", "0912345678"),  # far date, same phone
            ("Nobody Here", "", "", "B1234567", ""),  # document only
            ("", "", "", "", ""),
            ("Hung Nguyen Van", "1980-04-03", "VN", "", ""),  # repeated row
        ]
        * 3
    )
)


def test_parallel_screen_equals_serial(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import liaison.matching.screen as screen_mod

    serial = _screen_rows(tmp_path, WATCH_MANY, INPUT_MANY, "--workers", "1")
    monkeypatch.setattr(screen_mod, "PARALLEL_MIN_NAMES", 0)
    monkeypatch.setattr(screen_mod, "CHUNK_NAMES", 2)
    parallel = _screen_rows(tmp_path, WATCH_MANY, INPUT_MANY, "--workers", "2")
    assert parallel == serial
    hits = {(r[0], r[1]) for r in serial[1:]}
    assert ("i0", "w1") in hits and ("i3", "w3") in hits and ("i4", "w4") in hits
    assert ("i1", "w1") not in hits  # same name, birth dates ten years apart
    assert ("i2", "w5") in hits  # far birth date, but the same document
    assert ("i5", "w6") in hits  # far birth date, but the same phone
    # input rows in file order, the hits of one row best first
    rows = [int(r[0][1:]) for r in serial[1:]]
    assert rows == sorted(rows)


def test_screen_matches_score_pair(tmp_path: Path) -> None:
    """The batch arithmetic gives exactly what ``score_pair`` gives, explanation included."""
    from liaison.matching import PersonRecord, score_pair

    rows = _screen_rows(tmp_path, WATCH_MANY, INPUT_MANY, "--margin", "-1", "--threshold", "0.5")
    watch = {r.split(",")[0]: r.split(",") for r in WATCH_MANY.splitlines()}
    inputs = {r.split(",")[0]: r.split(",") for r in INPUT_MANY.splitlines()}
    assert len(rows) > 10
    for input_id, wid, score, expl in rows[1:]:
        a, b = inputs[input_id], watch[wid]
        res = score_pair(
            PersonRecord(*a[:5], phones=tuple(a[5:6])), PersonRecord(*b[:5], phones=tuple(b[5:6]))
        )
        assert (f"{res.score:.4f}", res.explanation) == (score, expl)
