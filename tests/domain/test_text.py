import unicodedata

from motcua.domain.text import fold, query_tiers, search_key, tokens


def test_fold_strips_diacritics_and_d_bar():
    assert fold("Cấp Giấy phép Xây dựng ĐĂNG KÝ đất") == "cap giay phep xay dung dang ky dat"


def test_fold_treats_nfd_like_nfc():
    nfc = "Đăng ký khai sinh"
    assert fold(unicodedata.normalize("NFD", nfc)) == fold(nfc) == "dang ky khai sinh"


def test_tokens_keep_codes_whole():
    assert tokens("Mã 1.012783.000.00.00.H19, hết.") == ["ma", "1.012783.000.00.00.h19", "het"]


def test_search_key_is_space_padded_for_word_start_matching():
    key = search_key("1.001193", "Đăng ký khai sinh")
    assert key == " 1.001193 dang ky khai sinh "
    assert " khai" in key and " hai" not in key


def test_query_tiers_try_the_colloquial_meaning_first():
    synonyms = {"so do": "giay chung nhan quyen su dung dat"}
    tiers = query_tiers("làm sổ đỏ ở đâu", synonyms)
    assert tiers == [
        [
            ["lam", "giay", "chung", "nhan", "quyen", "su", "dung", "dat", "o", "dau"],
            ["giay", "chung", "nhan", "quyen", "su", "dung", "dat"],
        ],
        [["lam", "so", "do", "o", "dau"]],
        [["so", "do"]],
    ]


def test_query_tiers_without_synonyms_or_fillers():
    assert query_tiers("Đăng ký kết hôn", {"so do": "x"}) == [[["dang", "ky", "ket", "hon"]]]


def test_query_tiers_of_empty_query():
    assert query_tiers("  ,. ", {}) == []
