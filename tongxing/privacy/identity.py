"""Checks on identity numbers and phone numbers as people type them (issue 19): the check digits of a Hong Kong
identity card and a Taiwan national ID, and the shape of a Hong Kong or Taiwan phone number."""

from __future__ import annotations

import re

from .crypto import normalise

HKID = re.compile(r"^([A-Z]{1,2})([0-9]{6})([0-9A])$")
TWID = re.compile(r"^([A-Z])([1289])([0-9]{8})$")
# The Taiwan ID's letter stands for a two-digit number (the household registration area).
TW_LETTERS = dict(zip("ABCDEFGHJKLMNPQRSTUVXYWZIO", range(10, 36), strict=True))
PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ()\-]+$")


def hkid_valid(number: str) -> bool:
    """HKID: one or two letters, six digits and a check character (0-9 or A), weights 9..2 modulo 11; a
    one-letter number counts a leading space as 36 ("A123456(3)" is valid, "A123456(4)" is not)."""
    match = HKID.match(normalise(number))
    if not match:
        return False
    letters, digits, check = match.groups()
    values = ([36] if len(letters) == 1 else []) + [ord(ch) - 55 for ch in letters] + [int(d) for d in digits]
    total = sum(v * w for v, w in zip(values, range(9, 1, -1), strict=True))
    expected = (11 - total % 11) % 11
    return check == ("A" if expected == 10 else str(expected))


def twid_valid(number: str) -> bool:
    """Taiwan national ID (and the new resident certificate): a letter, 1/2 (or 8/9), eight digits; the letter's
    two digits weighted 1 and 9, the next eight digits 8..1, and the check digit sum to a multiple of 10."""
    match = TWID.match(normalise(number))
    if not match:
        return False
    letter, first, rest = match.groups()
    code = TW_LETTERS[letter]
    digits = [int(first)] + [int(d) for d in rest]
    total = code // 10 + (code % 10) * 9 + sum(d * w for d, w in zip(digits[:8], range(8, 0, -1), strict=True))
    return (total + digits[8]) % 10 == 0


def phone_valid(phone: str) -> bool:
    """Digits with the usual separators and an optional leading +: a Hong Kong number's 8 digits, a Taiwan
    number's 9-10 (with its leading 0), or an international number of up to 15."""
    if not PHONE_CHARACTERS.match(phone.strip()):
        return False
    digits = re.sub(r"\D", "", phone)
    return 8 <= len(digits) <= 15
