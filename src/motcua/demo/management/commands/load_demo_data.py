from django.core.management.base import BaseCommand

from motcua.demo.loader import load_demo_data


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (demo): trung tâm Cần Thơ, hai trung tâm cấp xã, danh mục thủ tục."

    def handle(self, *args, **options):
        for line in load_demo_data():
            self.stdout.write(line)
