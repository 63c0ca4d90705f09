"""News agencies: how articles credit them, and the short English name we report.

>>> agency_of("Agence France-Presse"), agency_of("أ ف ب"), agency_of("The Associated Press")
('AFP', 'AFP', 'AP')
>>> credit_line("Source: AFP"), credit_line("المصدر: رويترز"), credit_line("— Agence France-Presse")
('AFP', 'Reuters', 'AFP')
>>> credit_line("Officials told Reuters on Monday") is None
True
"""

from __future__ import annotations

import re
from types import MappingProxyType

# Short name -> the spellings articles credit it with (English, French, Arabic).
AGENCY_SPELLINGS: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        "AFP": (
            "AFP", "Agence France-Presse", "Agence France Presse", "France-Presse",
            "أ ف ب", "أ.ف.ب", "ا ف ب", "فرانس برس", "وكالة فرانس برس", "فرانس بريس",
        ),
        "Reuters": ("Reuters", "Thomson Reuters", "رويترز", "وكالة رويترز"),
        "AP": (
            "AP", "Associated Press", "أسوشيتد برس", "اسوشيتد برس", "أسوشييتد برس",
            "وكالة أسوشيتد برس", "أ ب",
        ),
        "dpa": ("dpa", "Deutsche Presse-Agentur", "د ب أ"),
        "Xinhua": ("Xinhua", "Xinhua News Agency", "شينخوا", "وكالة شينخوا"),
        "ANSA": ("ANSA",),
        "EFE": ("EFE",),
        "UPI": ("UPI", "United Press International"),
        "Bloomberg": ("Bloomberg", "Bloomberg News"),
        "PA": ("PA", "Press Association", "PA Media"),
        "TASS": ("TASS", "ITAR-TASS", "تاس"),
        "Anadolu": ("Anadolu", "Anadolu Agency", "الأناضول", "وكالة الأناضول"),
        "Kyodo": ("Kyodo", "Kyodo News"),
        "Yonhap": ("Yonhap",),
        "KUNA": ("KUNA", "كونا"),
        "WAM": ("WAM", "وام"),
        "SPA": ("SPA", "واس"),
        "MENA": ("MENA", "أ ش أ"),
        "QNA": ("QNA", "قنا"),
        "PTI": ("PTI",),
        "IANS": ("IANS",),
    }
)  # fmt: skip

_ALEFS = str.maketrans("أإآ", "ااا")
_PUNCT = re.compile(r"[.·'’]")
_SPACES = re.compile(r"[\s\-‐–]+")
_LABEL = re.compile(
    r"^(?:sources?|credits?|via|wire|quelle|fuente|źródło|источник|المصدر|مصدر|المصادر)"
    r"\s*[:：]\s*(?P<rest>.+)$",
    re.I,
)
_DASHED = re.compile(r"^[—–-]+\s*(?P<rest>.+?)\.?$")
_BRACKETED = re.compile(r"^[(\[](?P<rest>[^()\[\]]+)[)\]]\.?$")
_SEVERAL = re.compile(r"\s*(?:/|&|,|،|\band\b|\s+و\s*)\s*")
MAX_CREDIT_CHARS = 60
"""The longest credit line, stripped (longer lines are prose)."""


def agency_key(text: str) -> str:
    """The form agency spellings are compared in: case, dots, hyphens and alefs folded.

    >>> agency_key("A.F.P."), agency_key("Agence France-Presse")
    ('afp', 'agence france presse')
    """
    key = _PUNCT.sub("", text.casefold().translate(_ALEFS))
    key = _SPACES.sub(" ", key).strip()
    return key.removeprefix("the ")


_BY_KEY: MappingProxyType[str, str] = MappingProxyType(
    {agency_key(s): short for short, spellings in AGENCY_SPELLINGS.items() for s in spellings}
)


def agency_of(text: str) -> str | None:
    """The short name of the agency `text` names (the whole of it), else None."""
    return _BY_KEY.get(agency_key(text.strip(" \t()[]:;,.—–-")))


def agencies_in(text: str) -> list[str]:
    """Agencies a credit names, alone or several: "AFP/Reuters" -> ["AFP", "Reuters"].

    Every part must be an agency: a photographer's or a picture agency's name makes the
    credit someone else's.
    """
    whole = agency_of(text)
    if whole is not None:
        return [whole]
    found = [agency_of(part) for part in _SEVERAL.split(text) if part]
    if not found or None in found:
        return []  # "JOHN DOE/AFP/Getty Images" credits a photo, not the story
    return [a for a in dict.fromkeys(found) if a is not None]


def credit_line(line: str) -> str | None:
    """The agency a credit line gives: "Source: AFP", "المصدر: أ ف ب", "— Reuters", "(AP)".

    Only a line that is a credit and nothing else: a sentence naming an agency is not one.
    """
    line = line.strip()
    if not line or len(line) > MAX_CREDIT_CHARS:
        return None
    for pattern in (_LABEL, _DASHED, _BRACKETED):
        match = pattern.match(line)
        if match:
            found = agencies_in(match["rest"])
            return found[0] if found else None
    return agency_of(line)
