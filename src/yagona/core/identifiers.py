"""National identifier formats as data: a pattern and an optional declared checksum.

A check digit is a weighted sum of the body's digits modulo ``modulus``, declared in the
pack (no algorithm is coded per country)::

    checksum: {weights: [2, 1, 2, 1, 2, 1, 2], modulus: 10, digit_sum: true,
               complement: true}          # Luhn, for a 7-digit body
    checksum: {weights: [9, 8, 7, 6, 5, 4, 3, 2], modulus: 11, ten_as: null}

- ``weights``: one per body digit, left to right (the body is every digit but the last);
- ``digit_sum``: a product of two digits counts as the sum of its digits (14 -> 5);
- ``complement``: the check digit is ``(modulus - sum % modulus) % modulus``, else the
  remainder itself;
- ``ten_as``: the digit written when the result is 10 (modulus 11); null: no valid number.
"""

import re
from dataclasses import dataclass

CHECKSUM_KEYS = {"weights", "modulus", "digit_sum", "complement", "ten_as"}


@dataclass(frozen=True)
class IdentifierFormat:
    pattern: str
    checksum: dict | None = None
    example: str = ""

    def is_valid(self, value: str) -> bool:
        if not isinstance(value, str) or not re.fullmatch(self.pattern, value):
            return False
        return checksum_ok(value, self.checksum)


def checksum_problems(checksum, where: str) -> list[str]:
    """What is wrong with a declared checksum (empty when it can be used)."""
    if checksum is None:
        return []
    if not isinstance(checksum, dict):
        return [f"{where}: expected {{weights, modulus, ...}} or null"]
    found = [f"{where}.{key}: unknown key (known: {', '.join(sorted(CHECKSUM_KEYS))})"
             for key in sorted(set(checksum) - CHECKSUM_KEYS, key=str)]
    weights = checksum.get("weights")
    if not isinstance(weights, list) or not weights or \
            not all(isinstance(w, int) and not isinstance(w, bool) for w in weights):
        found.append(f"{where}.weights: a list of whole numbers, one per body digit")
    modulus = checksum.get("modulus")
    if not isinstance(modulus, int) or isinstance(modulus, bool) or modulus < 2:
        found.append(f"{where}.modulus: a whole number of 2 or more")
    ten_as = checksum.get("ten_as")
    if ten_as is not None and (not isinstance(ten_as, int) or not 0 <= ten_as <= 9):
        found.append(f"{where}.ten_as: a digit 0-9 or null")
    for key in ("digit_sum", "complement"):
        if not isinstance(checksum.get(key, False), bool):
            found.append(f"{where}.{key}: true or false")
    return found


def check_digit(body: list[int], checksum: dict) -> int | None:
    """The check digit for ``body``, or None when no digit can make it valid."""
    weights = checksum["weights"]
    if len(body) != len(weights):
        return None
    total = 0
    for digit, weight in zip(body, weights, strict=True):
        product = digit * weight
        total += sum(map(int, str(product))) if checksum.get("digit_sum") else product
    modulus = checksum["modulus"]
    value = total % modulus
    if checksum.get("complement"):
        value = (modulus - value) % modulus
    if value == 10:
        return checksum.get("ten_as")
    return value if value < 10 else None


def checksum_ok(value: str, checksum: dict | None) -> bool:
    if not checksum:
        return True
    if not value.isascii() or not value.isdigit():
        return False
    digits = [int(ch) for ch in value]
    check = check_digit(digits[:-1], checksum)
    return check is not None and check == digits[-1]


def is_uuid(value) -> bool:
    """Whether ``value`` reads as a UUID (public ids in paths: anything else is a 404)."""
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
