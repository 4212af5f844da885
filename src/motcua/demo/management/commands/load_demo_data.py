from django.core.management.base import BaseCommand

from motcua.demo.loader import load_demo_data


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu (demo): trung tâm Cần Thơ, hai trung tâm cấp xã, danh mục thủ tục, "
        "hồ sơ mẫu."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-dossiers", action="store_true", help="Không tạo hồ sơ mẫu (chỉ danh mục, cán bộ)."
        )

    def handle(self, *args, **options):
        for line in load_demo_data(dossiers=not options["no_dossiers"]):
            self.stdout.write(line)
