"""Importing the history of a center that switches to motcua (`motcua import-history FILE`).

The file is JSON Lines, one dossier per line (docs/history-format.md). Two passes over it:

1. validation, the whole file, writing nothing: every line parsed and checked (keys, types,
   values, dates in order, status against its dates, codes known to the directory and the
   catalog, a version of the procedure in force on the day received, no code twice);
   every problem is reported as "dòng N, trường X: …". Codes already in the database
   (native or imported before) are counted as skipped, not as problems.
2. if nothing was wrong (and not `dry_run`): writing, in batches of `batch` lines, one
   transaction per batch (`bulk_create`): the `Dossier`, its `ImportedDossier`, its supplement
   requests as `workflow.Pause` rows, an "imported" `DossierEvent`, the rating, and its
   `DossierRecord` built by `services.imported_facts` / `services.record_fields`, the
   functions `refresh_record` uses, so the row is the one `motcua rebuild-records` writes.

The file is streamed in both passes; only the codes seen (for duplicates) are kept.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import Channel, Procedure, ProcedureVersion
from motcua.catalog.selectors import current_versions
from motcua.core.models import DailySequence
from motcua.directory.models import Agency, ServiceCenter
from motcua.directory.selectors import calendar_for_center
from motcua.domain.dossier_status import Status
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.reports import services
from motcua.reports.models import DossierRecord, ImportedDossier, Rating, RatingChannel

# The applicant of an imported dossier is not in the history (nor should personal data be
# carried over through this file): this stands in its place, in Vietnamese, as stored data.
PLACEHOLDER_APPLICANT = "(dữ liệu lịch sử)"
PAUSE_NOTE = "Yêu cầu bổ sung ghi nhận từ dữ liệu lịch sử"
MAX_PROBLEMS = 1000  # reported one by one; beyond that, only counted
CODE_MAX = Dossier._meta.get_field("code").max_length

STATUSES = (
    Status.IN_PROGRESS, Status.WAITING_SUPPLEMENT, Status.RESULT_READY, Status.RETURNED,
    Status.REFUSED, Status.WITHDRAWN,
)  # fmt: skip
ENDED = (Status.RESULT_READY, Status.RETURNED, Status.REFUSED, Status.WITHDRAWN)
RATINGS = ("very_satisfied", "satisfied", "unsatisfied")
REQUIRED = (
    "code", "procedure_code", "agency_code", "center_code", "channel", "received_at",
    "due_at", "status", "components_digitized", "result_digitized", "data_reused",
    "fee_total", "paid_online",
)  # fmt: skip
OPTIONAL = ("new_due_at", "finished_at", "returned_at", "supplement_requests", "rating")
FLAGS = ("components_digitized", "result_digitized", "data_reused", "paid_online")
# `<agency identifier>-<yyMMdd>-<sequence>` (Circular 01/2018 Art. 19), to continue numbering.
CODE_PATTERN = re.compile(r"^(?P<agency>.+)-(?P<day>\d{6})-(?P<n>\d{1,9})$")


@dataclass(frozen=True)
class Problem:
    line: int
    field: str  # "" when the problem is the line itself
    message: str

    def __str__(self) -> str:
        if not self.line:
            return self.message
        if self.field:
            return _("dòng %(line)d, trường %(field)s: %(message)s") % {
                "line": self.line, "field": self.field, "message": self.message,
            }  # fmt: skip
        return _("dòng %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class Entry:
    """One valid line, parsed."""

    line: int
    code: str
    procedure_code: str
    agency_code: str
    center_code: str
    channel: str
    received_at: datetime
    due_at: datetime
    status: str
    components_digitized: bool
    result_digitized: bool
    data_reused: bool
    fee_total: int
    paid_online: bool
    new_due_at: datetime | None = None
    finished_at: datetime | None = None
    returned_at: datetime | None = None
    supplements: list[tuple[datetime, datetime | None]] = field(default_factory=list)
    rating: str | None = None


@dataclass
class Report:
    source: str
    lines: int = 0  # dossier lines read (blank lines are not counted)
    new: int = 0  # valid lines whose code is not in the database yet
    skipped: list[str] = field(default_factory=list)  # codes already present
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    imported: int = 0
    skipped_while_writing: int = 0  # written by another run between the check and the write
    dry_run: bool = False
    validate_seconds: float = 0.0  # wall-clock time of each pass
    write_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add(self, problem: Problem) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)


# --- reading and checking one line ------------------------------------------------------------


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as f:
        for number, raw in enumerate(f, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]  # a byte-order mark some editors write
            if raw.strip():
                yield number, raw


def _datetime(value, name: str, problems: list[Problem], line: int) -> datetime | None:
    if not isinstance(value, str):
        problems.append(Problem(line, name, _("phải là thời điểm dạng chuỗi ISO 8601.")))
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        problems.append(Problem(line, name, _("không phải thời điểm ISO 8601 hợp lệ.")))
        return None
    if parsed.tzinfo is None:
        problems.append(
            Problem(line, name, _("cần ngày, giờ và múi giờ, ví dụ 2024-02-26T08:15:00+07:00."))
        )
        return None
    return parsed


def parse_line(line: int, raw: bytes) -> tuple[Entry | None, list[Problem]]:
    """Check one line on its own (no database): the entry, or the problems found."""
    problems: list[Problem] = []
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None, [Problem(line, "", _("không phải văn bản UTF-8."))]
    except json.JSONDecodeError as exc:
        return None, [
            Problem(line, "", _("không phải JSON hợp lệ (cột %(col)d).") % {"col": exc.colno})
        ]
    if not isinstance(data, dict):
        return None, [Problem(line, "", _("mỗi dòng phải là một đối tượng JSON {…}."))]
    for key in sorted(set(data) - set(REQUIRED) - set(OPTIONAL)):
        problems.append(Problem(line, key, _("trường không có trong định dạng.")))
    for key in REQUIRED:
        if key not in data:
            problems.append(Problem(line, key, _("thiếu trường bắt buộc.")))
    values: dict = {}
    for key in ("code", "procedure_code", "agency_code", "center_code"):
        value = data.get(key)
        if key not in data:
            continue
        if not isinstance(value, str) or not value.strip():
            problems.append(Problem(line, key, _("phải là chuỗi không rỗng.")))
        elif value != value.strip() or any(c.isspace() for c in value):
            problems.append(Problem(line, key, _("không được chứa khoảng trắng.")))
        elif key == "code" and len(value) > CODE_MAX:
            problems.append(Problem(line, key, _("dài quá %(max)d ký tự.") % {"max": CODE_MAX}))
        else:
            values[key] = value
    if "channel" in data:
        if data["channel"] in Channel.values:
            values["channel"] = data["channel"]
        else:
            problems.append(Problem(line, "channel", _("phải là counter, online hoặc postal.")))
    if "status" in data:
        if data["status"] in STATUSES:
            values["status"] = data["status"]
        else:
            problems.append(
                Problem(line, "status", _("phải là một trong: %(values)s.")
                        % {"values": ", ".join(STATUSES)})
            )  # fmt: skip
    for key in ("received_at", "due_at"):
        if key in data:
            values[key] = _datetime(data[key], key, problems, line)
    for key in ("new_due_at", "finished_at", "returned_at"):
        values[key] = None
        if data.get(key) is not None:
            values[key] = _datetime(data[key], key, problems, line)
            if values[key] is None:
                values[key] = False  # present but wrong: skip the checks that use it
    for key in FLAGS:
        if key in data:
            if isinstance(data[key], bool):
                values[key] = data[key]
            else:
                problems.append(Problem(line, key, _("phải là true hoặc false.")))
    if "fee_total" in data:
        fee = data["fee_total"]
        if isinstance(fee, bool) or not isinstance(fee, int):
            problems.append(Problem(line, "fee_total", _("phải là số nguyên (đồng).")))
        elif fee < 0:
            problems.append(Problem(line, "fee_total", _("không được âm.")))
        else:
            values["fee_total"] = fee
    rating = data.get("rating")
    if rating is not None and rating not in RATINGS:
        problems.append(
            Problem(line, "rating", _("phải là very_satisfied, satisfied, unsatisfied hoặc null."))
        )
    supplements = _supplements(data.get("supplement_requests"), problems, line)
    if problems:
        return None, problems
    entry = Entry(
        line=line, supplements=supplements, rating=rating,
        **{k: v for k, v in values.items()},
    )  # fmt: skip
    problems = _consistency(entry)
    return (None, problems) if problems else (entry, [])


def _supplements(value, problems: list[Problem], line: int) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(Problem(line, "supplement_requests", _("phải là một danh sách […].")))
        return []
    out = []
    for i, item in enumerate(value, start=1):
        where = f"supplement_requests[{i}]"
        if not isinstance(item, dict):
            problems.append(
                Problem(line, where, _("phải là đối tượng {requested_at, supplied_at}."))
            )
            continue
        for key in sorted(set(item) - {"requested_at", "supplied_at"}):
            problems.append(Problem(line, f"{where}.{key}", _("trường không có trong định dạng.")))
        if "requested_at" not in item:
            problems.append(Problem(line, f"{where}.requested_at", _("thiếu trường bắt buộc.")))
            continue
        requested = _datetime(item["requested_at"], f"{where}.requested_at", problems, line)
        supplied = None
        if item.get("supplied_at") is not None:
            supplied = _datetime(item["supplied_at"], f"{where}.supplied_at", problems, line)
            if supplied is None:
                continue
        if requested is not None:
            out.append((requested, supplied))
    return out


def _consistency(e: Entry) -> list[Problem]:
    """The dates in order and the status against them (one line, all fields well typed)."""
    p: list[Problem] = []
    line = e.line
    if e.due_at < e.received_at:
        p.append(Problem(line, "due_at", _("hẹn trả trước thời điểm tiếp nhận.")))
    if e.new_due_at is not None and e.new_due_at <= e.due_at:
        p.append(Problem(line, "new_due_at", _("hẹn lại phải sau hẹn trả ban đầu (due_at).")))
    for key in ("finished_at", "returned_at"):
        at = getattr(e, key)
        if at is not None and at < e.received_at:
            p.append(Problem(line, key, _("trước thời điểm tiếp nhận.")))
    if e.finished_at and e.returned_at and e.returned_at < e.finished_at:
        p.append(Problem(line, "returned_at", _("trả kết quả trước khi có kết quả (finished_at).")))
    ended = e.status in ENDED
    if e.status == Status.RETURNED:
        if e.returned_at is None:
            p.append(Problem(line, "returned_at", _("hồ sơ đã trả kết quả cần thời điểm trả.")))
    elif e.returned_at is not None:
        p.append(
            Problem(line, "returned_at", _("chỉ hồ sơ ở trạng thái returned có thời điểm trả."))
        )
    if e.status in (Status.RESULT_READY, Status.REFUSED, Status.WITHDRAWN) and not e.finished_at:
        p.append(
            Problem(line, "finished_at",
                    _("hồ sơ ở trạng thái %(status)s cần thời điểm kết thúc.")
                    % {"status": e.status})
        )  # fmt: skip
    if not ended and e.finished_at is not None:
        p.append(
            Problem(line, "finished_at", _("hồ sơ chưa kết thúc không có thời điểm kết thúc."))
        )
    if e.result_digitized and e.status not in (Status.RESULT_READY, Status.RETURNED):
        p.append(Problem(line, "result_digitized", _("hồ sơ không có kết quả giải quyết.")))
    if e.paid_online and e.fee_total == 0:
        p.append(Problem(line, "paid_online", _("hồ sơ không có phí, lệ phí (fee_total = 0).")))
    end = e.finished_at or e.returned_at
    previous_end = e.received_at
    open_allowed = e.status in (Status.WAITING_SUPPLEMENT, Status.REFUSED, Status.WITHDRAWN)
    for i, (requested, supplied) in enumerate(e.supplements, start=1):
        where = f"supplement_requests[{i}]"
        last = i == len(e.supplements)
        if requested < previous_end:
            p.append(Problem(line, f"{where}.requested_at",
                             _("trước khi tiếp nhận hoặc trước lần bổ sung trước đã xong.")))  # fmt: skip
        if end is not None and requested > end:
            p.append(Problem(line, f"{where}.requested_at", _("sau khi hồ sơ kết thúc.")))
        if supplied is None:
            if not (last and open_allowed):
                p.append(
                    Problem(line, f"{where}.supplied_at",
                            _("chỉ lần yêu cầu cuối của hồ sơ chờ bổ sung, từ chối hoặc rút "
                              "mới được để trống."))
                )  # fmt: skip
            previous_end = requested
            continue
        if supplied < requested:
            p.append(Problem(line, f"{where}.supplied_at", _("trước thời điểm yêu cầu bổ sung.")))
        if end is not None and supplied > end:
            p.append(Problem(line, f"{where}.supplied_at", _("sau khi hồ sơ kết thúc.")))
        previous_end = supplied
    if e.status == Status.WAITING_SUPPLEMENT and (
        not e.supplements or e.supplements[-1][1] is not None
    ):
        p.append(
            Problem(line, "supplement_requests",
                    _("hồ sơ chờ bổ sung cần một lần yêu cầu chưa có supplied_at."))
        )  # fmt: skip
    return p


# --- the directory and the catalog, looked up once per code -----------------------------------


class _Lookups:
    def __init__(self) -> None:
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.centers: dict[str, ServiceCenter | None] = {}
        self.agencies: dict[str, Agency | None] = {}
        self.procedures: dict[str, bool] = {}
        self.versions: dict[date, dict[str, ProcedureVersion]] = {}
        self.calendars: dict[int, object] = {}

    def center(self, code: str) -> ServiceCenter | None:
        if code not in self.centers:
            self.centers[code] = ServiceCenter.objects.filter(code=code).first()
        return self.centers[code]

    def agency(self, code: str) -> Agency | None:
        if code not in self.agencies:
            self.agencies[code] = Agency.objects.filter(code=code).first()
        return self.agencies[code]

    def procedure_exists(self, code: str) -> bool:
        if code not in self.procedures:
            self.procedures[code] = Procedure.objects.filter(code=code).exists()
        return self.procedures[code]

    def version(self, code: str, received_at: datetime) -> ProcedureVersion | None:
        """The version in force on the day received (the catalog's one definition, read once
        per day for every procedure: a year of history costs 365 queries)."""
        day = received_at.astimezone(self.tz).date()
        if day not in self.versions:
            self.versions[day] = {
                v.procedure.code: v
                for v in current_versions(on=day)
                .select_related("procedure")
                .only("procedure__code", "agency_id", "field_id")
            }
        return self.versions[day].get(code)

    def calendar(self, center: ServiceCenter):
        if center.pk not in self.calendars:
            self.calendars[center.pk] = calendar_for_center(center)
        return self.calendars[center.pk]

    def problems(self, e: Entry) -> list[Problem]:
        p = []
        if self.center(e.center_code) is None:
            p.append(Problem(e.line, "center_code", _("không có trung tâm mã %(code)s.")
                             % {"code": e.center_code}))  # fmt: skip
        if self.agency(e.agency_code) is None:
            p.append(Problem(e.line, "agency_code", _("không có cơ quan mã định danh %(code)s.")
                             % {"code": e.agency_code}))  # fmt: skip
        if not self.procedure_exists(e.procedure_code):
            p.append(Problem(e.line, "procedure_code", _("không có thủ tục mã %(code)s.")
                             % {"code": e.procedure_code}))  # fmt: skip
        elif self.version(e.procedure_code, e.received_at) is None:
            day = e.received_at.astimezone(self.tz).date()
            p.append(
                Problem(e.line, "procedure_code",
                        _("thủ tục %(code)s không có phiên bản có hiệu lực ngày %(day)s.")
                        % {"code": e.procedure_code, "day": f"{day:%d/%m/%Y}"})
            )  # fmt: skip
        return p


def _existing(codes: list[str]) -> set[str]:
    return set(Dossier.objects.filter(code__in=codes).values_list("code", flat=True))


class HistoryFileChanged(Exception):
    """The file changed between the validation and the writing pass."""


def _entries(path: Path) -> Iterator[Entry]:
    """The entries of a file already validated."""
    for number, raw in _lines(path):
        entry, _problems = parse_line(number, raw)
        if entry is None:
            raise HistoryFileChanged(
                _("Tệp đã thay đổi trong khi nhập (dòng %(line)d); hãy chạy lại lệnh.")
                % {"line": number}
            )
        yield entry


# --- the import ---------------------------------------------------------------------------------


def validate(path: Path, *, lookups: _Lookups | None = None, chunk: int = 1000) -> Report:
    """Pass 1: every line checked; nothing written."""
    started = time.perf_counter()
    lookups = lookups or _Lookups()
    report = Report(source=path.name)
    seen: dict[str, int] = {}
    pending: list[str] = []

    def flush() -> None:
        found = _existing(pending)
        report.skipped.extend(c for c in pending if c in found)
        report.new += len(pending) - len(found)
        pending.clear()

    for number, raw in _lines(path):
        report.lines += 1
        entry, problems = parse_line(number, raw)
        if entry is not None:
            problems = lookups.problems(entry)
            if entry.code in seen:
                problems.append(Problem(number, "code", _("trùng mã hồ sơ với dòng %(line)d.")
                                        % {"line": seen[entry.code]}))  # fmt: skip
            else:
                seen[entry.code] = number
        for problem in problems:
            report.add(problem)
        if entry is not None and not problems:
            pending.append(entry.code)
            if len(pending) >= chunk:
                flush()
    flush()
    if report.lines == 0:
        report.add(Problem(0, "", _("tệp không có dòng dữ liệu nào.")))
    report.validate_seconds = time.perf_counter() - started
    return report


def import_history(*, path: Path, dry_run: bool = False, batch: int = 1000) -> Report:
    """Validate the whole file; then, unless a problem was found or `dry_run`, write it."""
    path = Path(path)
    lookups = _Lookups()
    report = validate(path, lookups=lookups)
    report.dry_run = dry_run
    if not report.ok or dry_run:
        return report
    started = time.perf_counter()
    now = timezone.now()
    chunk: list[Entry] = []
    for entry in _entries(path):
        chunk.append(entry)
        if len(chunk) >= batch:
            report.imported += _write_retrying(chunk, lookups, report.source, now)
            chunk = []
    if chunk:
        report.imported += _write_retrying(chunk, lookups, report.source, now)
    report.skipped_while_writing = report.new - report.imported
    report.write_seconds = time.perf_counter() - started
    return report


def _write_retrying(entries: list[Entry], lookups: _Lookups, source: str, now: datetime) -> int:
    """A code written by someone else since the check (a second import of the same file at
    the same time) makes the batch fail on the unique code: it is rolled back whole and
    tried again, when the codes now present are skipped."""
    for _attempt in range(2):
        try:
            return _write(entries, lookups, source, now)
        except IntegrityError:
            continue
    return _write(entries, lookups, source, now)


@transaction.atomic
def _write(entries: list[Entry], lookups: _Lookups, source: str, now: datetime) -> int:
    """One batch, one transaction: every row of each new dossier, or none."""
    from motcua.workflow.models import Pause

    present = _existing([e.code for e in entries])
    entries = [e for e in entries if e.code not in present]
    if not entries:
        return 0
    dossiers = []
    for e in entries:
        center = lookups.center(e.center_code)
        dossiers.append(Dossier(
            code=e.code, procedure_version=lookups.version(e.procedure_code, e.received_at),
            center=center, receiving_agency=lookups.agency(e.agency_code), channel=e.channel,
            status=e.status, applicant_name=PLACEHOLDER_APPLICANT, received_at=e.received_at,
            due_at=e.due_at,
        ))  # fmt: skip
    Dossier.objects.bulk_create(dossiers)
    histories, pauses, events, ratings, records = [], [], [], [], []
    sequences: dict[tuple[str, date], int] = {}
    for e, dossier in zip(entries, dossiers, strict=True):
        history = ImportedDossier(
            dossier=dossier, source=source[:255], line=e.line, imported_at=now,
            finished_at=e.finished_at, returned_at=e.returned_at, new_due_at=e.new_due_at,
            components_digitized=e.components_digitized, result_digitized=e.result_digitized,
            data_reused=e.data_reused, fee_total=e.fee_total, paid_online=e.paid_online,
        )  # fmt: skip
        histories.append(history)
        own = [
            Pause(dossier=dossier, kind=Pause.Kind.SUPPLEMENT, started_at=requested,
                  ended_at=_pause_end(e, supplied), supplement_round=i, note=PAUSE_NOTE)
            for i, (requested, supplied) in enumerate(e.supplements, start=1)
        ]  # fmt: skip
        pauses.extend(own)
        events.append(DossierEvent(
            dossier=dossier, at=now, action="imported", to_status=e.status,
            data={"source": source, "line": e.line},
        ))  # fmt: skip
        if e.rating:
            ratings.append(Rating(
                dossier=dossier, channel=RatingChannel.HISTORY, value=e.rating,
                created_at=e.returned_at or e.finished_at or e.received_at,
            ))  # fmt: skip
        facts = services.imported_facts(
            lookups.calendar(dossier.center), dossier=dossier, history=history, pauses=own,
            dissatisfied=e.rating == "unsatisfied", ratings=[e.rating] if e.rating else [],
        )  # fmt: skip
        records.append(DossierRecord(dossier=dossier, **services.record_fields(
            dossier=dossier, version=dossier.procedure_version, center=dossier.center,
            facts=facts, imported=True,
        )))  # fmt: skip
        match = CODE_PATTERN.match(e.code)
        if match and match["agency"] == e.agency_code:
            try:
                day = datetime.strptime(match["day"], "%y%m%d").date()
            except ValueError:
                continue
            key = (f"dossier:{e.agency_code}", day)
            sequences[key] = max(sequences.get(key, 0), int(match["n"]))
    ImportedDossier.objects.bulk_create(histories)
    Pause.objects.bulk_create(pauses)
    DossierEvent.objects.bulk_create(events)
    Rating.objects.bulk_create(ratings)
    DossierRecord.objects.bulk_create(records)
    services.count_new_records(records=records)  # the summary counts the indices read
    _continue_numbering(sequences)
    return len(entries)


def _pause_end(e: Entry, supplied: datetime | None) -> datetime | None:
    # A dossier refused or withdrawn while waiting for the supplement: the wait ends with it.
    if supplied is None and e.status in (Status.REFUSED, Status.WITHDRAWN):
        return e.finished_at
    return supplied


def _continue_numbering(sequences: dict[tuple[str, date], int]) -> None:
    """Native codes of an agency's day continue after the imported ones (no code reused)."""
    if not sequences:
        return
    table = DailySequence._meta.db_table
    bigger = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (scope, day, last) VALUES (%s, %s, %s) "  # noqa: S608
            f"ON CONFLICT (scope, day) DO UPDATE SET last = {bigger}({table}.last, excluded.last)",
            [(scope, day, n) for (scope, day), n in sequences.items()],
        )
