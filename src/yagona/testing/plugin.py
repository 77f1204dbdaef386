"""Loaded by pytest first (``-p yagona.testing.plugin``): test mode before settings load."""

import os

os.environ.setdefault("YAGONA_TESTING", "1")
os.environ.setdefault("YAGONA_VAR", os.path.join(os.getcwd(), "var", "test"))
