"""Loaded by pytest first (``-p yagona.testing.plugin``): test mode before settings load."""

import os

os.environ.setdefault("YAGONA_TESTING", "1")
os.environ.setdefault("YAGONA_VAR", os.path.join(os.getcwd(), "var", "test"))
# Signing keys made by tests go to a folder of this run's own, not into var/ for good.
if "SIGNING_DIR" not in os.environ:
    import tempfile

    os.environ["SIGNING_DIR"] = tempfile.mkdtemp(prefix="yagona-signing-")
