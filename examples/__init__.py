"""Tutorial examples, each written once against the name ``torch`` and run in either engine (see _engine.py)."""
