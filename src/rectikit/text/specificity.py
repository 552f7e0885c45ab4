"""What an opinion points at, for triage (the guideline is docs/TRIAGE.md).

Seed 001 asks that "建设性且指向性明确" opinions be rectified at once and
that 94 of 435 "符合整改条件" opinions become key tasks; a wish such as
"希望政府多关心民生" is not a task. These signals say how specific a text is
(a named place, a number, a facility, a concrete problem, a concrete ask),
how general, and what raises its priority (safety, raised again, many
people). Each returns the words that fired, so a reviewer sees why.

All patterns read the comparison form from :func:`rectikit.text.normalise`
(simplified, no punctuation, Chinese numbers before measure words as digits).
"""

from __future__ import annotations

import re
from functools import lru_cache

from rectikit.text.normalise import PLACE_SUFFIX, SUFFIX_CHARS

# Words that end in a place suffix but name no particular place.
_GENERIC_PLACES = frozenset(
    "农村 乡村 城乡 城市 全市 本市 我市 该市 市区 城区 县区 全区 本区 我区 辖区 景区 园区 片区 社区 小区 街道 全县 本县 我县 县城"
    " 乡镇 全乡 本乡 本村 全村 我村 该村 各村 村村 老旧小区 安置小区 公园 医院 市场 学校 小学 中学 大道 道路 马路 公路"
    " 城镇 集镇 边远山区 偏远农村 周边 城中村 商品房小区 内河 河流 各地 省市 超市 门市 夜市 集市 菜市 都市".split()
)
# A city, county or district alone says where, not what: not specific enough.
_REGIONS = frozenset("市县区省")
# A place name is not introduced by these (向农村, 各社区, 到医院).
_NOT_A_NAME_BEFORE = set("各全本我该此这每哪多些个的在到向进和与及等是有去回住")
# Words that end a clause's other words: a place name does not run back over them.
_CLAUSE_WORDS = "的了在是和与及到向去从把被"

_NUMBER = re.compile(
    r"\d+(?:多|余)?(?:个|公里|米|次|趟|户|名|人|栋|幢|号|楼|层|元|块|天|年|月|日|辆|间|座|处|亩|吨|小时|分钟|路|组|岁|所|条|家|周)"
)


# name: (label, words). The label is what the review workbook prints. Words are in the comparison form
# (simplified, lower case).
WORD_SIGNALS: dict[str, tuple[str, str]] = {
    "facility": (
        "具体设施",
        "路灯 红绿灯 信号灯 减速带 斑马线 人行道 人行天桥 天桥 护栏 路面 村道 通屯路 泥巴路 危桥 桥梁 电梯 管网 管道 水管 水表"
        " 电表 排水沟 下水道 井盖 垃圾桶 垃圾站 垃圾池 公厕 厕所 监控 摄像头 公交站 站点 站牌 班车 班次 停车位 停车场"
        " 消防通道 围墙 变电站 自来水 水厂 饮水工程 路基 河道 沟渠 水渠 绿化带 健身器材 食堂 教室 宿舍 校门 工地 楼道 窗口"
        " 教学点 卫生室 卫生院 检测点 服务中心 登记中心 办事大厅 营业厅 安置房 回迁房 农贸市场 菜市场 夜市 烧烤摊 夜宵摊"
        " 收集点 垃圾收集点 服务站 网上系统 办事系统 网站 公众号 售票机 自助机 遮雨棚 候车亭"
        " ktv 麻将馆 养猪场 养殖场 加工厂 砂场 工厂",
    ),
    "problem": (
        "具体问题",
        "坑洼 坑坑洼洼 破损 损坏 坏了 不亮 堵塞 积水 水浸 漏水 渗水 停水 断水 停电 黑臭 发臭 臭味 恶臭 臭气 异味 噪音 噪声"
        " 扰民 夜间施工 通宵施工 直排 偷排 排污 乱排 污染 粉尘 占道 乱停 乱放 乱搭 违建 违章 私建 乱收费 违规收费 拖欠 没人管"
        " 无人管 无人清理 没有清理 没有修 未修复 泥泞 没有路灯 故障 开裂 倾斜 塌陷 垮塌 淤泥 垃圾堆积 污水横流 油烟 水质浑浊 缺货"
        " 堵死 拥堵 停运 停工 烂尾 延期交房 办不了 跑了 要跑 来回跑 等很久 排队 卡顿 赌博 盗窃 偷盗 诈骗 传销 非法营运"
        " 非法捕捞 扰乱 不规范 不合理 超标 无证 无照 私宰 强买强卖 推诿 投诉 举报 违规 违法 非法 不合格 质量差 欺骗 虚假"
        " 强制 乱 严重影响 无法通行 停车难 出行难 不作为 没有兑现 未兑现 过大 过多 过高 过少 太少 太多 太贵 太长 太远 太差"
        " 偏高 偏低 不足 缺少 缺乏 不够 不及时 不到位 不方便 不安全 困难 复杂 繁琐 手续多 环节多 时间长 办理慢 没有建好"
        " 还没有 不一致 不公开 不透明 不办事 要等 价格高 收费高 分量少"
        " 没有发放 未发放 发放不及时 不到账 未到账 没到位 形同虚设 太近",
    ),
    "ask": (
        "具体诉求",
        "修复 修补 维修 修好 修缮 安装 加装 增设 设置 清理 清淤 疏通 整治 查处 取缔 拆除 制止 硬化 恢复 更换 搬迁 关停 处罚"
        " 开通 增加班次 加强巡查 派人 检测 抽检 公开 退还 补发 兑现 纳入",
    ),
    "severity": (
        "安全",
        "安全隐患 危险 危桥 危房 消防 溺水 事故 中毒 食品安全 倒塌 坍塌 触电 伤人 致癌 火灾 塌方 滑坡 三无食品",
    ),
    "repeat": (
        "反复反映",
        "反映多次 多次反映 多次投诉 多次举报 再次 一再 去年反映 上次反映 仍未 至今 还是没有 整改不彻底 又反弹 又出现 没有结果"
        " 几年了 多年",
    ),
    "breadth": (
        "涉及人多",
        "群众 村民 居民 学生 老人 家长 业主 市民 大家 附近 周边 全村 每家每户 行人 过往 商户 几万 几千 上百 全体"
        " 工人 工友 职工 员工 教师 老师 住户 租户 乘客 患者 游客",
    ),
}
# A general wish: the one signal that needs a pattern, not a word list.
GENERAL = re.compile(
    r"加大.{0,8}(?:力度|投入|支持|扶持)|多关心|多关注|多为|多听|多下基层|多到基层|进一步|继续|越来越|更加|更好|"
    r"提高.{0,6}(?:水平|待遇|标准|收入|效率|积极性)|加强.{0,6}(?:建设|管理|监管|宣传|培养|保护|协调|教育|监督)|"
    r"完善.{0,6}(?:机制|制度|体系|政策)|优化.{0,4}环境|落实到位|整体|总体|满意|关爱|惠民|民生|希望政府"
)
# Every word once, with the signals it belongs to (危桥 is a facility and a danger).
_WORDS: list[str] = sorted({w for _label, words in WORD_SIGNALS.values() for w in words.split()})
_OWNERS: list[tuple[str, ...]] = [
    tuple(n for n, (_l, words) in WORD_SIGNALS.items() if w in words.split()) for w in _WORDS
]


@lru_cache(maxsize=1)
def _signal_matcher():
    from ahocorasick_rs import AhoCorasick

    return AhoCorasick(_WORDS)


# What a complaint is about, to tell two template texts apart (rectikit.text.normalise.same_problem):
# facilities and concrete problems, without the words every complaint uses.
_EVERY_COMPLAINT = {"投诉", "举报", "乱", "严重影响", "困难", "不方便", "不安全", "不足", "缺少", "缺乏", "不够"}
_TOPIC_WORDS = sorted({w for name in ("facility", "problem") for w in WORD_SIGNALS[name][1].split()} - _EVERY_COMPLAINT)


@lru_cache(maxsize=1)
def _topic_matcher():
    from ahocorasick_rs import AhoCorasick

    return AhoCorasick(_TOPIC_WORDS)


@lru_cache(maxsize=300_000)
def topics(norm: str) -> list[tuple[int, int, str]]:
    """Where a text names a complaint (a facility or a concrete problem), as (start, end, word), every
    occurrence, overlaps included: one Aho-Corasick pass, remembered (a text is compared with many)."""
    return [
        (start, end, _TOPIC_WORDS[k])
        for k, start, end in _topic_matcher().find_matches_as_indexes(norm, overlapping=True)
    ]


_ORDER = ("place", "region", "number", *WORD_SIGNALS, "general")  # as the reasons are read out
LABELS = {name: label for name, (label, _w) in WORD_SIGNALS.items()} | {
    "general": "笼统",
    "place": "指明地点",
    "region": "指明县区",
    "number": "具体数字",
}


# Words that never begin a place name: prepositions, pronouns, conjunctions, adverbs, particles (在, 我们,
# 的) and verbs of two or more characters (投诉, 希望, 位于); a one-character verb may be part of a name (叫安乡).
_NOT_A_NAME = ("p", "r", "c", "d", "u")


def _name_start(norm: str, start: int, end: int) -> int:
    """Where the name before the place suffix at ``start:end`` begins: at a word boundary up to four
    characters back, not at a word that never begins a name (投诉泉星社区 gives 泉星, 希望a市 gives a,
    要求县 gives nothing); ``start`` when no name is left. The words are cut with the suffix in place
    (上思县 is one word)."""
    import rjieba

    at = max(0, start - 6)
    for word, tag in rjieba.tag(norm[at:end]):
        if at >= start:
            break
        if start - at <= 4 and not tag.startswith(_NOT_A_NAME) and not (tag == "v" and len(word) > 1):
            return at
        at += len(word)
    return start


def named_places(norm: str, regions: bool = False) -> list[str]:
    """Names before a place suffix (高岭村, 民主路, 实验小学), not 农村, 各社区, 医院; with ``regions``,
    the cities, counties and districts instead (北湖区, 青溪县)."""
    return list(_named(norm)[1 if regions else 0])


def every_place(norm: str) -> set[str]:
    """Every place a text names, counties and districts included, whole (泉星社区, a7县)."""
    places, regions = _named(norm)
    return {*places, *regions}


@lru_cache(maxsize=1 << 17)
def _named(norm: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Places and regions in one pass over the suffixes; remembered, as merging, triage and the reasons
    a reviewer reads all ask it of the same texts."""
    places: list[str] = []
    regions: list[str] = []
    for m in PLACE_SUFFIX.finditer(norm):
        start, suffix = m.start(), m.group(1)
        if (
            start < 2
            or norm[start - 1] in _NOT_A_NAME_BEFORE
            or suffix[-1] == "学"
            and norm[m.end(1) : m.end(1) + 1] == "生"
        ):
            continue  # 高中学生, 三小学生: pupils, not a school named 高中学
        if norm[start - 1 : start] + suffix in _GENERIC_PLACES or norm[start - 2 : start] + suffix in _GENERIC_PLACES:
            continue
        core = norm[_name_start(norm, start, m.end(1)) : start]
        if len(core) < 2 and not core.isascii() or not core:  # 的危桥: no name; a市, f县: masked names
            continue
        cut = max(core.rfind(ch) for ch in _CLAUSE_WORDS)  # 村里的危桥: the name cannot reach back over 的
        if cut >= 0:
            core = core[cut + 1 :]
            if len(core) < 2:
                continue
        inner = max(core.rfind(ch) for ch in SUFFIX_CHARS)  # 那桐镇坡头村: 坡头村 after 那桐镇
        if inner >= 0 and len(core) - inner - 1 >= 2:
            core = core[inner + 1 :]
        (regions if suffix in _REGIONS else places).append(core + suffix)
    return tuple(dict.fromkeys(places)), tuple(dict.fromkeys(regions))


def signals(norm: str) -> dict[str, list[str]]:
    """Each signal that fired, with the words that made it fire (in order, once). A fresh dict each call
    (callers add to it); the finding is remembered, as a list repeats its texts."""
    return {name: list(words) for name, words in _signals(norm)}


@lru_cache(maxsize=1 << 16)
def _signals(norm: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    found: dict[str, list[str]] = {}
    places, regions = _named(norm)
    if places:
        found["place"] = list(places)
    if regions:
        found["region"] = list(regions)
    if numbers := _NUMBER.findall(norm):
        found["number"] = list(dict.fromkeys(numbers))
    for k, _start, _end in _signal_matcher().find_matches_as_indexes(norm, overlapping=True):
        for name in _OWNERS[k]:
            words = found.setdefault(name, [])
            if _WORDS[k] not in words:
                words.append(_WORDS[k])
    if general := GENERAL.findall(norm):
        found["general"] = list(dict.fromkeys(general))
    return tuple((name, tuple(found[name])) for name in _ORDER if name in found)
