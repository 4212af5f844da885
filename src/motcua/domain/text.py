"""Text folding for Vietnamese search (tìm kiếm không dấu).

Search must find "Cấp giấy phép xây dựng" from "cap giay phep xay dung", from NFD input, from
"Đ"/"đ" typed as "d", and match codes such as "1.012783". Everything is folded the same way on
both sides: the stored search text and the user's query.
"""

import re
import unicodedata

_TOKEN = re.compile(r"[a-z0-9]+(?:\.[a-z0-9]+)*")

# Words people put around what they want ("làm giấy khai sinh ở đâu") that name no procedure.
FILLER_WORDS = frozenset(
    {"lam", "xin", "cach", "thu", "tuc", "o", "dau", "the", "nao", "nhu", "can", "gi", "muon"}
)


def fold(text: str) -> str:
    """Lower-case, strip diacritics (NFC or NFD input), đ→d; keep letters, digits and dots."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.replace("đ", "d").replace("Đ", "D").lower()


def tokens(text: str) -> list[str]:
    """Folded words of `text`; codes like 1.012783 or 000.00.12.h13 stay one token."""
    return _TOKEN.findall(fold(text))


def search_key(*parts: str) -> str:
    """A space-padded string of folded tokens, so ' token' matches at a word start."""
    words: list[str] = []
    for part in parts:
        if part:
            words.extend(tokens(part))
    return " " + " ".join(words) + " "


def query_tiers(query: str, synonyms: dict[str, str]) -> list[list[list[str]]]:
    """Token lists to try for a query, in tiers; search uses the first tier that finds anything.

    Tier 1: the query with a colloquial phrase replaced by its official words (when the query
    contains one: "sổ đỏ" means the land-use certificate, not every name with "sở" and "đổi").
    Tier 2: the query as typed. Tier 3: the query without filler words ("làm", "ở đâu").
    `synonyms` maps a folded phrase ("so do") to folded official words.
    """
    typed = tokens(query)
    if not typed:
        return []
    padded = " " + " ".join(typed) + " "
    replaced = [
        padded.replace(f" {phrase} ", f" {meaning} ").split()
        for phrase, meaning in synonyms.items()
        if phrase and f" {phrase} " in padded
    ]
    replaced += [m for v in replaced if (m := _meaningful(v)) and m != v]
    tiers = [replaced, [typed], [m] if (m := _meaningful(typed)) and m != typed else []]
    seen: list[list[str]] = []
    result = []
    for tier in tiers:
        unique = [v for v in tier if v not in seen]
        seen.extend(unique)
        if unique:
            result.append(unique)
    return result


def _meaningful(variant: list[str]) -> list[str]:
    return [t for t in variant if t not in FILLER_WORDS]
