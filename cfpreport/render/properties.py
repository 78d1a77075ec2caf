"""The document properties both files carry (title, subject, author, keywords), kept short.

Word refuses a core property longer than 255 characters (python-docx raises), and the
title of a report joins every product's name: 17 products were enough. Properties are
metadata for file browsers and search; the full text is in the document. So each is
cut at a character boundary and ends with "…", and the PDF's <title> and <meta> get
the same values, so the two files say the same.
"""

from __future__ import annotations

import dataclasses
import unicodedata

from cfpreport.report.blocks import Metadata

MAX_PROPERTY = 255  # characters; Word's limit for a core property
ELLIPSIS = "…"
KEYWORD_SEPARATOR = "; "  # the longer of the two files' separators (Word's)
_SEPARATORS = ("、", "，", "；", ",", ";", " ")
_JOINERS = {"\u200d", *map(chr, range(0xFE00, 0xFE10))}  # zero-width joiner, selectors


def document_properties(metadata: Metadata) -> Metadata:
    """The metadata with title, subject, author and keywords fit for document properties
    (the running header and every other field are left as they are)."""
    return dataclasses.replace(
        metadata, title=shortened(metadata.title), subject=shortened(metadata.subject),
        author=shortened(metadata.author), keywords=fitting_keywords(metadata.keywords))


def shortened(text: str, limit: int = MAX_PROPERTY) -> str:
    """``text`` if it has at most ``limit`` characters, else its start and "…".

    The cut never separates a character from the accents or joiners that follow it.
    """
    if len(text) <= limit:
        return text
    cut = limit - len(ELLIPSIS)
    while cut > 0 and (unicodedata.combining(text[cut]) or text[cut] in _JOINERS
                       or text[cut - 1] in _JOINERS):
        cut -= 1
    # Rather after a whole name of a list ("A、B、C…") when one ends near the limit.
    gap = max(text.rfind(separator, cut * 3 // 4, cut + 1) for separator in _SEPARATORS)
    return text[:gap if gap > 0 else cut].rstrip() + ELLIPSIS


def fitting_keywords(keywords: list[str], limit: int = MAX_PROPERTY) -> list[str]:
    """The keywords, or if together they are too long, the first ones that fit and "…"."""
    if len(KEYWORD_SEPARATOR.join(keywords)) <= limit:
        return keywords
    kept: list[str] = []
    for keyword in keywords:
        if len(KEYWORD_SEPARATOR.join([*kept, keyword, ELLIPSIS])) > limit:
            break
        kept.append(keyword)
    return [*kept, ELLIPSIS]
