"""Package layout pyproject.toml cannot state: themes/ stays a top-level folder of the
repository and ships inside the wheel as handbook/themes, next to the code that reads it."""

from setuptools import find_namespace_packages, setup

THEMES = ["handbook.themes", *(f"handbook.themes.{name}"
                               for name in find_namespace_packages(where="themes"))]

setup(
    packages=[*find_namespace_packages(include=["handbook", "handbook.*"]), *THEMES],
    package_dir={"handbook.themes": "themes"},
)
