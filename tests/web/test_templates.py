"""The templates hold nothing a strict CSP would block, and HTML is marked safe in one place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "src" / "medtrace" / "web"
TEMPLATES = sorted((WEB / "templates").rglob("*.html"))
FORBIDDEN = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "event handler": re.compile(r"\son[a-z]+\s*=", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "style element": re.compile(r"<style", re.I),
    "hx-on": re.compile(r"hx-on", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "|safe": re.compile(r"\|\s*safe\b"),
    "autoescape off": re.compile(r"autoescape\s+off"),
}


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_a_template_has_no_inline_script_style_or_unescaped_output(template: Path) -> None:
    text = template.read_text("utf-8")
    found = [name for name, pattern in FORBIDDEN.items() if pattern.search(text)]
    assert found == [], f"{template.name}: {found}"


def test_mark_safe_appears_only_in_the_sanitised_filter() -> None:
    users = sorted(
        path.relative_to(WEB).as_posix()
        for path in WEB.rglob("*.py")
        if "mark_safe(" in path.read_text("utf-8") or "SafeString(" in path.read_text("utf-8")
    )
    assert users == ["templatetags/medtrace.py"]
    text = (WEB / "templatetags" / "medtrace.py").read_text("utf-8")
    assert text.count("mark_safe(") == 1


def test_the_shipped_hashers_start_with_argon2() -> None:
    source = (WEB / "settings.py").read_text("utf-8")
    hashers = re.search(r"PASSWORD_HASHERS = \[(.*?)\]", source, re.S)
    assert hashers is not None
    assert re.findall(r'"([^"]+)"', hashers.group(1))[0].endswith("Argon2PasswordHasher")
