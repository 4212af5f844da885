from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "motcua.workflow"
    label = "workflow"
    verbose_name = _("Quy trình điện tử")
