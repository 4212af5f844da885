"""Fee kinds in the catalog format: standard (default), alternative (replaces a standard line),
extra; JSON and Excel round trips, defaults, and the Vietnamese errors."""

import hashlib
import json

import pytest

from motcua.catalog.catalog_io import read_catalog, write_catalog
from motcua.catalog.importing import import_catalog
from motcua.catalog.models import Fee, FeeKind, ProcedureVersion
from motcua.catalog.specs import FeeSpec, ProcedureSpec
from tests.catalog.test_import_export import _empty_catalog, procedure, rejected, run_import

pytestmark = pytest.mark.django_db

AGENCIES = [{"code": "000.01.01.H12", "name": "UBND xã Một", "level": "commune"}]
STANDARD = {"name": "Lệ phí cấp phiếu", "amount": 200000}
POOR = {"name": "Lệ phí cấp phiếu (người thuộc hộ nghèo)", "amount": 100000,
        "kind": "alternative", "replaces": "Lệ phí cấp phiếu"}  # fmt: skip
EXTRA = {"name": "Phí cấp từ phiếu thứ 3", "amount": 5000, "kind": "extra"}


def catalog(*fees) -> dict:
    return {"agencies": AGENCIES, "procedures": [procedure(fees=list(fees))]}


def test_kinds_are_imported_with_the_line_they_replace():
    run_import(catalog(STANDARD, POOR, EXTRA))
    standard, poor, extra = Fee.objects.order_by("position")
    assert (standard.kind, standard.replaces) == (FeeKind.STANDARD, None)
    assert (poor.kind, poor.replaces) == (FeeKind.ALTERNATIVE, standard)
    assert (extra.kind, extra.replaces) == (FeeKind.EXTRA, None)


def test_kind_defaults_to_standard_and_replaces_to_the_only_standard_line():
    alternative = {k: v for k, v in POOR.items() if k != "replaces"}
    run_import(catalog({**STANDARD, "kind": None}, alternative))
    standard, poor = Fee.objects.order_by("position")
    assert standard.kind == "standard" and poor.replaces == standard


def test_json_and_excel_round_trips_keep_kinds(tmp_path):
    run_import(catalog(STANDARD, POOR, EXTRA))
    for name in ("catalog.json", "catalog.xlsx"):
        path = tmp_path / name
        write_catalog(path)
        _empty_catalog()
        document = read_catalog(path)
        assert document.problems == [] and document.warnings == []
        (entry,) = document.procedures
        assert [(f.name, f.kind, f.replaces) for f in entry.spec.fees] == [
            ("Lệ phí cấp phiếu", "standard", ""),
            ("Lệ phí cấp phiếu (người thuộc hộ nghèo)", "alternative", "Lệ phí cấp phiếu"),
            ("Phí cấp từ phiếu thứ 3", "extra", ""),
        ], name
        import_catalog(document=document)
        poor = Fee.objects.get(kind="alternative")
        assert poor.replaces == Fee.objects.get(kind="standard"), name
    exported = json.loads((tmp_path / "catalog.json").read_text(encoding="utf-8"))
    fees = exported["procedures"][0]["fees"]
    assert [f["kind"] for f in fees] == ["standard", "alternative", "extra"]
    assert [f["replaces"] for f in fees] == [None, "Lệ phí cấp phiếu", None]


def test_a_bad_kind_and_bad_replacements_are_rejected_in_vietnamese():
    data = catalog(
        {**STANDARD, "kind": "giam"},
        {**POOR, "replaces": "Lệ phí không có"},
        {**EXTRA, "replaces": "Lệ phí cấp phiếu"},
    )
    assert rejected(data) == [
        "procedures[0] (1.000001) · fees[0].kind: loại khoản thu “giam” không hợp lệ; chỉ "
        "nhận: standard (mức thu), alternative (mức thu thay thế cho đối tượng được áp dụng), "
        "extra (khoản thu thêm khi phát sinh)",
        "procedures[0] (1.000001) · fees[1].replaces: thủ tục không có mức thu chuẩn "
        "(standard) tên “Lệ phí không có”",
        "procedures[0] (1.000001) · fees[2].replaces: chỉ mức thu thay thế (kind "
        "“alternative”) mới ghi khoản thu được thay",
    ]
    assert not ProcedureVersion.objects.exists()


def test_an_alternative_must_say_which_line_when_there_are_several():
    second = {"name": "Phí thẩm định", "amount": 500000}
    alternative = {k: v for k, v in POOR.items() if k != "replaces"}
    assert rejected(catalog(STANDARD, second, alternative)) == [
        "procedures[0] (1.000001) · fees[2].replaces: mức thu thay thế cần ghi tên mức thu "
        "chuẩn được thay (replaces)"
    ]
    assert rejected(catalog(alternative)) == [
        "procedures[0] (1.000001) · fees[0].replaces: thủ tục không có mức thu chuẩn "
        "(standard) nào để thay"
    ]


def test_standard_lines_hash_as_before_fee_kinds():
    """Existing versions keep their content hash: a re-import does not amend them."""
    spec = ProcedureSpec(code="1.000001", name="Thủ tục thử", agency_code="000.01.01.H12",
                         field="Hộ tịch", level="commune", time_limit_days=5,
                         fees=(FeeSpec(name="Lệ phí", amount=1),))  # fmt: skip
    extra = ProcedureSpec(
        **{**spec.__dict__, "fees": (FeeSpec(name="Lệ phí", amount=1, kind="extra"),)}
    )
    assert extra.content_hash() != spec.content_hash()
    # The hash of a standard line without the new keys (as stored before this change).
    data = {
        **spec.__dict__,
        "fees": [{"name": "Lệ phí", "amount": 1, "applicant_type": "", "channel": "", "note": ""}],
        "components": [], "legal_basis": [], "channels": ["counter", "postal"],
        "applicant_types": ["individual"], "time_limit_days": "5",
    }  # fmt: skip
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
    assert spec.content_hash() == hashlib.sha256(canonical.encode()).hexdigest()


def test_admin_inline_offers_the_versions_standard_lines_to_replace(admin_client):
    from django.urls import reverse

    run_import(catalog(STANDARD, POOR, EXTRA))
    run_import({"agencies": AGENCIES, "procedures": [procedure(
        "1.000002", fees=[{"name": "Lệ phí của thủ tục khác", "amount": 1}])]})  # fmt: skip
    version = ProcedureVersion.objects.get(procedure__code="1.000001")
    url = reverse("admin:catalog_procedureversion_change", args=[version.pk])
    form = admin_client.get(url).context["inline_admin_formsets"][1].formset.forms[1]
    assert form["kind"].value() == "alternative"
    assert [f.name for f in form.fields["replaces"].queryset] == ["Lệ phí cấp phiếu"]


def test_model_check_of_an_alternative_line():
    from django.core.exceptions import ValidationError

    run_import(catalog(STANDARD, POOR, EXTRA))
    standard, poor, extra = Fee.objects.order_by("position")
    poor.replaces = None
    with pytest.raises(ValidationError, match="cần chọn khoản thu"):
        poor.full_clean()
    poor.replaces = extra
    with pytest.raises(ValidationError, match="mức thu chuẩn của cùng phiên bản"):
        poor.full_clean()
    extra.replaces = standard
    with pytest.raises(ValidationError, match="Chỉ mức thu thay thế"):
        extra.full_clean()
