"""Numbers and bullets Word generates from numbering.xml (w:numPr → w:num → w:abstractNum)."""

from __future__ import annotations

from dataclasses import dataclass

from docx.opc.constants import RELATIONSHIP_TYPE as RT

from .xml import PUA_BULLETS, X, qn


# ------------------------------------------------------------------------------------------
# Numbering (numbering.xml): formats, counters, restarts


def _roman(n: int) -> str:
    out = ""
    for v, s in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                 (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= v:
            out, n = out + s, n - v
    return out


def _letters(n: int) -> str:  # Word: a..z, aa..zz, aaa...
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else ""


_ZH = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    if n < 10:
        return _ZH[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _ZH[tens]) + "十" + (_ZH[ones] if ones else "")
    return str(n)


def _format(n: int, fmt: str) -> str:
    if fmt in ("decimal", "", None):
        return str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified",
               "ideographDigital", "japaneseCounting"):
        return _chinese(n)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) - 0x30 + 0xFF10) for c in str(n))
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "none":
        return ""
    return str(n)


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    suffix: str = "\t"
    restart: int | None = None  # w:lvlRestart (1-based level that restarts it; 0 = never)
    legal: bool = False


class Numbering:
    """numbering.xml read once; ``label(num_id, ilvl)`` advances the counters like Word."""

    def __init__(self, document):
        self.levels: dict[str, dict[int, _Level]] = {}  # abstractNumId -> levels
        self.nums: dict[str, tuple[str, dict[int, _Level | None], dict[int, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        self.style_levels: dict[tuple[str, str], int] = {}  # (abstractNumId, styleId) -> ilvl
        links: dict[str, str] = {}  # abstractNumId -> style it takes its list from
        try:  # through the relationship (python-docx's numbering_part would create one)
            root = document.part.part_related_by(RT.NUMBERING).element
        except (KeyError, AttributeError):
            root = None
        if root is None:
            return
        for an in X(root, "./w:abstractNum"):
            aid = an.get(qn("w:abstractNumId"))
            self.levels[aid] = {
                int(lvl.get(qn("w:ilvl"), "0")): self._level(lvl) for lvl in X(an, "./w:lvl")}
            for lvl in X(an, "./w:lvl[w:pStyle]"):
                style = X(lvl, "./w:pStyle/@w:val")[0]
                self.style_levels[(aid, style)] = int(lvl.get(qn("w:ilvl"), "0"))
            link = X(an, "./w:numStyleLink/@w:val")
            if link:
                links[aid] = link[0]
        for num in X(root, "./w:num"):
            aid = X(num, "./w:abstractNumId/@w:val")
            overrides: dict[int, _Level | None] = {}
            starts: dict[int, int] = {}
            for ov in X(num, "./w:lvlOverride"):
                i = int(ov.get(qn("w:ilvl"), "0"))
                so = X(ov, "./w:startOverride/@w:val")
                if so:
                    starts[i] = int(so[0])
                lvl = X(ov, "./w:lvl")
                if lvl:
                    overrides[i] = self._level(lvl[0])
            self.nums[num.get(qn("w:numId"))] = (aid[0] if aid else "", overrides, starts)
        # a list defined through a numbering style (w:numStyleLink → the style's w:numId)
        for aid, style_id in links.items():
            target = [v for st in X(document.styles.element, "./w:style")
                      if st.get(qn("w:styleId")) == style_id
                      for v in X(st, "./w:pPr/w:numPr/w:numId/@w:val")]
            if target and target[0] in self.nums:
                linked = self.nums[target[0]][0]
                if linked != aid and linked in self.levels:  # one list: levels and counters
                    self.nums = {n: (linked if a == aid else a, o, st)
                                 for n, (a, o, st) in self.nums.items()}

    def level_for_style(self, num_id: str, style_id: str | None) -> int:
        """The level a paragraph style is tied to (w:lvl/w:pStyle), 0 if none."""
        aid = self.nums.get(num_id, ("",))[0]
        return self.style_levels.get((aid, style_id or ""), 0)

    @staticmethod
    def _level(lvl) -> _Level:
        def val(tag, default=None):
            v = X(lvl, f"./w:{tag}/@w:val")
            return v[0] if v else default
        suff = {"tab": "\t", "space": " ", "nothing": ""}.get(val("suff", "tab"), "\t")
        restart = val("lvlRestart")
        return _Level(fmt=val("numFmt", "decimal"), text=val("lvlText", ""),
                      start=int(val("start", "1")), suffix=suff,
                      restart=int(restart) if restart is not None else None,
                      legal=bool(X(lvl, "./w:isLgl")))

    def label(self, num_id: str, ilvl: int) -> str | None:
        if num_id not in self.nums:
            return None
        aid, overrides, starts = self.nums[num_id]
        base = self.levels.get(aid, {})
        lvls = {**base, **{k: v for k, v in overrides.items() if v is not None}}
        if ilvl not in lvls:
            return None
        # counters are per abstract numbering; a w:num with a startOverride restarts them once
        counters = self.counters.setdefault(aid, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for i, s in starts.items():
                counters[i] = s - 1
                for deeper in [k for k in counters if k > i]:
                    del counters[deeper]
        lvl = lvls[ilvl]
        counters[ilvl] = counters.get(ilvl, lvl.start - 1) + 1
        for k in list(counters):  # a level restarts after any higher level (unless lvlRestart)
            if k > ilvl:
                r = lvls[k].restart if k in lvls else None
                if r is None or (r != 0 and r - 1 >= ilvl):
                    del counters[k]
        if lvl.fmt == "bullet":
            text = "".join(PUA_BULLETS.get(c, c) for c in lvl.text)
        else:
            text = lvl.text
            for k in range(9):
                if f"%{k + 1}" in text:
                    n = counters.get(k, lvls[k].start if k in lvls else 1)
                    fmt = "decimal" if (lvl.legal and k != ilvl) else (
                        lvls[k].fmt if k in lvls else "decimal")
                    text = text.replace(f"%{k + 1}", _format(n, fmt))
        return text + lvl.suffix if text else ""
