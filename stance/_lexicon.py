"""Small word lists for statement extraction: reporting verbs, titles, roles, places, page furniture."""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Verbs that attribute a quotation ("..., he said"; 'Liu added, "..."').
QUOTE_VERBS = _words(
    """said says say told tells added adds adding warned warns warning stressed stresses stressing noted
    notes noting stated states wrote writes continued continues explained explains insisted insists
    argued argues claimed claims declared declares emphasised emphasized emphasises emphasizes remarked
    asked replied responded urged announced acknowledged recalled observed cautioned commented concluded
    tweeted posted pledged vowed called calls described describes promised slammed denounced agreed
    saying telling"""
)
#: Verbs that introduce reported speech without "that" ("Fried said he could not ...").
REPORT_VERBS = _words("said says say told tells")
#: Verbs that introduce reported speech followed by "that" ("Kirby stressed that ...").
REPORT_THAT_VERBS = _words(
    """warned warns stressed stresses noted notes stated states wrote writes insisted insists argued argues
    claimed claims declared declares emphasised emphasized explained explains added adds announced
    acknowledged acknowledges recalled cautioned confirmed confirms suggested suggests"""
)
#: Participles and coordinated verbs take the subject of an earlier verb ("Fried said ..., adding, ...").
PARTICIPLES = _words("adding saying noting warning stressing telling")

#: Words that can open the subject of a reporting verb that follows a quote ("..., the spokesman said").
DETERMINERS = frozenset("he she they we it the a an one his her its their".split())
#: Capitalised words that never name a speaker on their own ("Thursday, ... said").
NOT_SPEAKERS = frozenset(
    """Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August
    September October November December The A An On In At During Ahead After Before Moreover Nevertheless However
    Despite Following Earlier Later Meanwhile Also But And Yet So This That These Those It Asked Speaking""".split()
)

PRONOUNS = {"he": "person", "she": "person", "they": "group", "we": "group", "it": "group"}

#: Role nouns: "the spokesman said" resolves to the last named spokesman.
ROLES = _words(
    """spokesman spokeswoman spokesperson president minister secretary official diplomat ambassador envoy
    adviser advisor chancellor premier leader coordinator director chief negotiator senator governor
    analyst expert representative commissioner chairman chairwoman"""
)
#: Role nouns that name groups or institutions: attributed, but to no one in particular.
GROUPS = _words(
    """officials diplomats sources media analysts experts spokesmen ministers leaders lawmakers people
    ministry government administration embassy department office agency newspaper report statement
    man woman officers authorities"""
)
_SPOKES = frozenset({"spokesman", "spokeswoman", "spokesperson"})


def role_key(role: str) -> str:
    """One key for the words of a role ("spokeswoman" and "spokesperson" are both "spokes")."""
    role = role.lower()
    return "spokes" if role in _SPOKES else role


#: Capitalised words that are titles, institutions, nationalities, places, days or sentence openers,
#: never part of a person's name.
NOT_NAMES = _words(
    """Mr Mr. Mrs Mrs. Ms Ms. Dr Dr. Sir Lord President Vice Prime Minister Ministers Secretary Spokesman
    Spokeswoman Spokesperson Coordinator Adviser Advisor Director Ambassador Chairman Chief Deputy General
    Senator Sen. Rep. Representative Speaker Governor Mayor Commissioner Envoy Official Leader King Queen
    Prince Crown Premier Chancellor Foreign Affairs Commerce Treasury Defence Defense Finance Trade State
    Department Ministry House White Embassy Office Council Committee Commission Union Nations United
    European Agency Bank Central International Administration Government Kremlin Pentagon Parliament
    Congress Senate Organization Organisation Cooperation Times Post News Press Reuters CNN Tass ITAR-Tass
    Xinhua Financial Journal Daily Morning Herald Security National Sanctions Policy Assets Asset Control
    Controls Economic Energy Justice Interior Federal Republic People's Peoples Party Communist Olympic
    Olympics Winter Summer Games Forum Centre Center Convention Regional Cold War Group Summit Association
    Chinese Russian American Ukrainian Iranian European British French German Japanese Korean Indian
    Turkish Syrian Venezuelan Cuban Western Eastern Lithuanian Belarusian Israeli Saudi Arab Asian
    US U.S. USA U.S.A. UK U.K. EU UN NATO G7 G20 SCO OFAC WTO IMF ASEAN BRICS OPEC
    China Russia Ukraine Iran Iraq Syria Cuba Venezuela Korea Japan India Turkey Belarus Israel Germany
    France Britain England Italy Spain Poland Canada Australia Zealand Norway Switzerland Singapore
    Lithuania Kazakhstan Uzbekistan Myanmar Taiwan Hong Kong Xinjiang Tibet Europe Asia Africa America
    Crimea Donbas Moscow Beijing Washington Kyiv Kiev Tehran Caracas Havana London Paris Berlin Brussels
    Tokyo Seoul Delhi Ankara Minsk Rome Zurich Geneva Vienna Alaska Guilin Samarkand Naypyitaw Rimini
    North South East West New Middle Gulf Sea Strait
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July
    August September October November December
    The A An On In At During Ahead After Before Moreover Nevertheless However Despite Following Earlier
    Later Meanwhile Also But And Yet So This That These Those It He She They We Our His Her Their Its
    According Speaking Asked There Here When While As If Thanking Failing Since Like Latest Read See"""
)
#: Words that make a capitalised name an institution or a place rather than a person.
INSTITUTIONS = _words(
    """Department Ministry House Embassy Office Council Committee Commission Union Nations Agency Bank
    Administration Government Kremlin Pentagon Parliament Congress Senate Organization Organisation
    Times Post News Reuters CNN Tass ITAR-Tass Xinhua Journal Herald Group Forum Association"""
) | frozenset(w for w in NOT_NAMES if w[:1].isupper() and w not in _words("Mr Mr. Mrs Mrs. Ms Ms. Dr Dr. Sir"))
HONORIFICS = _words("Mr Mr. Mrs Mrs. Ms Ms. Dr Dr. Sir")

#: A whole paragraph of page furniture: navigation, sharing, bylines, advertisements.
FURNITURE_LINE = re.compile(
    r"""^\W*(?:read\ more|see\ more|read\ also|see\ also|also\ read|related(?:\ (?:articles|stories|posts))?
    |more\ like\ this|latest(?:\ news)?|recommended|most\ read|more\ from\ .{0,40}|advertisement|sponsored
    |subscribe\b.{0,80}|sign\ up\b.{0,80}|share\ (?:this|on)\b.{0,40}|posted\ on\b.{0,40}
    |published\ (?:at|in|on)\b.{0,60}|date:?|tags?:.{0,80}|follow\ us\b.{0,60}|click\ here\b.{0,60}
    |support\b.{0,40}!|photo:.{0,80}|image:.{0,80})\W*$""",
    re.IGNORECASE | re.VERBOSE,
)
#: Headings after which the rest of the page is other articles.
TRAILING_BLOCK = re.compile(
    r"^\W*(?:related(?:\ (?:articles|stories|posts))?|more\ like\ this|latest(?:\ news)?|recommended|most\ read"
    r"|more\ from\ .{0,40})\W*$",
    re.IGNORECASE | re.VERBOSE,
)
#: Headings followed by a list of headlines ("See also:").
LIST_HEADING = re.compile(r"^\W*(?:see\ also|read\ also|also\ read|related)\W*$", re.IGNORECASE | re.VERBOSE)
#: Lines after a headline that link to it ("see more", "Read more").
LINK_LINE = re.compile(r"^\W*(?:see\ more|read\ more)\W*$", re.IGNORECASE | re.VERBOSE)
#: Subscription and donation pleas.
PLEA = re.compile(
    r"\b(?:donat(?:e|ion|ions|ing)|subscri(?:be|ption|bers?)|independent\ journalism|help\ (?:us|keep)"
    r"|support\ (?:us|our\ journalism)|newsletter|paywall|become\ a\ member)\b",
    re.IGNORECASE | re.VERBOSE,
)
