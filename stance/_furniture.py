"""Page furniture: the paragraphs of a web page that are not the article."""

from __future__ import annotations

from . import _lexicon as lx


def _headline_like(line: str) -> bool:
    """A short line without closing punctuation: a headline or a link."""
    return len(line.split()) <= 25 and not line.rstrip().endswith((".", "!", "?", '"', "”", "’", ")", ":"))


def furniture(article: str, paragraphs: list[tuple[int, int]]) -> list[bool]:
    """Which paragraphs are page furniture rather than the article.

    Furniture is: navigation and sharing lines ("Read more", "Share this",
    "Advertisement", "Posted on ...", "Support The Moscow Times!"); the
    headlines listed under "See also:" or "Read also:" and a headline followed
    by "see more"; everything after a "Related" or "More like this" heading;
    subscription and donation pleas, and everything after a plea found in the
    second half of the page (the end-of-article appeal and its paragraphs).

    Parameters
    ----------
    article : str
    paragraphs : list of (start, end)
        The paragraphs, as offsets into ``article``.

    Returns
    -------
    list of bool, one per paragraph
    """
    n = len(paragraphs)
    out = [False] * n
    lines = [article[s:e] for s, e in paragraphs]
    i = 0
    while i < n:
        line, start = lines[i], paragraphs[i][0]
        if i > 0 and lx.TRAILING_BLOCK.match(line):
            out[i:] = [True] * (n - i)
            break
        if lx.PLEA.search(line):
            if start > len(article) / 2:
                out[i:] = [True] * (n - i)
                break
            out[i] = True
        elif lx.FURNITURE_LINE.match(line):
            out[i] = True
            if lx.LINK_LINE.match(line) and i > 0 and _headline_like(lines[i - 1]):
                out[i - 1] = True
            if lx.LIST_HEADING.match(line):
                while i + 1 < n and _headline_like(lines[i + 1]) and not lx.FURNITURE_LINE.match(lines[i + 1]):
                    i += 1
                    out[i] = True
        i += 1
    return out
