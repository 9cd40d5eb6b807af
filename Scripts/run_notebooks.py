"""Execute notebooks with nbclient; print one line per notebook; exit 1 on the first failing cell.

Usage: run_notebooks.py NOTEBOOK.ipynb ...
"""
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def main():
    failed = 0
    for path in map(pathlib.Path, sys.argv[1:]):
        notebook = nbformat.read(path, as_version=4)
        started = time.perf_counter()
        client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        try:
            client.execute()
            print(f"{path.name}: {len(notebook.cells)} cells ran in {time.perf_counter() - started:.1f} s")
        except CellExecutionError as error:
            failed += 1
            print(f"{path.name}: FAILED\n{error}")
    print(f"{len(sys.argv) - 1 - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
