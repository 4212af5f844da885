"""Writes to the directory. Each public function is one transaction."""

from typing import Literal

from django.db import transaction

from motcua.directory.models import Agency

AgencyOutcome = Literal["created", "updated", "unchanged"]


@transaction.atomic
def upsert_agency(
    *, code: str, name: str, level: str, kind: str = ""
) -> tuple[Agency, AgencyOutcome]:
    """Create an agency by its identifier, or bring its name, level and kind up to date."""
    agency = Agency.objects.select_for_update().filter(code=code).first()
    if agency is None:
        agency = Agency(code=code, name=name, level=level, kind=kind or Agency.Kind.DEPARTMENT)
        agency.full_clean()
        agency.save()
        return agency, "created"
    if agency.name == name and agency.level == level and (not kind or agency.kind == kind):
        return agency, "unchanged"
    agency.name, agency.level = name, level
    if kind:
        agency.kind = kind
    agency.full_clean()
    agency.save()
    return agency, "updated"
