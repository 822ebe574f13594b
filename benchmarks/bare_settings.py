"""Benchmarks only: the project's settings with a trivial public view added (``benchmarks.bare_urls``).

``DJANGO_SETTINGS_MODULE=benchmarks.bare_settings`` gives the ceiling of a request through the whole
middleware stack (the health probe is answered by the first middleware and skips it). Never used by the
site: production URLs stay ``territoire.urls``.
"""

from territoire.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bare_urls"
