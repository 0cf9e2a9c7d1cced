"""Exits non-zero unless every translation catalog (.po) of the installed ckanext-minato_plan
has its compiled .mo beside it. The image build runs it after installing the extension's wheel
(setup.py compiles the catalogs into the wheel); the .mo files of a checkout never reach the
build (Dockerfile.dockerignore).

    python check_translations.py [I18N_DIR]   default: the installed package's i18n folder
"""
from __future__ import annotations

import importlib.util
import pathlib
import sys


def installed_i18n() -> pathlib.Path:
    spec = importlib.util.find_spec("ckanext.minato_plan")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("ckanext.minato_plan is not installed")
    return pathlib.Path(list(spec.submodule_search_locations)[0]) / "i18n"


def main(argv: list[str]) -> int:
    i18n = pathlib.Path(argv[0]) if argv else installed_i18n()
    catalogs = sorted(i18n.glob("*/LC_MESSAGES/*.po"))
    if not catalogs:
        print(f"no translation catalogs under {i18n}", file=sys.stderr)
        return 1
    missing = [po for po in catalogs if not po.with_suffix(".mo").is_file()
               or po.with_suffix(".mo").stat().st_size == 0]
    for po in catalogs:
        state = "MISSING" if po in missing else "ok"
        print(f"{po.with_suffix('.mo').relative_to(i18n)}: {state}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
