"""ISINs (ISO 6166): two letters for the issuing country, nine characters, a check digit.

The check digit is Luhn's over the digits of the first eleven characters, each letter
written as its two-digit number (A = 10, ..., Z = 35): reading those digits from the right,
every other digit from the first is doubled (its digits summed when above 9), and the check
digit brings the total to a multiple of 10.
"""

import re

FORM = re.compile(r"[A-Z]{2}[A-Z0-9]{9}[0-9]")
E_FORM = "expected an ISIN: 2 letters, 9 letters or digits, 1 check digit (e.g. US0378331005)"
E_CHECK = "its check digit is {digit}, not {given}; expected a valid ISIN"


def check_digit(body: str) -> int:
    """The check digit of the first eleven characters ``body`` of an ISIN."""
    digits = "".join(str(int(c, 36)) for c in body)
    total = 0
    for position, digit in enumerate(reversed(digits)):
        value = int(digit) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def isin_problem(value: str) -> str | None:
    """What is wrong with ``value`` as an ISIN (None: nothing)."""
    if not FORM.fullmatch(value):
        return E_FORM
    digit = check_digit(value[:11])
    return None if digit == int(value[11]) else E_CHECK.format(digit=digit, given=value[11])
