"""Packaging for ckanext-minato_plan (metadata in pyproject.toml).

The scheming schemas ship inside the package (``ckanext/minato_plan/schemas``), so
``scheming.dataset_schemas = ckanext.minato_plan.schemas:initiative.yaml`` works in editable and
non-editable installs alike.

Translations: the ``.po`` files are the source (the ``.mo`` files are never committed). Building
a wheel or an sdist compiles every ``ckanext/minato_plan/i18n/<lang>/LC_MESSAGES/*.po`` into its
``.mo`` with Babel (a build requirement, see pyproject.toml): ``build_py`` writes them into the
build tree (so the wheel carries them; the source tree is not touched) and ``sdist`` into the
release tree. An editable install (``pip install -e .``) reads the source tree, where
scripts/install.sh compiles them (``pybabel compile``).
"""
from __future__ import annotations

import logging
import os
import pathlib

from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py as _build_py
from setuptools.command.sdist import sdist as _sdist

HERE = pathlib.Path(__file__).resolve().parent
I18N = pathlib.Path("ckanext", "minato_plan", "i18n")  # relative to the project root


def _catalogs() -> list[pathlib.Path]:
    """The .po files, relative to the project root, e.g. ckanext/minato_plan/i18n/ja/LC_MESSAGES/
    ckanext-minato_plan.po."""
    return sorted(p.relative_to(HERE) for p in (HERE / I18N).glob("*/LC_MESSAGES/*.po"))


def compile_catalogs(target_root: str | os.PathLike[str], log=print) -> list[str]:
    """Compiles every .po of the source tree into ``target_root``/<same path>.mo; returns the
    paths written. Fuzzy entries are left out (as ``pybabel compile`` does); a .po that does not
    parse fails the build."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    catalogs = _catalogs()
    if not catalogs:
        raise SystemExit(f"setup.py: no translation catalogs found under {I18N}")
    for po in catalogs:
        with open(HERE / po, "rb") as fh:
            catalog = read_po(fh, locale=po.parts[-3], abort_invalid=True)
        mo = pathlib.Path(target_root, po.with_suffix(".mo"))
        mo.parent.mkdir(parents=True, exist_ok=True)
        if mo.exists() or mo.is_symlink():
            mo.unlink()  # never write through a hard link into the source tree (sdist links)
        with open(mo, "wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        translated = sum(1 for m in list(catalog)[1:] if m.string)
        log(f"compiling catalog {po} to {mo} ({translated} of {len(catalog)} messages translated)")
        written.append(str(mo))
    return written


class build_py(_build_py):
    """build_py that also writes the compiled .mo files into the build tree."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # editable: the source tree is used; scripts/install.sh compiles there
        self._mo_files = compile_catalogs(self.build_lib, log=self.announce_info)

    def announce_info(self, msg: str) -> None:
        self.announce(msg, level=logging.INFO)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        if not getattr(self, "editable_mode", False):
            for po in _catalogs():
                mo = os.path.join(self.build_lib, str(po.with_suffix(".mo")))
                if mo not in outputs:
                    outputs.append(mo)
        return outputs


class sdist(_sdist):
    """sdist that also carries the compiled .mo files (beside their .po sources)."""

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        compile_catalogs(base_dir, log=lambda msg: self.announce(msg, level=logging.INFO))


setup(
    packages=find_namespace_packages(include=["ckanext.minato_plan", "ckanext.minato_plan.*"]),
    package_data={
        "ckanext.minato_plan": ["data/*", "templates/**/*", "i18n/**/*", "assets/**/*", "public/**/*",
                                "*.yaml", "migration/minato_plan/alembic.ini",
                                "migration/minato_plan/script.py.mako"],
        "ckanext.minato_plan.schemas": ["*.yaml", "*.json"],
    },
    include_package_data=True,
    cmdclass={"build_py": build_py, "sdist": sdist},
    message_extractors={
        "ckanext": [
            ("**.py", "python", None),
            ("**.js", "javascript", None),
            ("**/templates/**.html", "ckan", None),
        ],
    },
)
