import pytest

from motcua.dossiers.files import FileRejected, check_upload
from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.services import ComponentInput, IntakeError, intake
from tests import factories


def test_accepts_pdf_jpeg_png_by_content_and_hashes_them():
    pdf = check_upload(factories.upload("to-khai.pdf", factories.PDF_BYTES))
    assert (pdf.content_type, pdf.extension, pdf.size) == (
        "application/pdf",
        "pdf",
        len(factories.PDF_BYTES),
    )
    assert len(pdf.sha256) == 64
    assert (
        check_upload(factories.upload("a.jpg", factories.jpeg_bytes())).content_type == "image/jpeg"
    )
    # The name does not matter, the bytes do: a PNG called .pdf is still a PNG.
    assert (
        check_upload(factories.upload("scan.pdf", factories.png_bytes())).content_type
        == "image/png"
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("anh.png", b"day khong phai la anh", "không phải PDF, JPEG hay PNG"),
        ("rong.pdf", b"", "rỗng"),
        ("hong.png", factories.png_bytes()[:40], "bị hỏng"),
        ("cut.pdf", factories.PDF_BYTES[:-7], "không hoàn chỉnh"),
        ("script.pdf", b"#!/bin/sh\nrm -rf /\n", "không phải PDF"),
    ],
)
def test_rejects_files_that_are_not_what_they_say(name, content, message):
    with pytest.raises(FileRejected, match=message):
        check_upload(factories.upload(name, content))


def test_rejects_oversized_files(settings):
    settings.MOTCUA_MAX_FILE_SIZE = 100
    with pytest.raises(FileRejected, match="lớn hơn giới hạn"):
        check_upload(factories.upload("big.png", factories.png_bytes((64, 64))))


@pytest.mark.django_db
def test_files_are_stored_with_their_hash(version, center, officer, monday_9am, settings):
    inputs = [
        ComponentInput(
            component_id=c.id, files=[factories.upload("to-khai.pdf", factories.PDF_BYTES)]
        )
        for c in version.components.all()
    ]
    dossier = intake(version=version, center=center, officer=officer,
                     applicant=factories.applicant(), components=inputs, decision="receive",
                     at=monday_9am)  # fmt: skip
    stored = DossierFile.objects.filter(component__dossier=dossier)
    assert stored.count() == 2
    first = stored.first()
    assert first.original_name == "to-khai.pdf" and first.size == len(factories.PDF_BYTES)
    assert first.file.read() == factories.PDF_BYTES


@pytest.mark.django_db
def test_a_bad_file_leaves_no_dossier_and_no_orphan_file(
    version, center, officer, monday_9am, settings
):
    good, bad = version.components.all()
    inputs = [
        ComponentInput(
            component_id=good.id, files=[factories.upload("ok.pdf", factories.PDF_BYTES)]
        ),
        ComponentInput(component_id=bad.id, files=[factories.upload("anh.png", b"not an image")]),
    ]
    with pytest.raises(IntakeError) as err:
        intake(version=version, center=center, officer=officer, applicant=factories.applicant(),
               components=inputs, decision="receive", at=monday_9am)  # fmt: skip
    assert "không phải PDF" in err.value.errors[f"component_{bad.id}"]
    assert Dossier.objects.count() == 0
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


@pytest.mark.django_db
def test_dossier_size_limit_counts_all_files(version, center, officer, monday_9am, settings):
    settings.MOTCUA_MAX_DOSSIER_SIZE = len(factories.PDF_BYTES) + 10
    inputs = [
        ComponentInput(component_id=c.id, files=[factories.upload("a.pdf", factories.PDF_BYTES)])
        for c in version.components.all()
    ]
    with pytest.raises(IntakeError, match="Tổng dung lượng"):
        intake(version=version, center=center, officer=officer, applicant=factories.applicant(),
               components=inputs, decision="receive", at=monday_9am)  # fmt: skip
    assert Dossier.objects.count() == 0


@pytest.mark.django_db
def test_files_stored_before_a_later_failure_are_deleted(
    version, center, officer, monday_9am, settings
):
    required, optional = version.components.all()
    inputs = [
        ComponentInput(component_id=required.id, provided=False),
        ComponentInput(
            component_id=optional.id, files=[factories.upload("cccd.png", factories.png_bytes())]
        ),
    ]
    with pytest.raises(IntakeError, match="chưa đủ thành phần bắt buộc"):
        intake(version=version, center=center, officer=officer, applicant=factories.applicant(),
               components=inputs, decision="receive", at=monday_9am)  # fmt: skip
    assert Dossier.objects.count() == 0
    assert not any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*"))
