"""Checkable facts in text, so notes never carry one the transcript does not hold.

Small LLMs invent: a date that was never said, a number, a name, a link. What can be
checked mechanically is checked here: numbers (digits and number words, one normal
form for both), days, months and clock times, links and e-mail addresses, and names
(capitalised words inside a sentence). A sentence of notes whose facts are not all in
the transcript is unsupported; ``bench/bench_notes.py`` counts them as invented, and the
summarizer drops them.
"""

from __future__ import annotations

import re

NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000,
    "million": 1_000_000, "dozen": 12, "half": 0.5, "first": 1, "second": 2, "third": 3, "fourth": 4,
    "fifth": 5, "twice": 2, "once": 1, "single": 1, "double": 2, "triple": 3,
}
CALENDAR = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
            "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
            "today", "tomorrow", "yesterday", "tonight", "weekend", "spring", "summer", "autumn", "fall", "winter",
            "morning", "afternoon", "evening", "noon", "midnight", "quarter", "week", "month", "year")
# Capitalised words that are not names; the calendar is checked on its own.
NOT_NAMES = {"i", "i'm", "i've", "i'd", "i'll", "ok", "okay", "the", "a", "an", "and", "but", "so", "if", "we",
             "our", "they", "it", "this", "that", "these", "those", "there", "then", "first", "second", "third",
             "finally", "thanks", "thank", "yes", "no", "good", "well", "also", "however", "unfortunately", "once",
             "here", "what", "who", "why", "how", "when", "where", "now", "next", "let's", "please", "summary",
             "decisions", "decision", "action", "actions", "items", "open", "questions", "key", "points", "owner",
             "due", "none", "recorded", "transcript", "meeting", "notes", "minutes", "speaker", "team"}
_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w.+-]+@[\w-]+\.[\w.]+\b|\b[\w-]+\.(?:com|org|net|io|dev|ai)\b",
                  re.I)
_CLOCK = re.compile(r"\b\d{1,2}(?::\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)|\b\d{1,2}:\d{2}\b", re.I)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*%?")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_TIMELINK = re.compile(r"\[\d{1,2}:\d{2}(?::\d{2})?\]\([^)]*\)|\[\d{1,2}:\d{2}(?::\d{2})?\]")


def _number(token: str) -> str:
    token = token.rstrip("%").replace(",", "")
    try:
        value = float(token)
    except ValueError:
        return token
    return str(int(value)) if value == int(value) else str(value)


def facts(text: str) -> set[tuple[str, str]]:
    """{(kind, normal form)} of the checkable facts in *text*: number, calendar, clock,
    link, name. Time links Earmark itself writes ([mm:ss]) are not facts."""
    text = _TIMELINK.sub(" ", text)
    found: set[tuple[str, str]] = set()
    for match in _URL.finditer(text):
        found.add(("link", match.group(0).lower().rstrip(".,;)")))
    text = _URL.sub(" ", text)
    for match in _CLOCK.finditer(text):
        found.add(("clock", re.sub(r"\s|\.", "", match.group(0).lower())))
    text = _CLOCK.sub(" ", text)
    for match in _NUMBER.finditer(text):
        found.add(("number", _number(match.group(0))))
    for sentence in re.split(r"(?<=[.!?:;])\s+|\n+|^\s*[-*•]\s+", text):
        words = _WORD.findall(sentence)
        for i, word in enumerate(words):
            low = word.lower().strip("'’")
            if low in NUMBER_WORDS and low not in ("first", "second", "once", "single", "half"):
                found.add(("number", _number(str(NUMBER_WORDS[low]))))
            elif low in CALENDAR:
                found.add(("calendar", low))
            elif i > 0 and word[0].isupper() and low not in NOT_NAMES and not word.isupper():
                found.add(("name", low))
    return found


def source_index(transcript: str) -> tuple[set, str]:
    """What a transcript supports: its facts, and its words (a name said in lower case,
    or a number said as a word inside another, still counts as said)."""
    return facts(transcript), " " + " ".join(w.lower() for w in _WORD.findall(transcript)) + " "


def unsupported(text: str, index: tuple[set, str]) -> list[str]:
    """The facts of *text* that the transcript behind *index* does not hold."""
    known, words = index
    missing = []
    for kind, value in sorted(facts(text)):
        if (kind, value) in known:
            continue
        if kind in ("name", "calendar") and f" {value} " in words:
            continue
        missing.append(value)
    return missing


def content_words(text: str) -> set[str]:
    stop = {"the", "a", "an", "and", "or", "but", "to", "of", "in", "on", "for", "with", "that", "this", "is",
            "are", "was", "were", "be", "been", "it", "we", "our", "they", "their", "you", "i", "so", "as", "at",
            "by", "from", "will", "would", "can", "could", "should", "have", "has", "had", "do", "did", "not",
            "there", "then", "than", "about", "into", "also", "which", "what", "who", "all", "any", "some"}
    return {w.lower() for w in _WORD.findall(text) if w.lower() not in stop and len(w) > 2}
