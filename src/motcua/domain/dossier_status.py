"""Dossier statuses (trạng thái hồ sơ) and the moves allowed between them.

The words are those of the national portal. Intake (issue 3) uses the first moves; the
workflow (issue 4) adds processing moves on the same table: a received dossier stays "mới
tiếp nhận" at its first step and becomes "đang xử lý" when it leaves it; a supplement request
or a financial-obligation pause may come at any step (including the first), and a suspended
dossier may be refused.
"""

from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"  # bản nháp (online, not yet submitted)
    SUBMITTED = "submitted"  # chờ tiếp nhận (online/postal, waiting for the officer)
    INCOMPLETE = "incomplete"  # yêu cầu bổ sung trước khi tiếp nhận (Mẫu 02 at intake)
    RECEIVED = "received"  # mới tiếp nhận (Mẫu 01 issued, clock running)
    IN_PROGRESS = "in_progress"  # đang xử lý
    WAITING_SUPPLEMENT = "waiting_supplement"  # chờ bổ sung (during processing)
    SUSPENDED = "suspended"  # tạm dừng (financial obligations)
    RESULT_READY = "result_ready"  # đã có kết quả
    RETURNED = "returned"  # đã trả kết quả
    REFUSED = "refused"  # từ chối (Mẫu 03, or not eligible during processing)
    WITHDRAWN = "withdrawn"  # dừng xử lý / rút hồ sơ


LABELS: dict[Status, str] = {
    Status.DRAFT: "bản nháp",
    Status.SUBMITTED: "chờ tiếp nhận",
    Status.INCOMPLETE: "yêu cầu bổ sung, hoàn thiện hồ sơ",
    Status.RECEIVED: "mới tiếp nhận",
    Status.IN_PROGRESS: "đang xử lý",
    Status.WAITING_SUPPLEMENT: "chờ bổ sung",
    Status.SUSPENDED: "tạm dừng",
    Status.RESULT_READY: "đã có kết quả",
    Status.RETURNED: "đã trả kết quả",
    Status.REFUSED: "từ chối",
    Status.WITHDRAWN: "dừng xử lý / rút hồ sơ",
}

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED, Status.WITHDRAWN}),
    Status.SUBMITTED: frozenset(
        {Status.RECEIVED, Status.INCOMPLETE, Status.REFUSED, Status.WITHDRAWN}
    ),
    Status.INCOMPLETE: frozenset({Status.SUBMITTED, Status.RECEIVED, Status.WITHDRAWN}),
    Status.RECEIVED: frozenset(
        {
            Status.IN_PROGRESS,
            Status.WAITING_SUPPLEMENT,
            Status.SUSPENDED,
            Status.REFUSED,
            Status.WITHDRAWN,
            Status.RESULT_READY,
        }
    ),  # fmt: skip
    Status.IN_PROGRESS: frozenset(
        {
            Status.WAITING_SUPPLEMENT,
            Status.SUSPENDED,
            Status.RESULT_READY,
            Status.REFUSED,
            Status.WITHDRAWN,
        }
    ),  # fmt: skip
    Status.WAITING_SUPPLEMENT: frozenset({Status.IN_PROGRESS, Status.REFUSED, Status.WITHDRAWN}),
    Status.SUSPENDED: frozenset({Status.IN_PROGRESS, Status.REFUSED, Status.WITHDRAWN}),
    Status.RESULT_READY: frozenset({Status.RETURNED}),
    Status.RETURNED: frozenset(),
    Status.REFUSED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}

# A dossier has a code (and counts as received) from RECEIVED on.
RECEIVED_STATES = frozenset(
    {Status.RECEIVED, Status.IN_PROGRESS, Status.WAITING_SUPPLEMENT, Status.SUSPENDED,
     Status.RESULT_READY, Status.RETURNED}
)  # fmt: skip
FINAL_STATES = frozenset(s for s, moves in TRANSITIONS.items() if not moves)


class TransitionError(ValueError):
    """A move the status table does not allow."""


def check_transition(current: Status | str, target: Status | str) -> None:
    current, target = Status(current), Status(target)
    if target not in TRANSITIONS[current]:
        raise TransitionError(
            f"Không thể chuyển hồ sơ từ “{LABELS[current]}” sang “{LABELS[target]}”."
        )
