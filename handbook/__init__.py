"""Service standards and corporate-identity handbooks: YAML -> Sphinx -> HTML site and PDF."""

from __future__ import annotations

import logging

__version__ = "0.1.0"

logging.getLogger("handbook").addHandler(logging.NullHandler())
