# Kept for older setuptools/pip (the metadata is in pyproject.toml).
from setuptools import setup

setup()
