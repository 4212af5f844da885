import copy
import json
import sys

import pytest
from django.core.management import CommandError, call_command

from motcua.manage import main
from motcua.workflow import services
from motcua.workflow.models import Process
from motcua.workflow.process_io import (
    ProcessFileRejected,
    export_process,
    import_process,
    parse_process,
    read_process,
)
from motcua.workflow.specs import spec_from_process

pytestmark = pytest.mark.django_db


def write(tmp_path, document, name="quy-trinh.json"):
    path = tmp_path / name
    text = document if isinstance(document, str) else json.dumps(document, ensure_ascii=False)
    path.write_text(text, "utf-8")
    return path


def test_import_then_export_then_import_gives_the_same_structure(land, example, tmp_path):
    call_command("import_process", str(write(tmp_path, example)), "--publish")
    first = land.processes.get()
    assert first.status == Process.Status.PUBLISHED
    out = tmp_path / "export.json"
    call_command("export_process", "1.013831", str(out))
    exported = json.loads(out.read_text("utf-8"))
    assert exported["source"]["number"] == 1 and exported["source"]["status"] == "published"
    assert exported["steps"][0]["hours"] == 4
    assert exported["steps"][-1]["parallel"] is True
    assert exported["steps"][-1]["join_before"] == "lanh-dao-phong"
    assert {"action": "withdraw", "target": "END"} in exported["steps"][0]["actions"]

    call_command("import_process", str(out))
    second = land.processes.get(number=2)
    assert second.status == Process.Status.DRAFT
    assert spec_from_process(second) == spec_from_process(first)
    # The file written again is the same but for the informational source block.
    again = export_process(second)
    assert {**again, "source": None} == {**exported, "source": None}


def test_import_without_publish_reports_what_still_blocks_publishing(land, example, tmp_path,
                                                                    capsys):  # fmt: skip
    example["steps"][1]["days"] = 9
    call_command("import_process", str(write(tmp_path, example)))
    draft = land.processes.get()
    assert draft.status == Process.Status.DRAFT
    err = capsys.readouterr().err
    assert "Chưa xuất bản được: Tổng thời gian các bước chính (13 ngày)" in err


def test_publish_failure_writes_nothing(land, example, tmp_path):
    example["steps"][1]["days"] = 9
    with pytest.raises(CommandError) as caught:
        call_command("import_process", str(write(tmp_path, example)), "--publish")
    assert "quy trình · xuất bản: Tổng thời gian các bước chính (13 ngày) vượt" in str(caught.value)
    assert not land.processes.exists()


def test_a_bad_file_is_rejected_whole_with_a_report(land, example, tmp_path):
    bad = copy.deepcopy(example)
    bad["format"] = "something"
    bad["colour"] = "blue"
    bad["steps"][0]["role"] = "chuyen-vien"
    bad["steps"][1]["key"] = "Tham Dinh"
    bad["steps"][2]["days"] = "0.3"
    bad["steps"][2]["actions"][1]["target"] = None
    bad["steps"][3]["actions"][0]["action"] = "dance"
    bad["steps"][4]["key"] = "tiep-nhan"
    bad["steps"][5]["hours"] = -1
    bad["steps"][6]["unit"] = "000.00.99.H13"
    bad["steps"][6]["join_before"] = "nowhere"
    bad["steps"][6]["actions"][1]["target"] = "nowhere"
    with pytest.raises(CommandError) as caught:
        call_command("import_process", str(write(tmp_path, bad)))
    report = str(caught.value)
    assert report.startswith("Tệp bị từ chối, không có gì được ghi vào cơ sở dữ liệu.")
    expected = [
        "tệp · format: phải là “motcua-process”.",
        "tệp · colour: trường không có trong định dạng",
        "steps[0] · role: vai trò “chuyen-vien” không tồn tại",
        "steps[1] · key: Mã bước gồm chữ thường",
        "steps[2] · days: “0.3”: số ngày làm việc theo nửa ngày",
        "steps[2].actions[1] · target: thiếu bước đích",
        "steps[3].actions[0] · action: thao tác “dance” không tồn tại",
        "steps[0] · key: mã bước “tiep-nhan” bị trùng.",
        "steps[4] · key: mã bước “tiep-nhan” bị trùng.",
        "steps[5] · hours: phải là số giờ nguyên",
        "steps[6] · unit: “000.00.99.H13” không phải “one-stop”, “lead” hay mã một cơ quan",
        "steps[6] · join_before: “nowhere” không phải mã của một bước trong tệp.",
        "steps[6].actions[1] · target: “nowhere” không phải mã của một bước trong tệp",
    ]
    for line in expected:
        assert line in report, line
    assert not Process.objects.exists()


def test_unknown_procedure_and_missing_fields():
    document = parse_process({"format": "motcua-process", "procedure": "9.999999", "steps": [
        {"key": "a"}, "not an object",
    ]})  # fmt: skip
    problems = [str(p) for p in document.problems]
    assert "steps[0] · name: bắt buộc, chưa có." in problems
    assert "steps[0] · unit: bắt buộc, chưa có." in problems
    assert "steps[0] · role: bắt buộc, chưa có." in problems
    assert "steps[0] · actions: cần một danh sách thao tác, ít nhất một thao tác." in problems
    assert "steps[1]: mỗi bước phải là một đối tượng JSON {…}." in problems


def test_unknown_procedure(tmp_path, example):
    with pytest.raises(ProcessFileRejected) as caught:
        import_process(document=read_process(write(tmp_path, example)))
    assert "tệp · procedure: không có thủ tục mã “1.013831” trong danh mục." in str(caught.value)


def test_not_json_is_located(tmp_path, land):
    path = write(tmp_path, '{"format": "motcua-process",\n  "steps": [}\n')
    with pytest.raises(CommandError) as caught:
        call_command("import_process", str(path))
    assert "dòng 2, cột 13: không phải JSON hợp lệ" in str(caught.value)
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"note": "Quy tr\xecnh"}')  # Latin-1, not UTF-8
    assert "không phải văn bản UTF-8" in str(read_process(latin).problems[0])
    assert "không đọc được tệp" in str(read_process(tmp_path / "missing.json").problems[0])
    assert "nội dung phải là một đối tượng JSON" in str(parse_process([1, 2]).problems[0])


def test_the_command_exits_non_zero(land, tmp_path):
    path = write(tmp_path, {"format": "motcua-process", "procedure": "1.013831", "steps": []})
    argv = sys.argv
    sys.argv = ["motcua", "import-process", str(path)]
    try:
        with pytest.raises(SystemExit) as caught:
            main()
    finally:
        sys.argv = argv
    assert caught.value.code == 1


def test_export_of_a_procedure_without_its_own_process_is_the_default(justice, tmp_path):
    out = tmp_path / "default.json"
    call_command("export_process", "2.000635", str(out))
    document = json.loads(out.read_text("utf-8"))
    assert document["source"] == {"default": True}
    assert [s["key"] for s in document["steps"]][0] == "reception"
    assert sum(s["days"] for s in document["steps"]) == 10
    call_command("import_process", str(out), "--publish")
    assert justice.processes.get().status == Process.Status.PUBLISHED


def test_export_a_given_draft_and_unknown_ones(justice, tmp_path):
    draft = services.create_draft(procedure=justice, note="Nháp")
    out = tmp_path / "draft.json"
    call_command("export_process", "2.000635", str(out), "--number", str(draft.number))
    assert json.loads(out.read_text("utf-8"))["source"]["status"] == "draft"
    with pytest.raises(CommandError, match="không có quy trình phiên bản 7"):
        call_command("export_process", "2.000635", str(out), "--number", "7")
    with pytest.raises(CommandError, match="Không có thủ tục mã 9.999999"):
        call_command("export_process", "9.999999", str(out))
