"""Catalog import and export: JSON and Excel, all-or-nothing, versioned, round trips."""

import copy
import json
import sys
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError
from django.db import connections
from django.utils import timezone

from motcua.catalog import importing
from motcua.catalog.catalog_io import (
    CatalogRejected,
    build_workbook,
    catalog_data,
    parse_json,
    parse_xlsx,
    read_catalog,
    write_catalog,
)
from motcua.catalog.importing import import_catalog
from motcua.catalog.models import Component, Fee, Field, Procedure, ProcedureVersion
from motcua.catalog.selectors import current_versions
from motcua.directory.models import Agency, Level
from motcua.manage import main

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"
SAMPLE_JSON = SAMPLES / "catalog-sample.json"
SAMPLE_XLSX = SAMPLES / "catalog-sample.xlsx"
MODELS = (Agency, Field, Procedure, ProcedureVersion, Component, Fee)


def sample() -> dict:
    return json.loads(SAMPLE_JSON.read_text(encoding="utf-8"))


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def write_json(tmp_path: Path, data: dict, name: str = "catalog.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def run_import(data: dict, *, dry_run: bool = False, default: date | None = None):
    document = parse_json(json.dumps(data, ensure_ascii=False), source="catalog.json")
    return import_catalog(document=document, dry_run=dry_run, default_effective_from=default)


def rejected(data: dict) -> list[str]:
    """The problem lines of a file that must be rejected."""
    with pytest.raises(CatalogRejected) as info:
        run_import(data)
    return [str(p) for p in info.value.problems]


def procedure(code: str = "1.000001", agency: str = "000.01.01.H12", **changes) -> dict:
    data = {
        "code": code,
        "name": "Thủ tục thử",
        "agency_code": agency,
        "field": "Hộ tịch",
        "level": "commune",
        "time_limit_days": 5,
        "channels": ["counter"],
        "online_level": "none",
        "applicant_types": ["individual"],
        "components": [{"name": "Tờ khai", "required": True, "copies": 1}],
        "fees": [],
        "legal_basis": [],
        "result": "",
        "description": "",
    }
    data.update(changes)
    return data


# ----------------------------------------------------------------------------- importing


@pytest.mark.django_db
def test_import_creates_agencies_procedures_and_parts():
    report = run_import(sample())

    assert (report.agencies_created, report.procedures_created) == (3, 5)
    assert (report.procedures_amended, report.procedures_unchanged) == (0, 0)
    assert report.summary() == (
        "Đã nhập: 3 cơ quan mới, 0 cơ quan cập nhật, 5 thủ tục mới, 0 sửa đổi, 0 không đổi."
    )
    assert row_counts() == {
        "Agency": 3,
        "Field": 3,
        "Procedure": 5,
        "ProcedureVersion": 5,
        "Component": 12,
        "Fee": 6,
    }
    business = ProcedureVersion.objects.get(procedure__code="2.001610")
    assert business.agency.code == "000.00.05.H12"
    assert business.level == Level.PROVINCE
    assert business.time_limit_days == Decimal("3")
    assert business.channels == ["counter", "online", "postal"]
    assert business.effective_from == date(2025, 7, 1)
    assert business.effective_to is None
    fees = list(business.fees.order_by("position").values_list("amount", "channel"))
    assert fees == [(50000, "counter"), (50000, "postal"), (0, "online"), (100000, "")]
    certification = ProcedureVersion.objects.get(procedure__code="2.000815")
    assert certification.applicant_types == ["individual", "organization"]
    forms = list(certification.components.order_by("position").values_list("form", flat=True))
    assert forms == ["original", "copy"]
    assert Agency.objects.get(code="000.01.01.H12").kind == Agency.Kind.COMMUNE_COMMITTEE


@pytest.mark.django_db
def test_import_twice_changes_nothing():
    run_import(sample())
    before = row_counts()

    report = run_import(sample())

    assert report.procedures_unchanged == 5
    assert report.procedures_created == report.procedures_amended == 0
    assert report.agencies_created == report.agencies_updated == 0
    assert report.agencies_unchanged == 3
    assert row_counts() == before


@pytest.mark.django_db
def test_amendment_creates_version_two_and_closes_version_one():
    run_import(sample())
    data = sample()
    data["procedures"][2]["time_limit_days"] = 0.5
    data["procedures"][2]["effective_from"] = "2026-01-01"

    report = run_import(data)

    assert (report.procedures_amended, report.procedures_unchanged) == (1, 4)
    versions = list(ProcedureVersion.objects.filter(procedure__code="1.001193").order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].effective_to == date(2026, 1, 1)
    assert versions[1].effective_from == date(2026, 1, 1)
    assert versions[1].effective_to is None
    assert versions[1].time_limit_days == Decimal("0.5")
    assert versions[1].components.count() == 3


@pytest.mark.django_db
def test_effective_from_falls_back_to_the_default_then_today():
    data = {"agencies": sample()["agencies"], "procedures": [procedure("1.000001")]}
    run_import(data, default=date(2025, 9, 1))
    assert ProcedureVersion.objects.get(procedure__code="1.000001").effective_from == date(
        2025, 9, 1
    )
    data["procedures"] = [procedure("1.000002")]
    run_import(data)
    today = timezone.localdate()
    assert ProcedureVersion.objects.get(procedure__code="1.000002").effective_from == today


@pytest.mark.django_db
def test_agency_changes_are_counted_as_updates():
    run_import(sample())
    data = sample()
    data["agencies"][1]["name"] = "Sở Tư pháp tỉnh"

    report = run_import(data)

    assert (report.agencies_updated, report.agencies_unchanged) == (1, 2)
    assert Agency.objects.get(code="000.00.12.H12").name == "Sở Tư pháp tỉnh"


# ----------------------------------------------------------------------------- rejecting


@pytest.mark.django_db
def test_bad_file_is_rejected_whole_with_every_problem_and_nothing_written():
    run_import(sample())
    before = row_counts()
    names_before = dict(ProcedureVersion.objects.values_list("procedure__code", "name"))
    data = sample()
    data["agencies"].append({"code": "000.01.02.H12", "name": "UBND xã mới", "level": "commune"})
    procs = data["procedures"]
    procs[0]["name"] = "Đổi tên (hợp lệ, nhưng tệp có lỗi khác)"
    procs[1]["time_limit_days"] = 2.3
    procs[2]["code"] = "1.00119"
    procs[3]["channels"] = ["counter", "fax"]
    procs[3]["fees"][0]["amount"] = -2000
    procs[3]["fees"][1]["amount"] = 1000.5
    procs[4]["name"] = "   "
    procs[4]["online_level"] = "level4"
    procs[4]["effective_from"] = "01/07/2025"
    procs.append(procedure("1.000002", time_limit_days=-1, applicant_types=["company"]))

    problems = rejected(data)

    assert problems == [
        "procedures[1] (1.000894) · time_limit_days: "
        "phải là số ngày làm việc không âm, bội số của 0,5",
        "procedures[2] (1.00119) · code: “1.00119”: "
        "Mã thủ tục có dạng 1.012783 (một chữ số, dấu chấm, sáu chữ số).",
        "procedures[3] (2.000815) · channels: "
        "giá trị “fax” không hợp lệ; chỉ nhận: counter, online, postal",
        "procedures[3] (2.000815) · fees[0].amount: phải là số tiền nguyên không âm (đồng)",
        "procedures[3] (2.000815) · fees[1].amount: phải là số tiền nguyên không âm (đồng)",
        "procedures[4] (2.001610) · name: không được để trống",
        "procedures[4] (2.001610) · online_level: "
        "giá trị “level4” không hợp lệ; chỉ nhận: full, partial, none",
        "procedures[4] (2.001610) · effective_from: "
        "“01/07/2025” không phải ngày hợp lệ dạng YYYY-MM-DD",
        "procedures[5] (1.000002) · time_limit_days: "
        "phải là số ngày làm việc không âm, bội số của 0,5",
        "procedures[5] (1.000002) · applicant_types: "
        "giá trị “company” không hợp lệ; chỉ nhận: individual, organization",
    ]
    assert row_counts() == before
    assert dict(ProcedureVersion.objects.values_list("procedure__code", "name")) == names_before
    assert not Agency.objects.filter(code="000.01.02.H12").exists()


@pytest.mark.django_db
def test_missing_keys_and_wrong_types_are_reported():
    data = {
        "agencies": [{"code": "000.01.01.H12", "name": "UBND", "level": "commune"}],
        "procedures": [
            {"code": "1.000001"},
            procedure(
                "1.000002",
                name=5,
                channels="counter",
                legal_basis="Luật Hộ tịch",
                components=[{"name": "Tờ khai", "required": "yes", "copies": "1"}, "x"],
                fees=[{"name": "Lệ phí", "amount": "50.000", "channel": "fax"}],
                resolved_at_center="có",
            ),
            "not an object",
        ],
    }

    problems = rejected(data)

    missing = [p for p in problems if p.startswith("procedures[0]")]
    assert len(missing) == 13
    assert "procedures[0] (1.000001) · name: thiếu trường bắt buộc" in missing
    assert "procedures[0] (1.000001) · components: thiếu trường bắt buộc" in missing
    assert [p for p in problems if not p.startswith("procedures[0]")] == [
        "procedures[1] (1.000002) · name: phải là chuỗi ký tự",
        'procedures[1] (1.000002) · channels: phải là danh sách, ví dụ ["counter", "online"]',
        "procedures[1] (1.000002) · components[1]: phải là một đối tượng JSON",
        "procedures[1] (1.000002) · components[0].required: "
        "phải là true/false (trong Excel: TRUE/FALSE hoặc có/không)",
        "procedures[1] (1.000002) · components[0].copies: phải là số nguyên không âm (số bản)",
        "procedures[1] (1.000002) · fees[0].amount: phải là số tiền nguyên không âm (đồng)",
        "procedures[1] (1.000002) · fees[0].channel: "
        "giá trị “fax” không hợp lệ; chỉ nhận: counter, online, postal",
        "procedures[1] (1.000002) · legal_basis: phải là danh sách các chuỗi ký tự",
        "procedures[1] (1.000002) · resolved_at_center: "
        "phải là true/false (trong Excel: TRUE/FALSE hoặc có/không)",
        "procedures[2]: phải là một đối tượng JSON",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("days", [0, 0.5, 1, 7.5, 30])
def test_time_limit_accepts_half_days(days):
    data = {"agencies": sample()["agencies"], "procedures": [procedure(time_limit_days=days)]}
    run_import(data)
    version = ProcedureVersion.objects.get(procedure__code="1.000001")
    assert version.time_limit_days == Decimal(str(days))


@pytest.mark.django_db
@pytest.mark.parametrize("days", [-1, -0.5, 0.3, 2.25, "5", True, None, 10000])
def test_time_limit_rejects_other_values(days):
    data = {"agencies": sample()["agencies"], "procedures": [procedure(time_limit_days=days)]}
    assert rejected(data) == [
        "procedures[0] (1.000001) · time_limit_days: "
        "phải là số ngày làm việc không âm, bội số của 0,5"
    ]


@pytest.mark.django_db
def test_unknown_agency_is_rejected_unless_in_the_file_or_the_database():
    unknown = {"agencies": [], "procedures": [procedure(agency="000.09.09.H12")]}
    assert rejected(unknown) == [
        "procedures[0] (1.000001) · agency_code: không có cơ quan mã 000.09.09.H12, "
        "trong tệp (agencies) cũng như trong cơ sở dữ liệu"
    ]
    assert Procedure.objects.count() == 0

    in_file = {
        "agencies": [{"code": "000.09.09.H12", "name": "UBND xã Chín", "level": "commune"}],
        "procedures": [procedure(agency="000.09.09.H12")],
    }
    assert run_import(in_file).procedures_created == 1

    in_database = {"agencies": [], "procedures": [procedure("1.000002", agency="000.09.09.H12")]}
    assert run_import(in_database).procedures_created == 1


@pytest.mark.django_db
def test_bad_agency_entries_are_reported_once():
    data = {
        "agencies": [
            {"code": "H12-1", "name": "Sai mã", "level": "commune"},
            {"code": "000.01.01.H12", "name": "", "level": "district", "kind": "ministry"},
            {"code": "000.01.01.H12", "name": "Trùng", "level": "commune"},
            {"code": "000.01.02.H12", "name": "Thêm", "level": "commune"},
        ],
        "procedures": [procedure(agency="H12-1")],
    }
    assert rejected(data) == [
        "agencies[0] (H12-1) · code: “H12-1”: "
        "Mã định danh điện tử của cơ quan có dạng 000.00.12.H13.",
        "agencies[1] (000.01.01.H12) · name: không được để trống",
        "agencies[1] (000.01.01.H12) · level: "
        "giá trị “district” không hợp lệ; chỉ nhận: province, commune",
        "agencies[1] (000.01.01.H12) · kind: giá trị “ministry” không hợp lệ; chỉ nhận: "
        "provincial_committee, department, commune_committee, branch, sector_office, "
        "service_center, other",
        "procedures[0] (1.000001) · agency_code: “H12-1”: "
        "Mã định danh điện tử của cơ quan có dạng 000.00.12.H13.",
    ]
    assert Agency.objects.count() == 0


@pytest.mark.django_db
def test_duplicate_codes_are_rejected():
    data = sample()
    data["procedures"].append(copy.deepcopy(data["procedures"][0]))
    data["agencies"].append(copy.deepcopy(data["agencies"][2]))

    problems = rejected(data)

    assert problems == [
        "agencies[3] (000.01.01.H12) · code: mã cơ quan trùng với agencies[2] (000.01.01.H12)",
        "procedures[5] (1.000656) · code: mã thủ tục trùng với procedures[0] (1.000656)",
    ]
    assert row_counts()["Procedure"] == 0


@pytest.mark.django_db
def test_level_must_match_the_agency_level_in_the_file_or_database():
    data = sample()
    data["procedures"][4]["level"] = "commune"  # Sở Tài chính is a province agency
    assert rejected(data) == [
        "procedures[4] (2.001610) · level: "
        "cấp thực hiện “Cấp xã” khác cấp của cơ quan 000.00.05.H12 (“Cấp tỉnh”)"
    ]
    run_import(sample())
    later = {"agencies": [], "procedures": [procedure(agency="000.00.05.H12")]}
    assert rejected(later) == [
        "procedures[0] (1.000001) · level: "
        "cấp thực hiện “Cấp xã” khác cấp của cơ quan 000.00.05.H12 (“Cấp tỉnh”)"
    ]


@pytest.mark.django_db
def test_service_code_is_checked():
    data = sample()
    data["procedures"][0]["service_code"] = "1.000656.H12"
    data["procedures"][1]["service_code"] = "1.000656.000.00.00.H12"
    assert rejected(data) == [
        "procedures[0] (1.000656) · service_code: “1.000656.H12”: "
        "Mã dịch vụ có dạng 2.000635.000.00.00.H12.",
        "procedures[1] (1.000894) · service_code: "
        "mã dịch vụ “1.000656.000.00.00.H12” phải bắt đầu bằng mã thủ tục 1.000894",
    ]


@pytest.mark.django_db
def test_amendment_dated_before_the_current_version_is_rejected():
    run_import(sample())
    before = row_counts()
    data = sample()
    data["procedures"][0]["name"] = "Thủ tục đăng ký khai tử (sửa)"
    data["procedures"][0]["effective_from"] = "2025-01-01"
    data["procedures"][1]["effective_from"] = "2025-01-01"  # same content: not an amendment

    assert rejected(data) == [
        "procedures[0] (1.000656) · effective_from: nội dung thay đổi nhưng ngày hiệu lực "
        "01/01/2025 sớm hơn phiên bản hiện hành (01/07/2025)"
    ]
    assert row_counts() == before


@pytest.mark.django_db
def test_a_failure_while_writing_rolls_back_everything(monkeypatch):
    """The service's CatalogError is reported and the writes done before it are undone."""
    run_import(sample())
    before = row_counts()
    monkeypatch.setattr(importing, "_database_problems", lambda **kwargs: [])
    data = sample()
    data["agencies"].append({"code": "000.01.02.H12", "name": "UBND xã mới", "level": "commune"})
    data["procedures"].insert(0, procedure("1.000001"))  # written first
    data["procedures"][1]["name"] = "Thủ tục đăng ký khai tử (sửa)"
    data["procedures"][1]["effective_from"] = "2025-01-01"

    problems = rejected(data)

    assert problems == [
        "procedures[1] (1.000656) · effective_from: Thủ tục 1.000656: ngày hiệu lực "
        "01/01/2025 sớm hơn phiên bản hiện hành (01/07/2025)."
    ]
    assert row_counts() == before
    assert not Procedure.objects.filter(code="1.000001").exists()
    assert not Agency.objects.filter(code="000.01.02.H12").exists()


@pytest.mark.django_db
def test_dry_run_reports_real_counts_and_writes_nothing():
    report = run_import(sample(), dry_run=True)
    assert (report.agencies_created, report.procedures_created) == (3, 5)
    assert report.summary().startswith("Chạy thử, không ghi gì vào cơ sở dữ liệu.")
    assert set(row_counts().values()) == {0}

    run_import(sample())
    before = row_counts()
    data = sample()
    data["procedures"][0]["name"] = "Thủ tục đăng ký khai tử (sửa)"
    data["procedures"].append(procedure("1.000001"))
    report = run_import(data, dry_run=True)
    assert (report.procedures_created, report.procedures_amended) == (1, 1)
    assert report.procedures_unchanged == 4
    assert row_counts() == before


@pytest.mark.django_db
def test_dry_run_of_a_bad_file_is_rejected_too():
    data = sample()
    data["procedures"][0]["level"] = "district"
    with pytest.raises(CatalogRejected):
        run_import(data, dry_run=True)


@pytest.mark.django_db
def test_unknown_keys_are_warnings_not_errors():
    data = sample()
    data["version"] = 2
    data["procedures"][0]["ten_goi_khac"] = "x"
    document = parse_json(json.dumps(data, ensure_ascii=False), source="catalog.json")
    assert document.problems == []
    assert [str(w) for w in document.warnings] == [
        "catalog.json · version: trường không được hỗ trợ, bỏ qua",
        "procedures[0] (1.000656) · ten_goi_khac: trường không được hỗ trợ, bỏ qua",
    ]
    assert import_catalog(document=document).procedures_created == 5


@pytest.mark.django_db
def test_text_is_normalized_and_channels_put_in_canonical_order():
    nfd = "Thu\u0309 tu\u0323c thư\u0309"  # decomposed diacritics
    data = {
        "agencies": sample()["agencies"],
        "procedures": [
            procedure(name=f"  {nfd}  ", channels=["postal", "counter"], description="a\r\nb")
        ],
    }
    run_import(data)
    version = ProcedureVersion.objects.get(procedure__code="1.000001")
    assert version.name == "Thủ tục thử"
    assert version.description == "a\nb"
    assert version.channels == ["counter", "postal"]

    data["procedures"][0]["channels"] = ["counter", "postal"]
    assert run_import(data).procedures_unchanged == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"procedures": [', "không phải tệp JSON hợp lệ (dòng 1, cột 17: Expecting value)"),
        (b"[1, 2]", "tệp JSON phải là một đối tượng có khóa “procedures”"),
        (b"\xff\xfe{}", "tệp không phải văn bản UTF-8"),
        (b'{"procedures": [], "x": NaN}', "không phải tệp JSON hợp lệ"),
        (b'{"agencies": []}', "procedures: thiếu trường bắt buộc"),
    ],
)
def test_unreadable_json_is_reported(tmp_path, content, message):
    path = tmp_path / "catalog.json"
    path.write_bytes(content)
    document = read_catalog(path)
    assert len(document.problems) == 1
    assert str(document.problems[0]).startswith("catalog.json")
    assert message in str(document.problems[0])
    with pytest.raises(CatalogRejected):
        import_catalog(document=document)


def test_unsupported_or_missing_file_is_reported(tmp_path):
    assert "chỉ nhận tệp .json hoặc .xlsx" in str(read_catalog(tmp_path / "a.csv").problems[0])
    assert ".xlsx" in str(read_catalog(tmp_path / "a.xls").problems[0])
    assert "không mở được tệp" in str(read_catalog(tmp_path / "none.json").problems[0])


# ----------------------------------------------------------------------------- Excel


def test_bad_xlsx_is_reported(tmp_path):
    not_zip = tmp_path / "catalog.xlsx"
    not_zip.write_text("code,name\n1.000001,x\n", encoding="utf-8")
    problems = read_catalog(not_zip).problems
    assert len(problems) == 1
    assert str(problems[0]).startswith("catalog.xlsx: không đọc được tệp Excel .xlsx")

    workbook = openpyxl.Workbook()
    workbook.active.title = "procedures"
    workbook.active.append(["code", "name"])
    workbook.create_sheet("components").append(["procedure_code", "name", "required", "copies"])
    workbook.save(tmp_path / "partial.xlsx")
    problems = [str(p) for p in read_catalog(tmp_path / "partial.xlsx").problems]
    assert "partial.xlsx: thiếu trang tính “agencies”" in problems
    assert "partial.xlsx: thiếu trang tính “fees”" in problems
    assert "procedures · agency_code: thiếu cột “agency_code” ở dòng tiêu đề (dòng 1)" in problems
    assert len(problems) == 2 + 10  # two sheets, ten missing required procedure columns


@pytest.mark.django_db
def test_xlsx_problems_name_sheet_and_row(tmp_path):
    workbook = build_workbook(sample())
    procedures, components, fees = (workbook[s] for s in ("procedures", "components", "fees"))
    procedures["F2"] = "2,3"  # time_limit_days
    procedures["G3"] = "counter, fax"  # channels
    procedures["Q4"] = "có lẽ"  # resolved_at_center
    components["D3"] = "hai"  # copies
    components.append(["9.999999", "Giấy lạc", True, 1])
    fees["C3"] = -1  # amount
    path = tmp_path / "catalog.xlsx"
    workbook.save(path)
    before = row_counts()

    with pytest.raises(CommandError) as info:
        call_command("import_catalog", str(path))

    report = str(info.value)
    assert report.splitlines()[1:] == [
        "  - procedures dòng 2 (1.000656) · time_limit_days: "
        "phải là số ngày làm việc không âm, bội số của 0,5",
        "  - procedures dòng 3 (1.000894) · channels: "
        "giá trị “fax” không hợp lệ; chỉ nhận: counter, online, postal",
        "  - procedures dòng 4 (1.001193) · resolved_at_center: "
        "phải là true/false (trong Excel: TRUE/FALSE hoặc có/không)",
        "  - components dòng 3 (1.000656) · copies: phải là số nguyên không âm (số bản)",
        "  - components dòng 14 (9.999999) · procedure_code: "
        "không có thủ tục mã 9.999999 ở trang procedures",
        "  - fees dòng 3 (2.000815) · amount: phải là số tiền nguyên không âm (đồng)",
    ]
    assert row_counts() == before


@pytest.mark.django_db
def test_xlsx_accepts_what_people_type_in_excel(tmp_path):
    minimal = procedure(
        "1.000100", fees=[{"name": "Lệ phí", "amount": 1}], legal_basis=["Luật A", "Nghị định B"]
    )
    workbook = build_workbook({"agencies": sample()["agencies"], "procedures": [minimal]})
    procedures, components, fees = (workbook[s] for s in ("procedures", "components", "fees"))
    procedures["A2"] = 1.0001  # Excel turned the code into a number
    procedures["E2"] = " Commune "
    procedures["F2"] = "0,5"
    procedures["G2"] = "Counter; postal"
    procedures["Q2"] = "có"
    procedures["R2"] = "không"
    procedures["S2"] = "15/08/2025"
    components["A2"] = 1.0001
    components["C2"] = "KHÔNG"
    fees["A2"] = 1.0001
    fees["C2"] = "50.000"
    path = tmp_path / "catalog.xlsx"
    workbook.save(path)

    document = read_catalog(path)
    assert document.problems == []
    (entry,) = document.procedures
    assert entry.code == "1.000100"
    assert entry.effective_from == date(2025, 8, 15)
    spec = entry.spec
    assert spec.level == "commune"
    assert spec.time_limit_days == Decimal("0.5")
    assert spec.channels == ("counter", "postal")
    assert (spec.resolved_at_center, spec.postal_return) == (True, False)
    assert spec.components[0].required is False
    assert spec.fees[0].amount == 50000
    assert spec.legal_basis == ("Luật A", "Nghị định B")


@pytest.mark.django_db
def test_exported_workbook_layout(tmp_path):
    run_import(sample())
    path = tmp_path / "catalog.xlsx"
    write_catalog(path)

    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["agencies", "procedures", "components", "fees"]
    for ws in workbook.worksheets:
        assert ws.freeze_panes == "A2"
        assert all(cell.font.bold for cell in ws[1])
        assert ws.column_dimensions["B"].width >= 20
    assert [c.value for c in workbook["components"][1]] == [
        "procedure_code",
        "name",
        "required",
        "copies",
        "original",
        "note",
    ]
    assert [c.value for c in workbook["fees"][1]] == [
        "procedure_code",
        "name",
        "amount",
        "applicant_type",
        "channel",
        "note",
        "kind",
        "replaces",
    ]
    header = [c.value for c in workbook["procedures"][1]]
    row = dict(zip(header, [c.value for c in workbook["procedures"][4]], strict=True))
    assert row["code"] == "1.001193"
    assert row["channels"] == "counter, online, postal"
    assert row["legal_basis"].splitlines() == [
        "Luật Hộ tịch số 60/2014/QH13",
        "Nghị định số 123/2015/NĐ-CP",
        "Thông tư số 04/2020/TT-BTP",
    ]
    assert row["resolved_at_center"] is True
    assert workbook["fees"]["D2"].value is None  # applicant_type null: any


# ----------------------------------------------------------------------------- round trips


def _empty_catalog() -> None:
    for model in (Component, Fee, ProcedureVersion, Procedure, Field, Agency):
        model.objects.all().delete()


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", [".json", ".xlsx"])
def test_round_trip(tmp_path, suffix):
    run_import(sample())
    exported = tmp_path / f"catalog{suffix}"
    write_catalog(exported)
    first = catalog_data()
    before = row_counts()

    report = import_catalog(document=read_catalog(exported))

    assert report.procedures_unchanged == 5
    assert report.procedures_created == report.procedures_amended == 0
    assert report.agencies_created == report.agencies_updated == 0
    assert row_counts() == before

    _empty_catalog()
    report = import_catalog(document=read_catalog(exported))
    assert report.procedures_created == 5
    assert catalog_data() == first


@pytest.mark.django_db
def test_json_export_import_export_gives_the_same_file(tmp_path):
    run_import(sample())
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    write_catalog(first)
    _empty_catalog()
    import_catalog(document=read_catalog(first))
    write_catalog(second)
    assert second.read_bytes() == first.read_bytes()
    assert json.loads(first.read_text(encoding="utf-8")) == sample()


@pytest.mark.django_db
def test_export_writes_the_versions_in_force(tmp_path):
    run_import(sample())
    data = sample()
    data["procedures"][0]["name"] = "Thủ tục đăng ký khai tử (sửa)"
    data["procedures"][0]["effective_from"] = "2025-10-01"
    run_import(data)

    on_old = catalog_data(on=date(2025, 9, 30))["procedures"][0]
    on_new = catalog_data(on=date(2025, 10, 1))["procedures"][0]
    assert (on_old["name"], on_old["effective_from"]) == ("Thủ tục đăng ký khai tử", "2025-07-01")
    assert on_new["name"] == "Thủ tục đăng ký khai tử (sửa)"
    assert current_versions(on=date(2025, 10, 1)).count() == 5


# ----------------------------------------------------------------------------- commands


def command(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


@pytest.mark.django_db
def test_commands(tmp_path):
    out = command("import_catalog", str(SAMPLE_JSON), "--dry-run")
    assert "Nếu nhập sẽ có: 3 cơ quan mới" in out
    assert Procedure.objects.count() == 0

    out = command("import_catalog", str(SAMPLE_JSON))
    assert "Đã nhập: 3 cơ quan mới, 0 cơ quan cập nhật, 5 thủ tục mới" in out
    assert Procedure.objects.count() == 5

    exported = tmp_path / "export.xlsx"
    assert "Đã xuất 5 thủ tục, 3 cơ quan" in command("export_catalog", str(exported))
    assert exported.exists()

    out = command("import_catalog", str(exported), verbosity=2)
    assert "1.001193: không đổi" in out
    assert "0 thủ tục mới, 0 sửa đổi, 5 không đổi." in out


@pytest.mark.django_db
def test_command_rejects_a_bad_file_with_an_error(tmp_path):
    data = sample()
    data["procedures"][0]["code"] = "1000656"
    path = write_json(tmp_path, data)
    with pytest.raises(CommandError) as info:
        call_command("import_catalog", str(path))
    message = str(info.value)
    assert message.startswith("Tệp bị từ chối, không có gì được ghi vào cơ sở dữ liệu. Có 1 lỗi:")
    assert "procedures[0] (1000656) · code" in message
    assert Procedure.objects.count() == 0


@pytest.mark.django_db
def test_command_exits_non_zero_from_the_command_line(tmp_path, capsys, monkeypatch):
    path = tmp_path / "broken.json"
    path.write_text("{", encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["motcua", "import-catalog", str(path)])
    # run_from_argv closes the connections when done; keep the test's transaction open.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code == 1
    assert "không phải tệp JSON hợp lệ" in capsys.readouterr().err


@pytest.mark.django_db
def test_command_effective_from_option(tmp_path):
    data = {"agencies": sample()["agencies"], "procedures": [procedure()]}
    path = write_json(tmp_path, data)
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("import_catalog", str(path), "--effective-from", "1/9/2025")
    call_command("import_catalog", str(path), "--effective-from", "2025-09-01")
    version = ProcedureVersion.objects.get(procedure__code="1.000001")
    assert version.effective_from == date(2025, 9, 1)


@pytest.mark.django_db
def test_export_command_rejects_other_formats(tmp_path):
    with pytest.raises(CommandError, match=r"\.json hoặc \.xlsx"):
        call_command("export_catalog", str(tmp_path / "catalog.csv"))


# ----------------------------------------------------------------------------- samples


@pytest.mark.django_db
@pytest.mark.parametrize("path", [SAMPLE_JSON, SAMPLE_XLSX])
def test_sample_files_import_cleanly(path):
    document = read_catalog(path)
    assert document.problems == []
    assert document.warnings == []
    report = import_catalog(document=document)
    assert (report.agencies_created, report.procedures_created) == (3, 5)


def test_sample_xlsx_matches_sample_json():
    """The workbook is the exporter's rendering of the JSON sample (regenerate it if not)."""
    from_json = parse_json(SAMPLE_JSON.read_bytes(), source="json")
    from_xlsx = parse_xlsx(SAMPLE_XLSX, source="xlsx")
    assert [(a.code, a.name, a.level, a.kind) for a in from_xlsx.agencies] == [
        (a.code, a.name, a.level, a.kind) for a in from_json.agencies
    ]
    assert [(p.spec, p.effective_from) for p in from_xlsx.procedures] == [
        (p.spec, p.effective_from) for p in from_json.procedures
    ]
    assert len(from_json.procedures) == 5


@pytest.mark.parametrize(
    ("name", "text"), [("import_catalog", "Nhập danh mục"), ("export_catalog", "Xuất danh mục")]
)
def test_command_help_renders(name, text):
    parser = load_command_class("motcua.catalog", name).create_parser("motcua", name)
    assert text in parser.format_help()
