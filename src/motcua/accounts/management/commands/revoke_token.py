"""`motcua revoke-token TOKEN_OR_PREFIX`: stop an API token from working."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.accounts.models import ApiToken
from motcua.accounts.services import revoke_api_token, token_hash


class Command(BaseCommand):
    help = gettext_noop(
        "Thu hồi mã truy cập API: cho cả mã hoặc 8 ký tự đầu (tiền tố) của mã đang dùng."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("token", help=_("Mã truy cập hoặc tiền tố 8 ký tự của mã"))

    def handle(self, *args, token: str, **options) -> None:
        active = ApiToken.objects.filter(revoked_at__isnull=True).select_related("user")
        matches = list(active.filter(key_hash=token_hash(token))) or list(
            active.filter(prefix=token)
        )
        if not matches:
            raise CommandError(_("Không tìm thấy mã truy cập đang dùng khớp với giá trị đã nhập."))
        if len(matches) > 1:
            raise CommandError(_("Tiền tố khớp với nhiều mã; hãy nhập cả mã."))
        revoked = revoke_api_token(token=matches[0])
        self.stdout.write(
            _("Đã thu hồi mã %(prefix)s… của %(username)s.")
            % {"prefix": revoked.prefix, "username": revoked.user.username}
        )
