"""`motcua create-token USERNAME [--name NAME]`: a bearer token for the JSON API."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.accounts.models import User
from motcua.accounts.services import create_api_token


class Command(BaseCommand):
    help = gettext_noop(
        "Tạo mã truy cập API (bearer token) cho một người dùng. Mã chỉ hiện một lần: "
        "dòng duy nhất in ra đầu ra chuẩn, để dùng trong tập lệnh."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help=_("Tên đăng nhập của người dùng"))
        parser.add_argument("--name", default="", help=_("Tên gợi nhớ của mã (tùy chọn)"))

    def handle(self, *args, username: str, name: str, **options) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("Không có người dùng “%(username)s”.") % {"username": username})
        if not user.is_active:
            raise CommandError(_("Tài khoản “%(username)s” đang bị khóa.") % {"username": username})
        token, secret = create_api_token(user=user, name=name)
        self.stderr.write(
            _(
                "Đã tạo mã %(prefix)s… cho %(username)s. Mã chỉ hiện một lần; gửi kèm mỗi yêu "
                "cầu trong tiêu đề “Authorization: Bearer <mã>”."
            )
            % {"prefix": token.prefix, "username": username}
        )
        self.stdout.write(secret)
