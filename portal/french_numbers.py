"""Amounts in words in French, as tax receipts print them ("cent vingt euros et cinq centimes").

Traditional spelling (hyphens only below one hundred, "et un", "quatre-vingts", "deux cents"),
with the agreement rules: "cents" and "quatre-vingts" take an s only when they end the number
or come before "millions"/"milliards" (nouns), never before "mille" (an invariable adjective).
"""

from __future__ import annotations

UNITS = [
    "zéro",
    "un",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "six",
    "sept",
    "huit",
    "neuf",
    "dix",
    "onze",
    "douze",
    "treize",
    "quatorze",
    "quinze",
    "seize",
]
TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}


def _below_100(n: int, *, plural_ending: bool) -> str:
    if n <= 16:
        return UNITS[n]
    if n < 20:
        return "dix-" + UNITS[n - 10]
    tens, unit = divmod(n, 10)
    if tens in (7, 9):
        # soixante-dix, quatre-vingt-dix: the tens of 60 or 80 plus ten to nineteen.
        base = "soixante" if tens == 7 else "quatre-vingt"
        rest = n - (60 if tens == 7 else 80)
        if rest == 11 and tens == 7:
            return "soixante et onze"
        return f"{base}-{_below_100(rest, plural_ending=False)}"
    if tens == 8:
        if unit == 0:
            return "quatre-vingts" if plural_ending else "quatre-vingt"
        return f"quatre-vingt-{UNITS[unit]}"
    word = TENS[tens]
    if unit == 0:
        return word
    if unit == 1:
        return f"{word} et un"
    return f"{word}-{UNITS[unit]}"


def _below_1000(n: int, *, plural_ending: bool) -> str:
    """`plural_ending`: nothing follows, or a noun (millions) does, so "cents" may take an s."""
    hundreds, rest = divmod(n, 100)
    parts = []
    if hundreds:
        if hundreds == 1:
            word = "cent"
        else:
            word = f"{UNITS[hundreds]} cent"
            if rest == 0 and plural_ending:
                word += "s"
        parts.append(word)
    if rest:
        parts.append(_below_100(rest, plural_ending=plural_ending))
    return " ".join(parts)


def integer_in_words(n: int) -> str:
    """A whole number from 0 to 999 999 999 999 in French words."""
    if n < 0 or n >= 10**12:
        raise ValueError(f"{n} is outside 0 to 999 999 999 999")
    if n == 0:
        return "zéro"
    billions, rest = divmod(n, 10**9)
    millions, rest = divmod(rest, 10**6)
    thousands, units = divmod(rest, 1000)
    parts = []
    for count, singular in ((billions, "milliard"), (millions, "million")):
        if count:
            word = _below_1000(count, plural_ending=True)
            parts.append(f"{word} {singular}{'s' if count > 1 else ''}")
    if thousands:
        parts.append(
            "mille" if thousands == 1 else f"{_below_1000(thousands, plural_ending=False)} mille"
        )
    if units:
        parts.append(_below_1000(units, plural_ending=True))
    return " ".join(parts)


def euros_in_words(cents: int) -> str:
    """`cents` as euros and centimes in words: 120_05 -> "cent vingt euros et cinq centimes"."""
    if cents < 0:
        raise ValueError("an amount in words cannot be negative")
    euros, rest = divmod(cents, 100)
    parts = []
    if euros or not rest:
        words = integer_in_words(euros)
        # "un million d'euros", but "un million cent euros".
        of = "d'" if euros >= 10**6 and euros % 10**6 == 0 else ""
        parts.append(f"{words} {of}euro{'s' if euros > 1 else ''}")
    if rest:
        centimes = f"{integer_in_words(rest)} centime{'s' if rest > 1 else ''}"
        parts.append(f"et {centimes}" if parts else centimes)
    return " ".join(parts)
