"""Statements and their speakers, found in a news article with regular expressions and small word lists.

The article is read paragraph by paragraph (one line each; blank lines are
ignored). Page furniture is dropped first (:mod:`stance._furniture`). Quoted
passages are matched in a copy of the article where every quotation is masked,
so that names and verbs inside quotes never attribute anything; attributions
are read from that copy and texts from the article itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from . import _lexicon as lx
from ._furniture import furniture
from ._speakers import Speakers

_MARK = re.compile(r"[\"“”«»„]")
_OPEN, _CLOSE = "“«„", "”»"
_WORD = re.compile(r"\w+(?:['’-]\w+)*")
_SENT_END = re.compile(r"[.!?…]+[\"”’)\]]*(?=\s+(?:[\"“‘(\[]?[A-Z0-9]|[\"“]_))")
_ABBREV = frozenset("Mr Mrs Ms Dr St Gen Sen Rep Gov Lt Col Jr Sr No vs Inc Co Corp Ltd etc Prof".split())
_VERB = re.compile(r"\b(?:" + "|".join(sorted(lx.QUOTE_VERBS, key=len, reverse=True)) + r")\b", re.IGNORECASE)
_REPORT = re.compile(
    r"\b(?:" + "|".join(sorted(lx.REPORT_VERBS | lx.REPORT_THAT_VERBS, key=len, reverse=True)) + r")\b"
)
_AUX = re.compile(r"(?:\s+(?:has|have|had|also|repeatedly|later|again|then|previously|publicly|once|had\s+been))+\s*$")
_AFTER = re.compile(r"[\s,]*(?:(?P<subj>[^\s,][^,]{0,80}?)\s+)?(?P<verb>" + _VERB.pattern[2:-2] + r")\b(?P<rest>[^;]*)")
# After a reporting verb: an optional object ("told CNN"), an optional time ("on Sunday"), an optional "that".
_TOLD = re.compile(r"\s*(?:reporters|journalists|(?:the\s+)?[A-Z][\w.’']*)?")
_OBJECT = re.compile(r"\s*(?:(?:on|last|this|earlier|in\s+a\s+statement)(?:\s+[A-Z]?\w+)?,?\s+)?(?P<that>that\s+)?")
_TAIL_ATTRIBUTION = re.compile(
    r",\s+(?P<subj>[^,]{2,80}?)\s+(?:has\s+|have\s+|had\s+)?(?:said|says|say|told\s+\w+|added|warned|stressed|noted)"
    r"\b[^,]*(?:,[^,]*)?[.!?]?\s*$"
)
_ACCORDING_START = re.compile(r"^\s*According to (?P<subj>[^,]{2,60}),\s*")
_ACCORDING = re.compile(r",?\s*\baccording to (?P<subj>[^,.]{2,60})[,.]?", re.IGNORECASE)
# The end of the words before a quote that lead in to it: 'X said ..., adding, "' or 'Fried said — "'.
_LEAD_IN_END = re.compile(r"\w[,:—–]\s*$|\w\s+[—–]\s*$")
_LEAD_IN = re.compile(r"(?:,?\s*(?:and\s+)?(?:adding|saying|noting|warning|stressing)\b)?[\s,:—–]*$")
_CLAUSE_BOUNDARY = re.compile(r"[,;:(—–]|\s-\s|\bthat\b")


@dataclass(frozen=True, slots=True)
class Statement:
    """One attributed statement of an article.

    Attributes
    ----------
    text : str
        What was said: the words inside the quotation marks for a direct quote
        (a quote split around "he said" is joined with a space, and so are the
        paragraphs of a quote that runs over several), the reported clause for
        reported speech ("... said that *clause*", "According to X, *clause*").
    speaker : str or None
        Who said it, as the article names them. A short form ("Kirby",
        "Mr Price"), a pronoun ("he said") or a definite role noun ("the
        spokesman said") is resolved to the fullest name the article gives that
        person ("John Kirby", "Ned Price"): a pronoun to the last named person
        who spoke or was the subject of a reporting verb ("Lavrov slammed the
        US. '...,' he said"), a role noun to the last speaker or person
        introduced with that role ("State Department spokesman Ned Price").
        An institution or a place that speaks ("the State Department said") is
        named as the article gives it. ``None`` when the speaker is unnamed
        ("officials said", "a spokesman said") or cannot be resolved.
    start, end : int
        Character offsets into the article: ``article[start:end]`` contains the
        statement (for a split or multi-paragraph quote, all its parts).
    kind : str
        ``"direct"`` for a quotation, ``"reported"`` for reported speech.
    """

    text: str
    speaker: str | None
    start: int
    end: int
    kind: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the fields."""
        return {"text": self.text, "speaker": self.speaker, "start": self.start, "end": self.end, "kind": self.kind}

    def __str__(self) -> str:
        return f"{self.speaker or '(unnamed)'} [{self.kind}]: {self.text}"


def n_words(text: str) -> int:
    """The number of words of ``text``."""
    return len(_WORD.findall(text))


def _paragraphs(article: str) -> list[tuple[int, int]]:
    out = []
    for m in re.finditer(r"[^\n]+", article):
        line = m.group()
        if line.strip():
            out.append((m.start() + len(line) - len(line.lstrip()), m.end() - (len(line) - len(line.rstrip()))))
    return out


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out, cur = [], start
    for m in _SENT_END.finditer(text, start, end):
        token = re.search(r"\S*$", text[cur : m.start()]).group()
        if token.lstrip('(“"') in _ABBREV or re.fullmatch(r"(?:[A-Z]\.)*[A-Z]", token):
            continue  # "Mr.", "U.S.": not the end of a sentence
        out.append((cur, m.end()))
        cur = m.end() + len(text[m.end() : end]) - len(text[m.end() : end].lstrip())
    if cur < end:
        out.append((cur, end))
    return out


@dataclass
class _Quote:
    start: int  # the opening mark
    end: int  # just after the closing mark
    pieces: list[tuple[int, int]]  # the quoted text of each part, between the marks


def _quotes(article: str, paragraphs: list[tuple[int, int]], skip: list[bool]) -> list[_Quote]:
    """Quotations, with those that run over several paragraphs (no closing mark until the last) joined."""
    quotes: list[_Quote] = []
    pending: _Quote | None = None  # a quote still open at the end of the previous paragraph
    for (s, e), skipped in zip(paragraphs, skip):
        if skipped:
            pending = None
            continue
        open_at, current = None, None
        for m in _MARK.finditer(article, s, e):
            ch, p = m.group(), m.start()
            if open_at is None:
                if ch in _CLOSE:
                    continue  # a stray closing mark
                open_at = p
                current = pending if pending is not None and p == s else _Quote(p, p, [])
                pending = None
            elif ch in _OPEN:  # opened again before closing: start afresh
                open_at, current = p, _Quote(p, p, [])
            else:
                current.pieces.append((open_at + 1, p))
                current.end = p + 1
                quotes.append(current)
                open_at, current = None, None
        pending = None
        if current is not None:  # open at the end of the paragraph: continued only if the next one opens a quote
            current.pieces.append((open_at + 1, e))
            pending = current
    return quotes


def _strip(article: str, s: int, e: int) -> tuple[int, int]:
    while s < e and (article[s].isspace() or article[s] in "—–-"):
        s += 1
    while e > s and (article[e - 1].isspace() or article[e - 1] in ",—–-"):
        e -= 1
    return s, e


def extract_statements(article: str, *, min_words: int = 5) -> list[Statement]:
    """Find the attributed statements of a news article and who made them.

    Parameters
    ----------
    article : str
        The article as plain text, one paragraph per line (blank lines between
        paragraphs are fine). Page furniture (subscription pleas, "Read more",
        lists of related articles, advertisements) is ignored.
    min_words : int, default 5
        Statements of fewer words are left out: scare quotes such as "no
        limits" are not statements. ``1`` keeps every attributed quote.

    Returns
    -------
    list of Statement
        In article order. Direct quotes need an attribution in their sentence
        ("..., he said", 'Zhao said: "..."', "According to X, ...") or must
        continue the quote of the paragraph before; unattributed quotations are
        left out.

    Raises
    ------
    TypeError
        If ``article`` is not a string or ``min_words`` not an int.
    ValueError
        If ``min_words`` is less than 1.
    """
    if not isinstance(article, str):
        raise TypeError(f"article must be a string, found {type(article).__name__}")
    if isinstance(min_words, bool) or not isinstance(min_words, int):
        raise TypeError(f"min_words must be an int, found {type(min_words).__name__}")
    if min_words < 1:
        raise ValueError(f"min_words must be 1 or more, found {min_words}")
    paragraphs = _paragraphs(article)
    skip = furniture(article, paragraphs)
    quotes = _quotes(article, paragraphs, skip)
    masked = list(article)
    for q in quotes:
        for s, e in q.pieces:  # the marks stay: they end sentences
            masked[s:e] = "_" * (e - s)
    masked = "".join(masked)
    sentences = [sent for (s, e), skipped in zip(paragraphs, skip) if not skipped for sent in _sentences(masked, s, e)]
    speakers = Speakers(masked, [(s, e) for (s, e), skipped in zip(paragraphs, skip) if not skipped], sentences)
    extractor = _Extractor(article, masked, paragraphs, sentences, speakers, min_words)
    return extractor.run(quotes)


class _Extractor:
    def __init__(self, article, masked, paragraphs, sentences, speakers: Speakers, min_words: int):
        self.article, self.masked, self.min_words = article, masked, min_words
        self.paragraphs, self.sentences, self.speakers = paragraphs, sentences, speakers

    def _sentence_of(self, pos: int) -> tuple[int, int]:
        for s, e in self.sentences:
            if s <= pos < e:
                return s, e
        return pos, pos

    def _paragraph_of(self, pos: int) -> int:
        return next(i for i, (s, e) in enumerate(self.paragraphs) if s <= pos <= e)

    def run(self, quotes: list[_Quote]) -> list[Statement]:
        events: list[tuple[int, str, Any]] = [(q.start, "quote", q) for q in quotes]
        events += [(s, "sentence", (s, e)) for s, e in self.sentences]
        events.sort(key=lambda ev: (ev[0], ev[1] == "sentence"))
        out: list[Statement] = []
        consumed: set[int] = set()
        last_direct: tuple[int, str | None] | None = None  # (paragraph, speaker) of the last attributed quote
        for _, what, item in events:
            if what == "quote":
                if id(item) in consumed:
                    continue
                st = self._direct(item, quotes, consumed, last_direct)
                if st is not None:
                    last_direct = (self._paragraph_of(item.end - 1), st.speaker)
                    if n_words(st.text) >= self.min_words:
                        out.append(st)
            else:
                s, e = item
                starts = [
                    q.start
                    for q in quotes
                    if q.start < e and s < q.end and n_words(self.article[q.start : q.end]) >= self.min_words
                ]
                if starts:  # only what leads in to the quote: 'X said ..., adding, "..."'
                    head = self.masked[s : min(starts)]
                    if not _LEAD_IN_END.search(head):
                        continue  # the quote is part of a clause: 'Zhao said Ukraine would "..."'
                    e = s + len(_LEAD_IN.sub("", head))
                st = self._reported(s, e)
                if st is not None:
                    out.append(st)
        return sorted(out, key=lambda st: st.start)

    # ------------------------------------------------------------ direct quotes
    def _direct(self, q: _Quote, quotes, consumed, last_direct) -> Statement | None:
        a, m = self.article, self.masked
        s0, _ = self._sentence_of(q.start)
        _, e1 = self._sentence_of(q.end - 1)
        pieces = list(q.pieces)
        speaker, found = None, False
        raw_end = a[q.pieces[-1][0] : q.pieces[-1][1]].rstrip()
        after = _AFTER.match(m, q.end, max(e1, q.end))
        if (
            after
            and raw_end[-1:] in ",?!—–-"
            and self._short(after.group("subj"))
            and after.group("verb").lower() not in lx.PARTICIPLES
        ):
            found, speaker = self._subject(after, q.end)
            nxt = next((o for o in quotes if o.start > q.end), None)
            if found and nxt is not None and not m[q.end : nxt.start].strip(" ,").endswith((".", "!", "?")):
                if m[q.end : nxt.start].rstrip().endswith(",") and nxt.start < e1 + 2:
                    pieces += nxt.pieces  # a quote split around "he said"
                    consumed.add(id(nxt))
        if not found:
            found, speaker = self._before(s0, q.start)
        para = self._paragraph_of(q.start)
        if not found and q.start == self.paragraphs[para][0] and para > 0:
            ps, pe = self.paragraphs[para - 1]  # 'Lavrov said:' closing the paragraph before
            if m[ps:pe].rstrip().endswith((":", ",")):
                found, speaker = self._before(self._sentence_of(pe - 1)[0], pe)
        if not found and m[s0 : q.start].strip(" _") == "" and last_direct is not None:
            if para - last_direct[0] <= 1:  # continues the last attributed quote
                found, speaker = True, last_direct[1]
        if not found:
            return None
        spans = [_strip(a, s, e) for s, e in pieces]
        text = " ".join(a[s:e] for s, e in spans if e > s)
        if speaker is not None:
            self.speakers.spoke(speaker, q.start)
        return Statement(text, speaker, spans[0][0], spans[-1][1], "direct")

    @staticmethod
    def _short(subj: str | None) -> bool:
        """A subject that can follow a quote: "he", "Kirby", "State Department spokesman Ned Price"."""
        if subj is None:
            return True
        words = subj.split()
        first, last = words[0].lower(), words[-1]
        return len(words) <= 8 and (
            words[0][0].isupper() or first in lx.DETERMINERS or first in lx.ROLES or last[0].isupper()
        )

    def _subject(self, after: re.Match, pos: int) -> tuple[bool, str | None]:
        subj = after.group("subj")
        if subj is None:  # "said Zhao", "added the spokesman"
            subj = re.split(r"[,.;:]", after.group("rest"), maxsplit=1)[0]
            return self.speakers.resolve(subj, pos, inverted=True)
        subj = _AUX.sub("", " " + subj)
        return self.speakers.resolve(subj, pos)

    def _subject_before(self, text: str, offset: int, verb: re.Match) -> tuple[bool, str | None]:
        """Resolve the subject of ``verb`` in ``text`` (a sentence or its start, at ``offset``)."""
        bounds = list(_CLAUSE_BOUNDARY.finditer(text, 0, verb.start()))
        subj = _AUX.sub("", " " + text[(bounds[-1].end() if bounds else 0) : verb.start()])
        if not subj.strip():
            if bounds and bounds[-1].group() == "," and len(bounds) > 1:  # "Daniel Russel, who ..., called"
                return self.speakers.resolve(text[: bounds[0].start()], offset + verb.start(), person_only=True)
            return False, None
        if subj.split()[-1] in ("and", "or", "but"):
            return False, None
        return self.speakers.resolve(" ".join(subj.split()[-8:]), offset + verb.start())

    def _before(self, s0: int, qstart: int) -> tuple[bool, str | None]:
        window = self.masked[s0:qstart]
        for v in reversed(list(_VERB.finditer(window))):
            if v.group().lower() in lx.PARTICIPLES:
                continue  # "..., adding, ": the subject is that of an earlier verb
            found, speaker = self._subject_before(window, s0, v)
            if found:
                return found, speaker
        acc = _ACCORDING.search(window)
        if acc:
            return self.speakers.resolve(acc.group("subj"), s0 + acc.start())
        return False, None

    # ----------------------------------------------------------- reported speech
    def _reported(self, s: int, e: int) -> Statement | None:
        m = self.masked
        sentence = m[s:e]
        acc = _ACCORDING_START.match(sentence)
        if acc:
            found, speaker = self.speakers.resolve(acc.group("subj"), s)
            return self._reported_clause(s + acc.end(), e, speaker, s) if found else None
        for v in _REPORT.finditer(sentence):
            end = v.end()
            if v.group() in ("told", "tells", "warned", "warns"):
                end = _TOLD.match(sentence, end).end()  # "told CNN", "told reporters"
            obj = _OBJECT.match(sentence, end)
            if v.group() not in lx.REPORT_VERBS and not obj.group("that"):
                continue
            cs = s + obj.end()
            tail = _TAIL_ATTRIBUTION.search(m, cs, e)
            ce = tail.start() if tail else e
            if n_words(m[cs:ce]) < max(self.min_words, 3):
                continue
            found, speaker = self._subject_before(sentence, s, v)
            if found:
                return self._reported_clause(cs, ce, speaker, s + v.start())
        for pattern in (_TAIL_ATTRIBUTION, _ACCORDING):
            hit = pattern.search(sentence)
            if hit:
                found, speaker = self.speakers.resolve(hit.group("subj"), s + hit.start())
                at_end = not sentence[hit.end() :].strip(" .")  # "..., according to Kirby." ends the clause
                if found:
                    return self._reported_clause(s, s + hit.start() if at_end else e, speaker, s + hit.start())
        return None

    def _reported_clause(self, cs: int, ce: int, speaker: str | None, pos: int) -> Statement | None:
        cs, ce = _strip(self.article, cs, ce)
        while ce > cs and self.article[ce - 1] in ".!?":
            ce -= 1
        text = self.article[cs:ce]
        if n_words(text) < max(self.min_words, 3) or not text[:1].isalnum():
            return None
        if speaker is not None:
            self.speakers.spoke(speaker, pos)
        return Statement(text, speaker, cs, ce, "reported")
