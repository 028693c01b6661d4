"""The `sejahtera` console command: `manage.py` for an installed Sejahtera.

`sejahtera <command> ...` runs any Django management command, including the project's own
(`demo`, `wilayah`, `load_reference`, ...). Commands with dashes are accepted as well:
`sejahtera generate-population` runs `generate_population`.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sejahtera.config.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    args[0] = "sejahtera"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
