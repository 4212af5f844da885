"""Dossier API: POST /api/v1/dossiers, GET /api/v1/dossiers/{code}, GET /api/v1/lookup.

Thin: the payload is checked here and handed to the intake services; answers are built from
the selectors. Errors are `{"errors": {field: message}}` in Vietnamese, the fields named as in
the payload (`applicant.id_number`, `components[0].files[1]`, …; `__all__` for the whole).
"""

import base64
import binascii
import hashlib
import json
from datetime import date, datetime
from typing import Any, Literal

import pydantic
from django.core.exceptions import RequestDataTooBig
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from motcua.accounts.models import Role, User
from motcua.accounts.services import (
    IdempotencyConflict,
    authenticate_api_token,
    run_idempotently,
)
from motcua.catalog.models import Channel
from motcua.catalog.selectors import procedure_detail
from motcua.directory.models import ServiceCenter
from motcua.dossiers import lookup, selectors, services
from motcua.dossiers.models import Dossier, DossierFile, ResultDelivery

router = Router(tags=["dossiers"])
lookup_router = Router(tags=["lookup"])

OFFICER_ROLES = frozenset({Role.RECEPTION_OFFICER, Role.POSTAL_STAFF, Role.ADMINISTRATOR})
MAX_IDEMPOTENCY_KEY = 255


# --- authentication ------------------------------------------------------------------------


class BearerTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>` with a token from `motcua create-token USERNAME`."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = authenticate_api_token(secret=token.strip())
        if user is None:
            # A token was sent and is wrong: say so rather than fall back to the session.
            raise HttpError(401, _("Mã truy cập API không hợp lệ hoặc đã bị thu hồi."))
        return user


class SignedInSession(SessionAuth):
    """Django's session (the signed-in browser). Unsafe methods need the CSRF token
    (`X-CSRFToken` header), as for any form of the site."""

    def __call__(self, request: HttpRequest) -> User | None:
        # Without a session there is nothing to protect from CSRF: say "sign in" (401) rather
        # than "CSRF check failed" (403) to a script that forgot its token.
        if not request.user.is_authenticated:
            raise HttpError(
                401, _("Cần đăng nhập hoặc gửi mã truy cập API (Authorization: Bearer <mã>).")
            )
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        return request.user if request.user.is_authenticated else None


AUTH = [BearerTokenAuth(), SignedInSession()]


# --- payloads ------------------------------------------------------------------------------


class FileIn(Schema):
    name: str = ""
    content_base64: str


class ComponentIn(Schema):
    component_id: int | None = None
    position: int | None = None
    provided: bool = True
    original_seen: bool = False
    copies: int = 1
    files: list[FileIn] = []


class ApplicantIn(Schema):
    type: Literal["individual", "organization"] = "individual"
    name: str = ""
    id_number: str = ""
    birth_date: date | None = None
    tax_code: str = ""
    representative: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    submitter_name: str = ""
    submitter_id_number: str = ""
    submitter_phone: str = ""


class FeeOptionIn(Schema):
    fee_id: int  # a catalog line of kind alternative or extra (GET /api/v1/procedures/{code})
    reason: str = ""


class DossierIn(Schema):
    procedure_code: str
    center: str
    channel: Literal["counter", "postal", "online"]
    decision: Literal["receive", "supplement", "refuse"] | None = None
    reason: str = ""
    applicant: ApplicantIn
    components: list[ComponentIn] = []
    result_delivery: Literal["counter", "post", "electronic"] | None = None
    delivery_address: str = ""
    postal_tracking_number: str = ""
    postal_arrived_on: date | None = None
    sets: int = 1
    fee_options: list[FeeOptionIn] = []


class ErrorsOut(Schema):
    errors: dict[str, str]


class NoticeOut(Schema):
    id: int
    kind: str
    number: str
    pdf_url: str


class DossierCreatedOut(Schema):
    code: str | None
    public_id: str
    status: str
    status_label: str
    received_at: datetime | None
    due_at: datetime | None
    notices: list[NoticeOut]
    url: str


class NamedOut(Schema):
    code: str
    name: str


class ProcedureOut(Schema):
    code: str
    name: str
    version: int


class ApplicantOut(Schema):
    type: str
    name: str
    id_number: str  # masked: only the last 4 digits shown
    tax_code: str


class DossierFileOut(Schema):
    name: str
    content_type: str
    size: int
    sha256: str


class DossierComponentOut(Schema):
    component_id: int
    name: str
    required: bool
    provided: bool
    original_seen: bool
    copies: int
    files: list[DossierFileOut]


class FeeOut(Schema):
    name: str
    amount: int
    exempted: bool
    kind: str  # standard / alternative / extra


class DossierOut(Schema):
    code: str | None
    public_id: str
    status: str
    status_label: str
    channel: str
    procedure: ProcedureOut
    center: NamedOut
    receiving_agency: NamedOut
    holder_agency: NamedOut | None
    applicant: ApplicantOut
    created_at: datetime
    submitted_at: datetime | None
    received_at: datetime | None
    due_at: datetime | None
    result_delivery: str
    components: list[DossierComponentOut]
    fees: list[FeeOut]
    notices: list[NoticeOut]


class LookupOut(Schema):
    code: str
    status: str
    status_label: str
    message: str
    holder_agency: str
    due_at: datetime | None
    next_step: str
    applicant_initials: str


class LookupParams(Schema):
    code: str = ""
    verifier: str = ""


class MessageOut(Schema):
    message: str


# --- helpers -------------------------------------------------------------------------------


class ApiError(Exception):
    """An answer other than success: the status code and `{"errors": …}`."""

    def __init__(self, status: int, errors: dict[str, str]):
        self.status = status
        self.errors = errors
        super().__init__(status, errors)


def _inline_schema(model: type[pydantic.BaseModel]) -> dict:
    """The model's JSON schema with its definitions inlined (for `openapi_extra`)."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(definitions[node["$ref"].rsplit("/", 1)[-1]])
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    return inline(schema)


def _field_name(loc: tuple) -> str:
    name = ""
    for part in loc:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "__all__"


def _pydantic_message(error: dict) -> str:
    kind = error["type"]
    if kind == "missing":
        return _("Thiếu trường bắt buộc.")
    if kind == "literal_error":
        expected = str(error.get("ctx", {}).get("expected", ""))
        choices = expected.replace("'", "").replace(" or ", ", ")
        return _("Giá trị không hợp lệ; chọn một trong: %(choices)s.") % {"choices": choices}
    if kind.startswith("int_"):
        return _("Phải là số nguyên.")
    if kind.startswith("bool_"):
        return _("Phải là true hoặc false.")
    if kind.startswith("date_"):
        return _("Ngày phải có dạng YYYY-MM-DD.")
    if kind.startswith("string_"):
        return _("Phải là chuỗi ký tự.")
    if kind == "list_type":
        return _("Phải là một danh sách.")
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return _("Phải là một đối tượng JSON.")
    return _("Giá trị không hợp lệ.")


def _read_json(request: HttpRequest) -> Any:
    try:
        raw = request.body
    except RequestDataTooBig as exc:
        raise ApiError(
            413, {"__all__": _("Yêu cầu quá lớn; gửi tệp nhỏ hơn hoặc ít tệp hơn mỗi lần.")}
        ) from exc
    try:
        return json.loads(raw or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(400, {"__all__": _("Nội dung yêu cầu không phải JSON hợp lệ.")}) from exc


def _parse(data: Any) -> DossierIn:
    try:
        return DossierIn.model_validate(data)
    except pydantic.ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            errors.setdefault(_field_name(error["loc"]), _pydantic_message(error))
        raise ApiError(422, errors) from exc


def _request_hash(data: Any) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _applicant(payload: ApplicantIn) -> services.ApplicantData:
    return services.ApplicantData(**payload.model_dump())


def _components(
    payload: DossierIn, version
) -> tuple[list[services.ComponentInput], dict[int, int]]:
    """Component inputs for the services, and component id → index in the payload."""
    catalog = list(version.components.order_by("position", "id"))
    known = {c.id for c in catalog}
    errors: dict[str, str] = {}
    inputs, index_of = [], {}
    for i, item in enumerate(payload.components):
        field = f"components[{i}]"
        if item.component_id is not None:
            component_id = item.component_id
            if component_id not in known:
                errors[f"{field}.component_id"] = _("Thành phần hồ sơ không thuộc thủ tục này.")
                continue
        elif item.position is not None:
            if not 0 <= item.position < len(catalog):
                errors[f"{field}.position"] = _(
                    "Thủ tục có %(count)d thành phần; position phải từ 0 đến %(last)d."
                ) % {"count": len(catalog), "last": len(catalog) - 1}
                continue
            component_id = catalog[item.position].id
        else:
            errors[field] = _("Cần component_id hoặc position của thành phần hồ sơ.")
            continue
        if component_id in index_of:
            errors[field] = _("Thành phần hồ sơ này đã có ở phần tử %(index)d.") % {
                "index": index_of[component_id]
            }
            continue
        files = []
        for j, upload in enumerate(item.files):
            try:
                content = base64.b64decode(upload.content_base64, validate=True)
            except (binascii.Error, ValueError):
                errors[f"{field}.files[{j}]"] = _("Nội dung tệp không phải base64 hợp lệ.")
                continue
            name = upload.name.strip() or f"tep-{i}-{j}"
            files.append(SimpleUploadedFile(name[:255], content, "application/octet-stream"))
        index_of[component_id] = i
        inputs.append(
            services.ComponentInput(
                component_id=component_id, provided=item.provided,
                original_seen=item.original_seen, copies=item.copies, files=tuple(files),
            )
        )  # fmt: skip
    if errors:
        raise ApiError(422, errors)
    return inputs, index_of


def _payload_field(key: str, index_of: dict[int, int]) -> str:
    """The service's error key as the payload names that field."""
    if key.startswith("applicant_"):
        return "applicant." + key.removeprefix("applicant_")
    if key.startswith("submitter_"):
        return "applicant." + key
    if key.startswith("component_"):
        component_id = key.removeprefix("component_")
        if component_id.isdigit() and int(component_id) in index_of:
            return f"components[{index_of[int(component_id)]}].files"
    return key


def _intake_error(exc: services.IntakeError, index_of: dict[int, int]) -> ApiError:
    return ApiError(422, {_payload_field(k, index_of): str(v) for k, v in exc.errors.items()})


def _local(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _reference(dossier: Dossier) -> str:
    return dossier.code or str(dossier.public_id)


def _notices(dossier: Dossier) -> list[dict]:
    ref = _reference(dossier)
    return [
        {
            "id": n.pk,
            "kind": n.kind,
            "number": n.number,
            "pdf_url": reverse("documents:notice-pdf", kwargs={"ref": ref, "notice_id": n.pk}),
        }
        for n in dossier.notices.all()
    ]


def _created_body(dossier: Dossier) -> dict:
    """JSON-ready (it is stored as is for Idempotency-Key replays)."""
    return {
        "code": dossier.code,
        "public_id": str(dossier.public_id),
        "status": dossier.status,
        "status_label": dossier.get_status_display(),
        "received_at": _local(dossier.received_at),
        "due_at": _local(dossier.due_at),
        "notices": _notices(dossier),
        "url": f"/api/v1/dossiers/{_reference(dossier)}",
    }


def _stored_files(dossier: Dossier) -> list[str]:
    try:
        return list(
            DossierFile.objects.filter(component__dossier=dossier).values_list("file", flat=True)
        )
    except DatabaseError:
        return []


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _submit_online(*, user: User, version, center: ServiceCenter, payload: DossierIn,
                   applicant: services.ApplicantData,
                   components: list[services.ComponentInput]) -> Dossier:  # fmt: skip
    """Draft, components and submission in one transaction: a failure leaves nothing."""
    with transaction.atomic():
        dossier = services.start_online_dossier(
            version=version, center=center, account=user, applicant=applicant,
            result_delivery=payload.result_delivery or ResultDelivery.ELECTRONIC,
            delivery_address=payload.delivery_address,
        )  # fmt: skip
        try:
            services.update_online_components(dossier=dossier, account=user, components=components)
            return services.submit_online(dossier=dossier, account=user)
        except BaseException:
            _delete_files(_stored_files(dossier))  # rows go with the rollback, files here
            raise


def _create(user: User, data: Any, created_files: list[str]) -> tuple[int, dict]:
    """Check the payload and file the dossier; raises ApiError (nothing stored) on failure."""
    payload = _parse(data)
    is_officer = user.role in OFFICER_ROLES or user.is_superuser
    if not is_officer and user.role != Role.CITIZEN:
        raise ApiError(403, {"__all__": _("Vai trò của Ông/Bà không được nộp hồ sơ.")})
    version = procedure_detail(code=payload.procedure_code)
    if version is None:
        raise ApiError(
            404,
            {
                "procedure_code": _("Không tìm thấy thủ tục mã %(code)s.")
                % {"code": payload.procedure_code}
            },
        )
    center = ServiceCenter.objects.filter(code=payload.center.strip()).first()
    errors: dict[str, str] = {}
    if center is None:
        errors["center"] = _("Không tìm thấy trung tâm “%(code)s”.") % {"code": payload.center}
    if is_officer:
        if payload.channel == Channel.ONLINE:
            errors["channel"] = _(
                "Cán bộ tiếp nhận hồ sơ nộp trực tiếp (counter) hoặc qua bưu chính (postal)."
            )
        if payload.decision is None:
            errors["decision"] = _("Cần chọn quyết định: receive, supplement hoặc refuse.")
    else:
        if payload.fee_options:
            errors["fee_options"] = _(
                "Mức thu thay thế, khoản thu thêm do cán bộ tiếp nhận áp dụng."
            )
        if payload.channel != Channel.ONLINE:
            errors["channel"] = _("Công dân nộp hồ sơ trực tuyến (channel “online”).")
        if payload.decision is not None:
            errors["decision"] = _("Quyết định tiếp nhận do cán bộ tiếp nhận đưa ra.")
    if errors:
        raise ApiError(422, errors)
    components, index_of = _components(payload, version)
    applicant = _applicant(payload.applicant)
    try:
        if is_officer:
            dossier = services.intake(
                version=version, center=center, officer=user, applicant=applicant,
                components=components, decision=payload.decision, channel=payload.channel,
                reason=payload.reason,
                result_delivery=payload.result_delivery or ResultDelivery.COUNTER,
                delivery_address=payload.delivery_address,
                postal_tracking_number=payload.postal_tracking_number,
                postal_arrived_on=payload.postal_arrived_on, sets=payload.sets,
                fee_options=[services.FeeOption(fee_id=o.fee_id, reason=o.reason)
                             for o in payload.fee_options],
            )  # fmt: skip
        else:
            dossier = _submit_online(
                user=user, version=version, center=center, payload=payload,
                applicant=applicant, components=components,
            )  # fmt: skip
    except services.IntakeError as exc:
        raise _intake_error(exc, index_of) from exc
    created_files.extend(_stored_files(dossier))
    return 201, _created_body(dossier)


# --- endpoints -----------------------------------------------------------------------------

ERROR_RESPONSES = {400: ErrorsOut, 403: ErrorsOut, 404: ErrorsOut, 413: ErrorsOut, 422: ErrorsOut}


@router.post(
    "",
    auth=AUTH,
    response={201: DossierCreatedOut, **ERROR_RESPONSES},
    summary="Tiếp nhận (cán bộ) hoặc nộp trực tuyến (công dân) một hồ sơ",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _inline_schema(DossierIn)}},
        }
    },
)
def create_dossier(
    request,
    response: HttpResponse,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        description="Khóa chống lặp: gửi lại cùng khóa và cùng nội dung nhận lại đúng câu "
        "trả lời đầu tiên, không tạo hồ sơ thứ hai.",
    ),
):
    """See docs/api.md: an officer receives at the counter or records a postal dossier
    (`decision`), a citizen submits online. The body is checked here, so that every error
    comes back as `{"errors": {field: message}}` in Vietnamese."""
    user: User = request.auth
    created_files: list[str] = []
    key = (idempotency_key or "").strip()
    try:
        data = _read_json(request)
        if not key:
            return Status(*_create(user, data, created_files))
        if len(key) > MAX_IDEMPOTENCY_KEY:
            raise ApiError(422, {"Idempotency-Key": _("Khóa chống lặp dài tối đa 255 ký tự.")})
        status, body, replayed = run_idempotently(
            user=user, key=key, request_hash=_request_hash(data),
            action=lambda: _create(user, data, created_files),
        )  # fmt: skip
    except ApiError as exc:
        return Status(exc.status, {"errors": exc.errors})
    except IdempotencyConflict:
        return Status(422, {"errors": {"Idempotency-Key": _("Khóa đã dùng cho một yêu cầu khác.")}})
    except BaseException:
        _delete_files(created_files)  # stored, then rolled back with the record
        raise
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(status, body)


def _detail(dossier: Dossier) -> dict:
    version = dossier.procedure_version
    id_number = dossier.applicant_id_number
    agency = dossier.holder_agency
    return {
        "code": dossier.code,
        "public_id": str(dossier.public_id),
        "status": dossier.status,
        "status_label": dossier.get_status_display(),
        "channel": dossier.channel,
        "procedure": {
            "code": version.procedure.code,
            "name": version.name,
            "version": version.number,
        },
        "center": {"code": dossier.center.code, "name": dossier.center.name},
        "receiving_agency": {
            "code": dossier.receiving_agency.code,
            "name": dossier.receiving_agency.name,
        },
        "holder_agency": {"code": agency.code, "name": agency.name} if agency else None,
        "applicant": {
            "type": dossier.applicant_type,
            "name": dossier.applicant_name,
            "id_number": "*" * (len(id_number) - 4) + id_number[-4:] if id_number else "",
            "tax_code": dossier.applicant_tax_code,
        },
        "created_at": _local(dossier.created_at),
        "submitted_at": _local(dossier.submitted_at),
        "received_at": _local(dossier.received_at),
        "due_at": _local(dossier.due_at),
        "result_delivery": dossier.result_delivery,
        "components": [
            {
                "component_id": c.component_id,
                "name": c.component.name,
                "required": c.component.required,
                "provided": c.provided,
                "original_seen": c.original_seen,
                "copies": c.copies,
                "files": [
                    {
                        "name": f.original_name,
                        "content_type": f.content_type,
                        "size": f.size,
                        "sha256": f.sha256,
                    }
                    for f in c.files.all()
                ],
            }
            for c in dossier.components.select_related("component").prefetch_related("files")
        ],
        "fees": [
            {"name": f.name, "amount": f.amount, "exempted": f.exempted, "kind": f.kind}
            for f in dossier.fees.all()
        ],
        "notices": _notices(dossier),
    }


@router.get(
    "/{code}",
    auth=AUTH,
    response={200: DossierOut, 404: ErrorsOut},
    summary="Một hồ sơ (theo mã hồ sơ hoặc public_id), nếu người hỏi được xem",
)
def get_dossier(request, code: str):
    """Citizens see their own dossiers, officers those of their centers and agencies; any
    other dossier answers 404, as if it did not exist. The ID number is masked."""
    dossier = selectors.dossier_for(request.auth, code=code.strip())
    if dossier is None:
        return Status(404, {"errors": {"code": _("Không tìm thấy hồ sơ.")}})
    return Status(200, _detail(dossier))


@lookup_router.get(
    "",
    response={200: LookupOut, 404: MessageOut, 422: ErrorsOut, 429: MessageOut},
    summary="Tra cứu hồ sơ (công khai): mã hồ sơ và 4 số cuối điện thoại hoặc số định danh",
)
def lookup_dossier(request, response: HttpResponse, params: Query[LookupParams]):
    """No login. An unknown code and a wrong verifier give the same 404 answer; a client with
    too many failures (default 10 in 10 minutes) gets 429 with `Retry-After`."""
    errors = {}
    if not params.code.strip():
        errors["code"] = _("Cần nhập mã hồ sơ.")
    verifier = params.verifier.strip()
    if len(verifier) != 4 or not verifier.isdigit():
        errors["verifier"] = _(
            "Nhập đúng 4 chữ số cuối của số điện thoại hoặc số định danh cá nhân."
        )
    if errors:
        return Status(422, {"errors": errors})
    try:
        answer = lookup.look_up(
            code=params.code, verifier=verifier, client=lookup.client_key(request)
        )
    except lookup.RateLimited as exc:
        response["Retry-After"] = str(exc.retry_after)
        return Status(
            429,
            {
                "message": _(
                    "Tra cứu không thành công quá nhiều lần. Xin thử lại sau %(seconds)d giây."
                )
                % {"seconds": exc.retry_after}
            },
        )
    response["Cache-Control"] = "no-store"
    if answer is None:
        return Status(404, {"message": str(lookup.NOT_FOUND)})
    return Status(
        200,
        {
            "code": answer.code,
            "status": answer.status,
            "status_label": answer.status_label,
            "message": answer.message,
            "holder_agency": answer.holder_agency,
            "due_at": _local(answer.due_at),
            "next_step": answer.next_step,
            "applicant_initials": answer.applicant_initials,
        },
    )
