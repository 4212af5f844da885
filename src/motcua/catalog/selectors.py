"""Reads from the catalog: current versions, the public search, a procedure's detail."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from motcua.catalog.models import Component, Fee, Field, ProcedureVersion, Synonym
from motcua.directory.models import Agency
from motcua.domain.text import query_tiers, tokens


def current_versions(*, on: date | None = None) -> QuerySet[ProcedureVersion]:
    """The version of each procedure in force on `on` (default: today)."""
    on = on or timezone.localdate()
    return ProcedureVersion.objects.filter(
        Q(effective_to__isnull=True) | Q(effective_to__gt=on), effective_from__lte=on
    )


def synonym_map() -> dict[str, str]:
    return {
        key: " ".join(tokens(meaning))
        for key, meaning in Synonym.objects.values_list("phrase_key", "meaning")
    }


@dataclass(frozen=True)
class SearchResult:
    count: int
    items: list[ProcedureVersion]


def _rank(query_tokens: list[str], phrase: str, code: str, service_code: str, name: str) -> int:
    """Higher is better: a code match, then the name as typed, then all words in the name."""
    if phrase in (code, service_code.lower()):
        return 1000
    padded = f" {name} "
    if name == phrase:
        return 500
    if name.startswith(phrase):
        return 400
    if f" {phrase}" in padded:
        return 300
    if all(f" {t}" in padded for t in query_tokens):
        return 200
    return sum(10 for t in query_tokens if f" {t}" in padded)


def search_procedures(
    *,
    query: str = "",
    agency: str | None = None,
    field: str | None = None,
    level: str | None = None,
    online_level: str | None = None,
    limit: int = 20,
    offset: int = 0,
    on: date | None = None,
) -> SearchResult:
    """The public search (tra cứu thủ tục): accent/case-insensitive, codes, colloquial names.

    Every word must start a word of the code, name, field, agency or result; name matches rank
    first. A colloquial name in the query ("sổ đỏ") is searched by its official words first;
    the literal words only when that finds nothing (see domain.text.query_tiers).
    `agency` is an agency code, `field` a field slug.
    """
    qs = current_versions(on=on)
    if agency:
        qs = qs.filter(agency__code=agency)
    if field:
        qs = qs.filter(field__slug=field)
    if level:
        qs = qs.filter(level=level)
    if online_level:
        qs = qs.filter(online_level=online_level)

    tiers = query_tiers(query, synonym_map()) if query.strip() else []
    if not tiers:
        count = qs.count()
        items = list(
            qs.select_related("procedure", "agency", "field").order_by("name_key")[
                offset : offset + limit
            ]
        )
        return SearchResult(count=count, items=items)

    scored: list[tuple[int, int, str, int]] = []
    for variants in tiers:
        matches = Q()
        for variant in variants:
            clause = Q()
            for token in variant:
                clause &= Q(search_text__contains=f" {token}")
            matches |= clause
        candidates = qs.filter(matches).values_list(
            "id", "procedure__code", "service_code", "name_key"
        )
        for pk, code, service_code, name in candidates:
            score = max(_rank(v, " ".join(v), code, service_code, name) for v in variants)
            scored.append((-score, len(name), name, pk))
        if scored:
            break
    scored.sort()
    page_ids = [pk for *_, pk in scored[offset : offset + limit]]
    by_id = ProcedureVersion.objects.select_related("procedure", "agency", "field").in_bulk(
        page_ids
    )
    return SearchResult(count=len(scored), items=[by_id[pk] for pk in page_ids])


def procedure_detail(*, code: str, on: date | None = None) -> ProcedureVersion | None:
    """The version in force of the procedure with this code (or service code), with its parts."""
    code = code.strip()
    lookup = Q(procedure__code=code) | Q(service_code=code)
    return (
        current_versions(on=on)
        .filter(lookup)
        .select_related("procedure", "agency", "field")
        .prefetch_related(
            Prefetch("components", queryset=Component.objects.order_by("position", "id")),
            Prefetch(
                "fees", queryset=Fee.objects.select_related("replaces").order_by("position", "id")
            ),
        )
        .first()
    )


def version_history(*, code: str) -> QuerySet[ProcedureVersion]:
    return ProcedureVersion.objects.filter(procedure__code=code).order_by("-number")


def listing_filters() -> dict:
    """Agencies and fields that have procedures in force, for the search form's filters."""
    current = current_versions()
    return {
        "agencies": Agency.objects.filter(procedure_versions__in=current).distinct(),
        "fields": Field.objects.filter(versions__in=current).distinct(),
    }
