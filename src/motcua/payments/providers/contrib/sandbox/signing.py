"""VNPay-style signatures: the vnp_* parameters sorted by name, URL-encoded as `k=v&k=v`
(values with quote_plus), then HMAC-SHA512 with the merchant's secret, in hex.

The same rule signs the payment request, the browser's return and the server callback (IPN).
"""

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

HASH_KEYS = frozenset({"vnp_SecureHash", "vnp_SecureHashType"})
VN = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_FORMAT = "%Y%m%d%H%M%S"  # VNPay dates: yyyyMMddHHmmss, GMT+7


def canonical(params: Mapping[str, str]) -> str:
    """The string that is signed: vnp_* parameters (not the hash itself), sorted, encoded."""
    items = sorted(
        (key, str(value))
        for key, value in params.items()
        if key.startswith("vnp_") and key not in HASH_KEYS
    )
    return "&".join(f"{key}={quote_plus(value)}" for key, value in items)


def sign(params: Mapping[str, str], secret: str) -> str:
    return hmac.new(secret.encode(), canonical(params).encode(), hashlib.sha512).hexdigest()


def signed(params: Mapping[str, str], secret: str) -> dict[str, str]:
    """The parameters with vnp_SecureHash added."""
    values = {key: str(value) for key, value in params.items() if key not in HASH_KEYS}
    return {**values, "vnp_SecureHash": sign(values, secret)}


def signature_valid(params: Mapping[str, str], secret: str) -> bool:
    """Constant-time comparison of vnp_SecureHash with the signature we compute."""
    given = str(params.get("vnp_SecureHash", "")).strip().lower()
    if not given:
        return False
    return hmac.compare_digest(sign(params, secret).encode(), given.encode())


def format_date(value: datetime) -> str:
    return value.astimezone(VN).strftime(DATE_FORMAT)


def parse_date(value: str) -> datetime | None:
    try:
        return datetime.strptime(value, DATE_FORMAT).replace(tzinfo=VN)
    except (TypeError, ValueError):
        return None
