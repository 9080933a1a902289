"""Extract, fill and compile the UI translations (Qt's mechanism: tr(), .ts, .qm).

    .venv/bin/python tools/i18n.py update    # extract tr() strings, write .ts, compile .qm
    .venv/bin/python tools/i18n.py missing   # untranslated strings, as JSON to paste and fill
    .venv/bin/python tools/i18n.py check     # exit 1 if any source string lacks zh_CN

Source strings are English (so English needs no catalogue). The Chinese texts live in
small JSON files, one per owner, so that two engineers never edit the same file:

    assets/i18n/zh_CN/frame.json   UI-FRAME (window, home, staff, widgets, …)
    assets/i18n/zh_CN/flows.json   UI-FLOWS (order_*, track*, rate*, redeem_* screens)

    {"OrderCategoriesScreen": {"Choose a service": "请选择服务"}, ...}

Plural strings (``self.tr("%n more digit(s)", "", n)``) also need an English entry with the
two forms, in ``assets/i18n/en/<owner>.json``: {"Ctx": {"%n more digit(s)": ["%n more
digit", "%n more digits"]}}; Chinese has one form (a plain string).

The key is the tr() context, i.e. the Python class name whose method calls ``self.tr``
(``QCoreApplication.translate("Ctx", "text")`` names it explicitly).

HOW TO ADD YOUR STRINGS (UI-FLOWS): write ``self.tr("English")`` in your screen, run
``tools/i18n.py missing``, copy the entries of your contexts into ``flows.json`` with the
Chinese filled in, run ``tools/i18n.py update`` and commit flows.json together with the
regenerated ``assets/i18n/kiosk_zh_CN.ts`` and ``kiosk_zh_CN.qm``. The test
tests/ui/test_i18n.py fails on any source string without a zh_CN translation.

Extraction parses the Python sources (``ast``): every ``<obj>.tr("literal")`` inside a class
and every ``translate("Context", "literal")``. The .ts is written here; the .qm is compiled
by ``pyside6-lrelease`` from the venv (shipped with PySide6-Essentials).
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "ui"]
I18N = ROOT / "assets" / "i18n"
LANGS = ("zh_CN", "en")


@dataclass(frozen=True)
class Message:
    context: str
    source: str
    comment: str = ""
    numerus: bool = False


# context -> source -> translation (a string; for plural strings in en a list of 2 forms)
Catalogue = dict[str, dict[str, Any]]


def ts_path(lang: str) -> Path:
    return I18N / f"kiosk_{lang}.ts"


def qm_path(lang: str) -> Path:
    return I18N / f"kiosk_{lang}.qm"


def _const(node: ast.AST) -> Any:
    return node.value if isinstance(node, ast.Constant) else None


def _message(call: ast.Call, name: str, context: str | None) -> Message | None:
    args = [_const(a) for a in call.args]
    numerus = len(call.args) >= 3 or any(k.arg == "n" for k in call.keywords)
    if name == "tr" and context and args and isinstance(args[0], str):
        comment = args[1] if len(args) > 1 and isinstance(args[1], str) else ""
        return Message(context, args[0], comment, numerus)
    if name == "translate" and len(args) >= 2 and all(isinstance(a, str) for a in args[:2]):
        comment = args[2] if len(args) > 2 and isinstance(args[2], str) else ""
        return Message(args[0], args[1], comment, len(call.args) >= 4)
    return None


def _strings_in(path: Path) -> Iterator[Message]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))

    def visit(node: ast.AST, context: str | None) -> Iterator[Message]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                yield from visit(child, child.name)
                continue
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute | ast.Name):
                func = child.func
                name = func.attr if isinstance(func, ast.Attribute) else func.id
                found = _message(child, name, context)
                if found is not None:
                    yield found
            yield from visit(child, context)

    yield from visit(tree, None)


def extract() -> list[Message]:
    found: dict[tuple[str, str, str], Message] = {}
    for base in SOURCES:
        for path in sorted(base.rglob("*.py")):
            for msg in _strings_in(path):
                found[(msg.context, msg.source, msg.comment)] = msg
    return [found[k] for k in sorted(found)]


def load_fills(lang: str) -> Catalogue:
    merged: Catalogue = {}
    for path in sorted((I18N / lang).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for context, entries in data.items():
            merged.setdefault(context, {}).update(entries)
    return merged


def needs(lang: str, msg: Message) -> bool:
    """Chinese needs every string; English (the source language) only plural forms."""
    return lang != "en" or msg.numerus


def missing(messages: list[Message], fills: Catalogue, lang: str) -> Catalogue:
    out: Catalogue = {}
    for msg in messages:
        if needs(lang, msg) and not fills.get(msg.context, {}).get(msg.source):
            blank: Any = ["", ""] if (lang == "en" and msg.numerus) else ""
            out.setdefault(msg.context, {})[msg.source] = blank
    return out


def _translation_xml(msg: Message, text: Any) -> str:
    unfinished = "" if text else ' type="unfinished"'
    if not msg.numerus:
        return f"<translation{unfinished}>{escape(text or '')}</translation>"
    forms = text if isinstance(text, list) else [text or ""]
    inner = "".join(f"<numerusform>{escape(f)}</numerusform>" for f in forms)
    return f"<translation{unfinished}>{inner}</translation>"


def write_ts(messages: list[Message], fills: Catalogue, lang: str) -> None:
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        "<!DOCTYPE TS>",
        f'<TS version="2.1" language="{lang}" sourcelanguage="en">',
    ]
    by_context: dict[str, list[Message]] = {}
    for msg in messages:
        if not needs(lang, msg):
            continue  # English is the source language: only plural forms are listed
        by_context.setdefault(msg.context, []).append(msg)
    for context in sorted(by_context):
        lines += ["<context>", f"    <name>{escape(context)}</name>"]
        for msg in by_context[context]:
            numerus = ' numerus="yes"' if msg.numerus else ""
            text = fills.get(context, {}).get(msg.source, "")
            lines.append(f"    <message{numerus}>")
            lines.append(f"        <source>{escape(msg.source)}</source>")
            if msg.comment:
                lines.append(f"        <comment>{escape(msg.comment)}</comment>")
            lines.append(f"        {_translation_xml(msg, text)}")
            lines.append("    </message>")
        lines.append("</context>")
    lines.append("</TS>")
    path = ts_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def lrelease() -> Path | None:
    for candidate in (
        Path(sys.executable).parent / "pyside6-lrelease",
        ROOT / ".venv" / "bin" / "pyside6-lrelease",
    ):
        if candidate.exists():
            return candidate
    found = shutil.which("pyside6-lrelease") or shutil.which("lrelease")
    return Path(found) if found else None


def compile_qm(lang: str) -> None:
    """lrelease into a temporary file, then an atomic rename: a kiosk or test loading the
    catalogue at that moment never reads half a file."""
    tool = lrelease()
    if tool is None:
        raise SystemExit("pyside6-lrelease not found: install PySide6-Essentials in the venv")
    target = qm_path(lang)
    tmp = target.with_suffix(".qm.tmp")
    cmd = [str(tool), "-silent", "-removeidentical", str(ts_path(lang)), "-qm", str(tmp)]
    subprocess.run(cmd, check=True)
    os.replace(tmp, target)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "update"
    messages = extract()
    gaps = {lang: missing(messages, load_fills(lang), lang) for lang in LANGS}
    counts = {lang: sum(len(v) for v in gaps[lang].values()) for lang in LANGS}
    if command == "missing":
        print(json.dumps({k: v for k, v in gaps.items() if v}, ensure_ascii=False, indent=2))
        return 0
    if command == "check":
        if any(counts.values()):
            print(json.dumps({k: v for k, v in gaps.items() if v}, ensure_ascii=False, indent=2))
            print(f"untranslated: {counts}", file=sys.stderr)
            return 1
        print(f"all {len(messages)} strings translated")
        return 0
    if command == "update":
        for lang in LANGS:
            write_ts(messages, load_fills(lang), lang)
            compile_qm(lang)
            print(f"kiosk_{lang}: {len(messages)} strings, {counts[lang]} untranslated")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
