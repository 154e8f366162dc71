"""User interface texts, part of the screens and entry unit (SWU-011).

One table per language; screens look texts up by key so that a translation can never
change a number or a unit. Wording fixed by a requirement is kept verbatim.
"""

from __future__ import annotations

# implements: SRS-044

EN: dict[str, str] = {
    "fill-u100": "Fill U-100 rapid-acting insulin only",
    "disconnect-set": "Infusion set disconnected from body",
    "review-title": "Review",
    "confirm-again": "Large bolus: confirm again",
    "press-confirm": "Press Confirm to start, Back to cancel",
    "bolus-stopped": "Bolus stopped",
    "keypad-locked": "Keypad locked: Up, Down, Confirm to unlock",
    "pin-required": "Clinician PIN required",
    "pin-locked-out": "PIN entry locked for 15 minutes",
    "time-confirm-again": "Time change of more than 3 hours: confirm again",
    "power-lost": "Power was lost at {time}: delivery was stopped",
    "enter-bg": "Enter blood glucose",
    "about-title": "About",
}

TABLES = {"en": EN}


def text(key: str, language: str = "en", **values: object) -> str:
    table = TABLES.get(language, EN)
    return table.get(key, EN[key]).format(**values)
