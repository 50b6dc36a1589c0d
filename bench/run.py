"""Run every benchmark: `QT_QPA_PLATFORM=offscreen python bench/run.py`."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

MODULES = [
    "bench_forms",
    "bench_store",
    "bench_filler",
    "bench_gui",
    "bench_exchange",
    "bench_import",
]

if __name__ == "__main__":
    for name in MODULES:
        if (Path(__file__).resolve().parent / f"{name}.py").exists():
            print(f"== {name}")
            importlib.import_module(name).main()
