import unicodedata
from decimal import Decimal

from motcua.catalog.specs import ComponentSpec, ProcedureSpec


def spec(**changes) -> ProcedureSpec:
    base = dict(
        code="1.001193", name="Đăng ký khai sinh", agency_code="000.01.40.H13", field="Hộ tịch",
        level="commune", time_limit_days=Decimal("0"), channels=("counter", "online"),
        components=(ComponentSpec(name="Tờ khai đăng ký khai sinh"),), steps="Bước 1\nBước 2",
    )  # fmt: skip
    base.update(changes)
    return ProcedureSpec(**base)


def test_hash_ignores_how_the_same_content_was_typed():
    nfd = unicodedata.normalize("NFD", "Đăng ký khai sinh")
    assert spec().content_hash() == spec(name=nfd).content_hash()
    assert spec().content_hash() == spec(steps="Bước 1\r\nBước 2 ").content_hash()
    assert spec().content_hash() == spec(channels=("online", "counter")).content_hash()
    assert spec().content_hash() == spec(time_limit_days=Decimal("0.0")).content_hash()


def test_hash_changes_with_the_content():
    assert spec().content_hash() != spec(time_limit_days=Decimal("0.5")).content_hash()
    assert spec().content_hash() != spec(components=()).content_hash()
    assert spec().content_hash() != spec(channels=("counter",)).content_hash()
