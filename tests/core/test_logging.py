import logging

from motcua.core.logging import MaskPersonalDataFilter, mask_personal_data


def test_masks_citizen_id_phone_and_email():
    line = "CCCD 079203001234, ĐT 0912345678, +84912345678, email nguyenvana@gmail.com"
    masked = mask_personal_data(line)
    assert "079203001234" not in masked and "079******234" in masked
    assert "0912345678" not in masked and "091*****78" in masked
    assert "+84912345678" not in masked
    assert "nguyenvana@" not in masked and "n***@gmail.com" in masked


def test_leaves_dossier_and_procedure_codes_alone():
    text = "hồ sơ 000.00.12.H13-250703-0001 thủ tục 1.012783"
    assert mask_personal_data(text) == text


def test_filter_rewrites_the_record():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "gọi %s", ("0912345678",), None)
    assert MaskPersonalDataFilter().filter(record) is True
    assert record.getMessage() == "gọi 091*****78"
