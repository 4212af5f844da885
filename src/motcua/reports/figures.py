"""What the pages call each figure, which Decision 766 index it is, and its target.

Targets are the thresholds of `domain.kpi.INDEX_766` (the rate that earns full points), read
from there and never restated; a figure whose index has no threshold in the domain reference
shows "no target given" rather than an invented one.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from motcua.reports import selectors

# Every figure the list page can show: counts of `Kpi.counts`, the rates, the average, and
# today's "due" count. Labels are marked here, translated when shown.
COUNT_LABELS = {
    "received": gettext_noop("Hồ sơ nhận giải quyết (kỳ trước chuyển qua + mới)"),
    "carried_over": gettext_noop("Kỳ trước chuyển qua"),
    "received_new": gettext_noop("Mới tiếp nhận trong kỳ"),
    "received_online": gettext_noop("Mới tiếp nhận trực tuyến"),
    "received_counter": gettext_noop("Mới tiếp nhận trực tiếp tại quầy"),
    "received_postal": gettext_noop("Mới tiếp nhận qua bưu chính công ích"),
    "handled_online": gettext_noop("Nhận giải quyết, nộp trực tuyến"),
    "handled_counter": gettext_noop("Nhận giải quyết, nộp tại quầy"),
    "handled_postal": gettext_noop("Nhận giải quyết, nộp qua bưu chính"),
    "finished_early": gettext_noop("Đã giải quyết trước hạn"),
    "finished_on_time": gettext_noop("Đã giải quyết đúng hạn"),
    "finished_late": gettext_noop("Đã giải quyết quá hạn"),
    "in_progress_on_time": gettext_noop("Đang giải quyết trong hạn"),
    "in_progress_overdue": gettext_noop("Đang giải quyết quá hạn"),
    "returned": gettext_noop("Đã trả kết quả"),
    "refused": gettext_noop("Từ chối giải quyết"),
    "withdrawn": gettext_noop("Dừng xử lý, rút hồ sơ"),
    "renewed_kept": gettext_noop("Hẹn lại (phiếu xin lỗi), đúng hẹn mới"),
    "renewed_missed": gettext_noop("Hẹn lại (phiếu xin lỗi), trễ hẹn mới"),
    "on_time": gettext_noop("Đúng hạn (đã giải quyết đúng hạn, trước hạn và đang trong hạn)"),
    "late": gettext_noop("Quá hạn (đã giải quyết quá hạn và đang quá hạn)"),
    "dissatisfied": gettext_noop("Có đánh giá không hài lòng"),
    "resolved": gettext_noop("Đã giải quyết (có kết quả hoặc từ chối)"),
    "online": gettext_noop("Mới tiếp nhận trực tuyến"),
    "with_fee": gettext_noop("Mới tiếp nhận, có phí, lệ phí phải nộp"),
    "paid_online": gettext_noop("Đã thanh toán trực tuyến"),
    "with_result": gettext_noop("Có kết quả trong kỳ"),
    "result_electronic": gettext_noop("Có kết quả điện tử"),
    "components_digitized": gettext_noop("Thành phần hồ sơ đã số hóa đủ"),
    "digitized": gettext_noop("Số hóa đủ thành phần và có kết quả điện tử"),
    "data_reused": gettext_noop("Có khai thác lại dữ liệu đã số hóa"),
    "evaluated": gettext_noop("Đã kết thúc trong kỳ (được đánh giá)"),
}
DUE = "due_today"
DUE_LABEL = gettext_noop("Đến hạn trong ngày, chưa quá hạn")
# The periodic report's sums, listed as the union of their parts.
UNIONS = {
    "received_direct": ("received_counter", "received_postal"),
    "finished": ("evaluated",),
    "in_progress": ("in_progress_on_time", "in_progress_overdue"),
}
UNION_LABELS = {
    "received_direct": gettext_noop("Mới tiếp nhận trực tiếp, qua bưu chính"),
    "finished": gettext_noop("Đã giải quyết (kết thúc trong kỳ)"),
    "in_progress": gettext_noop("Đang giải quyết"),
}

# The rates, in the dashboard's order: (figure, 766 index key or "", label).
RATE_ROWS = (
    ("on_time_rate", "2.1", gettext_noop("Tỷ lệ hồ sơ giải quyết đúng hạn")),
    ("online_rate", "3.3", gettext_noop("Tỷ lệ hồ sơ trực tuyến")),
    ("counter_rate", "", gettext_noop("Tỷ lệ hồ sơ nộp trực tiếp")),
    ("postal_rate", "", gettext_noop("Tỷ lệ hồ sơ nộp qua bưu chính")),
    ("online_payment_rate", "3.6", gettext_noop("Tỷ lệ thanh toán trực tuyến")),
    ("electronic_result_rate", "4.1", gettext_noop("Tỷ lệ hồ sơ có kết quả điện tử")),
    ("digitized_components_rate", "", gettext_noop("Tỷ lệ số hóa thành phần hồ sơ")),
    ("digitized_results_rate", "", gettext_noop("Tỷ lệ số hóa kết quả giải quyết")),
    ("digitization_rate", "4.2", gettext_noop("Tỷ lệ số hóa hồ sơ, kết quả")),
    ("data_reuse_rate", "4.3", gettext_noop("Tỷ lệ khai thác, sử dụng lại dữ liệu số hóa")),
    ("satisfaction_rate", "5.4", gettext_noop("Mức độ hài lòng trong giải quyết hồ sơ")),
)
RATE_LABELS = {name: label for name, _key, label in RATE_ROWS}
AVERAGE_LABEL = gettext_noop("Thời gian giải quyết trung bình (ngày làm việc)")
PROCEDURES_LABEL = gettext_noop("Tỷ lệ thủ tục cung cấp trực tuyến (toàn trình hoặc một phần)")

# The 766 groups and indices as the pages name them (kpi.INDEX_766 holds the rules).
GROUP_LABELS = {
    "publicity": gettext_lazy("Công khai, minh bạch"),
    "progress": gettext_lazy("Tiến độ, kết quả giải quyết"),
    "digitization": gettext_lazy("Số hóa hồ sơ"),
    "online_service": gettext_lazy("Cung cấp dịch vụ công trực tuyến"),
    "online_payment": gettext_lazy("Thanh toán trực tuyến"),
    "satisfaction": gettext_lazy("Mức độ hài lòng"),
}
INDEX_LABELS = {
    "2.1": gettext_lazy("Tỷ lệ hồ sơ giải quyết đúng hạn"),
    "3.1": gettext_lazy("Tỷ lệ thủ tục cung cấp trực tuyến"),
    "3.3": gettext_lazy("Tỷ lệ hồ sơ trực tuyến"),
    "3.6": gettext_lazy("Tỷ lệ thanh toán trực tuyến"),
    "4.1": gettext_lazy("Tỷ lệ hồ sơ có kết quả điện tử"),
    "4.2": gettext_lazy("Tỷ lệ số hóa hồ sơ, kết quả"),
    "4.3": gettext_lazy("Tỷ lệ khai thác, sử dụng lại dữ liệu số hóa"),
    "5.2": gettext_lazy("Xử lý phản ánh, kiến nghị đúng hạn"),
    "5.4": gettext_lazy("Mức độ hài lòng trong giải quyết hồ sơ"),
}
# kpi._missing's reasons (plain English in the domain) in the user's language.
MISSING = {
    "points not given in the domain reference": gettext_lazy(
        "Quyết định 766 (theo tài liệu nghiệp vụ) chưa cho số điểm của chỉ số"
    ),
    "threshold not given in the domain reference": gettext_lazy("chưa có ngưỡng đạt điểm tối đa"),
    "not computed from this data": gettext_lazy("chưa tính được từ dữ liệu hồ sơ"),
    "empty period": gettext_lazy("không có hồ sơ trong kỳ"),
    "no formula in the reference": gettext_lazy("tài liệu nghiệp vụ chưa có công thức"),
}


def label_of(figure: str) -> str:
    if figure == DUE:
        return _(DUE_LABEL)
    if figure in RATE_LABELS:
        return _(RATE_LABELS[figure])
    if figure == "average_resolution_days":
        return _(AVERAGE_LABEL)
    if figure in UNION_LABELS:
        return _(UNION_LABELS[figure])
    return _(COUNT_LABELS.get(figure, figure))


def is_listable(figure: str) -> bool:
    return (
        figure == DUE
        or figure in UNIONS
        or figure in RATE_LABELS
        or figure == "average_resolution_days"
        or figure in COUNT_LABELS
    )


def denominator_of(figure: str) -> str | None:
    """The count a rate is over (for its label), e.g. on_time_rate → received."""
    if figure in selectors.RATES:
        return selectors.RATES[figure][1]
    return {"satisfaction_rate": "received", "average_resolution_days": "resolved"}.get(figure)


def threshold(index_key: str) -> Fraction | None:
    for group in selectors.index_766_rules():
        for rule in group.indices:
            if rule.key == index_key:
                return rule.threshold
    return None


def translate_missing(text: str) -> str:
    return "; ".join(str(MISSING.get(part, part)) for part in text.split("; ") if part)


def percent(value: Fraction | None) -> str:
    """0,545 → "54,5%" (one decimal, Vietnamese comma); None → "—"."""
    if value is None:
        return "—"
    return f"{float(value) * 100:.1f}%".replace(".", ",")


def days(value: Fraction | None) -> str:
    if value is None:
        return "—"
    return f"{float(value):.1f}".replace(".", ",")


@dataclass(frozen=True)
class RateLine:
    figure: str
    index: str
    label: str
    value: Fraction | None
    numerator: int
    denominator: int
    denominator_label: str
    target: Fraction | None

    @property
    def meets(self) -> bool | None:
        if self.value is None or self.target is None:
            return None
        return self.value >= self.target

    @property
    def shown(self) -> str:
        return percent(self.value)

    @property
    def target_shown(self) -> str:
        return percent(self.target) if self.target is not None else ""


def rate_lines(result: selectors.Kpi) -> list[RateLine]:
    lines = []
    for name, key, label in RATE_ROWS:
        f = result.figures[name]
        den = denominator_of(name) or ""
        lines.append(
            RateLine(name, key, _(label), f.value, int(f.numerator), f.denominator,
                     label_of(den), threshold(key) if key else None)
        )  # fmt: skip
    return lines
