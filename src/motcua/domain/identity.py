"""Checks of applicant identifiers: citizen ID (CCCD), phone numbers, tax codes.

Plain functions returning an error message in Vietnamese, or None when the value is valid.
"""

import re
from datetime import date

# Decree 137/2015 (Circular 07/2016/TT-BCA, Art. 7): 12 digits = 3-digit province of birth,
# 1 digit century+sex, 2 digits year of birth, 6 random digits.
_PROVINCES = frozenset(
    {1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36,
     37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74,
     75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96}
)  # fmt: skip
_CENTURY = {
    0: 1900,
    1: 1900,
    2: 2000,
    3: 2000,
    4: 2100,
    5: 2100,
    6: 2200,
    7: 2200,
    8: 2300,
    9: 2300,
}


def citizen_id_problem(value: str, *, date_of_birth: date | None = None) -> str | None:
    """Số định danh cá nhân (12 digits): province code, century/sex digit, year of birth."""
    value = value.strip()
    if not re.fullmatch(r"\d{12}", value):
        return "Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số."
    if int(value[:3]) not in _PROVINCES:
        return "Ba chữ số đầu của số định danh cá nhân không phải mã tỉnh hợp lệ."
    year = _CENTURY[int(value[3])] + int(value[4:6])
    if date_of_birth is not None and date_of_birth.year != year:
        return "Số định danh cá nhân không khớp với năm sinh."
    return None


_PHONE = re.compile(r"^(?:\+?84|0)(3|5|7|8|9)\d{8}$")


def normalize_phone(value: str) -> str:
    """0912 345 678, +84912345678, 84-912-345-678 → 0912345678 (unchanged if not a VN mobile)."""
    digits = re.sub(r"[\s.\-()]", "", value.strip())
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def phone_problem(value: str) -> str | None:
    """Vietnamese mobile numbers: 10 digits starting 03, 05, 07, 08, 09 (or +84…)."""
    if not _PHONE.match(normalize_phone(value)):
        return "Số điện thoại di động phải có 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09."
    return None


def tax_code_problem(value: str) -> str | None:
    """Mã số thuế: 10 digits, or 10 digits + "-" + 3 digits for a branch."""
    if not re.fullmatch(r"\d{10}(-\d{3})?", value.strip()):
        return "Mã số thuế phải có 10 chữ số (hoặc 10 chữ số, dấu gạch ngang và 3 chữ số)."
    return None
