"""A short, human label for a browser's User-Agent string (for the session list only)."""

from __future__ import annotations

import re

# Order matters: Edge and Opera also say Chrome; Chrome also says Safari.
_BROWSERS = [
    ("Edge", re.compile(r"Edg(?:e|A|iOS)?/")),
    ("Opera", re.compile(r"OPR/|Opera")),
    ("Firefox", re.compile(r"Firefox/|FxiOS/")),
    ("Chrome", re.compile(r"Chrome/|CriOS/")),
    ("Safari", re.compile(r"Safari/")),
]
_SYSTEMS = [
    ("iPhone", re.compile(r"iPhone")),
    ("iPad", re.compile(r"iPad")),
    ("Android", re.compile(r"Android")),
    ("Windows", re.compile(r"Windows")),
    ("macOS", re.compile(r"Macintosh|Mac OS X")),
    ("ChromeOS", re.compile(r"CrOS")),
    ("Linux", re.compile(r"Linux")),
]


def describe(user_agent: str) -> str:
    """ "Chrome (Windows)", "Safari (iPhone)"; "" when nothing is recognised."""
    browser = next((name for name, rx in _BROWSERS if rx.search(user_agent or "")), "")
    system = next((name for name, rx in _SYSTEMS if rx.search(user_agent or "")), "")
    if browser and system:
        return f"{browser} ({system})"
    return browser or system
