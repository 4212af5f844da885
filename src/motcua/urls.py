from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from motcua.api import api
from motcua.dossiers import urls_documents
from motcua.workflow import urls_documents as workflow_documents

admin.site.site_header = _("motcua — Quản trị Trung tâm Phục vụ hành chính công")
admin.site.site_title = _("motcua quản trị")
admin.site.index_title = _("Danh mục và cấu hình")

urlpatterns = [
    path("", include("motcua.catalog.urls")),
    path("", include("motcua.portal.urls")),
    path("quay/", include("motcua.dossiers.urls_counter")),
    # One "documents" namespace for every printed form: intake's (Mẫu 01/02/03, log book) and
    # the workflow's (Mẫu 04/05, stop notice), so no app imports a later one.
    path(
        "ho-so/",
        include(
            (urls_documents.urlpatterns + workflow_documents.urlpatterns, urls_documents.app_name)
        ),
    ),
    path("tra-cuu/", include("motcua.dossiers.urls_lookup")),
    path("danh-gia/", include("motcua.ratings.urls")),
    path("", include("motcua.queueing.urls_public")),
    path("quay-so/", include("motcua.queueing.urls_console")),
    path("quy-trinh/", include("motcua.workflow.urls")),
    path("xu-ly/", include("motcua.workflow.urls_work")),
    path("thanh-toan/", include("motcua.payments.urls")),
    path("giam-sat/", include("motcua.reports.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
