"""The `motcua` console script: Django's manage.py.

Command names may be written with hyphens (`motcua import-catalog`), as the docs do; they map to
Django's underscore module names (`import_catalog`).
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    # The command name, and the one after "help" (`motcua help import-catalog`).
    names = [1, 2] if len(argv) > 2 and argv[1] == "help" else [1]
    for i in names:
        if len(argv) > i and not argv[i].startswith("-"):
            argv[i] = argv[i].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
