"""Mask personal data in text before it reaches a public document.

Annexes and notices are published; citizens write their phone numbers, ID
numbers and names into their messages, and units copy them into what they
report. Every number is read whatever way it was typed — any separator
(space, no-break space, dash of any length, slash, underscore), digit by
digit, full-width, in Chinese numerals, with +86 or an area code in
brackets — and shown with only what recognises it in the ledger: a mobile
as 138****5678, an ID as 45**************34, a card as ****1234, a landline
as 0771-****07, a 7–9 digit number after 电话/手机/QQ… as ****06. Dates,
amounts and short codes stay. E-mail local parts, QQ and WeChat ids, car
plates and the building, unit and room of an address are masked too.
Names are masked where the text introduces a person (我叫, 本人, 联系人,
来电人, 张三反映, 村民孙七反映, 回访张三 …) and the name starts with a
Chinese surname, so "群众反映" or "群众路线" stay as they are; a compound
surname is kept whole (欧阳娜娜 → 欧阳某). docs/MASKING.md lists what is
masked and what is not.
"""

from __future__ import annotations

import re
from functools import lru_cache

# One character for one, so that positions found in the translated copy are
# positions in the original: full-width digits and signs as ASCII, Chinese
# numerals as digits (一三八…), every dash, slash, underscore and no-break
# space as a separator.
_HALF = str.maketrans(
    {
        **{chr(0xFF10 + k): str(k) for k in range(10)},
        **dict(zip("〇零一二三四五六七八九", "00123456789")),
        **dict(zip("＋（）ｘＸ／＿·•．", "+()xX/_...")),
        **{c: " " for c in "\u3000\u00a0\u2002\u2003\u2009"},
        **{c: "-" for c in "－–—―‐‑"},
    }
)
# A number as people type it: digits with up to two separators between any two of them.
_RUN = re.compile(r"(?<![\dA-Za-z])\d(?:[ \-./_()]{0,2}\d)*(?:[ \-]?[Xx](?![A-Za-z]))?")
_PHONE_WORDS = re.compile(r"(电话|手机|座机|号码|联系方式|联系|致电|拨打|来电|热线|tel|Tel|TEL|qq|QQ|微信)[^\d]{0,6}$")


def _masked_number(digits: str, context: str) -> str | None:
    """How a number of ``digits`` (the characters before it in ``context``) is shown in public, or None
    when it is not personal (a date, an amount, a short code)."""
    n = len(digits)
    prefix = (
        digits[:2]
        if n == 13 and digits.startswith("86")
        else digits[:4]
        if n == 15 and digits.startswith("0086")
        else ""
    )
    core = digits[len(prefix) :]
    if len(core) == 11 and core[0] == "1" and core[1] in "3456789":
        return prefix + core[:3] + "****" + core[-4:]  # a mobile: 138****5678
    if n in (15, 18) and digits[0] in "123456789" or (n == 17 and digits[-1:] in "Xx"):
        return digits[:2] + "*" * (n - 4) + digits[-2:]  # an ID number: 45**************34
    if digits.startswith("0") and 10 <= n <= 12:
        area = 3 if digits[1] in "12" else 4
        return digits[:area] + "-****" + digits[-2:]  # a landline with its area code
    if n >= 12:
        return "****" + digits[-4:]  # a bank card or another long personal number
    if n >= 7 and _PHONE_WORDS.search(context):
        return "****" + digits[-2:]  # a local number or an id introduced as a contact
    return None


_ANY_NUMBER = re.compile(r"[\d０-９]|[〇零一二三四五六七八九]{7}")
_ANY_CONTACT = re.compile(r"[@A-Za-z\d０-９]")


def _numbers(text: str) -> str:
    if _ANY_NUMBER.search(text) is None:  # most texts: nothing to look at
        return text
    plain = text.translate(_HALF)
    out, last = [], 0
    for m in _RUN.finditer(plain):
        digits = re.sub(r"[^\dXx]", "", m.group())
        if len(digits) < 7:
            continue
        shown = _masked_number(digits, plain[max(0, m.start() - 12) : m.start()])
        if shown is not None and ")" in m.group() and "-****" in shown:  # (0771)5501207 keeps its bracket
            shown = shown.replace("-****", ")****", 1)
        if shown is not None:
            out.append(text[last : m.start()] + shown)
            last = m.end()
    return "".join(out) + text[last:] if out else text


# Other ways to reach a person: mail, chat ids, car plates, and a home address below its estate or village.
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_CHAT = re.compile(
    r"((?:QQ|qq|扣扣|微信号?|wx|WeChat|wechat|VX|vx)\s*(?:号|号码)?\s*[:：是为]?\s*)([A-Za-z0-9_-]{5,20})"
)
_PLATE = re.compile(
    r"([京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z])[·•.\s]?[A-Z0-9]{4,5}[A-Z0-9挂学警]"
    r"(?![A-Za-z0-9])"
)
_ROOM = re.compile(
    r"\d+\s*(?:栋|幢|号楼|座|单元)(?:\s*[-之]?\s*\d+\s*(?:栋|幢|号楼|座|单元|楼|层|室|户|房|号))*"
    r"|\d{3,4}\s*(?:室|房|号房)"
)


_ROOM_HINT = re.compile(r"[栋幢座元室房]")


def _contacts(text: str) -> str:
    if _ANY_CONTACT.search(text) is None:
        return text
    if "@" in text:
        text = _EMAIL.sub(lambda m: m.group(1) + "***@" + m.group(2), text)
    text = _CHAT.sub(lambda m: m.group(1) + m.group(2)[:2] + "****", text)
    text = _PLATE.sub(lambda m: m.group(1) + "****", text)
    return _ROOM.sub(lambda m: re.sub(r"\d+", "*", m.group()), text) if _ROOM_HINT.search(text) else text


_COMPOUND = (
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 令狐 轩辕 端木 独孤 南宫 西门 百里 呼延 "
    "澹台 万俟 闻人 赫连 钟离 申屠 公冶 太史 濮阳 淳于 单于 宗政 仲孙 东郭 拓跋 完颜 乐正 漆雕 公羊"
).split()
_SINGLE = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
    "向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童"
    "凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项"
    "连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛"
    "仲虞敖巩明佘池查麻苑迟邝"
)
_SURNAME = "(?:" + "|".join(_COMPOUND) + f"|[{_SINGLE}])"
_GIVEN = r"[\u4e00-\u9fff]{1,2}"
# Words that introduce a person by name; after the weak ones (本人, 我是) the
# name must end where a clause does ("本人于去年" is not a name).
_STRONG = (
    r"(?:我叫|我姓|本人叫|本人名叫|我的名字是|名叫|姓名[:：]?|联系人[:：]?|反映人[:：]?|来电人[:：]?|投诉人[:：]?"
    r"|申请人[:：]?|举报人[:：]?|户主[:：]?|业主[:：]|市民[:：]|村民[:：]|群众[:：]|居民[:：])"
)
# Words that name a person when a name and a verb of speaking follow (村民孙七反映, 业主冯十一投诉, 回访张三):
# without the verb, "群众路线" or "市民中心" would be taken for names.
_MEDIUM = r"(?:村民|群众|市民|业主|居民|住户|家长|患者|职工|老人|租户|商户|司机)"
_CALLED = r"(?:回访|电话回访|走访)"
_WEAK = r"(?:本人|我是)"
_CLAUSE_END = r"(?=$|[\s，。；！？、,.;!?：:（(）)]|家住|住在|是|系|今年|电话|手机|联系|身份证|男|女|现年|年龄)"
_AFTER = r"(?:反映|来电|投诉|举报|咨询|来信|留言|诉称)"
# Words that begin with a surname but name no one.
_NOT_NAMES = {
    "曾多",
    "曾经",
    "曾多次",
    "于是",
    "于去",
    "于今",
    "于本",
    "向来",
    "向上",
    "常年",
    "全家",
    "全体",
    "万一",
    "连续",
    "连日",
    "多次",
    "何时",
    "任何",
    "时常",
    "时间",
    "高度",
    "关于",
    "单位",
    "方便",
    "安全",
    "文明",
    "管理",
    "应该",
    "和谐",
    "明年",
    "明确",
    "周边",
    "周围",
    "路口",
    "路段",
    "车辆",
    "项目",
    "卫生",
    "路线",
    "游客",
    "房屋",
    "关心",
    "方面",
    "文化",
    "白天",
    "代表",
    "经济",
    "余款",
    "安置",
    "尚未",
    "包括",
    "吉祥",
    "石头",
    "田地",
    "孙子",
    "钱款",
    "高兴",
    "江边",
    "林地",
    "金额",
    "宁静",
    "温暖",
    "雷雨",
}
# After a strong trigger a name that ends a clause is taken as short as it can
# be; otherwise two characters, even if one belongs to the next word: a
# character too many is masked rather than a name shown.
_NAMED = re.compile(
    rf"({_STRONG})\s*({_SURNAME})((?:[\u4e00-\u9fff]{{1,2}}?{_CLAUSE_END})|{_GIVEN})"
    rf"|({_WEAK})\s*({_SURNAME})({_GIVEN}){_CLAUSE_END}"
    rf"|({_MEDIUM})\s*({_SURNAME})([\u4e00-\u9fff]{{1,2}}?)(?={_AFTER}|说|称|表示|家|[，,：:。；]|$)"
    rf"|({_CALLED})\s*({_SURNAME})([\u4e00-\u9fff]{{1,2}}?)(?={_AFTER}|说|称|表示|[，,：:。；]|$)"
)
_TRIGGER = re.compile(
    r"我|本人|名|姓|人|户主|业主|市民|村民|群众|居民|住户|家长|患者|职工|老人|租户|商户|司机|回访|走访"
    r"|反映|来电|投诉|举报|咨询|来信|留言|诉称"
)
_REPORTED = re.compile(rf"(^|[\s，。；！？、,.;!?：:（(\[“\"])({_SURNAME})({_GIVEN})(?={_AFTER})")


# A "name" ending in one of these is the rest of a place: 石桥市民安镇 is 石桥市 + 民安镇, not 市民 + 安某.
_PLACE_ENDS = "镇乡村街区县路巷屯组庄湾坡岭桥寨场"


def _name(prefix: str, surname: str, given: str, *, medium: bool = False) -> str:
    """``medium``: found after 市民/村民 … with nothing stronger, where a place may be read as a name."""
    word = surname + given
    if word in _NOT_NAMES or word[:2] in _NOT_NAMES or (medium and given[-1] in _PLACE_ENDS):
        return prefix + word
    return prefix + surname + "某"


@lru_cache(maxsize=1 << 16)
def mask(text: str) -> str:
    """Phone, ID and card numbers, e-mail, chat ids, car plates, rooms of a home address, and names where
    the text introduces a person, masked. Remembered: a long list repeats its units, measures and texts."""
    if not text:
        return text
    text = _contacts(_numbers(text))
    if not _TRIGGER.search(text):
        return text

    def named(m: re.Match) -> str:
        k = next(k for k in (1, 4, 7, 10) if m.group(k))
        return _name(*m.group(k, k + 1, k + 2), medium=k == 7)

    text = _NAMED.sub(named, text)
    return _REPORTED.sub(lambda m: _name(m.group(1), m.group(2), m.group(3)), text)
