"""Translations: every tr() string has its zh_CN text, the shipped .qm says so, and no base
class looks its strings up under a subclass's name."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import QTranslator

ROOT = Path(__file__).resolve().parents[2]


def load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "tools" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


tool = load_tool()


def test_the_extractor_sees_the_screens() -> None:
    contexts = {m.context for m in tool.extract()}
    assert {"HomeScreen", "StaffPinScreen", "IdleOverlay", "StatusStrip", "StaffScreen"} <= contexts


@pytest.mark.parametrize("lang", tool.LANGS)
def test_every_source_string_is_translated(lang: str) -> None:
    gaps = tool.missing(tool.extract(), tool.load_fills(lang), lang)
    lines = [f"{ctx}: {src!r}" for ctx, entries in gaps.items() for src in entries]
    assert not lines, (
        f"{len(lines)} string(s) without a {lang} translation; fill assets/i18n/{lang}/*.json "
        "and run tools/i18n.py update:\n" + "\n".join(lines)
    )


@pytest.mark.parametrize("lang", tool.LANGS)
def test_the_compiled_catalogue_is_up_to_date(qapp, lang: str) -> None:  # type: ignore[no-untyped-def]
    translator = QTranslator()
    assert translator.load(str(tool.qm_path(lang)))
    fills = tool.load_fills(lang)
    stale = []
    for msg in tool.extract():
        want = fills.get(msg.context, {}).get(msg.source)
        if not want or not tool.needs(lang, msg):
            continue
        if msg.numerus:
            got = translator.translate(msg.context, msg.source, msg.comment or None, 1)
            want = want[0] if isinstance(want, list) else want
        else:
            got = translator.translate(msg.context, msg.source, msg.comment or None)
        if got != want:
            stale.append(f"{msg.context}: {msg.source!r} -> {got!r}, want {want!r}")
    assert not stale, "run tools/i18n.py update:\n" + "\n".join(stale)


def _classes() -> dict[str, tuple[list[str], bool, str]]:
    """class name -> (base names, whether its own methods call self.tr, file)."""
    found: dict[str, tuple[list[str], bool, str]] = {}
    for path in (ROOT / "ui").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            bases = [
                b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases
            ]
            uses_tr = any(
                isinstance(c, ast.Call)
                and isinstance(c.func, ast.Attribute)
                and c.func.attr == "tr"
                and isinstance(c.func.value, ast.Name)
                and c.func.value.id == "self"
                for c in ast.walk(node)
            )
            found[node.name] = (bases, uses_tr, str(path.relative_to(ROOT)))
    return found


def test_no_base_class_uses_self_tr() -> None:
    """PySide looks ``self.tr`` up under the runtime class: a base class's strings would be
    searched under each subclass's name and never found."""
    classes = _classes()
    wrong = [
        f"{name} ({classes[name][2]}) is subclassed by {sub}: use QCoreApplication.translate"
        for sub, (bases, _tr, _f) in classes.items()
        for name in bases
        if name in classes and classes[name][1]
    ]
    assert not wrong, "\n".join(wrong)
