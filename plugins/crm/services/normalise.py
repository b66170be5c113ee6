"""Reducing phones, e-mails and names to the forms duplicate detection compares (R5.1.2)."""

from __future__ import annotations

import re

_COMPANY_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团", "公司", "工作室", "商行", "店",
                     "co", "ltd", "inc", "llc", "corp", "company", "limited", "gmbh")
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def phone(value: str | None) -> str | None:
    """Digits only; a leading +86 / 0086 country code is dropped. None when nothing is left."""
    if not value:
        return None
    digits = re.sub(r"\D", "", value)
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits or None


def phone_problem(value: str | None) -> str | None:
    digits = phone(value)
    if value and value.strip() and (digits is None or not 5 <= len(digits) <= 20):
        return "phone"
    return None


def email(value: str | None) -> str | None:
    value = (value or "").strip().lower()
    return value or None


def email_valid(value: str | None) -> bool:
    return value is None or bool(EMAIL.match(value))


def name_key(value: str) -> str:
    """Lower case, no punctuation or spaces, without a company suffix: 北京星河科技有限公司 -> 北京星河科技."""
    key = _NOT_WORD.sub("", (value or "").lower())
    changed = True
    while changed:
        changed = False
        for suffix in _COMPANY_SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                key = key[: -len(suffix)]
                changed = True
    return key


def tags(value: str | list[str] | None) -> list[str]:
    """Tags from "a, b；c" or a list: trimmed, unique, at most 50 characters each."""
    if value is None:
        return []
    parts = value if isinstance(value, list) else re.split(r"[,，;；]", value)
    seen: list[str] = []
    for part in parts:
        tag = str(part).strip()[:50]
        if tag and tag not in seen:
            seen.append(tag)
    return seen
