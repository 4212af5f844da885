"""The fact rows kept current by the services, and the SQL figures over them, through the real
intake, runtime, payment and rating services.

Calendar: sessions 07:00–11:30 and 13:00–17:00; Tuesday 24/11/2026 is off (Vietnam Cultural
Day). The procedure 2.000635 has 10 working days: received Monday 23/11/2026 09:00, a dossier
is due Tuesday 8/12 09:00.
"""

from datetime import date

import pytest

from motcua.payments.providers import registry
from motcua.payments.services import handle_callback, start_online_payment
from motcua.reports import selectors, services
from motcua.reports.models import DossierRecord, Rating
from motcua.workflow import runtime
from tests import factories
from tests.payments.helpers import SECRET, TMN, gateway_answer
from tests.reports.conftest import period, vn
from tests.workflow.test_runtime_clock import finish
from tests.workflow.test_runtime_support import receive

pytestmark = pytest.mark.django_db

NOV_DEC = (date(2026, 11, 1), date(2026, 12, 31))


@pytest.fixture
def received(version, center, people, monday_9am):
    """Received Mon 23/11 09:00 (due Tue 8/12 09:00), at the specialist from 09:30."""
    dossier = receive(version, center, people.reception, monday_9am)
    runtime.forward(dossier=dossier, user=people.reception, at=vn(2026, 11, 23, 9, 30))
    return dossier


def record(dossier) -> DossierRecord:
    return DossierRecord.objects.get(dossier=dossier)


def test_receipt_writes_the_row(received, version, center):
    """At receipt: in progress, due 8/12 09:00, on time until then; scope keys filled."""
    row = record(received)
    assert row.code == received.code and row.channel == "counter"
    assert row.due_at == row.on_time_until == vn(2026, 12, 8, 9, 0)
    assert row.ended_at is None and row.outcome == "" and row.late_from is None
    assert (row.center_id, row.agency_id, row.procedure_id) == (
        center.pk, version.agency_id, version.procedure_id,
    )  # fmt: skip
    assert row.fee_total == 50000 and not row.paid_online
    assert not row.components_digitized  # ticked at the counter, nothing scanned


def test_supplement_waiting_time_is_excluded(received, people):
    """Waiting Wed 25/11 09:00 → Fri 27/11 09:00 (2 days): due 10/12 09:00; the result on
    Wed 9/12 10:00, after the original date, is early (a day before the moved one)."""
    runtime.request_supplement(dossier=received, user=people.specialist, note="Thiếu",
                               at=vn(2026, 11, 25, 9, 0))  # fmt: skip
    assert record(received).on_time_until is None  # clock stopped while waiting
    runtime.supplement_received(dossier=received, user=people.reception, at=vn(2026, 11, 27, 9, 0))
    assert record(received).on_time_until == vn(2026, 12, 10, 9, 0)
    finish(received, people, vn(2026, 12, 9, 10, 0), returned_at=vn(2026, 12, 11, 9, 0))
    row = record(received)
    assert (row.outcome, row.end_kind, row.supplement_rounds) == ("early", "result", 1)
    assert row.ended_at == vn(2026, 12, 9, 10, 0) and row.returned_at == vn(2026, 12, 11, 9, 0)
    assert row.d61_time == 2 and row.d61_contacts == 1
    k = selectors.kpi_figures(period(*NOV_DEC)).counts
    assert (k["finished_early"], k["finished_late"], k["returned"]) == (1, 0, 1)


def test_two_supplement_requests_count_as_late(received, people):
    """Two requests (25/11 and 27/11), result 30/11 09:00, long before the date: late; in
    progress, the dossier counts as late from the second request."""
    for day in (25, 27):
        runtime.request_supplement(dossier=received, user=people.specialist, note="Thiếu",
                                   at=vn(2026, 11, day, 8, 0))  # fmt: skip
        runtime.supplement_received(dossier=received, user=people.specialist,
                                    at=vn(2026, 11, day, 10, 0))  # fmt: skip
    assert record(received).late_from == vn(2026, 11, 27, 8, 0)
    k = selectors.kpi_figures(period(date(2026, 11, 1), date(2026, 11, 27))).counts
    assert (k["in_progress_on_time"], k["in_progress_overdue"]) == (0, 1)
    finish(received, people, vn(2026, 11, 30, 9, 0))
    assert record(received).outcome == "late" and record(received).d61_contacts == 0


@pytest.mark.parametrize(
    "result_at,kept", [(vn(2026, 12, 15, 10, 0), True), (vn(2026, 12, 16, 10, 0), False)]
)
def test_apology_late_against_the_original_kept_or_missed(received, people, result_at, kept):
    """Apology Mon 7/12 09:00 with a new date Tue 15/12 16:00: late either way; the new date
    kept (15/12 10:00) or missed (16/12 10:00). The week before the apology it was on time."""
    runtime.apologize(dossier=received, user=people.leader, reason="Chờ xác minh.",
                      new_due_at=vn(2026, 12, 15, 16, 0), at=vn(2026, 12, 7, 9, 0))  # fmt: skip
    row = record(received)
    assert row.new_due_at == vn(2026, 12, 15, 16, 0) and row.late_from == vn(2026, 12, 7, 9, 0)
    k = selectors.kpi_figures(period(date(2026, 11, 1), date(2026, 12, 6))).counts
    assert k["in_progress_on_time"] == 1
    k = selectors.kpi_figures(period(date(2026, 11, 1), date(2026, 12, 7))).counts
    assert k["in_progress_overdue"] == 1
    finish(received, people, result_at)
    row = record(received)
    assert (row.outcome, row.renewed_kept) == ("late", kept)
    k = selectors.kpi_figures(period(*NOV_DEC)).counts
    assert (k["finished_late"], k["renewed_kept"], k["renewed_missed"]) == (1, kept, not kept)


def test_in_progress_at_the_period_end(received):
    """Not finished: on time at the end of November (due 8/12), overdue at the end of 8/12."""
    nov = selectors.kpi_figures(period(date(2026, 11, 1), date(2026, 11, 30)))
    assert (nov.counts["in_progress_on_time"], nov.counts["in_progress_overdue"]) == (1, 0)
    assert nov.figures["on_time_rate"].value == 1
    dec = selectors.kpi_figures(period(date(2026, 12, 1), date(2026, 12, 8)))
    assert (dec.counts["carried_over"], dec.counts["received_new"]) == (1, 0)
    assert (dec.counts["in_progress_on_time"], dec.counts["in_progress_overdue"]) == (0, 1)
    assert dec.figures["on_time_rate"].value == 0


def test_withdrawal_ends_the_dossier(received, people):
    """Withdrawn Wed 25/11 10:00: the end the on-time rule counts, before the date: early;
    counted as withdrawn, not in the average resolution time nor among results."""
    runtime.withdraw(dossier=received, user=people.reception, note="Xin rút",
                     at=vn(2026, 11, 25, 10, 0))  # fmt: skip
    row = record(received)
    assert (row.end_kind, row.outcome, row.ended_at) == ("withdrawn", "early", vn(2026, 11, 25, 10))
    k = selectors.kpi_figures(period(*NOV_DEC))
    assert k.counts["withdrawn"] == 1 and k.counts["finished_early"] == 1
    assert k.figures["average_resolution_days"].value is None
    assert k.figures["electronic_result_rate"].value is None  # no result issued


def test_online_payment_and_rating_update_the_row(received, people, settings):
    settings.MOTCUA_PAYMENT_PROVIDER = "sandbox"
    settings.MOTCUA_PAYMENT_SANDBOX_SECRET = SECRET
    settings.MOTCUA_PAYMENT_SANDBOX_TMN_CODE = TMN
    citizen = people.citizen
    type(received).objects.filter(pk=received.pk).update(account=citizen)
    received.refresh_from_db()
    payment = start_online_payment(dossier=received, user=citizen, provider=registry.get("sandbox"))
    assert not record(received).paid_online
    handle_callback(provider=registry.get("sandbox"), params=gateway_answer(payment))
    assert record(received).paid_online
    k = selectors.kpi_figures(period(*NOV_DEC))
    assert k.figures["online_payment_rate"].value == 1
    services.submit_rating(dossier=received, channel="counter", value="unsatisfied",
                           officer=people.reception, at=vn(2026, 11, 23, 9, 20))  # fmt: skip
    assert record(received).dissatisfied
    # 1 − (0 late + 1 unsatisfied) / 1 = 0
    assert selectors.kpi_figures(period(*NOV_DEC)).figures["satisfaction_rate"].value == 0


def test_rebuild_gives_the_same_rows(received, people):
    finish(received, people, vn(2026, 12, 9, 10, 0))
    before = DossierRecord.objects.values().get(dossier=received)
    DossierRecord.objects.all().delete()
    assert services.rebuild_records() == 1
    after = DossierRecord.objects.values().get(dossier=received)
    for name in ("id", "updated_at"):
        before.pop(name), after.pop(name)
    assert before == after


def test_empty_period_rates_are_null(db):
    k = selectors.kpi_figures(period(date(2026, 1, 1), date(2026, 1, 31)))
    assert all(v == 0 for v in k.counts.values())
    assert all(f.value is None for f in k.figures.values())
    assert k.score.total is None


def test_ratings_once_per_channel_and_after_return(received, people):
    with pytest.raises(services.RatingError, match="sau khi đã trả kết quả"):
        services.submit_rating(dossier=received, channel="portal", value="satisfied")
    services.submit_rating(dossier=received, channel="counter", value="very_satisfied",
                           comment="  Nhanh  ", officer=people.reception)  # fmt: skip
    with pytest.raises(services.RatingError, match="đã được đánh giá"):
        services.submit_rating(dossier=received, channel="counter", value="satisfied")
    with pytest.raises(services.RatingError, match="Hãy chọn"):
        services.submit_rating(dossier=received, channel="receipt_qr", value="meh")
    finish(received, people, vn(2026, 12, 9, 10, 0))
    services.submit_rating(dossier=received, channel="portal", value="satisfied")
    assert list(Rating.objects.order_by("channel").values_list("channel", "value", "comment")) == [
        ("counter", "very_satisfied", "Nhanh"), ("portal", "satisfied", ""),
    ]  # fmt: skip
    assert not record(received).dissatisfied
    # Decree 61 index 7 from the ratings: the lower of "rất hài lòng" (2) and "hài lòng" (1).
    assert record(received).d61_attitude == 1
    attitude = selectors.kpi_figures(period(*NOV_DEC)).evaluation[6]
    assert (attitude.number, attitude.points, attitude.dossiers) == (7, 1, 1)


def test_rating_refuses_a_counter_of_another_center(received):
    from motcua.directory.models import Counter

    other = factories.center("xa-an-binh", level="commune", agency_code="000.01.02.H13")
    counter = Counter.objects.create(center=other, number=1)
    with pytest.raises(services.RatingError, match="Quầy không thuộc"):
        services.submit_rating(dossier=received, channel="counter", value="satisfied",
                               counter=counter)  # fmt: skip


def test_rebuild_records_command(received):
    from io import StringIO

    from django.core.management import call_command

    DossierRecord.objects.all().delete()
    out = StringIO()
    call_command("rebuild_records", stdout=out)
    assert "1 hồ sơ" in out.getvalue()
    assert record(received).code == received.code
