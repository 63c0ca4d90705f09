"""English news prose: headlines, sentences, captions, tags and reader comments."""

from __future__ import annotations

import random

from newsspider.demo.lexicon_en import (
    ATTRIBUTIONS,
    COMMENT_OPENERS,
    COMMENTERS,
    FIRST_NAMES,
    LAST_NAMES,
    TIMES,
    TOPICS_EN,
    TopicWords,
)
from newsspider.demo.model import City

_OUTLETS = ("AFP", "Reuters", "reporters", "a news conference", "local television")
_BLOWS = ("severe", "major", "fresh", "serious", "symbolic")
_VERDICTS = ("largely symbolic", "a turning point", "long overdue", "a risky gamble")


def capitalize(text: str) -> str:
    """Upper-case the first character only.

    >>> capitalize("the IMF cuts rates")
    'The IMF cuts rates'
    """
    return text[:1].upper() + text[1:]


def bare(phrase: str) -> str:
    """Drop a leading article or possessive, as headlines do.

    >>> bare("a ceasefire deal")
    'ceasefire deal'
    """
    for prefix in ("a ", "an ", "the ", "its "):
        if phrase.startswith(prefix):
            return phrase[len(prefix) :]
    return phrase


class EnglishWriter:
    """Writes plausible English news prose from a random stream."""

    language = "en"

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def _words(self, topic: str) -> TopicWords:
        return TOPICS_EN[topic]

    def _pick(self, options: tuple[str, ...]) -> str:
        return self._rng.choice(options)

    def person(self) -> str:
        """A reporter's or speaker's full name."""
        return f"{self._pick(FIRST_NAMES)} {self._pick(LAST_NAMES)}"

    def headline(self, topic: str, city: City) -> str:
        """A headline in the terse style of wire copy."""
        w = self._words(topic)
        verb = self._rng.choice(w.verbs)
        obj = bare(self._pick(w.objects))
        if self._rng.random() < 0.5:
            subject, form = bare(self._pick(w.actors)), verb.third
        else:
            subject, form = self._pick(w.groups), verb.base
        shape = self._rng.randrange(5)
        if shape == 0:
            text = f"{subject} {form} {obj} in {city.en}"
        elif shape == 1:
            text = f"{city.en}: {subject} {form} {obj}"
        elif shape == 2:
            text = f"{subject} to {verb.base} {obj}"
        elif shape == 3:
            other = bare(self._pick(tuple(a for a in w.actors if bare(a) != subject)))
            text = f"{subject} {form} {obj} in '{self._pick(_BLOWS)} blow' to {other}"
        else:
            text = f"{subject} {form} {obj} after {self._rng.randrange(2, 30)} days"
        return capitalize(text)

    def lede(self, topic: str, city: City) -> str:
        """An opening sentence: who did what, where and when."""
        w = self._words(topic)
        verb = self._rng.choice(w.verbs)
        if self._rng.random() < 0.5:
            return capitalize(
                f"{self._pick(w.actors)} {verb.past} {self._pick(w.objects)} in {city.en} "
                f"{self._pick(TIMES)}, {self._pick(ATTRIBUTIONS)}."
            )
        return capitalize(
            f"{self._pick(w.groups)} {verb.past} {self._pick(w.objects)} in {city.en} "
            f"{self._pick(TIMES)}, in a move seen as {self._pick(_VERDICTS)} by observers."
        )

    def sentence(self, topic: str, city: City) -> str:
        """A body sentence of one of a dozen shapes."""
        w = self._words(topic)
        rng = self._rng
        verb = rng.choice(w.verbs)
        actor, obj = self._pick(w.actors), self._pick(w.objects)
        shape = rng.randrange(11)
        if shape == 0:
            return f'"{self._pick(w.quotes)}," said {self.person()}, {self._pick(w.roles)}.'
        if shape == 1:
            return (
                f'"{self._pick(w.quotes)}," {self.person()}, {self._pick(w.roles)}, '
                f"told {self._pick(_OUTLETS)}."
            )
        if shape == 2:
            return f"{self.person()}, {self._pick(w.roles)}, said {self._pick(w.claims)}."
        if shape == 3:
            return f"The move comes after {actor} {verb.past} {obj} {self._pick(TIMES)}."
        if shape == 4:
            return f"It was not immediately clear whether {actor} would {verb.base} {obj}."
        if shape == 5:
            year = rng.randrange(2009, 2017)
            other = self._pick(w.groups)
            return capitalize(
                f"{actor} has been under pressure since {year}, when {other} {verb.past} {obj}."
            )
        if shape == 6:
            return (
                f"Officials in {city.en} said {self._pick(w.claims)}, while "
                f"{self._pick(w.groups)} {verb.past} {obj}."
            )
        if shape == 7:
            return (
                f"The figure is up {rng.randrange(2, 60)} percent from {rng.randrange(2010, 2017)}"
                f", according to the latest official data."
            )
        if shape == 8:
            return (
                f"Analysts say {actor} is likely to {verb.base} {obj} before the end of the year."
            )
        if shape == 9:
            return capitalize(f"{self._pick(TIMES)}, {actor} {verb.past} {obj}.")
        return capitalize(f"{self._pick(w.claims)}, {self._pick(ATTRIBUTIONS)}.")

    def subheading(self, topic: str) -> str:
        """A short crosshead inside a long article."""
        return self._pick(self._words(topic).subheads)

    def caption(self, topic: str, city: City) -> str:
        """A photo caption."""
        return self._pick(self._words(topic).captions).format(city=city.en)

    def tags(self, topic: str, city: City) -> tuple[str, ...]:
        """Two to four tags, the dateline city among them now and then."""
        pool = list(self._words(topic).tags)
        chosen = self._rng.sample(pool, self._rng.randrange(2, 4))
        if self._rng.random() < 0.4:
            chosen.append(city.en)
        return tuple(chosen)

    def comment(self, topic: str) -> tuple[str, str]:
        """A reader comment: its author and its text."""
        w = self._words(topic)
        verb = self._rng.choice(w.verbs)
        rest = self._rng.choice(
            (
                f"I don't think {self._pick(w.actors)} will ever {verb.base} "
                f"{self._pick(w.objects)}.",
                f"They said {self._pick(w.claims)}, but nobody asked the people.",
                f"{capitalize(self._pick(w.quotes))}? We will see.",
                "Let's wait and see what happens next month.",
            )
        )
        return self._pick(COMMENTERS), f"{self._pick(COMMENT_OPENERS)} {rest}"
