"""Writes to the directory. Each public function is one transaction."""

from django.db import transaction

from motcua.directory.models import Agency


@transaction.atomic
def upsert_agency(*, code: str, name: str, level: str, kind: str = "") -> Agency:
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        return Agency.objects.create(
            code=code, name=name, level=level, kind=kind or Agency.Kind.DEPARTMENT
        )
    changed = agency.name != name or agency.level != level or (kind and agency.kind != kind)
    if changed:
        agency.name, agency.level = name, level
        if kind:
            agency.kind = kind
        agency.full_clean()
        agency.save()
    return agency
