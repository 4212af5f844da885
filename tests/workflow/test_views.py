import pytest
from django.utils import timezone

from motcua.accounts.models import Role
from motcua.workflow import services
from motcua.workflow.models import ProcessStep
from motcua.workflow.process_io import import_process, parse_process
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/quy-trinh/{}/"


@pytest.fixture
def specialist(db):
    from motcua.accounts.models import User

    return User.objects.create_user(username="chuyenvien", password="x-Strong-pass-1",
                                    role=Role.SPECIALIST)  # fmt: skip


def test_login_required(client, justice):
    response = client.get(URL.format("2.000635"))
    assert response.status_code == 302 and response.url.startswith("/dang-nhap/")


def test_citizens_are_refused(client, justice):
    client.force_login(factories.citizen())
    response = client.get(URL.format("2.000635"))
    assert response.status_code == 403
    assert "chỉ dành cho cán bộ" in response.content.decode()


def test_default_process_is_shown_without_storing_it(client, justice, specialist):
    client.force_login(specialist)
    response = client.get(URL.format("2.000635"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "áp dụng quy trình mặc định" in html
    assert "Tổng thời gian các bước chính: 10 ngày làm việc / thời hạn giải quyết 10 ngày." in html
    assert "Trong thời hạn." in html
    assert html.index("Tiếp nhận, chuyển hồ sơ") < html.index("Chuyên viên thẩm định") \
        < html.index("Bộ phận Một cửa trả kết quả")  # fmt: skip
    assert "Sở Tư pháp (cơ quan chủ trì)" in html
    assert "0,5 ngày" in html and "6 ngày" in html and "1,5 ngày" in html
    assert not justice.processes.exists()


def test_published_liaison_process(client, land, example, specialist):
    services.publish(process=import_process(document=parse_process(example)))
    client.force_login(specialist)
    html = client.get(URL.format("1.013831")).content.decode()
    assert "Phiên bản quy trình 1 (Đang áp dụng)" in html
    assert "Tổng thời gian các bước chính: 8 ngày làm việc / thời hạn giải quyết 10 ngày." in html
    assert "Ý kiến phối hợp (song song với các bước chính)" in html
    assert "Cơ quan thuế xác định nghĩa vụ tài chính" in html
    assert "Thuế thành phố Cần Thơ" in html
    assert "phải xong trước bước “Lãnh đạo phòng xem xét”" in html
    assert "Chờ ý kiến phối hợp: Cơ quan thuế xác định nghĩa vụ tài chính" in html
    assert "4 giờ" in html and "3 ngày" in html
    assert "Gửi phiếu chuyển thông tin địa chính → Cơ quan thuế xác định nghĩa vụ tài chính" in html
    assert "Trả kết quả → Kết thúc" in html
    assert "Chờ nộp thuế, lệ phí → ở lại bước này" in html
    assert "Chưa đạt kiểm tra xuất bản" not in html


def test_a_draft_over_the_limit_shows_its_problems(client, land, example, specialist):
    published = services.publish(process=import_process(document=parse_process(example)))
    draft = services.new_draft_from(process=published)
    ProcessStep.objects.filter(process=draft, key="tham-dinh").update(allotted_days=7)
    client.force_login(specialist)
    html = client.get(URL.format("1.013831") + f"?phien-ban={draft.number}").content.decode()
    assert "Phiên bản quy trình 2 (Bản nháp)" in html
    assert "Vượt thời hạn giải quyết." in html
    assert "Tổng thời gian các bước chính (11 ngày) vượt thời hạn giải quyết (10 ngày)." in html
    assert "Phiên bản 1 — Đang áp dụng" in html


def test_unknown_procedure_or_version(client, justice, specialist):
    client.force_login(specialist)
    assert client.get(URL.format("9.999999")).status_code == 404
    assert client.get(URL.format("2.000635") + "?phien-ban=3").status_code == 404
    assert client.get(URL.format("2.000635") + "?phien-ban=abc").status_code == 404


def test_the_limit_follows_the_catalog_version_in_force(client, justice, specialist):
    factories.procedure("2.000635", "Cấp Phiếu lý lịch tư pháp", days="15",
                        effective_from=timezone.localdate())  # fmt: skip
    client.force_login(specialist)
    html = client.get(URL.format("2.000635")).content.decode()
    assert "15 ngày làm việc / thời hạn giải quyết 15 ngày" in html
