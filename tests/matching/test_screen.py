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
