"""Shim for scrapyd-deploy, which builds eggs with ``setup.py bdist_egg``.

All metadata, including the ``scrapy`` entry point scrapyd needs, is in pyproject.toml.
"""

from setuptools import setup

setup()
