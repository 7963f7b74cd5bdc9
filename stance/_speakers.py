"""Who is speaking: names, pronouns and role nouns resolved to the names an article gives."""

from __future__ import annotations

import re

from . import _lexicon as lx

_RUN = re.compile(r"[A-Z][\w.'’-]*(?:\s+(?:(?:of|for)\s+)?[A-Z][\w.'’-]*)*")
_SUBJECT_VERB = re.compile(
    r"([A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*)\s+(?:(?:has|had|also)\s+)?(?:"
    + "|".join(sorted(lx.QUOTE_VERBS, key=len, reverse=True))
    + r")\b"
)
_NAME_TOKEN = re.compile(r"[A-Z][a-z\u00c0-\u024f'’-]*[a-z\u00c0-\u024f]\.?|[A-Z]\.")
_STARTERS = frozenset("The A An On In At During After Before Ahead Moreover Nevertheless However Despite".split()) | {
    "Following",
    "Earlier",
    "Later",
    "Meanwhile",
    "Also",
    "But",
    "And",
    "Yet",
    "So",
}


def _is(word: str, words: frozenset[str]) -> bool:
    return word in words or word.rstrip(".") in words


def _possessive(word: str) -> bool:
    return word.endswith(("'s", "’s", "s'", "s’"))


def person_name(tokens: list[str]) -> str | None:
    """The person's name at the end of capitalised ``tokens``, without titles; ``None`` if not a person.

    ``["Foreign", "Minister", "Wang", "Yi"]`` gives ``"Wang Yi"``; ``["Mr", "Price"]`` gives
    ``"Price"``; ``["State", "Department"]`` gives ``None``.
    """
    i = 0
    while i < len(tokens) and (_is(tokens[i], lx.NOT_NAMES) or _possessive(tokens[i])):
        i += 1
    rest = tokens[i:]
    if not rest or len(rest) > 4 or any(_is(t, lx.INSTITUTIONS) or not _NAME_TOKEN.fullmatch(t) for t in rest):
        return None
    return " ".join(t.rstrip(".") for t in rest[-3:])


class Speakers:
    """The people of one article, and who spoke last.

    Parameters
    ----------
    masked : str
        The article with its quotations masked.
    paragraphs : list of (start, end)
        The paragraphs of the article proper (no furniture).
    sentences : list of (start, end)
        Its sentences.
    """

    def __init__(self, masked: str, paragraphs: list[tuple[int, int]], sentences: list[tuple[int, int]]):
        self.sentences = sentences
        self.mentions: list[tuple[int, str]] = []  # (position, full name) of every named person
        self.roles: dict[str, set[str]] = {}
        self.persons: set[str] = set()
        self.history: list[tuple[int, str]] = []  # (position, speaker) of every statement so far
        self.subjects: list[tuple[int, str]] = []  # (position, name) of people who said or did something
        for s, e in paragraphs:
            for run in _RUN.finditer(masked, s, e):
                self._register(masked, run)
        for s, e in paragraphs:  # "Lavrov slammed the US. “...,” he said": he is Lavrov
            for m in _SUBJECT_VERB.finditer(masked, s, e):
                name = person_name(m.group(1).split())
                if name is not None:
                    self.subjects.append((m.start(), self._full(name, m.start())))

    def _register(self, masked: str, run: re.Match) -> None:
        tokens = run.group().split()
        if tokens and _possessive(tokens[-1]):
            tokens[-1] = tokens[-1][:-2]
        tail = tokens
        for k, t in enumerate(tokens):
            if t in ("of", "for"):
                tail = tokens[k + 1 :]
        name = person_name(tail)
        if name is None or " " not in name:
            return
        before = masked[max(0, run.start() - 40) : run.start()].split()[-3:] + tokens
        roles = {lx.role_key(w) for w in (w.lower().strip(",") for w in before) if w in lx.ROLES}
        self.mentions.append((run.start(), name))
        self.roles.setdefault(name, set()).update(roles)
        self.persons.add(name)

    # ------------------------------------------------------------------ lookup
    def _full(self, short: str, pos: int) -> str:
        """The fullest name the article gives ``short`` ("Kirby" -> "John Kirby")."""
        parts = short.split()
        matches = [(p, n) for p, n in self.mentions if all(part in n.split() for part in parts)]
        before = [n for p, n in matches if p <= pos]
        if before:
            return before[-1]
        return matches[0][1] if matches else short

    def _last_person(self, pos: int) -> str | None:
        """The person a "he" or "she" at ``pos`` stands for: the last one who spoke or acted as a subject."""
        spoke = [(p, n) for p, n in self.history if n in self.persons and p <= pos]
        spoke += [(p, n) for p, n in self.subjects if p < pos]
        if spoke:
            return max(spoke)[1]
        earlier = [n for p, n in self.mentions if p < pos]
        return earlier[-1] if earlier else None

    def _role(self, key: str, pos: int) -> str | None:
        name = next((n for _, n in reversed(self.history) if key in self.roles.get(n, ())), None)
        if name is None:
            name = next((n for p, n in reversed(self.mentions) if p < pos and key in self.roles.get(n, ())), None)
        if name is None:  # "a letter from Vladimir Putin in which the Russian president wrote"
            s = next((s for s, e in self.sentences if s <= pos < e), pos)
            name = next((n for p, n in reversed(self.mentions) if s <= p < pos), None)
        if name is not None:
            self.roles.setdefault(name, set()).add(key)
        return name

    def spoke(self, speaker: str, pos: int) -> None:
        """Record that ``speaker`` made a statement at ``pos``."""
        self.history.append((pos, speaker))

    def resolve(
        self, subject: str, pos: int, *, inverted: bool = False, person_only: bool = False
    ) -> tuple[bool, str | None]:
        """Resolve the subject of a reporting verb.

        Parameters
        ----------
        subject : str
            The words before the verb ("State Department spokesman Ned Price",
            "he", "the spokesman"), or after it when ``inverted`` ("said Zhao").
        pos : int
            Where the verb is.

        Returns
        -------
        (found, speaker)
            ``found`` is whether ``subject`` names a speaker at all (a person,
            a pronoun, a role or group noun, an institution); ``speaker`` is the
            name, or ``None`` when the speaker is unnamed.
        """
        words = [w.strip(',;:()[]"“”') for w in subject.split()]
        words = [w for w in words if w and w != "_" * len(w)]
        if inverted:
            cut = next(
                (k for k, w in enumerate(words) if w[0].islower() and w.lower() not in ("the", "of")), len(words)
            )
            if cut == 0 or (cut < len(words) and words[cut - 1][0].isupper()):
                words = words[:cut]
            words = words[:6]
        if not words:
            return False, None
        last, low = words[-1], words[-1].lower()
        if person_only and (last[0].islower() and low not in ("he", "she")):
            return False, None
        if low in lx.PRONOUNS:
            return True, self._last_person(pos) if lx.PRONOUNS[low] == "person" else None
        if _possessive(last):
            return False, None
        if last[0].islower():
            return self._noun(words, pos)
        run: list[str] = []
        for w in reversed(words):
            if w[0].isupper() or (w in ("of", "for") and run):
                run.insert(0, w)
            else:
                break
        while run and run[0] in ("of", "for"):
            run.pop(0)
        tail = run
        for k, t in enumerate(run):
            if t in ("of", "for"):
                tail = run[k + 1 :]
        name = person_name(tail)
        if name is not None:
            full = self._full(name, pos)
            self.persons.add(full)
            return True, full
        if person_only:
            return False, None
        role = next((lx.role_key(w) for w in run if w.lower() in lx.ROLES), None)
        if role is not None:
            definite = run[0] == "The" or (len(words) > len(run) and words[-len(run) - 1].lower() == "the")
            return True, self._role(role, pos) if definite else None
        while run and run[0] in _STARTERS:
            run.pop(0)
        if not run or any(_is(w, lx.NOT_SPEAKERS) for w in run):
            return False, None
        return True, " ".join(run)

    def _noun(self, words: list[str], pos: int) -> tuple[bool, str | None]:
        last = words[-1].lower()
        if last in lx.ROLES:
            det = [w.lower() for w in words[-5:-1]]
            definite = "the" in det and not {"a", "an", "one"} & set(det)
            return True, self._role(lx.role_key(last), pos) if definite else None
        if last in lx.GROUPS or last.rstrip("s") in lx.ROLES:
            return True, None
        return False, None
