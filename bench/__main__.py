"""Run a benchmark by name: `python -m bench catalog_search [--db sqlite|postgres|all]`."""

import argparse
import importlib
import sys

BENCHMARKS = {
    "catalog_search": "bench.catalog_search",
    "dossier_life": "bench.dossier_life",
    "history_import": "bench.history_import",
    "intake": "bench.intake",
    "kpi": "bench.kpi",
    "lookup": "bench.lookup",
    "queue_calls": "bench.queue_calls",
    "queue_display": "bench.queue_display",
    "workflow_lists": "bench.workflow_lists",
}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("name", choices=sorted(BENCHMARKS))
    args, rest = parser.parse_known_args()
    module = importlib.import_module(BENCHMARKS[args.name])
    return module.main(rest)


if __name__ == "__main__":
    sys.exit(main())
