"""Editing processes without code, in the admin.

A process (quy trình) lists its steps inline; each step's actions are edited on the step's own
page (the "change" link beside each step, or the "Bước xử lý" list). Only drafts can be changed
or deleted: a published or retired process shows read-only, and a change starts with the
action "Tạo bản nháp mới từ quy trình này". "Xuất bản" runs the publish check and shows every
problem as a message. Rows are scoped to the procedures of the user's agency (any catalog
version's agency); a step's agency may be any active agency, since liên thông steps name
another agency.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.selectors import has_province_scope, scoped_agency_ids
from motcua.catalog.models import Procedure
from motcua.core.admin import ReadOnlyInline, ScopedAdmin
from motcua.directory.models import Agency
from motcua.workflow import selectors, services
from motcua.workflow.models import DossierProcess, Process, ProcessAction, ProcessStep, StepRun
from motcua.workflow.specs import default_spec, format_days, spec_from_process

STEP_FIELDS = (
    "position",
    "key",
    "name",
    "unit_kind",
    "agency",
    "role",
    "allotted_days",
    "allotted_hours",
    "is_parallel",
    "join_before",
    "is_final",
)


def _scoped_procedures(request):
    if has_province_scope(request.user):
        return Procedure.objects.all()
    return Procedure.objects.filter(
        versions__agency_id__in=scoped_agency_ids(request.user)
    ).distinct()


def _step_field(db_field, request, kwargs: dict, process: Process | None) -> None:
    """Choices of a step's foreign keys: any active agency, main steps of the same process."""
    if db_field.name == "agency":
        kwargs["queryset"] = Agency.objects.filter(is_active=True)
    elif db_field.name == "join_before":
        kwargs["queryset"] = (
            ProcessStep.objects.filter(process=process, is_parallel=False)
            if process is not None
            else ProcessStep.objects.none()
        )


class ProcessStepInline(admin.TabularInline):
    model = ProcessStep
    fk_name = "process"
    extra = 0
    fields = (*STEP_FIELDS, "actions_summary")
    readonly_fields = ("actions_summary",)
    show_change_link = True
    ordering = ("position", "id")

    def get_formset(self, request, obj=None, **kwargs):
        self._process = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        _step_field(db_field, request, kwargs, getattr(self, "_process", None))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=gettext_lazy("thao tác"))
    def actions_summary(self, step: ProcessStep) -> str:
        if step.pk is None:
            return _("(lưu rồi thêm thao tác)")
        return ", ".join(
            f"{a.display_label} → {a.target.name if a.target_id else _('kết thúc')}"
            if a.target_id or a.target_is_end
            else f"{a.display_label} → ?"
            for a in step.actions.select_related("target")
        ) or _("(chưa có)")

    def has_add_permission(self, request, obj=None):
        return (obj is None or obj.is_draft) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return (obj is None or obj.is_draft) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or obj.is_draft) and super().has_delete_permission(request, obj)


class ProcessForm(forms.ModelForm):
    start_from_default = forms.BooleanField(
        label=gettext_lazy("Bắt đầu từ quy trình mặc định"),
        required=False,
        initial=True,
        help_text=gettext_lazy(
            "Tạo sẵn 6 bước (tiếp nhận → chuyên viên → lãnh đạo phòng → lãnh đạo cơ quan → "
            "văn thư → trả kết quả), chia theo thời hạn giải quyết; sau đó sửa lại."
        ),
    )

    class Meta:
        model = Process
        fields = ("procedure", "note")


@admin.register(Process)
class ProcessAdmin(ScopedAdmin):
    form = ProcessForm
    agency_path = "procedure__versions__agency"
    list_display = (
        "procedure",
        "procedure_name",
        "number",
        "status",
        "is_default",
        "step_count",
        "published_at",
        "published_by",
    )
    list_filter = ("status", "is_default")
    search_fields = ("procedure__code", "procedure__versions__name", "note")
    list_select_related = ("procedure", "published_by")
    actions = ["publish_selected", "new_draft_selected", "retire_selected"]
    inlines = [ProcessStepInline]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(step_total=Count("steps", distinct=True))
        ).distinct()

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("procedure", "note", "start_from_default")
        return (
            "procedure",
            "note",
            "number",
            "status",
            "is_default",
            "created_by",
            "published_at",
            "published_by",
            "retired_at",
            "publish_check",
            "staff_page",
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return (
            "procedure",
            "number",
            "status",
            "is_default",
            "created_by",
            "published_at",
            "published_by",
            "retired_at",
            "publish_check",
            "staff_page",
        )

    def get_inlines(self, request, obj):
        # Steps are added once the draft exists (its number is given by the service).
        return self.inlines if obj is not None else []

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # only drafts may be deleted, one at a time
        return actions

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "procedure":
            kwargs["queryset"] = _scoped_procedures(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return (obj is None or obj.is_draft) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or obj.is_draft) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["note"])
            return
        procedure = form.cleaned_data["procedure"]
        spec = None
        if form.cleaned_data.get("start_from_default"):
            version = selectors.current_version(procedure)
            if version is None:
                messages.warning(
                    request, _("Thủ tục chưa có phiên bản hiệu lực: đã tạo quy trình trống.")
                )
            else:
                spec = default_spec(
                    procedure_code=procedure.code, time_limit_days=version.time_limit_days
                )
        created = services.create_draft(
            procedure=procedure, spec=spec, note=obj.note, by=request.user
        )
        # The admin goes on with `obj` (redirect, log entry): make it the stored draft.
        obj.pk, obj.number, obj.created_by = created.pk, created.number, created.created_by
        obj.note, obj.is_default = created.note, created.is_default
        obj._state.adding, obj._state.db = False, created._state.db

    def response_add(self, request, obj, post_url_continue=None):
        if "_addanother" in request.POST or IS_POPUP_VAR in request.POST:
            return super().response_add(request, obj, post_url_continue)
        # The steps are edited on the draft's page: go there rather than to the list.
        messages.success(
            request,
            _("Đã tạo bản nháp quy trình %(code)s phiên bản %(number)d; hãy sửa các bước.")
            % {"code": obj.procedure.code, "number": obj.number},
        )
        return redirect(reverse("admin:workflow_process_change", args=[obj.pk]))

    @admin.display(description=gettext_lazy("tên thủ tục"))
    def procedure_name(self, process: Process) -> str:
        version = selectors.current_version(process.procedure)
        return version.name if version else ""

    @admin.display(description=gettext_lazy("số bước"), ordering="step_total")
    def step_count(self, process: Process) -> int:
        return process.step_total

    @admin.display(description=gettext_lazy("kiểm tra trước khi xuất bản"))
    def publish_check(self, process: Process) -> str:
        spec = spec_from_process(process)
        problems = selectors.publish_problems(spec, procedure=process.procedure)
        version = selectors.current_version(process.procedure)
        total = _("Tổng thời gian luồng chính: %(total)s / %(limit)s ngày.") % {
            "total": format_days(spec.main_line_days()),
            "limit": format_days(version.time_limit_days) if version else "?",
        }
        if not problems:
            return format_html("✓ {} {}", _("Đạt."), total)
        return format_html(
            "{}<ul>{}</ul>", total, format_html_join("", "<li>{}</li>", ((p,) for p in problems))
        )

    @admin.display(description=gettext_lazy("xem dạng danh sách"))
    def staff_page(self, process: Process) -> str:
        url = reverse("workflow:process", args=[process.procedure.code])
        return format_html(
            '<a href="{}?phien-ban={}">{}</a>', url, process.number, _("Mở trang quy trình")
        )

    @admin.action(description=gettext_lazy("Xuất bản"), permissions=["change"])
    def publish_selected(self, request, queryset):
        for process in queryset:
            try:
                services.publish(process=process, by=request.user)
            except services.ProcessInvalid as exc:
                messages.error(
                    request,
                    format_html(
                        "{}<ul>{}</ul>",
                        _("%(process)s chưa xuất bản được:") % {"process": process},
                        format_html_join("", "<li>{}</li>", ((p,) for p in exc.problems)),
                    ),
                )
            except services.ProcessError as exc:
                messages.error(request, f"{process}: {exc}")
            else:
                messages.success(
                    request,
                    _("Đã xuất bản quy trình %(code)s phiên bản %(number)d.")
                    % {"code": process.procedure.code, "number": process.number},
                )

    @admin.action(
        description=gettext_lazy("Tạo bản nháp mới từ quy trình này"), permissions=["add"]
    )
    def new_draft_selected(self, request, queryset):
        for process in queryset:
            draft = services.new_draft_from(process=process, by=request.user)
            messages.success(
                request,
                _("Đã tạo bản nháp phiên bản %(number)d từ %(process)s.")
                % {"number": draft.number, "process": process},
            )

    @admin.action(description=gettext_lazy("Ngừng áp dụng"), permissions=["change"])
    def retire_selected(self, request, queryset):
        for process in queryset:
            try:
                services.retire(process=process)
            except services.ProcessError as exc:
                messages.error(request, f"{process}: {exc}")
            else:
                messages.success(
                    request,
                    _("Đã ngừng áp dụng %(process)s; thủ tục dùng quy trình mặc định.")
                    % {"process": process},
                )


class ProcessActionInline(admin.TabularInline):
    model = ProcessAction
    fk_name = "step"
    extra = 1
    fields = ("name", "target", "target_is_end", "label")

    def get_formset(self, request, obj=None, **kwargs):
        self._step = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "target":
            step = getattr(self, "_step", None)
            kwargs["queryset"] = (
                ProcessStep.objects.filter(process_id=step.process_id)
                if step is not None
                else ProcessStep.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _draft(self, obj) -> bool:
        return obj is None or obj.process.is_draft

    def has_add_permission(self, request, obj=None):
        return self._draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._draft(obj) and super().has_delete_permission(request, obj)


@admin.register(ProcessStep)
class ProcessStepAdmin(ScopedAdmin):
    agency_path = "process__procedure__versions__agency"
    list_display = (
        "name",
        "process",
        "position",
        "key",
        "unit_kind",
        "agency",
        "role",
        "allotted_days",
        "allotted_hours",
        "is_parallel",
    )
    list_filter = ("process__status", "unit_kind", "role", "is_parallel")
    search_fields = ("process__procedure__code", "name", "key")
    list_select_related = ("process__procedure", "agency")
    fields = ("process", *STEP_FIELDS)
    inlines = [ProcessActionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()

    def get_readonly_fields(self, request, obj=None):
        return ("process",) if obj is not None else ()

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_form(self, request, obj=None, change=False, **kwargs):
        self._process = obj.process if obj is not None else None
        return super().get_form(request, obj, change, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("agency", "join_before"):
            _step_field(db_field, request, kwargs, getattr(self, "_process", None))
            # Not ScopedChoicesMixin: a liên thông step names an agency outside the scope.
            return admin.ModelAdmin.formfield_for_foreignkey(self, db_field, request, **kwargs)
        if db_field.name == "process":
            kwargs["queryset"] = Process.objects.filter(
                status=Process.Status.DRAFT, procedure__in=_scoped_procedures(request)
            ).select_related("procedure")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _draft(self, obj) -> bool:
        return obj is None or obj.process.is_draft

    def has_change_permission(self, request, obj=None):
        return self._draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._draft(obj) and super().has_delete_permission(request, obj)


# --- running dossiers: read-only (every change goes through workflow.runtime) ---------------


class StepRunInline(ReadOnlyInline):
    model = StepRun
    fields = ("step", "status", "unit", "assignee", "started_at", "due_at", "finished_at",
              "outcome")  # fmt: skip
    readonly_fields = fields


@admin.register(DossierProcess)
class DossierProcessAdmin(ScopedAdmin):
    center_path = "dossier__center"
    list_display = ("dossier", "process", "started_at", "finished_at")
    search_fields = ("dossier__code",)
    inlines = [StepRunInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
