"""Only what pyproject.toml cannot say: every built wheel carries the compiled translations.

The `.mo` files are not in the repository; building the package compiles them from the `.po`
files into the build directory, so `pip install .` (the container image) serves Spanish without
a `make install` first. The compiler is loaded from its file, not imported as part of the
package, because the build environment has only setuptools and Babel.
"""

import importlib.util
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithCatalogues(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the source tree, which `make install` compiles
        path = ROOT / "groundswell" / "core" / "message_catalogues.py"
        spec = importlib.util.spec_from_file_location("_groundswell_message_catalogues", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.catalogues_compile(
            locale_dir=ROOT / "groundswell" / "locale",
            into=Path(self.build_lib) / "groundswell" / "locale",
        )


setup(cmdclass={"build_py": BuildPyWithCatalogues})
