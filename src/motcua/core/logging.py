"""Logging filter that masks personal data (ID numbers, phone numbers, emails) in log lines."""

import logging
import re

# 12-digit citizen ID (CCCD) and 9-digit old ID; Vietnamese phone numbers (0xxxxxxxxx, +84…).
_ID = re.compile(r"(?<!\d)(\d{3})\d{3,6}(\d{3})(?!\d)")
_PHONE = re.compile(r"(?<![\d+])(\+84|0)(\d{2})\d{4,5}(\d{2})(?!\d)")
_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+)")


def mask_personal_data(text: str) -> str:
    text = _EMAIL.sub(r"\1***@\2", text)
    text = _PHONE.sub(r"\1\2*****\3", text)
    return _ID.sub(r"\1******\2", text)


class MaskPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_personal_data(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
