from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "motcua.directory"
    label = "directory"
    verbose_name = _("Danh bạ: đơn vị hành chính, cơ quan, trung tâm")
