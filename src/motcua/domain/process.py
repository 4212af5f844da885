"""Electronic process definitions (quy trình điện tử): the checks run before publishing.

A process is an ordered main line of steps plus parallel consultation steps (ý kiến phối hợp).
Each step has actions, each action a target step (or the end). Pure data, no Django.
"""

from dataclasses import dataclass, field
from fractions import Fraction

END = "__end__"


@dataclass(frozen=True)
class Action:
    name: str  # e.g. "forward", "approve", "return"
    target: str | None  # a step key, END, or None (an error: every action needs a target)


@dataclass(frozen=True)
class Step:
    key: str
    name: str
    unit: str  # agency code, or "one-stop" for the center's One-stop Department
    role: str
    allotted_days: Fraction
    actions: tuple[Action, ...] = ()
    parallel: bool = False  # a consultation running beside the main line
    join_before: str | None = None  # for a parallel step: the main step it must finish before


@dataclass
class ProcessProblems:
    problems: list[str] = field(default_factory=list)

    def add(self, message: str) -> None:
        self.problems.append(message)

    def __bool__(self) -> bool:
        return bool(self.problems)


def validate(
    steps: list[Step],
    *,
    legal_limit_days: Fraction,
    known_roles: set[str],
    known_units: set[str],
) -> list[str]:
    """Every problem that forbids publishing, in Vietnamese; an empty list means publishable."""
    report = ProcessProblems()
    if not steps:
        report.add("Quy trình chưa có bước nào.")
        return report.problems
    keys = [s.key for s in steps]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        report.add(f"Mã bước bị trùng: {', '.join(duplicates)}.")
    by_key = {s.key: s for s in steps}
    main = [s for s in steps if not s.parallel]
    if not main:
        report.add("Quy trình cần ít nhất một bước chính.")
        return report.problems

    for step in steps:
        if step.role not in known_roles:
            report.add(f"Bước “{step.name}”: vai trò “{step.role}” không tồn tại.")
        if step.unit not in known_units:
            report.add(f"Bước “{step.name}”: đơn vị “{step.unit}” không tồn tại.")
        if step.allotted_days < 0:
            report.add(f"Bước “{step.name}”: thời gian không được âm.")
        if not step.actions:
            report.add(f"Bước “{step.name}” không có thao tác nào.")
        for action in step.actions:
            if action.target is None or action.target == "":
                report.add(f"Bước “{step.name}”: thao tác “{action.name}” chưa có bước đích.")
            elif action.target != END and action.target not in by_key:
                report.add(
                    f"Bước “{step.name}”: thao tác “{action.name}” trỏ tới bước không tồn tại "
                    f"“{action.target}”."
                )
        if step.parallel:
            if step.join_before not in {s.key for s in main}:
                report.add(
                    f"Bước phối hợp “{step.name}” phải kết thúc trước một bước chính "
                    "(chưa chọn hoặc không tồn tại)."
                )
            elif step.join_before == main[0].key:
                report.add(f"Bước phối hợp “{step.name}” không thể kết thúc trước bước đầu tiên.")
        elif step.join_before:
            report.add(f"Bước chính “{step.name}” không dùng “kết thúc trước bước”.")

    edges = {
        s.key: {a.target for a in s.actions if a.target and (a.target == END or a.target in by_key)}
        for s in steps
    }
    # Parallel steps are started from the main line: reachable from the step before their join.
    for step in steps:
        if step.parallel and step.join_before in by_key:
            index = [s.key for s in main].index(step.join_before)
            starter = main[max(index - 1, 0)].key
            edges[starter] = edges[starter] | {step.key}

    reachable = _reach(main[0].key, edges)
    for step in steps:
        if step.key not in reachable:
            report.add(f"Bước “{step.name}” không thể tới được từ bước đầu.")
    for step in steps:
        if END not in _reach(step.key, edges):
            report.add(f"Từ bước “{step.name}” không thể đi tới kết thúc.")

    total = sum((s.allotted_days for s in main), Fraction(0))
    if total > legal_limit_days:
        report.add(
            f"Tổng thời gian các bước chính ({_days(total)} ngày) vượt thời hạn giải quyết "
            f"({_days(legal_limit_days)} ngày)."
        )
    return report.problems


def _reach(start: str, edges: dict[str, set[str]]) -> set[str]:
    seen, frontier = {start}, [start]
    while frontier:
        node = frontier.pop()
        for nxt in edges.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                if nxt != END:
                    frontier.append(nxt)
    return seen


def _days(value: Fraction) -> str:
    return f"{float(value):g}".replace(".", ",")


# The domain reference's example (reception 0.5 day, specialist 5, head of division 1, director
# 1, clerk 0.5) plus 0.5 day for the return at the counter: 8.5 days, scaled to each limit.
DEFAULT_SHARES = (
    ("reception", "Tiếp nhận, chuyển hồ sơ", "one-stop", "reception_officer", Fraction(1, 17)),
    ("specialist", "Chuyên viên thẩm định", "agency", "specialist", Fraction(10, 17)),
    ("head", "Lãnh đạo phòng xem xét", "agency", "head_of_division", Fraction(2, 17)),
    ("leader", "Lãnh đạo cơ quan phê duyệt", "agency", "agency_leader", Fraction(2, 17)),
    ("clerk", "Văn thư phát hành kết quả", "agency", "clerk", Fraction(1, 17)),
    ("return", "Bộ phận Một cửa trả kết quả", "one-stop", "reception_officer", Fraction(1, 17)),
)


def default_allotments(legal_limit_days: Fraction) -> list[tuple[str, Fraction]]:
    """The default process's share of the time limit per step, in half days, summing to the limit.

    Proportional to DEFAULT_SHARES, rounded to half days by largest remainder, so the main line
    uses exactly the legal limit. A 0-day limit ("within the day") gives every step 0: the whole
    process runs within the day.
    """
    if legal_limit_days <= 0:
        return [(key, Fraction(0)) for key, *_ in DEFAULT_SHARES]
    halves = int(legal_limit_days * 2)
    raw = [share * halves for *_, share in DEFAULT_SHARES]
    allotted = [int(r) for r in raw]
    # Hand out the remaining half days to the largest remainders (specialist first on ties).
    remaining = halves - sum(allotted)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - allotted[i]), i != 1, i))
    for i in order[:remaining]:
        allotted[i] += 1
    return [(DEFAULT_SHARES[i][0], Fraction(a, 2)) for i, a in enumerate(allotted)]
