"""Golden cases for the Decision 766 indices and the Decree 61 evaluation (domain/kpi.py).

Calendar: sessions 07:00–11:30 and 13:00–17:00 (a working day is 8 h 30, so one hour is 2/17
of a day); March 2026 has no holiday; 1/3/2026 is a Sunday. Every procedure has 5 working
days: received Monday 2/3 09:00, a dossier is due Monday 9/3 09:00.

The golden set (period: March 2026, i.e. [1/3 00:00, 1/4 00:00)):

| key | channel | received | what happens | expected |
| --- | --- | --- | --- | --- |
| A | counter | 2/3 09:00 | result (file) Fri 6/3 10:00, returned 6/3 15:00; rated unsatisfied | early |
| B | online | 2/3 09:00 | supplement 3/3 09:00 → 5/3 09:00 (2 days), result 11/3 08:00 | on time (due moves to 11/3 09:00) |
| C | postal | 2/3 09:00 | supplements 3/3→4/3 and 5/3→6/3, result 6/3 10:00; unsatisfied | late (two requests) |
| D | counter | 2/3 09:00 | apology 6/3 09:00, new date 13/3 09:00, result 12/3 10:00 | late, renewed kept |
| E | online | 2/3 09:00 | apology 6/3 09:00, new date 13/3 09:00, result 16/3 10:00 | late, renewed missed |
| F | online | 30/3 09:00 | in progress (due 6/4 09:00) | in progress on time |
| G | counter | 16/3 09:00 | in progress (due 23/3 09:00) | in progress overdue |
| H | online | 2/3 09:00 | withdrawn 4/3 10:00 | early (the end is the withdrawal) |
| I | counter | 25/2 09:00 | result 3/3 10:00 (due 4/3 09:00) | carried over, early |
| J | counter | 2/2 09:00 | result 5/2, returned 2/3 10:00 | not handled in March; returned in March |
| K | counter | 1/4 09:00 | — | after the period |
| L | postal | 23/3 09:00 | supplement from 26/3 09:00, still waiting | in progress on time (clock stopped) |
| M | counter | 2/3 09:00 | refused 10/3 10:00 | late |
"""

import re
from datetime import datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.domain import deadlines, kpi
from motcua.domain.deadlines import Pause
from motcua.domain.workcalendar import Session, WorkCalendar

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = WorkCalendar(sessions=(Session(time(7), time(11, 30)), Session(time(13), time(17))), tz=VN)
HOUR = Fraction(2, 17)


def at(m, d, hh=9, mm=0, y=2026) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN)


def dossier(key, channel, received, **kw) -> kpi.DossierFacts:
    pauses = kw.pop("pauses", ())
    return kpi.facts_for(
        CAL, key=key, channel=channel, received_at=received,
        due_at=CAL.due_at(received, 5), pauses=[Pause(s, e) for s, e in pauses],
        supplement_requested_at=[s for s, _ in pauses], **kw,
    )  # fmt: skip


def golden() -> list[kpi.DossierFacts]:
    apology = dict(apology_at=at(3, 6), new_due_at=at(3, 13))
    return [
        dossier("A", "counter", at(3, 2), result_at=at(3, 6, 10), returned_at=at(3, 6, 15),
                result_electronic=True, components_digitized=True, fee_total=50000,
                paid_online=True, dissatisfied=True,
                agency_step_outcomes={"so-tu-phap": ["early", "on_time"]}),
        dossier("B", "online", at(3, 2), pauses=[(at(3, 3), at(3, 5))], result_at=at(3, 11, 8),
                components_digitized=True, data_reused=True, fee_total=50000),
        dossier("C", "postal", at(3, 2), pauses=[(at(3, 3), at(3, 4)), (at(3, 5), at(3, 6))],
                result_at=at(3, 6, 10), components_digitized=True, dissatisfied=True),
        dossier("D", "counter", at(3, 2), result_at=at(3, 12, 10), result_electronic=True,
                components_digitized=True, **apology),
        dossier("E", "online", at(3, 2), result_at=at(3, 16, 10), fee_total=30000,
                paid_online=True, **apology),
        dossier("F", "online", at(3, 30), components_digitized=True, data_reused=True),
        dossier("G", "counter", at(3, 16), fee_total=0),
        dossier("H", "online", at(3, 2), withdrawn_at=at(3, 4, 10)),
        dossier("I", "counter", at(2, 25), result_at=at(3, 3, 10), result_electronic=True),
        dossier("J", "counter", at(2, 2), result_at=at(2, 5), returned_at=at(3, 2, 10)),
        dossier("K", "counter", at(4, 1)),
        dossier("L", "postal", at(3, 23), pauses=[(at(3, 26), None)]),
        dossier("M", "counter", at(3, 2), refused_at=at(3, 10, 10)),
    ]  # fmt: skip


MARCH = kpi.Period(at(3, 1, 0), at(4, 1, 0))
FACTS = golden()


def keys(figure: kpi.Figure) -> str:
    return "".join(sorted(figure.numerator_keys))


def test_each_dossier_is_classified_by_the_legal_clock():
    """B: due 9/3 09:00 + 2 paused days = 11/3 09:00; the result at 08:00 that day is on time
    (same day: not early). C: finished before its due date but asked twice: late. D and E: late
    against the original date, the new date 13/3 09:00 kept (12/3) or missed (16/3). H: the
    withdrawal 4/3 is the end, before the 9/3 date. M: refused 10/3 10:00 after 9/3 09:00."""
    by = {f.key: f for f in FACTS}
    assert by["B"].due_at == at(3, 9) and by["B"].on_time_until == at(3, 11)
    expected = {"A": "early", "B": "on_time", "C": "late", "D": "late", "E": "late",
                "H": "early", "I": "early", "J": "early", "M": "late"}  # fmt: skip
    assert {k: by[k].outcome for k in expected} == expected
    assert by["D"].renewed_kept is True and by["E"].renewed_kept is False
    assert by["A"].renewed_kept is None
    assert (by["H"].end_kind, by["M"].end_kind, by["A"].end_kind) == (
        "withdrawn",
        "refused",
        "result",
    )
    assert by["F"].outcome is None and by["F"].ended_at is None


def test_late_from_second_supplement_and_apology():
    """C's second request (5/3 09:00) and D's apology (6/3 09:00) make them late at once."""
    by = {f.key: f for f in FACTS}
    assert by["C"].late_from == at(3, 5) and by["D"].late_from == at(3, 6)
    assert by["B"].late_from is None  # one request is the norm


def test_received_carried_over_and_channels():
    """Handled in March: A B C D E F G H I L M = 11 (J ended in February, K came in April);
    new: the 10 received in March; carried over: I. New by channel: counter A D G M = 4,
    online B E F H = 4, postal C L = 2."""
    assert kpi.received(FACTS, MARCH).numerator == 11
    assert keys(kpi.received_new_count(FACTS, MARCH)) == "ABCDEFGHLM"
    assert keys(kpi.carried_over_count(FACTS, MARCH)) == "I"
    by_channel = {c: keys(kpi.received_by_channel(FACTS, MARCH, c)) for c in kpi.CHANNELS}
    assert by_channel == {"counter": "ADGM", "online": "BEFH", "postal": "CL"}


def test_finished_and_in_progress():
    """Finished in March: early A H I, on time B, late C D E M. At the end (1/4 00:00): F due
    6/4 on time, L paused (clock stopped) on time, G due 23/3 overdue."""
    assert keys(kpi.finished_with(FACTS, MARCH, "early")) == "AHI"
    assert keys(kpi.finished_with(FACTS, MARCH, "on_time")) == "B"
    assert keys(kpi.finished_with(FACTS, MARCH, "late")) == "CDEM"
    assert keys(kpi.in_progress_on_time(FACTS, MARCH)) == "FL"
    assert keys(kpi.in_progress_overdue(FACTS, MARCH)) == "G"
    assert keys(kpi.returned(FACTS, MARCH)) == "AJ"  # J: returned in March, ended before
    assert keys(kpi.ended_as(FACTS, MARCH, "refused")) == "M"
    assert keys(kpi.ended_as(FACTS, MARCH, "withdrawn")) == "H"


def test_on_time_rate_2_1():
    """(early or on time A B H I + in progress on time F L) / handled 11 = 6/11."""
    figure = kpi.on_time_rate(FACTS, MARCH)
    assert (figure.numerator, figure.denominator, figure.value) == (6, 11, Fraction(6, 11))
    assert keys(figure) == "ABFHIL"
    assert "".join(sorted(figure.denominator_keys)) == "ABCDEFGHILM"


def test_in_progress_judged_at_the_period_end():
    """Week 1–7/3 (end 8/3 00:00): D and E apologised on 6/3, so in progress they are late;
    B, waiting no more, is due 11/3, and M (refused on 10/3), due 9/3: on time; C, asked twice,
    finished late on 6/3. Period 1–22/3 (end
    23/3 00:00): G, due 23/3 09:00, is still on time; 1–23/3: overdue. L's clock stopped on
    26/3: on time at every later end."""
    week = kpi.Period(at(3, 1, 0), at(3, 8, 0))
    assert keys(kpi.in_progress_overdue(FACTS, week)) == "DE"
    assert keys(kpi.in_progress_on_time(FACTS, week)) == "BM"
    assert keys(kpi.finished_with(FACTS, week, "late")) == "C"
    assert "G" in keys(kpi.in_progress_on_time(FACTS, kpi.Period(at(3, 1, 0), at(3, 23, 0))))
    assert "G" in keys(kpi.in_progress_overdue(FACTS, kpi.Period(at(3, 1, 0), at(3, 24, 0))))
    for end in (at(3, 27, 0), at(4, 1, 0), at(6, 1, 0)):
        assert "L" in keys(kpi.in_progress_on_time(FACTS, kpi.Period(at(3, 1, 0), end)))


def test_a_period_not_over_is_judged_now():
    """March judged on 20/3 12:00: G (due 23/3) is not overdue yet; F is not received yet."""
    p = kpi.Period(at(3, 1, 0), at(4, 1, 0), judged_at=at(3, 20, 12))
    assert "G" in keys(kpi.in_progress_on_time(FACTS, p))


def test_on_time_until_stops_at_the_pause_that_started_too_late():
    """Due 9/3 09:00; a pause from 10/3 09:00 (already overdue) moves nothing: overdue from
    9/3 09:00 on. A pause from 5/3 to 6/3 09:00 (1 day) in time: due 10/3 09:00."""
    due = at(3, 9)
    assert kpi.on_time_until(CAL, due, [Pause(at(3, 10), at(3, 12))]) == due
    assert kpi.on_time_until(CAL, due, [Pause(at(3, 5), at(3, 6))]) == at(3, 10)
    assert kpi.on_time_until(CAL, due, [Pause(at(3, 5), None)]) is None


def test_average_resolution_time():
    """Working days from receipt to the end, pauses excluded, over A B C D E I M (H withdrawn
    is left out); one hour is 2/17 day, stored to 4 places (4.1176):
    A 4 d 1 h = 4.1176; B 7 d − 1 h − 2 paused = 4.8824; C 4 d 1 h − 2 = 2.1176;
    D 8 d 1 h = 8.1176; E 10 d 1 h = 10.1176; I (Wed 25/2 → Tue 3/3) 4 d 1 h = 4.1176;
    M 6 d 1 h = 6.1176. Sum 39.5880; average 39.588 / 7 = 9897/1750 ≈ 5.6554."""
    figure = kpi.average_resolution_days(FACTS, MARCH)
    assert figure.numerator == Decimal("39.5880") and figure.denominator == 7
    assert figure.value == Fraction(9897, 1750)


def test_online_counter_postal_shares_3_3():
    """Of the 10 received in March: online 4/10, counter 4/10, postal 2/10."""
    assert kpi.online_rate(FACTS, MARCH).value == Fraction(2, 5)
    assert kpi.channel_share(FACTS, MARCH, "counter").value == Fraction(2, 5)
    assert kpi.channel_share(FACTS, MARCH, "postal").value == Fraction(1, 5)


def test_online_payment_rate_3_6():
    """Received in March with fees to pay: A B E; paid online A E: 2/3 (G's fee is 0)."""
    figure = kpi.online_payment_rate(FACTS, MARCH)
    assert keys(figure) == "AE" and figure.value == Fraction(2, 3)


def test_digitization_4_1_4_2_4_3():
    """Results issued in March: A B C D E I (H withdrawn, M refused have none); electronic:
    A D I → 4.1 = 3/6. Components digitized among the 10 received: A B C D F → 5/10. Both
    halves among the results: A D (I's components were not scanned) → 2/6. Reused: B F → 2/10."""
    assert kpi.electronic_result_rate(FACTS, MARCH).value == Fraction(1, 2)
    assert keys(kpi.electronic_result_rate(FACTS, MARCH)) == "ADI"
    assert kpi.digitized_components_rate(FACTS, MARCH).value == Fraction(1, 2)
    assert keys(kpi.digitization_rate(FACTS, MARCH)) == "AD"
    assert kpi.digitization_rate(FACTS, MARCH).value == Fraction(1, 3)
    assert kpi.data_reuse_rate(FACTS, MARCH).value == Fraction(1, 5)


def test_satisfaction_5_4():
    """Handled 11; late C D E M + overdue G = 5 (5/11); unsatisfied A C = 2 (2/11):
    1 − (5 + 2)/11 = 4/11. The dossiers neither late nor unsatisfied: B F H I L."""
    figure = kpi.satisfaction_rate(FACTS, MARCH)
    assert (figure.numerator, figure.denominator, figure.value) == (4, 11, Fraction(4, 11))
    assert keys(figure) == "BFHIL"


def test_procedures_online_3_1():
    """Two of three procedures online (full, partial; none): 2/3."""
    procs = [kpi.ProcedureFacts("1", "full"), kpi.ProcedureFacts("2", "partial"),
             kpi.ProcedureFacts("3", "none")]  # fmt: skip
    assert kpi.procedures_online_rate(procs).value == Fraction(2, 3)
    assert kpi.procedures_online_rate([]).value is None


def test_empty_period_gives_null_rates():
    """January 2026: no dossier received or open. Every rate is None, never a division."""
    jan = kpi.Period(at(1, 1, 0), at(2, 1, 0))
    for fn in (kpi.on_time_rate, kpi.online_rate, kpi.online_payment_rate,
               kpi.electronic_result_rate, kpi.digitized_components_rate,
               kpi.digitization_rate, kpi.data_reuse_rate, kpi.satisfaction_rate,
               kpi.average_resolution_days):  # fmt: skip
        figure = fn(FACTS, jan)
        assert figure.denominator == 0 and figure.value is None, fn.__name__
    assert kpi.received(FACTS, jan).numerator == 0
    score = kpi.score_766({})
    assert score.total is None and score.scored == 0 and score.scored_max == 0


def test_766_scores_only_what_the_reference_gives():
    """No index has both its points and its threshold in the domain reference: 3.6 has its 10
    points but no threshold, 3.3 its 50 % but not its share of the 12 points. Nothing is
    scored, every index says why, the group points add up to 100."""
    rates = {"2.1": Fraction(6, 11), "3.3": Fraction(2, 5), "3.6": Fraction(2, 3)}
    score = kpi.score_766(rates)
    assert sum(g.points for g in score.groups) == 100
    assert score.total is None and score.scored_max == 0
    online = next(g for g in score.groups if g.key == "online_service")
    i33 = next(i for i in online.indices if i.key == "3.3")
    assert i33.rate == Fraction(2, 5) and i33.threshold == Fraction(1, 2) and i33.score is None
    assert "points not given" in i33.missing
    pay = next(g for g in score.groups if g.key == "online_payment").indices[0]
    assert pay.points == 10 and "threshold not given" in pay.missing


def test_index_score_formula():
    """min(1, rate / threshold) × points: 40 % against 50 % of 12 points = 9.6; above: 12."""
    rule = kpi.IndexRule("3.3", "x", 12, Fraction(1, 2))
    assert kpi.index_score(rule, Fraction(2, 5)) == Fraction(48, 5)
    assert kpi.index_score(rule, Fraction(3, 5)) == 12
    assert kpi.index_score(rule, None) is None


@pytest.mark.parametrize("rounds,points", [(0, 2), (1, 1), (2, 0), (3, 0)])
def test_decree_61_contacts(rounds, points):
    assert kpi.contacts_points(rounds) == points


def test_decree_61_evaluation():
    """Over the 8 finished in March (A B C D E H I M): time 2+1+0+0+0+2+2+0 = 7 → 7/8;
    contacts (supplement rounds 0 1 2 0 0 0 0 0) 2+1+0+2+2+2+2+2 = 13 → 13/8; time at each
    agency only for A (early, on time → 1): 1/1. Index 7 (attitude): nobody rated, no figure;
    4–6, 8, 9: not computable."""
    ev = {e.number: e for e in kpi.evaluation(FACTS, MARCH)}
    assert (ev[1].points, ev[1].dossiers, ev[1].average) == (7, 8, Fraction(7, 8))
    assert (ev[3].points, ev[3].average) == (13, Fraction(13, 8))
    assert (ev[2].points, ev[2].dossiers) == (1, 1)
    assert (ev[7].points, ev[7].dossiers, ev[7].average) == (0, 0, None)
    assert all(ev[n].average is None and ev[n].points is None for n in (4, 5, 6, 8, 9))


@pytest.mark.parametrize(
    "ratings,points",
    [((), None), (("very_satisfied",), 2), (("satisfied",), 1), (("unsatisfied",), 0),
     (("very_satisfied", "satisfied"), 1), (("very_satisfied", "unsatisfied", "satisfied"), 0)],
)  # fmt: skip
def test_decree_61_attitude_from_ratings(ratings, points):
    """Index 7 read from the ratings: 2 / 1 / 0, the lowest of several channels."""
    assert kpi.attitude_points(ratings) == points


def test_decree_61_attitude_averaged_over_rated_finished_dossiers():
    """Two finished dossiers rated (2 and 0) and one finished unrated: 2/2 = 1 over 2 dossiers;
    a rated dossier still in progress does not count in the period's evaluation."""
    base = dict(channel="counter", received_at=at(2, 2), due_at=CAL.due_at(at(2, 2), 5))
    done = dict(base, result_at=at(3, 2))
    facts = [
        kpi.facts_for(CAL, key="R1", ratings=["very_satisfied"], **done),
        kpi.facts_for(CAL, key="R2", ratings=["satisfied", "unsatisfied"], **done),
        kpi.facts_for(CAL, key="R3", **done),
        kpi.facts_for(CAL, key="R4", ratings=["very_satisfied"], **base),
    ]
    ev = {e.number: e for e in kpi.evaluation(facts, MARCH)}
    assert (ev[7].points, ev[7].dossiers, ev[7].average) == (2, 2, Fraction(1))
    assert set(ev[7].keys) == {"R1", "R2"}


# One datetime says it for every period end: the same verdict as deadlines.in_progress_on_time.
HALF_HOURS = st.integers(min_value=0, max_value=24 * 2 * 30)


@settings(max_examples=150, deadline=None)
@given(
    gaps=st.lists(st.tuples(HALF_HOURS, st.integers(1, 24 * 2 * 6)), max_size=3),
    open_last=st.booleans(),
    judge=HALF_HOURS,
)
def test_on_time_until_agrees_with_the_clock(gaps, open_last, judge):
    received = at(3, 2)
    due = CAL.due_at(received, 5)
    pauses, t = [], received
    for i, (gap, length) in enumerate(gaps):
        start = t + timedelta(minutes=30 * gap)
        end = None if open_last and i == len(gaps) - 1 else start + timedelta(minutes=30 * length)
        pauses.append(Pause(start, end))
        if end is None:
            break
        t = end
    moment = received + timedelta(minutes=30 * judge)
    # The clock reads the pauses as known at the moment judged.
    known = [Pause(p.start, p.end if p.end and p.end <= moment else None)
             for p in pauses if p.start <= moment]  # fmt: skip
    expected = deadlines.in_progress_on_time(CAL, period_end=moment, due_at=due, pauses=known)
    until = kpi.on_time_until(CAL, due, pauses)
    assert (until is None or moment <= until) == expected


# --- the Decision 766 points a province enters ------------------------------------------------


def test_entered_points_and_thresholds_score_the_indices():
    """With 2.1 worth 20 points at a 100% threshold, a 3/4 on-time rate scores 15 of 20; the
    progress group (2.1 alone) is then complete, the total still needs every group."""
    rules = kpi.rules_766({"2.1": {"points": 20, "threshold": "1"}})
    score = kpi.score_766({"2.1": Fraction(3, 4)}, rules)
    progress = next(g for g in score.groups if g.key == "progress")
    assert progress.score == 15 and progress.indices[0].missing == ""
    assert score.total is None and score.scored == 15 and score.scored_max == 20
    # Threshold met: min(1, rate / threshold) caps at the full points.
    rules = kpi.rules_766({"3.3": {"points": 6}})  # 3.3's threshold (50%) comes from the domain
    online = next(g for g in kpi.score_766({"3.3": Fraction(3, 5)}, rules).groups
                  if g.key == "online_service")  # fmt: skip
    assert online.indices[1].score == 6 and online.score is None  # 3.1 still has no points


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"9.9": {"points": 1}}, "unknown Decision 766 index: 9.9"),
        ({"2.1": {"points": -1}}, "2.1: points must not be negative"),
        ({"4.2": {"threshold": "1.5"}}, "4.2: threshold must be in (0, 1]"),
        ({"4.1": {"points": 12}, "4.2": {"points": 12}}, "digitization: 24 points"),
    ],
)
def test_bad_entered_points_are_refused(overrides, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        kpi.rules_766(overrides)
