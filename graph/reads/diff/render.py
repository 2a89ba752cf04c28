"""Text and CSV renderings of a :func:`itukg.graph.reads.diff.diff` result."""

from __future__ import annotations

import csv
import io
from typing import Any

CSV_COLUMNS = ("section", "output", "kind", "key", "change", "from_text", "from_lines",
               "to_text", "to_lines")


def rows(data: dict[str, Any]) -> list[dict[str, str]]:
    """One flat row per entry, both sides spelled out (the CSV, the page). Raises nothing."""
    out = []
    for section in ("added", "removed", "changed"):
        for e in data.get(section, []):
            old, new = _sides(section, e)
            out.append({
                "section": section, "output": e["output"], "kind": e["kind"], "key": e["key"],
                "change": e.get("change", section),
                "from_text": old["text"], "from_lines": " ".join(map(str, old["lines"])),
                "to_text": new["text"], "to_lines": " ".join(map(str, new["lines"])),
            })
    return out


def _sides(section: str, e: dict[str, Any]) -> tuple[dict, dict]:
    """(old side, new side) of an entry; the side a link is absent from is empty (a slot's
    empty side keeps the line naming its region)."""
    empty = {"text": "", "lines": []}
    if section == "changed":
        return e["from"], e["to"]
    if section == "added":
        return e.get("was") or empty, e
    return e, e.get("now") or empty


def diff_csv(data: dict[str, Any]) -> str:
    """The entries as CSV (``CSV_COLUMNS``), one per line. Raises nothing."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows(data))
    return buf.getvalue()


def diff_text(data: dict[str, Any]) -> str:
    """A readable report: one line per entry, ``+`` added, ``-`` removed, ``~`` changed, with
    ``L{n}`` the lines in the old (``from``) and new (``to``) document. Raises nothing."""
    a, b = data["from"], data["to"]
    codes = data.get("compared") == "codes"
    head = [f"--- {a.get('identifier') or a['slug']} ({a['slug']}{_lang(a) if codes else ''})",
            f"+++ {b.get('identifier') or b['slug']} ({b['slug']}{_lang(b) if codes else ''})"]
    if codes:
        head.append(f"language versions {a.get('language')} and {b.get('language')}: compared "
                    "by codes (outputs, resolutions, WSIS lines, SDG targets and goals, "
                    "regional-initiative codes, Questions), not by words")
    if data.get("identical"):
        return "\n".join(head + ["identical: no link, slot, outcome or indicator differs"]) + "\n"
    body = []
    for r in rows(data):
        mark = {"added": "+", "removed": "-", "changed": "~"}[r["section"]]
        where = f"output {r['output']} {r['kind']} {r['key']}"
        old = _side("from", r["from_text"], r["from_lines"])
        new = _side("to", r["to_text"], r["to_lines"])
        verb = r["change"] if r["change"] not in ("added", "removed", "changed") else ""
        body.append(f"{mark} {where}{' ' + verb if verb else ''}: "
                    + "  ".join(x for x in (old, new) if x))
    n = {k: len(data.get(k, [])) for k in ("added", "removed", "changed")}
    tail = f"{n['added']} added, {n['removed']} removed, {n['changed']} changed"
    return "\n".join(head + body + [tail]) + "\n"


def _lang(doc: dict[str, Any]) -> str:
    return f", {doc['language']}" if doc.get("language") else ""


def _side(name: str, text: str, lines: str) -> str:
    if not text and not lines:
        return ""
    where = " " + ",".join(f"L{n}" for n in lines.split()) if lines else ""
    return f"[{name}{where}] {text or '(empty)'}"
