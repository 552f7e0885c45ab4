"""Mask personal data in citizens' text before it reaches a public document.

Annexes and notices are published; citizens write their phone numbers, ID
numbers and names into their messages. Masking keeps enough to recognise a
number in the ledger (138****5678) and nothing more.
"""

from __future__ import annotations

import re

_ID = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})[-－—]?\d{3,4}(\d{4})(?!\d)")
_NAME = re.compile(r"(我叫|本人叫|本人名叫|我的名字是|姓名[:：]?|名叫)\s*([\u4e00-\u9fff])[\u4e00-\u9fff]{1,2}")


def mask(text: str) -> str:
    """Phone numbers, ID numbers and self-introduced names, masked."""
    if not text:
        return text
    text = _ID.sub(lambda m: m.group(1) + "********" + m.group(2), text)
    text = _MOBILE.sub(lambda m: m.group(1) + "****" + m.group(2), text)
    text = _LANDLINE.sub(lambda m: m.group(1) + "-****" + m.group(2), text)
    return _NAME.sub(lambda m: m.group(1) + m.group(2) + "某", text)
