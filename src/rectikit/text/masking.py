"""Mask personal data in text before it reaches a public document.

Annexes and notices are published; citizens write their phone numbers, ID
numbers and names into their messages, and units copy them into what they
report. Masking keeps enough to recognise a number in the ledger
(138****5678) and nothing more, whatever way it was typed: with spaces or
dashes inside, a +86 or an area code in brackets, in full-width digits, an
old 15-digit ID. Names are masked where the text introduces a person (我叫,
本人, 联系人, 张三反映 …) and the name starts with a Chinese surname, so
"群众反映" or "我是一名教师" stay as they are; a compound surname is kept
whole (欧阳娜娜 → 欧阳某).
"""

from __future__ import annotations

import re

# Full-width digits and signs read as ASCII, one character for one, so that
# positions found in the translated copy are positions in the original.
_HALF = str.maketrans("０１２３４５６７８９＋（）－ｘＸ　", "0123456789+()-xX ")
_SEP = r"[ \-.·]?"
_ID = re.compile(rf"(?<![\dA-Za-z])(\d{{6}}){_SEP}((?:\d{_SEP}){{7}}\d){_SEP}((?:\d{_SEP}){{3}}[\dXx])(?![\dA-Za-z])")
_ID15 = re.compile(r"(?<![\dA-Za-z])(\d{6})(\d{6})(\d{3})(?![\dA-Za-z])")
_LONG_NUMBER = re.compile(rf"(?<![\dA-Za-z])(\d{{4}})((?:{_SEP}\d){{8,14}})({_SEP}\d{{4}})(?![\dA-Za-z])")
_DIGITS = re.compile(r"\d{7}|\d[ \-.·]\d")  # any number long enough to be personal
_MOBILE = re.compile(rf"(?<![\dA-Za-z])((?:\+?86{_SEP}|\(\+?86\){_SEP}|0086{_SEP})?1[3-9]\d){_SEP}(\d{{4}}){_SEP}(\d{{4}})(?!\d)")
_LANDLINE = re.compile(rf"(?<![\dA-Za-z])(\(0\d{{2,3}}\)|0\d{{2,3}}){_SEP}(\d{{3,4}}){_SEP}(\d{{4}})(?!\d)")

_COMPOUND = ("欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 令狐 轩辕 端木 独孤 南宫 西门 百里 呼延 "
             "澹台 万俟 闻人 赫连 钟离 申屠 公冶 太史 濮阳 淳于 单于 宗政 仲孙 东郭 拓跋 完颜 乐正 漆雕 公羊").split()
_SINGLE = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
           "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
           "向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童"
           "凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项"
           "连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛"
           "仲虞敖巩明佘池查麻苑迟邝")
_SURNAME = "(?:" + "|".join(_COMPOUND) + f"|[{_SINGLE}])"
_GIVEN = r"[\u4e00-\u9fff]{1,2}"
# Words that introduce a person by name; after the weak ones (本人, 我是) the
# name must end where a clause does ("本人于去年" is not a name).
_STRONG = (r"(?:我叫|我姓|本人叫|本人名叫|我的名字是|名叫|姓名[:：]?|联系人[:：]?|反映人[:：]?|来电人[:：]?|投诉人[:：]?"
           r"|申请人[:：]?|户主[:：]?|业主[:：]|市民[:：])")
_WEAK = r"(?:本人|我是)"
_CLAUSE_END = r"(?=$|[\s，。；！？、,.;!?：:（(）)]|家住|住在|是|系|今年|电话|手机|联系|身份证|男|女|现年|年龄)"
_AFTER = r"(?:反映|来电|投诉|举报|咨询|来信|留言|诉称)"
# Words that begin with a surname but name no one.
_NOT_NAMES = {"曾多", "曾经", "曾多次", "于是", "于去", "于今", "于本", "向来", "向上", "常年", "全家", "全体", "万一",
              "连续", "连日", "多次", "何时", "任何", "时常", "时间", "高度", "关于", "单位", "方便", "安全", "文明",
              "管理", "应该", "和谐", "明年", "明确", "周边", "周围", "路口", "路段", "车辆", "项目", "卫生"}
# After a strong trigger a name that ends a clause is taken as short as it can
# be; otherwise two characters, even if one belongs to the next word: a
# character too many is masked rather than a name shown.
_NAMED = re.compile(rf"({_STRONG})\s*({_SURNAME})((?:[\u4e00-\u9fff]{{1,2}}?{_CLAUSE_END})|{_GIVEN})"
                    rf"|({_WEAK})\s*({_SURNAME})({_GIVEN}){_CLAUSE_END}")
_TRIGGER = re.compile(r"我|本人|名|姓|人|户主|业主|市民|反映|来电|投诉|举报|咨询|来信|留言|诉称")
_REPORTED = re.compile(rf"(^|[\s，。；！？、,.;!?：:（(\[“\"])({_SURNAME})({_GIVEN})(?={_AFTER})")


def _numbers(text: str) -> str:
    plain = text.translate(_HALF)
    if _DIGITS.search(plain) is None:
        return text
    spans: list[tuple[int, int, str]] = []
    taken = [False] * len(plain)

    def hide(rx: re.Pattern, make) -> None:
        for m in rx.finditer(plain):
            if any(taken[m.start():m.end()]):
                continue
            spans.append((m.start(), m.end(), make(m)))
            taken[m.start():m.end()] = [True] * (m.end() - m.start())

    hide(_ID, lambda m: m.group(1) + "********" + m.group(3)[-4:].replace(" ", ""))
    hide(_ID15, lambda m: m.group(1) + "******" + m.group(3))
    hide(_MOBILE, lambda m: m.group(1).replace(" ", "") + "****" + m.group(3))
    hide(_LONG_NUMBER, lambda m: m.group(1) + "****" + m.group(3)[-4:])
    hide(_LANDLINE, lambda m: m.group(1) + "-****" + m.group(3))
    for start, end, masked in sorted(spans, reverse=True):
        text = text[:start] + masked + text[end:]
    return text


def _name(prefix: str, surname: str, given: str) -> str:
    word = surname + given
    if word in _NOT_NAMES or word[:2] in _NOT_NAMES:
        return prefix + word
    return prefix + surname + "某"


def mask(text: str) -> str:
    """Phone, ID and card numbers, and names where the text introduces a person, masked."""
    if not text:
        return text
    text = _numbers(text)
    if not _TRIGGER.search(text):
        return text
    text = _NAMED.sub(lambda m: _name(*(m.group(1, 2, 3) if m.group(1) else m.group(4, 5, 6))), text)
    return _REPORTED.sub(lambda m: _name(m.group(1), m.group(2), m.group(3)), text)
