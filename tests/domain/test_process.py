from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from motcua.domain.process import END, Action, Step, default_allotments, validate

ROLES = {"reception_officer", "specialist", "head_of_division", "agency_leader", "clerk"}
UNITS = {"one-stop", "000.00.05.H13", "000.00.30.H13"}


def line(*allotments, **overrides):
    keys = [f"s{i}" for i in range(len(allotments))]
    steps = []
    for i, days in enumerate(allotments):
        target = keys[i + 1] if i + 1 < len(keys) else END
        actions = (Action("forward", target),)
        if i > 0:
            actions += (Action("return", keys[i - 1]),)
        steps.append(Step(keys[i], f"Bước {i + 1}", "000.00.05.H13", "specialist",
                          Fraction(days), actions))  # fmt: skip
    return steps


def test_a_simple_line_within_the_limit_is_publishable():
    assert validate(line(1, 5, 1, 1), legal_limit_days=Fraction(10), known_roles=ROLES,
                    known_units=UNITS) == []  # fmt: skip


def test_sum_of_main_line_over_the_legal_limit():
    problems = validate(line(5, 5, 1), legal_limit_days=Fraction(10), known_roles=ROLES,
                        known_units=UNITS)  # fmt: skip
    assert problems == [
        "Tổng thời gian các bước chính (11 ngày) vượt thời hạn giải quyết (10 ngày)."
    ]


def test_action_without_target_unknown_role_unit_and_dead_ends():
    steps = [
        Step("a", "Tiếp nhận", "one-stop", "reception_officer", Fraction(1, 2),
             (Action("forward", "b"),)),
        Step("b", "Thẩm định", "000.00.99.H13", "astrologer", Fraction(2),
             (Action("approve", None),)),
        Step("c", "Bị bỏ quên", "000.00.05.H13", "clerk", Fraction(0), (Action("forward", END),)),
    ]  # fmt: skip
    problems = validate(steps, legal_limit_days=Fraction(5), known_roles=ROLES, known_units=UNITS)
    assert "Bước “Thẩm định”: vai trò “astrologer” không tồn tại." in problems
    assert "Bước “Thẩm định”: đơn vị “000.00.99.H13” không tồn tại." in problems
    assert "Bước “Thẩm định”: thao tác “approve” chưa có bước đích." in problems
    assert "Bước “Bị bỏ quên” không thể tới được từ bước đầu." in problems
    assert "Từ bước “Tiếp nhận” không thể đi tới kết thúc." in problems


def test_parallel_consultation_must_join_a_main_step():
    steps = line(1, 5, 1)
    tax = Step("tax", "Ý kiến cơ quan thuế", "000.00.30.H13", "specialist", Fraction(3),
               (Action("reply", "s2"),), parallel=True, join_before="s2")  # fmt: skip
    assert validate([*steps, tax], legal_limit_days=Fraction(7), known_roles=ROLES,
                    known_units=UNITS) == []  # fmt: skip
    orphan = Step("tax", "Ý kiến cơ quan thuế", "000.00.30.H13", "specialist", Fraction(3),
                  (Action("reply", "s2"),), parallel=True)  # fmt: skip
    problems = validate([*steps, orphan], legal_limit_days=Fraction(7), known_roles=ROLES,
                        known_units=UNITS)  # fmt: skip
    assert any("phải kết thúc trước một bước chính" in p for p in problems)


def test_default_allotments_scale_the_reference_example():
    # 8.5 days is the reference example itself (with 0.5 day for the return).
    assert default_allotments(Fraction(17, 2)) == [
        ("reception", Fraction(1, 2)), ("specialist", Fraction(5)), ("head", Fraction(1)),
        ("leader", Fraction(1)), ("clerk", Fraction(1, 2)), ("return", Fraction(1, 2)),
    ]  # fmt: skip
    assert default_allotments(Fraction(10)) == [
        ("reception", Fraction(1, 2)), ("specialist", Fraction(6)), ("head", Fraction(3, 2)),
        ("leader", Fraction(1)), ("clerk", Fraction(1, 2)), ("return", Fraction(1, 2)),
    ]  # fmt: skip


def test_within_the_day_gives_every_step_zero():
    assert {days for _, days in default_allotments(Fraction(0))} == {Fraction(0)}


@given(st.integers(min_value=1, max_value=200))
def test_default_allotments_sum_to_the_limit_in_half_days(halves):
    limit = Fraction(halves, 2)
    allotted = default_allotments(limit)
    assert sum(days for _, days in allotted) == limit
    assert all(days >= 0 and (days * 2).denominator == 1 for _, days in allotted)


def test_a_consultation_cannot_end_before_the_first_step():
    tax = Step("tax", "Ý kiến cơ quan thuế", "000.00.30.H13", "specialist", Fraction(1),
               (Action("reply", "s1"),), parallel=True, join_before="s0")  # fmt: skip
    problems = validate([*line(1, 5), tax], legal_limit_days=Fraction(7), known_roles=ROLES,
                        known_units=UNITS)  # fmt: skip
    assert "Bước phối hợp “Ý kiến cơ quan thuế” không thể kết thúc trước bước đầu tiên." in problems
