"""Reading REGULATION.md into clauses by their IDs (R4.3.2 = chapter 4, section 3, item 2).

The document's shapes:
    ## 1. 總則 — General provisions                  chapter R1
    ### 2.1 網絡銷售代表 — Sales representative         section R2.1
    **R1.1 目的** 中文正文 …                           a clause in bold, its English on the next line
    - R1.3.1 合法合規原則:中文 … — Legality …: English  an item, Chinese — English
and, under "Beyond the source", English-only items (R9.x, R10 …), each on one line or continued on indented lines;
one of them completes R9.2.3. Their Chinese text is ours, in beyond_zh.py.

The text kept is the clause's wording only: REGULATION.md's notes about where a clause comes from ("[text ends]",
"[reimburses — the source breaks off here]", "(typical next chapter, usually …)", bold marks) are notes for us,
never shown to the company (``clean``). Where we complete a clause that breaks off, the completion replaces it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from core.regulation.beyond_zh import BEYOND_ZH, R9_2_3_COMPLETION_ZH

SOURCE = Path(__file__).with_name("REGULATION.md")

CHAPTER = re.compile(r"^##\s+(\d+)\.\s+(.+?)\s+—\s+(.+)$")
SECTION = re.compile(r"^###\s+(\d+(?:\.\d+)+)\s+(.+?)\s+—\s+(.+)$")
BOLD = re.compile(r"^\*\*(R\d+(?:\.\d+)*)\s+(.+?)\*\*\s*(.*)$")
ITEM = re.compile(r"^-\s+(R\d+(?:\.(?:\d+|x))*)\s+(.*)$")
BEYOND = "## Beyond the source"
#: A short Chinese heading before the colon: "背景調查:對擬錄用人員…".
ZH_TITLE = re.compile(r"^([^:：,,。]{2,12})[:：](.+)$", re.S)
EN_TITLE = re.compile(r"^([^:.;]{2,60}?):\s+(.+)$", re.S)


#: Notes of the document about its source: "[text ends]", "[reimburses — the source breaks off here]".
SOURCE_NOTE = re.compile(r"\s*\[(?:text ends|[^\]]*breaks off[^\]]*)\]")
#: "(typical next chapter, usually …)" and a Chinese heading in brackets after an English title: "(附則)".
TITLE_NOTE = re.compile(r"^\((?:typical[^)]*|[^)a-zA-Z]*)\)\s*")


def clean(text: str) -> str:
    """A clause's wording without the document's notes about its source, and without Markdown bold marks."""
    text = SOURCE_NOTE.sub("", text).replace("**", "")
    text = TITLE_NOTE.sub("", text.strip())
    return re.sub(r"[ \t]+([.,;。,;])", r"\1", text).strip()


@dataclass(frozen=True)
class ClauseText:
    clause_id: str
    title_zh: str
    title_en: str
    text_zh: str
    text_en: str


def _split_zh(text: str) -> tuple[str, str]:
    match = ZH_TITLE.match(text)
    return (match.group(1).strip(), match.group(2).strip()) if match else ("", text.strip())


def _split_en(text: str) -> tuple[str, str]:
    match = EN_TITLE.match(text)
    if not match:
        return "", text.strip()
    body = match.group(2).strip()
    return match.group(1).strip(), body[:1].upper() + body[1:]


def _beyond_item(clause_id: str, rest: str) -> ClauseText:
    """An English-only item: "Over-budget control: spending is …" (a parenthesis in the title goes to the text)."""
    title, text = _split_en(rest) if ":" in rest[:160] else ("", rest)
    if not title and ":" in rest:
        title, _, text = rest.partition(":")
    if "(" in title:
        title = title.partition("(")[0]  # "(typical next chapter, usually …)": a note about the source
    text = clean(text)
    title_zh, text_zh = BEYOND_ZH.get(clause_id, ("", ""))
    return ClauseText(clause_id, title_zh, title.strip(), text_zh, text[:1].upper() + text[1:])


def _complete_zh(clause_id: str, text_zh: str) -> str:
    """The Chinese text of a clause the source breaks off in: our completion, which restates it whole (only
    R9.2.3 has one)."""
    return R9_2_3_COMPLETION_ZH if clause_id == "R9.2.3" else text_zh


def _continuation(lines: list[str], index: int) -> list[str]:
    """The indented lines that continue the item on line ``index`` (a long item wraps in the document)."""
    more = []
    for line in lines[index + 1:]:
        if not line.startswith("  ") or not line.strip():
            break
        more.append(line.strip())
    return more


def parse(markdown: str) -> list[ClauseText]:
    """Every clause in document order. Chapters and sections are clauses too, with titles and no text."""
    clauses: dict[str, ClauseText] = {}
    lines = markdown.splitlines()
    beyond = False
    pending_bold: str | None = None  # a bold clause whose English follows on the next line
    for index, line in enumerate(lines):
        line = line.rstrip()
        if line.startswith(BEYOND):
            beyond, pending_bold = True, None
            continue
        if not line:
            continue
        if beyond:
            item = ITEM.match(line)
            if not item:
                continue
            clause_id, rest = item.groups()
            rest = " ".join([rest, *_continuation(lines, index)])
            if rest.startswith("(completion)") and clause_id in clauses:
                # Our completion of the clause where the source breaks off.
                known = clauses[clause_id]
                completion = rest[len("(completion)"):].strip()
                clauses[clause_id] = replace(known, text_en=clean(completion),
                                             text_zh=_complete_zh(clause_id, known.text_zh))
            elif clause_id not in clauses:
                clauses[clause_id] = _beyond_item(clause_id, rest)
            continue
        if (match := CHAPTER.match(line)) or (match := SECTION.match(line)):
            number, zh, en = match.groups()
            clauses[f"R{number}"] = ClauseText(f"R{number}", zh, en, "", "")
            pending_bold = None
        elif match := BOLD.match(line):
            clause_id, title_zh, rest = match.groups()
            text_zh, title_en = (rest, "") if re.search(r"[\u4e00-\u9fff]", rest) else ("", rest)
            clauses[clause_id] = ClauseText(clause_id, title_zh.strip(), title_en.strip(), text_zh.strip(), "")
            pending_bold = clause_id if text_zh else None
        elif match := ITEM.match(line):
            clause_id, rest = match.groups()
            zh, _, en = rest.partition(" — ")
            title_zh, text_zh = _split_zh(zh)
            title_en, text_en = _split_en(en) if title_zh else ("", en.strip())
            clauses[clause_id] = ClauseText(clause_id, title_zh, title_en, text_zh, text_en)
            pending_bold = None
        elif pending_bold:
            known = clauses[pending_bold]
            title_en, text_en = _split_en(line)
            clauses[pending_bold] = replace(known, title_en=title_en, text_en=text_en)
            pending_bold = None
    return list(clauses.values())


def parse_source() -> list[ClauseText]:
    """The regulation as shipped (core/regulation/REGULATION.md, a copy of the company's original)."""
    return parse(SOURCE.read_text(encoding="utf-8"))


def parent_ids(clause_id: str) -> list[str]:
    """The clause's ancestors, nearest first: R5.2.1 → [R5.2, R5]."""
    parts = clause_id.split(".")
    return [".".join(parts[:n]) for n in range(len(parts) - 1, 0, -1)]


def depth(clause_id: str) -> int:
    return clause_id.count(".")
