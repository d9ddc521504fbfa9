"""French amounts in words: the agreement rules of "cent", "vingt", "mille", "million"."""

import pytest

from portal.french_numbers import euros_in_words, integer_in_words


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "zéro"),
        (1, "un"),
        (16, "seize"),
        (17, "dix-sept"),
        (21, "vingt et un"),
        (22, "vingt-deux"),
        (61, "soixante et un"),
        (70, "soixante-dix"),
        (71, "soixante et onze"),
        (77, "soixante-dix-sept"),
        (80, "quatre-vingts"),
        (81, "quatre-vingt-un"),
        (90, "quatre-vingt-dix"),
        (91, "quatre-vingt-onze"),
        (99, "quatre-vingt-dix-neuf"),
        (100, "cent"),
        (101, "cent un"),
        (180, "cent quatre-vingts"),
        (200, "deux cents"),
        (201, "deux cent un"),
        (1_000, "mille"),
        (1_001, "mille un"),
        (2_000, "deux mille"),
        (80_000, "quatre-vingt mille"),
        (200_000, "deux cent mille"),
        (1_000_000, "un million"),
        (2_000_000, "deux millions"),
        (80_000_000, "quatre-vingts millions"),
        (200_000_000, "deux cents millions"),
        (1_000_000_000, "un milliard"),
        (1_234_567, "un million deux cent trente-quatre mille cinq cent soixante-sept"),
    ],
)
def test_integer_in_words(number, words):
    assert integer_in_words(number) == words


@pytest.mark.parametrize(
    ("cents", "words"),
    [
        (1, "un centime"),
        (100, "un euro"),
        (101, "un euro et un centime"),
        (12_005, "cent vingt euros et cinq centimes"),
        (123_456, "mille deux cent trente-quatre euros et cinquante-six centimes"),
        (100_000_000, "un million d'euros"),
        (200_000_050, "deux millions d'euros et cinquante centimes"),
        (100_010_000, "un million cent euros"),
    ],
)
def test_euros_in_words(cents, words):
    assert euros_in_words(cents) == words


def test_out_of_range_is_refused():
    with pytest.raises(ValueError):
        integer_in_words(-1)
    with pytest.raises(ValueError):
        euros_in_words(-5)
    with pytest.raises(ValueError):
        integer_in_words(10**12)
