"""Import a catalog file into the database: all of it, or nothing.

`import_catalog` takes a document already read and checked by `catalog_io`, adds the checks
that need the database, and only then writes, in one transaction, through the directory and
catalog services (`upsert_agency`, `upsert_procedure`, which does the versioning).
"""

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.catalog_io import CatalogDocument, CatalogRejected, Problem
from motcua.catalog.models import ProcedureVersion
from motcua.catalog.services import CatalogError, UpsertOutcome, upsert_procedure
from motcua.directory.models import Agency, Level
from motcua.directory.services import upsert_agency


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do)."""

    dry_run: bool
    agencies_created: int = 0
    agencies_updated: int = 0
    agencies_unchanged: int = 0
    procedures_created: int = 0
    procedures_amended: int = 0
    procedures_unchanged: int = 0
    outcomes: list[tuple[str, UpsertOutcome]] = dataclass_field(default_factory=list)
    warnings: list[Problem] = dataclass_field(default_factory=list)

    def summary(self) -> str:
        counts = _(
            "%(agencies_created)d cơ quan mới, %(agencies_updated)d cơ quan cập nhật, "
            "%(created)d thủ tục mới, %(amended)d sửa đổi, %(unchanged)d không đổi."
        ) % {
            "agencies_created": self.agencies_created,
            "agencies_updated": self.agencies_updated,
            "created": self.procedures_created,
            "amended": self.procedures_amended,
            "unchanged": self.procedures_unchanged,
        }
        if self.dry_run:
            return _("Chạy thử, không ghi gì vào cơ sở dữ liệu. Nếu nhập sẽ có: %(counts)s") % {
                "counts": counts
            }
        return _("Đã nhập: %(counts)s") % {"counts": counts}


def _level_label(level: str) -> str:
    return str(Level(level).label) if level in Level.values else level


def _database_problems(*, document: CatalogDocument, default_effective_from: date) -> list[Problem]:
    """Checks that need the database: agencies, levels and effective dates."""
    problems: list[Problem] = []
    file_levels = {agency.code: agency.level for agency in document.agencies}
    db_levels = dict(Agency.objects.values_list("code", "level"))
    open_versions = {
        code: (effective_from, content_hash)
        for code, effective_from, content_hash in ProcedureVersion.objects.filter(
            effective_to__isnull=True
        ).values_list("procedure__code", "effective_from", "content_hash")
    }
    for entry in document.procedures:
        if entry.agency_code:
            agency_level: str | None = None
            if entry.agency_code in file_levels:
                agency_level = file_levels[entry.agency_code]
            elif entry.agency_code in document.listed_agency_codes:
                pass  # listed in the file with its own problems, already reported
            elif entry.agency_code in db_levels:
                agency_level = db_levels[entry.agency_code]
            else:
                problems.append(
                    Problem(
                        entry.where,
                        "agency_code",
                        _(
                            "không có cơ quan mã %(code)s, trong tệp (agencies) cũng như "
                            "trong cơ sở dữ liệu"
                        )
                        % {"code": entry.agency_code},
                    )
                )
            if agency_level and entry.level and entry.level != agency_level:
                problems.append(
                    Problem(
                        entry.where,
                        "level",
                        _(
                            "cấp thực hiện “%(level)s” khác cấp của cơ quan %(code)s "
                            "(“%(agency_level)s”)"
                        )
                        % {
                            "level": _level_label(entry.level),
                            "code": entry.agency_code,
                            "agency_level": _level_label(agency_level),
                        },
                    )
                )
        if entry.code and entry.spec and entry.code in open_versions:
            current_from, current_hash = open_versions[entry.code]
            effective_from = entry.effective_from or default_effective_from
            if current_hash != entry.spec.content_hash() and effective_from < current_from:
                problems.append(
                    Problem(
                        entry.where,
                        "effective_from",
                        _(
                            "nội dung thay đổi nhưng ngày hiệu lực %(new)s sớm hơn phiên bản "
                            "hiện hành (%(current)s)"
                        )
                        % {
                            "new": effective_from.strftime("%d/%m/%Y"),
                            "current": current_from.strftime("%d/%m/%Y"),
                        },
                    )
                )
    return problems


def _import_agencies(*, document: CatalogDocument, report: ImportReport) -> None:
    for entry in document.agencies:
        _agency, outcome = upsert_agency(
            code=entry.code, name=entry.name, level=entry.level, kind=entry.kind
        )
        if outcome == "created":
            report.agencies_created += 1
        elif outcome == "updated":
            report.agencies_updated += 1
        else:
            report.agencies_unchanged += 1


def import_catalog(
    *,
    document: CatalogDocument,
    dry_run: bool = False,
    default_effective_from: date | None = None,
) -> ImportReport:
    """Import every agency and procedure of `document`, or nothing.

    Raises CatalogRejected listing every problem (from reading the file and from the checks
    against the database) before anything is written; a failure while writing rolls all of it
    back too. Each procedure takes effect on its own `effective_from`, else on
    `default_effective_from`, else today. A dry run does the same work and rolls it back, so
    its counts are the real ones.
    """
    default_effective_from = default_effective_from or timezone.localdate()
    report = ImportReport(dry_run=dry_run, warnings=list(document.warnings))
    with transaction.atomic():
        problems = document.in_file_order(
            [
                *document.problems,
                *_database_problems(
                    document=document, default_effective_from=default_effective_from
                ),
            ]
        )
        if problems:
            raise CatalogRejected(problems)

        _import_agencies(document=document, report=report)
        failures: list[Problem] = []
        for entry in document.procedures:
            assert entry.spec is not None  # entries without a spec have problems
            try:
                _version, outcome = upsert_procedure(
                    spec=entry.spec,
                    effective_from=entry.effective_from or default_effective_from,
                )
            except CatalogError as exc:
                failures.append(Problem(entry.where, "effective_from", str(exc)))
                continue
            report.outcomes.append((entry.spec.code, outcome))
            if outcome == "created":
                report.procedures_created += 1
            elif outcome == "amended":
                report.procedures_amended += 1
            else:
                report.procedures_unchanged += 1
        if failures:
            raise CatalogRejected(failures)
        if dry_run:
            transaction.set_rollback(True)
    return report
