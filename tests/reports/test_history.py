"""`motcua import-history` (nhập dữ liệu lịch sử): imported dossiers count like native ones.

Golden: the same dossiers are driven natively (intake, runtime, ratings) in the center
"can-tho" and imported from JSON Lines into the center "lich-su" (same calendar); the figures
of `reports.selectors.kpi_figures` of both centers must be equal, period by period, and so
must the fact rows. Calendar and procedure as in test_records: received Monday 23/11/2026
09:00, due Tuesday 8/12 09:00 (10 working days; 24/11/2026 is off).
"""

import json
import threading
from datetime import date
from fractions import Fraction
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.reports import history, selectors, services
from motcua.reports.models import DossierRecord, ImportedDossier, Rating
from motcua.workflow import runtime
from motcua.workflow.models import Pause
from tests import factories
from tests.reports.conftest import period, vn
from tests.workflow.test_runtime_clock import finish
from tests.workflow.test_runtime_support import drive, receive

pytestmark = pytest.mark.django_db

HISTORY_AGENCY = "000.00.02.H13"
PERIODS = [
    (date(2026, 11, 1), date(2026, 11, 24)),
    (date(2026, 11, 1), date(2026, 11, 27)),
    (date(2026, 11, 1), date(2026, 11, 30)),
    (date(2026, 12, 1), date(2026, 12, 8)),
    (date(2026, 12, 1), date(2026, 12, 9)),
    (date(2026, 11, 1), date(2026, 12, 31)),
    (date(2026, 12, 10), date(2026, 12, 31)),
]
# Columns that name the dossier or where it was received, not its facts; the step history
# (Decree 61 index 2) is not in the import.
NOT_FACTS = {"id", "dossier_id", "code", "center_id", "unit_id", "receiving_agency_id",
             "imported", "updated_at", "d61_agency_time"}  # fmt: skip


def ts(dt) -> str:
    return dt.isoformat()


def line(code: str, **changes) -> dict:
    data = {
        "code": code, "procedure_code": "2.000635", "agency_code": HISTORY_AGENCY,
        "center_code": "lich-su", "channel": "counter",
        "received_at": "2026-11-23T09:00:00+07:00", "due_at": "2026-12-08T09:00:00+07:00",
        "new_due_at": None, "finished_at": None, "returned_at": None, "status": "in_progress",
        "supplement_requests": [], "components_digitized": False, "result_digitized": False,
        "data_reused": False, "fee_total": 50000, "paid_online": False, "rating": None,
    }  # fmt: skip
    data.update(changes)
    return data


def write(tmp_path, rows, name="lich-su.jsonl") -> str:
    path = tmp_path / name
    path.write_text(
        "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n"
                for r in rows),
        encoding="utf-8",
    )  # fmt: skip
    return str(path)


def run(path, *args) -> str:
    out = StringIO()
    call_command("import_history", path, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def rejected(path, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import_history", path, *args, stdout=out, stderr=err)
    return err.getvalue(), str(exc.value)


@pytest.fixture
def history_center(version):
    return factories.center(code="lich-su", agency_code=HISTORY_AGENCY)


# --- the same dossiers, native and imported ------------------------------------------------------


def native_cases(version, center, people, monday_9am) -> dict:
    """Drive six dossiers natively; return their history lines (what an export would say)."""

    def received():
        dossier = receive(version, center, people.reception, monday_9am)
        runtime.forward(dossier=dossier, user=people.reception, at=vn(2026, 11, 23, 9, 30))
        return dossier

    lines = {}
    # Waiting 25/11 09:00 → 27/11 09:00 excluded: the result 9/12 10:00 is early; rated
    # "không hài lòng" at the counter.
    d = received()
    runtime.request_supplement(dossier=d, user=people.specialist, note="Thiếu",
                               at=vn(2026, 11, 25, 9, 0))  # fmt: skip
    runtime.supplement_received(dossier=d, user=people.reception, at=vn(2026, 11, 27, 9, 0))
    finish(d, people, vn(2026, 12, 9, 10, 0), returned_at=vn(2026, 12, 11, 9, 0))
    services.submit_rating(dossier=d, channel="counter", value="unsatisfied",
                           officer=people.reception, at=vn(2026, 12, 11, 9, 5))  # fmt: skip
    lines["supplement"] = line(
        "H-0001", status="returned", finished_at=ts(vn(2026, 12, 9, 10, 0)),
        returned_at=ts(vn(2026, 12, 11, 9, 0)), rating="unsatisfied",
        supplement_requests=[{"requested_at": ts(vn(2026, 11, 25, 9, 0)),
                              "supplied_at": ts(vn(2026, 11, 27, 9, 0))}],
    )  # fmt: skip
    # Two requests: late although the result (30/11) is long before the date.
    d = received()
    for day in (25, 27):
        runtime.request_supplement(dossier=d, user=people.specialist, note="Thiếu",
                                   at=vn(2026, 11, day, 8, 0))  # fmt: skip
        runtime.supplement_received(dossier=d, user=people.specialist,
                                    at=vn(2026, 11, day, 10, 0))  # fmt: skip
    finish(d, people, vn(2026, 11, 30, 9, 0))
    lines["two_requests"] = line(
        "H-0002", status="returned", finished_at=ts(vn(2026, 11, 30, 9, 0)),
        returned_at=ts(vn(2026, 11, 30, 9, 0)),
        supplement_requests=[
            {"requested_at": ts(vn(2026, 11, day, 8, 0)),
             "supplied_at": ts(vn(2026, 11, day, 10, 0))} for day in (25, 27)
        ],
    )  # fmt: skip
    # Still in progress: on time until 8/12 09:00, overdue after.
    received()
    lines["in_progress"] = line("H-0003")
    # Withdrawn on 25/11 10:00 (early, not a result).
    d = received()
    runtime.withdraw(dossier=d, user=people.reception, note="Xin rút", at=vn(2026, 11, 25, 10))
    lines["withdrawn"] = line("H-0004", status="withdrawn", finished_at=ts(vn(2026, 11, 25, 10, 0)))
    # Refused by the leader during processing on 26/11 10:00.
    d = receive(version, center, people.reception, monday_9am)
    drive(d, people, "leader", monday_9am)
    runtime.refuse(dossier=d, user=people.leader, reason="Không đủ điều kiện.",
                   at=vn(2026, 11, 26, 10, 0))  # fmt: skip
    lines["refused"] = line("H-0005", status="refused", finished_at=ts(vn(2026, 11, 26, 10, 0)))
    # Result issued and handed over at once on 4/12 14:00.
    d = received()
    finish(d, people, vn(2026, 12, 4, 14, 0))
    lines["returned_same_time"] = line(
        "H-0006", status="returned", finished_at=ts(vn(2026, 12, 4, 14, 0)),
        returned_at=ts(vn(2026, 12, 4, 14, 0)),
    )  # fmt: skip
    return lines


def comparable(figures) -> dict:
    return {"counts": figures.counts, "figures": figures.figures}


def facts_row(record: DossierRecord, *skip: str) -> dict:
    values = DossierRecord.objects.filter(pk=record.pk).values().get()
    return {k: v for k, v in values.items() if k not in NOT_FACTS and k not in skip}


def test_imported_dossiers_give_the_native_figures(
    version, center, people, monday_9am, history_center, tmp_path
):
    lines = native_cases(version, center, people, monday_9am)
    out = run(write(tmp_path, list(lines.values())))
    assert "Đã nhập 6 hồ sơ từ 6 dòng" in out
    native, imported = selectors.Scope(center=center.pk), selectors.Scope(center=history_center.pk)
    for start, end in PERIODS:
        p = period(start, end)
        assert comparable(selectors.kpi_figures(p, imported)) == comparable(
            selectors.kpi_figures(p, native)
        ), (start, end)
    # Row by row, too.
    natives = DossierRecord.objects.filter(center=center).order_by("pk")
    imports = DossierRecord.objects.filter(center=history_center).order_by("pk")
    assert [r.imported for r in imports] == [True] * 6 and not any(r.imported for r in natives)
    for a, b in zip(natives, imports, strict=True):
        assert facts_row(a) == facts_row(b), b.code
    # Hand-checked: the supplement wait moved the date to 10/12 09:00; early; 1 − 1/1 on 5.4.
    row = DossierRecord.objects.get(code="H-0001")
    assert row.on_time_until == vn(2026, 12, 10, 9, 0) and row.outcome == "early"
    assert row.dissatisfied and row.end_kind == "result"
    assert DossierRecord.objects.get(code="H-0002").outcome == "late"
    k = selectors.kpi_figures(period(date(2026, 11, 1), date(2026, 12, 31)), imported)
    # H-0001 early, H-0004 withdrawn early, H-0005 refused early, H-0006 early; H-0002 late;
    # H-0003 overdue at the end of December.
    assert (k.counts["finished_early"], k.counts["finished_late"]) == (4, 1)
    assert k.counts["in_progress_overdue"] == 1 and k.figures["on_time_rate"].value == Fraction(
        2, 3
    )


@pytest.mark.parametrize(
    "result_at,kept", [(vn(2026, 12, 15, 10, 0), True), (vn(2026, 12, 16, 10, 0), False)]
)
def test_apology_with_the_new_date_kept_or_missed(
    version, center, people, monday_9am, history_center, tmp_path, result_at, kept
):
    """Apology with a new date 15/12 16:00: late either way, the new date kept or missed —
    as natively. Its issue time is not in the history: an imported dossier with a new date
    counts as late from its receipt while in progress (docs/history-format.md)."""
    d = receive(version, center, people.reception, monday_9am)
    runtime.forward(dossier=d, user=people.reception, at=vn(2026, 11, 23, 9, 30))
    runtime.apologize(dossier=d, user=people.leader, reason="Chờ xác minh.",
                      new_due_at=vn(2026, 12, 15, 16, 0), at=vn(2026, 12, 7, 9, 0))  # fmt: skip
    finish(d, people, result_at)
    run(write(tmp_path, [line(
        "H-0010", status="returned", new_due_at=ts(vn(2026, 12, 15, 16, 0)),
        finished_at=ts(result_at), returned_at=ts(result_at),
    )]))  # fmt: skip
    row = DossierRecord.objects.get(code="H-0010")
    assert (row.outcome, row.renewed_kept, row.new_due_at) == ("late", kept, vn(2026, 12, 15, 16))
    assert facts_row(row, "late_from") == facts_row(
        DossierRecord.objects.get(dossier=d), "late_from"
    )
    assert row.late_from == vn(2026, 11, 23, 9, 0)
    p = period(date(2026, 11, 1), date(2026, 12, 31))
    imported = selectors.kpi_figures(p, selectors.Scope(center=history_center.pk))
    native = selectors.kpi_figures(p, selectors.Scope(center=center.pk))
    assert comparable(imported) == comparable(native)
    assert (imported.counts["renewed_kept"], imported.counts["renewed_missed"]) == (kept, not kept)


def test_waiting_supplement_and_result_ready(history_center, version, tmp_path):
    """Still waiting for a supplement requested 25/11 09:00: the clock is stopped (an open
    Pause); a result ready (not returned) counts as a result issued, electronic here."""
    run(write(tmp_path, [
        line("H-0020", status="waiting_supplement",
             supplement_requests=[{"requested_at": "2026-11-25T09:00:00+07:00",
                                   "supplied_at": None}]),
        line("H-0021", status="result_ready", finished_at="2026-12-01T10:00:00+07:00",
             result_digitized=True, components_digitized=True, channel="online",
             paid_online=True, rating="very_satisfied"),
    ]))  # fmt: skip
    waiting = DossierRecord.objects.get(code="H-0020")
    assert waiting.on_time_until is None and waiting.supplement_rounds == 1
    pause = Pause.objects.get(dossier__code="H-0020")
    assert (pause.kind, pause.ended_at, pause.supplement_round) == ("supplement", None, 1)
    ready = DossierRecord.objects.get(code="H-0021")
    assert (ready.end_kind, ready.outcome, ready.result_electronic) == ("result", "early", True)
    assert ready.returned_at is None and ready.paid_online
    k = selectors.kpi_figures(period(date(2026, 11, 1), date(2026, 12, 31)))
    assert k.figures["digitization_rate"].value == 1 and k.figures["online_rate"].value == 1 / 2
    assert k.figures["online_payment_rate"].value == 1 / 2
    dossier = Dossier.objects.get(code="H-0021")
    assert dossier.applicant_name == history.PLACEHOLDER_APPLICANT
    assert (dossier.status, dossier.procedure_version, dossier.receiving_agency.code) == (
        "result_ready", version, HISTORY_AGENCY,
    )  # fmt: skip
    assert Rating.objects.get(dossier=dossier).channel == "history"
    event = DossierEvent.objects.get(dossier=dossier)
    assert event.action == "imported" and event.data == {"source": "lich-su.jsonl", "line": 2}
    assert ImportedDossier.objects.get(dossier=dossier).line == 2


def test_rebuild_records_gives_the_imported_rows(history_center, tmp_path):
    run(write(tmp_path, [
        line("H-0030", status="returned", finished_at="2026-12-01T10:00:00+07:00",
             returned_at="2026-12-02T10:00:00+07:00", rating="unsatisfied",
             supplement_requests=[{"requested_at": "2026-11-25T09:00:00+07:00",
                                   "supplied_at": "2026-11-26T09:00:00+07:00"}]),
        line("H-0031", status="withdrawn", finished_at="2026-11-26T10:00:00+07:00",
             supplement_requests=[{"requested_at": "2026-11-25T09:00:00+07:00",
                                   "supplied_at": None}]),
    ]))  # fmt: skip
    before = {r["code"]: r for r in DossierRecord.objects.values()}
    DossierRecord.objects.all().delete()
    assert services.rebuild_records() == 2
    after = {r["code"]: r for r in DossierRecord.objects.values()}
    for rows in (before, after):
        for r in rows.values():
            r.pop("id"), r.pop("updated_at")
    assert before == after
    # Withdrawn while waiting: the wait ends with the withdrawal.
    assert Pause.objects.get(dossier__code="H-0031").ended_at == vn(2026, 11, 26, 10, 0)


def test_the_version_in_force_on_the_day_received(history_center, tmp_path):
    """Amended on 1/12/2026: a dossier received on 23/11 keeps the old version."""
    old, _ = factories.procedure("1.000001", "Thủ tục A", days="5",
                                 effective_from=date(2025, 1, 1))  # fmt: skip
    new, _ = factories.procedure("1.000001", "Thủ tục A (sửa đổi)", days="3",
                                 effective_from=date(2026, 12, 1))  # fmt: skip
    assert old != new
    run(write(tmp_path, [
        line("H-0040", procedure_code="1.000001"),
        line("H-0041", procedure_code="1.000001", received_at="2026-12-02T09:00:00+07:00",
             due_at="2026-12-07T09:00:00+07:00"),
    ]))  # fmt: skip
    assert Dossier.objects.get(code="H-0040").procedure_version == old
    assert Dossier.objects.get(code="H-0041").procedure_version == new


# --- idempotency -----------------------------------------------------------------------------------


def counts() -> dict:
    return {m.__name__: m.objects.count()
            for m in (Dossier, ImportedDossier, Pause, DossierEvent, Rating, DossierRecord)}  # fmt: skip


def test_importing_twice_changes_nothing(version, center, officer, monday_9am, history_center,
                                         tmp_path):  # fmt: skip
    native = receive(version, center, officer, monday_9am)
    rows = [
        line("H-0050", status="returned", finished_at="2026-12-01T10:00:00+07:00",
             returned_at="2026-12-02T10:00:00+07:00", rating="satisfied",
             supplement_requests=[{"requested_at": "2026-11-25T09:00:00+07:00",
                                   "supplied_at": "2026-11-26T09:00:00+07:00"}]),
        line(native.code, center_code="can-tho", agency_code=center.agency.code),
        line("H-0051"),
    ]  # fmt: skip
    path = write(tmp_path, rows)
    out = run(path)
    assert f"Bỏ qua {native.code}: mã hồ sơ đã có." in out
    assert "Đã nhập 2 hồ sơ từ 3 dòng; bỏ qua 1 hồ sơ đã có." in out
    first, records = counts(), list(DossierRecord.objects.order_by("code").values())
    assert DossierRecord.objects.get(dossier=native).imported is False  # the native row stays
    out = run(path)
    assert "Đã nhập 0 hồ sơ từ 3 dòng; bỏ qua 3 hồ sơ đã có." in out
    assert counts() == first
    assert list(DossierRecord.objects.order_by("code").values()) == records


def test_native_numbering_continues_after_imported_codes(version, center, officer, tmp_path):
    """An imported `<agency>-261123-0007` makes the next native code of that day -0008."""
    code = f"{center.agency.code}-261123-0007"
    run(write(tmp_path, [line(code, center_code="can-tho", agency_code=center.agency.code)]))
    dossier = receive(version, center, officer, vn(2026, 11, 23, 15, 0))
    assert dossier.code == f"{center.agency.code}-261123-0008"


def test_dry_run_writes_nothing(history_center, tmp_path):
    out = run(write(tmp_path, [line("H-0060"), line("H-0061")]), "--dry-run")
    assert "tệp hợp lệ: 2 dòng; sẽ nhập 2 hồ sơ, bỏ qua 0" in out
    assert set(counts().values()) == {0}


# --- validation ------------------------------------------------------------------------------------

GOOD = line("H-0100")
ERRORS = [
    ("{not json", "dòng 2: không phải JSON hợp lệ"),
    ("[1, 2]", "dòng 2: mỗi dòng phải là một đối tượng JSON"),
    ({**GOOD, "colour": "red"}, "dòng 2, trường colour: trường không có trong định dạng."),
    ({k: v for k, v in GOOD.items() if k != "due_at"}, "dòng 2, trường due_at: thiếu trường bắt buộc."),
    (line("H-2", channel="fax"), "dòng 2, trường channel: phải là counter, online hoặc postal."),
    (line("H-2", status="done"), "dòng 2, trường status: phải là một trong"),
    (line("H-2", rating="good"), "dòng 2, trường rating:"),
    (line("H-2", received_at="2026-11-23T09:00:00"), "dòng 2, trường received_at: cần ngày, giờ và múi giờ"),
    (line("H-2", received_at="23/11/2026"), "dòng 2, trường received_at: không phải thời điểm ISO 8601"),
    (line("H-2", due_at="2026-11-22T09:00:00+07:00"), "dòng 2, trường due_at: hẹn trả trước thời điểm tiếp nhận."),
    (line("H-2", new_due_at="2026-12-01T09:00:00+07:00"), "dòng 2, trường new_due_at: hẹn lại phải sau"),
    (line("H-2", status="returned"), "dòng 2, trường returned_at: hồ sơ đã trả kết quả cần thời điểm trả."),
    (line("H-2", status="refused"), "dòng 2, trường finished_at: hồ sơ ở trạng thái refused cần"),
    (line("H-2", finished_at="2026-12-01T09:00:00+07:00"), "dòng 2, trường finished_at: hồ sơ chưa kết thúc"),
    (line("H-2", status="returned", finished_at="2026-12-03T09:00:00+07:00",
          returned_at="2026-12-02T09:00:00+07:00"), "dòng 2, trường returned_at: trả kết quả trước khi có kết quả"),
    (line("H-2", status="result_ready", finished_at="2026-11-20T09:00:00+07:00"),
     "dòng 2, trường finished_at: trước thời điểm tiếp nhận."),
    (line("H-2", supplement_requests=[{"requested_at": "2026-11-26T09:00:00+07:00",
                                       "supplied_at": "2026-11-25T09:00:00+07:00"}]),
     "dòng 2, trường supplement_requests[1].supplied_at: trước thời điểm yêu cầu bổ sung."),
    (line("H-2", supplement_requests=[{"requested_at": "2026-11-25T09:00:00+07:00",
                                       "supplied_at": None}]),
     "dòng 2, trường supplement_requests[1].supplied_at: chỉ lần yêu cầu cuối"),
    (line("H-2", status="waiting_supplement"), "dòng 2, trường supplement_requests: hồ sơ chờ bổ sung cần"),
    (line("H-2", supplement_requests=[{"requested_at": "2026-11-25T09:00:00+07:00"},
                                      {"supplied_at": None}]),
     "dòng 2, trường supplement_requests[2].requested_at: thiếu trường bắt buộc."),
    (line("H-2", fee_total=-1), "dòng 2, trường fee_total: không được âm."),
    (line("H-2", fee_total=1.5), "dòng 2, trường fee_total: phải là số nguyên (đồng)."),
    (line("H-2", fee_total="50000"), "dòng 2, trường fee_total: phải là số nguyên (đồng)."),
    (line("H-2", paid_online=True, fee_total=0), "dòng 2, trường paid_online: hồ sơ không có phí"),
    (line("H-2", data_reused=1), "dòng 2, trường data_reused: phải là true hoặc false."),
    (line("H-2", result_digitized=True), "dòng 2, trường result_digitized: hồ sơ không có kết quả"),
    (line(""), "dòng 2, trường code: phải là chuỗi không rỗng."),
    (line("H 2"), "dòng 2, trường code: không được chứa khoảng trắng."),
    (line("H-" + "9" * 40), "dòng 2, trường code: dài quá 40 ký tự."),
    (line("H-0100"), "dòng 2, trường code: trùng mã hồ sơ với dòng 1."),
    (line("H-2", procedure_code="9.999999"), "dòng 2, trường procedure_code: không có thủ tục mã 9.999999."),
    (line("H-2", received_at="2025-01-02T09:00:00+07:00", due_at="2025-01-10T09:00:00+07:00"),
     "dòng 2, trường procedure_code: thủ tục 2.000635 không có phiên bản có hiệu lực ngày 02/01/2025."),
    (line("H-2", agency_code="000.00.77.H13"), "dòng 2, trường agency_code: không có cơ quan mã định danh"),
    (line("H-2", center_code="ha-noi"), "dòng 2, trường center_code: không có trung tâm mã ha-noi."),
]  # fmt: skip


@pytest.mark.parametrize(
    "bad,message", ERRORS, ids=[m.split(":")[0][7:] + str(i) for i, (_b, m) in enumerate(ERRORS)]
)
def test_each_problem_is_reported_with_its_line_and_field(history_center, tmp_path, bad, message):
    """A bad line 2 rejects the whole file: line 1 (valid) is not written either."""
    err, summary = rejected(write(tmp_path, [GOOD, bad, line("H-0102")]))
    assert message in err
    assert "Tệp bị từ chối" in summary and "Không có gì được ghi." in summary
    assert set(counts().values()) == {0}


def test_every_problem_of_the_file_is_reported_and_nothing_changes(
    version, center, officer, monday_9am, history_center, tmp_path
):
    receive(version, center, officer, monday_9am)
    before = counts()
    records = list(DossierRecord.objects.values())
    rows = [GOOD, line("H-2", channel="fax", fee_total=-5), "", line("H-3", center_code="x")]
    err, summary = rejected(write(tmp_path, rows), "--dry-run")
    assert err.splitlines() == [
        "dòng 2, trường channel: phải là counter, online hoặc postal.",
        "dòng 2, trường fee_total: không được âm.",
        "dòng 4, trường center_code: không có trung tâm mã x.",
    ]
    assert "3 lỗi trong 3 dòng" in summary  # the blank line 3 is not a dossier
    assert counts() == before and list(DossierRecord.objects.values()) == records


def test_an_empty_or_missing_file_is_refused(history_center, tmp_path):
    _err, summary = rejected(write(tmp_path, []))
    assert "Tệp bị từ chối" in summary
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        call_command("import_history", str(tmp_path / "none.jsonl"))


def test_the_history_channel_is_not_for_citizens(version, center, officer, monday_9am):
    dossier = receive(version, center, officer, monday_9am)
    with pytest.raises(services.RatingError):
        services.submit_rating(dossier=dossier, channel="history", value="satisfied")


def test_admin_lists_imported_dossiers_read_only(client, people, history_center, tmp_path):
    run(write(tmp_path, [line("H-0200")]))
    people.administrator.is_staff = people.administrator.is_superuser = True
    people.administrator.save()
    client.force_login(people.administrator)
    response = client.get("/admin/reports/importeddossier/")
    assert response.status_code == 200 and "H-0200" in response.content.decode()
    assert client.get("/admin/reports/importeddossier/add/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_one_file_at_once_write_each_dossier_once(history_center, tmp_path):
    path = write(tmp_path, [line(f"H-{n:04d}") for n in range(300)])
    barrier = threading.Barrier(2)
    reports: list = []

    def administrator():
        try:
            barrier.wait()
            reports.append(history.import_history(path=path, batch=50))
        except BaseException as exc:  # surfaced below
            reports.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=administrator) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert all(isinstance(r, history.Report) for r in reports), reports
    assert sum(r.imported for r in reports) == 300
    assert Dossier.objects.count() == DossierRecord.objects.count() == 300
    assert DossierEvent.objects.filter(action="imported").count() == 300
