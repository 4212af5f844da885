import unicodedata
from datetime import date

import pytest

from motcua.catalog.selectors import procedure_detail, search_procedures
from motcua.catalog.services import CatalogError, save_synonym
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    factories.agency()
    factories.agency("000.00.14.H13", "Sở Xây dựng")
    factories.agency("000.20.12.H13", "Văn phòng Đăng ký đất đai")
    factories.agency("000.01.31.H13", "Ủy ban nhân dân phường Ninh Kiều", level="commune")
    factories.procedure(
        "1.001193", "Đăng ký khai sinh", agency_code="000.01.31.H13", level="commune", days="0"
    )
    factories.procedure(
        "1.000894", "Đăng ký kết hôn", agency_code="000.01.31.H13", level="commune", days="0"
    )
    factories.procedure(
        "1.011606",
        "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        agency_code="000.00.14.H13",
        field="Xây dựng",
        days="15",
        online_level="full",
        channels=("counter", "online"),
    )
    factories.procedure(
        "1.009999",
        "Điều chỉnh giấy phép xây dựng",
        agency_code="000.00.14.H13",
        field="Xây dựng",
        days="10",
    )
    factories.procedure(
        "1.012768",
        "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất lần đầu",
        agency_code="000.20.12.H13",
        field="Đất đai",
        days="20",
    )
    factories.procedure("2.000635", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam", days="10")
    factories.procedure(
        "1.000001", "Đăng ký lại khai sinh", agency_code="000.01.31.H13", level="commune", days="5"
    )
    save_synonym(phrase="sổ đỏ", meaning="giấy chứng nhận quyền sử dụng đất")
    save_synonym(phrase="làm giấy khai sinh", meaning="đăng ký khai sinh")


def names(result):
    return [v.name for v in result.items]


def test_unaccented_query_finds_accented_name(catalog):
    result = search_procedures(query="cap giay phep xay dung")
    assert names(result)[0] == "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ"
    assert result.count == 1


def test_nfd_input_and_uppercase_d_bar(catalog):
    assert names(search_procedures(query=unicodedata.normalize("NFD", "ĐĂNG KÝ KẾT HÔN"))) == [
        "Đăng ký kết hôn"
    ]
    assert names(search_procedures(query="dang ky ket hon")) == ["Đăng ký kết hôn"]


def test_code_matches_and_ranks_first(catalog):
    assert names(search_procedures(query="1.001193"))[0] == "Đăng ký khai sinh"
    assert search_procedures(query="2.000635").count == 1


def test_phrase_in_name_ties_break_on_shorter_name(catalog):
    # Both names contain the phrase (and their field is "Xây dựng"): shorter name first.
    result = names(search_procedures(query="giay phep xay dung"))
    assert result == [
        "Điều chỉnh giấy phép xây dựng",
        "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
    ]


def test_exact_name_ranks_before_longer_names(catalog):
    assert names(search_procedures(query="đăng ký khai sinh")) == [
        "Đăng ký khai sinh",
        "Đăng ký lại khai sinh",
    ]


def test_colloquial_names_through_synonyms(catalog):
    assert names(search_procedures(query="sổ đỏ"))[0].startswith("Đăng ký, cấp Giấy chứng nhận")
    assert names(search_procedures(query="so do"))[0].startswith("Đăng ký, cấp Giấy chứng nhận")
    assert names(search_procedures(query="làm giấy khai sinh"))[0] == "Đăng ký khai sinh"


def test_word_prefixes_match_but_not_word_middles(catalog):
    assert "Đăng ký khai sinh" in names(search_procedures(query="khai si"))
    assert search_procedures(query="hai sinh").count == 0


def test_filters(catalog):
    assert {v.level for v in search_procedures(level="commune").items} == {"commune"}
    assert names(search_procedures(query="xay dung", online_level="full")) == [
        "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ"
    ]
    assert search_procedures(query="khai sinh", agency="000.00.14.H13").count == 0
    fields = {v.field.slug for v in search_procedures(field="dat-dai").items}
    assert fields == {"dat-dai"}


def test_paging_keeps_the_total(catalog):
    first = search_procedures(query="dang ky", limit=2)
    second = search_procedures(query="dang ky", limit=2, offset=2)
    assert first.count == second.count == 4
    assert not set(names(first)) & set(names(second))


def test_only_versions_in_force_are_listed(catalog):
    factories.procedure(
        "1.001193",
        "Đăng ký khai sinh (sửa đổi)",
        agency_code="000.01.31.H13",
        level="commune",
        days="0",
        effective_from=date(2099, 1, 1),
    )
    assert names(search_procedures(query="1.001193")) == ["Đăng ký khai sinh"]
    assert names(search_procedures(query="1.001193", on=date(2099, 1, 2))) == [
        "Đăng ký khai sinh (sửa đổi)"
    ]
    assert procedure_detail(code="1.001193").number == 1


def test_duplicate_synonym_is_refused(catalog):
    with pytest.raises(CatalogError):
        save_synonym(phrase="SỔ ĐỎ", meaning="khác")


def test_name_match_ranks_before_field_only_match(catalog):
    factories.procedure(
        "1.000777", "Thẩm định thiết kế", agency_code="000.00.14.H13", field="Xây dựng", days="10"
    )
    result = names(search_procedures(query="xay dung"))
    assert result[-1] == "Thẩm định thiết kế"
    assert len(result) == 3
