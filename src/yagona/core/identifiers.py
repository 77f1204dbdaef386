"""National identifier formats as data: a pattern and an optional checksum."""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class IdentifierFormat:
    pattern: str
    checksum: dict | None = None
    example: str = ""

    def is_valid(self, value: str) -> bool:
        if not isinstance(value, str) or not re.fullmatch(self.pattern, value):
            return False
        return checksum_ok(value, self.checksum)


def checksum_ok(value: str, checksum: dict | None) -> bool:
    algorithm = (checksum or {}).get("algorithm", "none")
    if algorithm == "none":
        return True
    digits = [int(ch) for ch in value if ch.isdigit()]
    if len(digits) != len(value):
        return False
    if algorithm == "luhn":
        return luhn_ok(digits)
    if algorithm == "mod11":
        return mod11_ok(digits, checksum["weights"], checksum.get("ten_as"))
    raise ValueError(f"unknown checksum algorithm {algorithm!r}")


def luhn_ok(digits: list[int]) -> bool:
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def mod11_check_digit(body: list[int], weights: list[int], ten_as: int | None) -> int | None:
    """The check digit for ``body``, or None when no digit can be valid."""
    remainder = sum(d * w for d, w in zip(body, weights, strict=True)) % 11
    if remainder == 10:
        return ten_as
    return remainder


def mod11_ok(digits: list[int], weights: list[int], ten_as: int | None = None) -> bool:
    body, check = digits[: len(weights)], digits[len(weights)]
    if len(digits) != len(weights) + 1:
        return False
    return mod11_check_digit(body, weights, ten_as) == check


def luhn_check_digit(body: list[int]) -> int:
    for candidate in range(10):
        if luhn_ok([*body, candidate]):
            return candidate
    raise AssertionError("unreachable")
