import pytest

from motcua.catalog.services import save_synonym
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    factories.agency()
    factories.agency("000.01.31.H13", "Ủy ban nhân dân phường Ninh Kiều", level="commune")
    factories.procedure(
        "1.001193", "Đăng ký khai sinh", agency_code="000.01.31.H13", level="commune", days="0",
        fees=(), legal_basis=("Luật Hộ tịch 2014",), result="Giấy khai sinh",
    )  # fmt: skip
    factories.procedure(
        "2.000635", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam", days="10",
        field="Lý lịch tư pháp", channels=("counter", "online", "postal"), online_level="full",
    )  # fmt: skip
    save_synonym(phrase="lý lịch", meaning="lý lịch tư pháp")


def test_api_search_returns_count_and_items_best_first(client, catalog):
    response = client.get("/api/v1/procedures", {"q": "ly lich"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["code"] == "2.000635"
    assert item["agency"] == {"code": "000.00.12.H13", "name": "Sở Tư pháp"}
    assert item["channels"] == ["counter", "online", "postal"]
    assert item["url"] == "/thu-tuc/2.000635/"


def test_api_filters_by_level_and_field(client, catalog):
    body = client.get("/api/v1/procedures", {"level": "commune"}).json()
    assert [i["code"] for i in body["items"]] == ["1.001193"]
    body = client.get("/api/v1/procedures", {"field": "ly-lich-tu-phap"}).json()
    assert [i["code"] for i in body["items"]] == ["2.000635"]


def test_api_detail_has_components_fees_and_time_limit(client, catalog):
    body = client.get("/api/v1/procedures/2.000635").json()
    assert body["name"] == "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam"
    assert float(body["time_limit_days"]) == 10
    assert [c["name"] for c in body["components"]] == ["Tờ khai theo mẫu", "Bản sao CCCD"]
    assert body["components"][1]["required"] is False
    (fee,) = body["fees"]
    assert isinstance(fee.pop("id"), int)
    assert fee == {
        "name": "Lệ phí", "amount": 50000, "applicant_type": None, "channel": None,
        "kind": "standard", "replaces": None,
    }  # fmt: skip
    assert body["version"] == 1


def test_api_detail_unknown_code_is_404(client, catalog):
    assert client.get("/api/v1/procedures/9.999999").status_code == 404


def test_openapi_schema_lists_the_catalog_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/procedures" in schema["paths"]
    assert "/api/v1/procedures/{code}" in schema["paths"]


def test_listing_page_needs_no_login_and_finds_unaccented(client, catalog):
    response = client.get("/thu-tuc/", {"q": "dang ky khai sinh"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tra cứu thủ tục hành chính" in html
    assert 'href="/thu-tuc/1.001193/"' in html
    assert "Tìm thấy 1 thủ tục." in html
    assert "Trong ngày" in html


def test_listing_htmx_request_gets_only_the_results(client, catalog):
    response = client.get("/thu-tuc/", {"q": "khai sinh"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert "Đăng ký khai sinh" in html


def test_listing_shows_a_helpful_message_when_nothing_matches(client, catalog):
    html = client.get("/", {"q": "tàu vũ trụ"}).content.decode()
    assert "Không có thủ tục phù hợp" in html


def test_detail_page_shows_what_to_bring_fees_and_how_to_submit(client, catalog):
    html = client.get("/thu-tuc/2.000635/").content.decode()
    assert "Thành phần hồ sơ cần chuẩn bị" in html
    assert "Bản sao CCCD" in html and "Không (nếu có)" in html
    assert "50.000 đồng" in html
    assert "10 ngày làm việc" in html
    assert "Qua dịch vụ bưu chính công ích" in html
    assert "window.print()" in html


def test_detail_page_free_procedure_and_legal_basis(client, catalog):
    html = client.get("/thu-tuc/1.001193/").content.decode()
    assert "Không thu phí, lệ phí." in html
    assert "Luật Hộ tịch 2014" in html
    assert "Giấy khai sinh" in html


def test_detail_page_shows_alternative_rates_and_extra_lines_as_such(client, catalog):
    from motcua.catalog.specs import FeeSpec

    factories.procedure(
        "2.000488", "Cấp Phiếu lý lịch tư pháp (mức thu khác)", days="10",
        fees=(FeeSpec(name="Phí cấp Phiếu", amount=200000),
              FeeSpec(name="Phí cấp Phiếu (hộ nghèo)", amount=100000, kind="alternative",
                      replaces="Phí cấp Phiếu", note="có xác nhận hộ nghèo"),
              FeeSpec(name="Phí cấp từ Phiếu thứ 3", amount=5000, kind="extra")),
    )  # fmt: skip
    html = client.get("/thu-tuc/2.000488/").content.decode()
    assert "Mức thu thay thế cho “Phí cấp Phiếu”, áp dụng cho đối tượng được hưởng" in html
    assert "(có xác nhận hộ nghèo)" in html
    assert "Thu thêm khi phát sinh" in html
    assert html.count("Mọi đối tượng") == 3


def test_detail_page_unknown_code_is_404(client, catalog):
    assert client.get("/thu-tuc/9.999999/").status_code == 404


def test_english_is_offered(client, catalog):
    html = client.get("/").content.decode()
    assert 'value="en"' in html and 'lang="vi"' in html
