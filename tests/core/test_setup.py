import builtins
import subprocess
import sys

from django.conf import settings

from motcua.core.checks import weasyprint_libraries


def test_passwords_are_hashed_with_argon2():
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_debug_is_off_and_vietnamese_is_the_default():
    assert settings.DEBUG is False
    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]


def test_system_check_passes_when_weasyprint_loads():
    assert weasyprint_libraries(None) == []


def test_system_check_names_the_debian_package_when_pango_is_missing(monkeypatch):
    real_import = builtins.__import__

    def failing_import(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", failing_import)
    [error] = weasyprint_libraries(None)
    assert error.id == "motcua.E001"
    assert "apt-get install libpango-1.0-0" in error.hint


def test_console_script_accepts_hyphenated_command_names():
    # `motcua load-demo-data --help` is Django's `load_demo_data --help`.
    out = subprocess.run(
        [sys.executable, "-c", "import sys; from motcua.manage import main; "
         "sys.argv=['motcua','load-demo-data','--help']; main()"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "Nạp dữ liệu mẫu" in out.stdout
