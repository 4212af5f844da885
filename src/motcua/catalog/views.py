"""Public listing of procedures (niêm yết công khai thủ tục hành chính): no login."""

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from motcua.catalog import selectors
from motcua.catalog.models import OnlineLevel
from motcua.directory.models import Level

PAGE_SIZE = 20


def _page_number(raw: str | None) -> int:
    try:
        return max(1, int(raw or 1))
    except ValueError:
        return 1


def procedure_list(request: HttpRequest) -> HttpResponse:
    params = {
        key: request.GET.get(key, "").strip()
        for key in ("q", "agency", "field", "level", "online_level")
    }
    page = _page_number(request.GET.get("page"))
    result = selectors.search_procedures(
        query=params["q"],
        agency=params["agency"] or None,
        field=params["field"] or None,
        level=params["level"] or None,
        online_level=params["online_level"] or None,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    pages = max(1, -(-result.count // PAGE_SIZE))
    query_string = urlencode({k: v for k, v in params.items() if v})
    context = {
        "params": params,
        "result": result,
        "page": page,
        "pages": pages,
        "previous_page": page - 1 if page > 1 else None,
        "next_page": page + 1 if page < pages else None,
        "query_string": query_string,
        "levels": Level.choices,
        "online_levels": OnlineLevel.choices,
        **selectors.listing_filters(),
    }
    template = "catalog/_results.html" if request.htmx else "catalog/procedure_list.html"
    return render(request, template, context)


def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    version = selectors.procedure_detail(code=code)
    if version is None:
        raise Http404(_("Không tìm thấy thủ tục mã %(code)s.") % {"code": code})
    return render(request, "catalog/procedure_detail.html", {"v": version})
