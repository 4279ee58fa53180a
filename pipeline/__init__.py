"""tqa: find, repair and report defects in English text machine-translated from Chinese."""

__version__ = "0.1.0"
