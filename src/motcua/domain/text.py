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


def query_variants(query: str, synonyms: dict[str, str]) -> list[list[str]]:
    """Token lists to try for a query: as typed, with colloquial phrases replaced, without fillers.

    `synonyms` maps a folded colloquial phrase ("so do") to a folded official phrase
    ("giay chung nhan quyen su dung dat"). The first variant is the query as typed.
    """
    typed = tokens(query)
    if not typed:
        return []
    variants: list[list[str]] = [typed]
    padded = " " + " ".join(typed) + " "
    for phrase, expansion in synonyms.items():
        if phrase and f" {phrase} " in padded:
            replaced = padded.replace(f" {phrase} ", f" {expansion} ").split()
            variants.append(replaced)
    for variant in list(variants):
        meaningful = [t for t in variant if t not in FILLER_WORDS]
        if meaningful and meaningful != variant:
            variants.append(meaningful)
    unique: list[list[str]] = []
    for variant in variants:
        if variant not in unique:
            unique.append(variant)
    return unique
