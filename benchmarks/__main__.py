"""``python -m benchmarks``: the same as ``python -m benchmarks.run`` (see its --help)."""
from benchmarks.run import main

main()
