"""Calibrated probabilities and Fellegi–Sunter weights re-estimated from decisions."""

from liaison.matching import PersonRecord, prepare, score_pair
from liaison.matching.calibration import (
    comparison_pattern,
    fit_isotonic,
    probability,
    reestimate,
    starting_weights,
)


def test_isotonic_fit_is_monotone() -> None:
    pts = fit_isotonic([(0.5, False), (0.6, True), (0.65, False), (0.8, True), (0.9, True)])
    probs = [p for _, p in pts]
    assert probs == sorted(probs)
    assert probs[-1] == 1.0


def test_shipped_calibration_is_monotone_and_bounded() -> None:
    got = [probability(x / 100) for x in range(50, 101)]
    assert got == sorted(got)
    assert got[0] >= 0.0 and got[-1] <= 1.0
    assert probability(0.95) > 0.9 > probability(0.7)


def test_match_result_has_a_probability() -> None:
    res = score_pair(
        PersonRecord("a", "Nguyễn Văn Hùng", "1980-01-02"),
        PersonRecord("b", "NGUYEN VAN HUNG", "1980-01-02"),
    )
    assert res.probability >= 0.95


def test_decisions_move_the_weights() -> None:
    a = prepare(PersonRecord("a", "Nguyễn Văn Hùng", "1980-01-02"))
    b = prepare(PersonRecord("b", "Nguyen Van Hung", "1981-05-06"))
    pattern = comparison_pattern(a, b)
    assert pattern["name"] == "equal" and pattern["birth"] == "conflict"
    before = starting_weights()
    # analysts keep confirming such pairs (a wrong birth year in one register)
    after = reestimate([(pattern, True)] * 50 + [({**pattern, "name": "weak"}, False)] * 50)
    assert after.probability(pattern) > before.probability(pattern)
    assert after.decisions == 100
    assert after.weights["birth"]["conflict"] > before.weights["birth"]["conflict"]
