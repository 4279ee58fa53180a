"""``number-mismatch``: a number that differs between an original's sentence and its English.

A number of the original's sentence that its English lacks, or an English number the
original does not have (digits and Chinese numerals compared by value:
三十 = 30, 5万 = 50,000, 百分之五 = 5%, 2022年 = 2022). With a Chinese original, also a
date read as a duration: 11日 (the 11th) or 3月 (March) rendered "11 days", "3 months",
where the Chinese has no such duration (11天, 3个月, 3日内); and a currency changed or
added: the English names a currency ("$5 million", "5 million yuan") that the Chinese
sentence does not, where the Chinese names another one (美元 as "yuan") or none at all (no
元, 币, 钱 or currency name). A bare 元 may be any local currency (yuan, NT$, HK$), so only a
named one (人民币, 美元, 欧元, 日元, 英镑) is held against a different English one. The
evidence has both.
"""

from __future__ import annotations

from collections.abc import Iterable

import regex

from pipeline.checks.base import register_source
from pipeline.checks.source.base import SourceCheck
from pipeline.core.findings import Finding, Severity
from pipeline.core.spans import Span
from pipeline.original.numbers import en_numbers
from pipeline.original.pair import SourcePair

# A day or month of a date (11日, 3月), not a count (3个月) nor a span (3日内, 5月份以来)
_ZH_DATE = regex.compile(r"(?<![0-9０-９个])([0-9]{1,2})(日|月)(?!份?[以之内前后来])")


def _dates_as_durations(zh: str, english: str) -> list[tuple[str, regex.Match[str]]]:
    """(the Chinese date part, the English duration) for each date of ``zh`` that ``english`` reads as a duration."""
    found = []
    for m in _ZH_DATE.finditer(zh):
        number, unit = m.groups()
        word = "days?" if unit == "日" else "months?"
        if regex.search(rf"{number}(?:天|个月|日内|日之内)", zh):
            continue
        if duration := regex.search(rf"(?<![\d.,]){number}\s+{word}\b", english):
            found.append((m.group(), duration))
    return found


# Currencies named in Chinese and in English (beside a number: "$5", "5 million yuan")
_ZH_CURRENCY = {
    "USD": regex.compile("美元|美金"),
    "CNY": regex.compile("人民币"),
    "EUR": regex.compile("欧元"),
    "JPY": regex.compile("日元"),
    "GBP": regex.compile("英镑"),
}
_ZH_ANY_MONEY = regex.compile("元|币|钱|镑|円|资金|款|价|费|金额|收入|薪")
_EN_CURRENCY = {
    "USD": regex.compile(
        r"(?<![A-Za-z])\$\s?\d|\d[\d.,]*(?:\s+(?:million|billion|trillion))?\s+(?:US\s+)?dollars?\b|\bUSD\b"
    ),
    "CNY": regex.compile(r"(?i)\b(?:yuan|rmb|renminbi|cny)\b"),
    "EUR": regex.compile(r"€|(?i:\beuros?\b)"),
    "JPY": regex.compile(r"(?i)\byen\b"),
    "GBP": regex.compile(r"£|(?i:\bsterling\b)"),
}
# What each of _EN_CURRENCY's patterns holds, casefolded (as the case-insensitive ones match:
# "ſterling" is sterling): an English sentence without any of them names no currency.
_EN_CURRENCY_HINTS = ("$", "dollar", "usd", "yuan", "rmb", "renminbi", "cny", "€", "euro", "yen", "£", "sterling")


def _currency_changes(zh: str, english: str) -> list[tuple[str, str, regex.Match[str]]]:
    """(the English currency, the Chinese one or "", where the English names it) for each
    currency the English names that the Chinese does not (see the module docstring)."""
    folded = english.casefold()
    if not any(hint in folded for hint in _EN_CURRENCY_HINTS):
        return []  # most sentences name no currency
    zh_named = {c for c, p in _ZH_CURRENCY.items() if p.search(zh)}
    if not zh_named and _ZH_ANY_MONEY.search(zh):
        return []  # a bare 元 or other money word: any currency may be meant
    found = []
    for currency, pattern in _EN_CURRENCY.items():
        if currency not in zh_named and (m := pattern.search(english)):
            found.append((currency, "、".join(sorted(zh_named)), m))
    return found


@register_source
class NumberMismatch(SourceCheck):
    id = "number-mismatch"
    severity = Severity.MAJOR
    description = (
        "A number differs between the Chinese original and its English (digits and Chinese numerals compared by value)"
    )

    def find_pair(self, pair: SourcePair) -> Iterable[Finding]:
        en_text, original_text = pair.en.text, pair.original.text
        for link in pair.alignment.links:
            if not link.zh or not link.en:
                continue
            original = pair.rules.numbers(link.zh_span.of(original_text))
            en = [
                (n, Span(link.en_span.start + n.span.start, link.en_span.start + n.span.end))
                for n in en_numbers(link.en_span.of(en_text))
            ]
            original_all = {n.key for n in original}
            en_all = {n.key for n, _ in en}
            missing = [n for n in original if n.strict and n.key not in en_all]
            extra = [(n, span) for n, span in en if n.strict and n.key not in original_all]
            missing = list({n.key: n for n in missing}.values())  # each value once
            shown = ", ".join(n.text for n in missing)
            evidence_base = {
                "zh": link.zh_span.of(original_text),
                "zh_start": link.zh_span.start,
                "zh_end": link.zh_span.end,
            }
            for n, span in extra:
                message = f"{n.text} is not in the Chinese original" + (f", which has {shown}" if missing else "")
                yield self.finding(
                    span,
                    message,
                    evidence={
                        **evidence_base,
                        "en_number": n.text,
                        "value": n.value,
                        "zh_numbers": [m.text for m in missing],
                    },
                )
            if pair.language == "zh":
                for date, duration in _dates_as_durations(evidence_base["zh"], link.en_span.of(en_text)):
                    start = link.en_span.start + duration.start()
                    yield self.finding(
                        Span(start, start + len(duration.group())),
                        f'"{duration.group()}" is a duration; the Chinese {date} is a date',
                        evidence={**evidence_base, "en_number": duration.group(), "zh_date": date},
                    )
                for currency, zh_currency, m in _currency_changes(evidence_base["zh"], link.en_span.of(en_text)):
                    start = link.en_span.start + m.start()
                    yield self.finding(
                        Span(start, start + len(m.group())),
                        f"the English names {currency} ({m.group().strip()}); the Chinese "
                        + (f"names {zh_currency}" if zh_currency else "names no currency"),
                        evidence={**evidence_base, "en_currency": currency, "zh_currency": zh_currency},
                    )
            if missing and not extra:
                yield self.finding(
                    link.en_span,
                    f"the Chinese original has {shown}, which the English lacks",
                    evidence={
                        **evidence_base,
                        "zh_numbers": [m.text for m in missing],
                        "values": [m.value for m in missing],
                    },
                )
