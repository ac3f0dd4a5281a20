"""Writes a generated Markdown table to its results file and, optionally, into the docs between
`<!-- NAME:begin -->` and `<!-- NAME:end -->` markers (used by fidelity.py, scaling.py and
peers/compare.py)."""
import os
import sys


def publish(table, out_path, docs_path, name):
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    with open(out_path, "w") as out:
        out.write(table)
    print(table)
    if not docs_path:
        return
    text = open(docs_path).read()
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    if begin not in text or end not in text:
        sys.exit(f"{docs_path}: no {begin} ... {end} markers")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(docs_path, "w") as out:
        out.write(head + begin + "\n" + table + end + tail)
