"""Triage by the written guideline (docs/TRIAGE.md): dispositions with reasons, key tasks within a share."""

import pytest

from rectikit.steps.classify import DISPOSITION_FILE, load_dispositions
from rectikit.steps.triage import Settings, decide, select_key_tasks
from rectikit.text.normalise import normalise
from rectikit.text.specificity import named_places, signals


@pytest.fixture(scope="module")
def rules(tmp_path_factory):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "templates"))
    from build_rule_tables import build

    folder = tmp_path_factory.mktemp("rules")
    build(folder)
    return load_dispositions(folder / DISPOSITION_FILE)


@pytest.mark.parametrize(
    "text, disposition",
    [
        ("高岭村村口路段没有路灯，晚上出行很不安全，反映多次仍未解决。", "立行立改"),
        ("民主路与建设路交叉口没有红绿灯，早晚高峰车辆抢行。", "立行立改"),
        ("希望政府多为老百姓办实事、办好事。", "长期坚持"),
        ("建议加大招商引资力度，让年轻人在家门口就业。", "长期坚持"),
        ("城中区城区学位紧张，孩子就近入学难。", "长期坚持"),
        ("请问外地驾驶证迁回本县需要走什么程序？", "解读说明"),
        ("咨询一下星沙联络线的进度，什么时候修？", "解读说明"),
        ("我是听力残疾人，今年29岁，无工作，吃低保，请求援助。", "回访帮助"),
        ("这几年的回复都是骗人的，睁眼说瞎话。", "引导化解"),
        ("我叫张三，是石桥村村民，我家的电表被拆了，我的孩子吓坏了，我想问问凭什么。", "回访帮助"),  # "I" throughout
        # concrete complaints the first word lists put elsewhere (issue #27)
        ("电商服务站形同虚设，群众办事还是要跑到县城。", "立行立改"),  # 形同虚设 is a problem, not venting
        ("铜钱巷的下水管道提质改造时没有清淤，希望提前清淤。", "立行立改"),  # a facility and an ask: not structural
        ("本人和十多个工人在蓝溪谷项目做了十个月，工资至今被拖欠。", "立行立改"),  # others share it
    ],
)
def test_dispositions_follow_the_guideline(rules, text, disposition):
    assert decide(normalise(text), rules, text=text).disposition == disposition


def test_reasons_name_the_signals_that_fired(rules):
    t = decide(normalise("高岭村村口路段没有路灯，晚上出行很不安全，反映多次仍未解决。"), rules)
    assert "指明地点：高岭村" in t.basis and "具体设施：路灯" in t.basis and "反复反映：反映多次" in t.basis
    assert t.basis.endswith(f"优先分 {t.score}") and t.score >= 5
    closing = decide(normalise("上林村饮水工程水质浑浊，请有关部门重视。"), rules)
    assert "笼统" not in closing.basis  # a closing formula on a concrete complaint is not a general wish
    general = decide(normalise("建议加大职业教育投入。"), rules)
    assert general.score < 0 and "笼统" in general.basis


def test_a_hotline_files_own_nature_counts(rules):
    text = normalise("为什么F公馆沿工业路大庆河边没有绿化")
    assert decide(text, rules, nature="咨询").disposition == "解读说明"
    assert "性质为咨询" in decide(text, rules, nature="咨询").basis


def test_merged_opinions_raise_priority(rules):
    text = normalise("高岭村村口路段没有路灯。")
    assert decide(text, rules, raw_count=3).score == decide(text, rules).score + 4
    assert "3条合并" in decide(text, rules, raw_count=3).basis


def test_generic_place_words_are_not_places():
    assert named_places(normalise("建议公共服务向农村延伸")) == []
    assert named_places(normalise("城区公厕数量少")) == []
    assert named_places(normalise("希望各社区多开展活动")) == []
    assert named_places(normalise("石桥市青溪县")) == []  # a city or county alone is not specific
    assert named_places(normalise("实验小学门口拥堵")) == ["实验小学"]
    assert "place" in signals(normalise("高岭村没有路灯"))


def _triages(rules, n_specific, n_general):
    texts = [f"第{k}村到镇上的村道坑洼不平，下雨天泥泞难行，反映多次仍未解决。" for k in range(n_specific)]
    texts += ["希望政府多为老百姓办实事。"] * n_general
    return [decide(normalise(t), rules) for t in texts]


def test_key_tasks_are_eligible_and_within_the_share(rules):
    triages = _triages(rules, 30, 70)
    select_key_tasks(triages, [1] * 100, Settings())
    chosen = [t for t in triages if t.key_task]
    assert len(chosen) == 22  # 22% of 100
    assert all(t.disposition == "立行立改" for t in chosen)
    triages = _triages(rules, 5, 95)
    select_key_tasks(triages, [1] * 100, Settings())
    assert sum(t.key_task for t in triages) == 5  # fewer eligible than the share: only those
    triages = _triages(rules, 30, 70)
    select_key_tasks(triages, [1] * 100, Settings(max_share=1))
    assert sum(t.key_task for t in triages) == 30  # no share: the guideline alone


def test_key_tasks_a_person_chose_use_up_the_share(rules):
    triages = _triages(rules, 30, 70)
    select_key_tasks(triages, [1] * 100, Settings(), batch_size=110, fixed_yes=10)
    assert sum(t.key_task for t in triages) == 15  # ceil(0.22 * 110) = 25, 10 already chosen


def test_more_merged_opinions_win_a_tie(rules):
    triages = _triages(rules, 4, 0)
    select_key_tasks(triages, [1, 1, 1, 2], Settings(max_share=0.25))
    assert [t.key_task for t in triages] == [False, False, False, True]


def test_reasons_a_reviewer_can_read():
    """Numbers as written, problem words whole, every key in Chinese (issue #27)."""
    from rectikit.steps.triage import decide
    from rectikit.text.normalise import cn_number, normalise
    from rectikit.text.specificity import signals

    assert cn_number("三四") is None and cn_number("二〇二〇") == 2020 and cn_number("三十四") == 34
    assert "34天" not in str(signals(normalise("每次办事要跑三四天")))
    assert "problem" not in signals(normalise("办事大厅管理得一塌糊涂"))
    reasons = decide(normalise("民主路路灯不亮，希望修复"), [], raw_count=2).basis
    assert "merged" not in reasons and "合并：2条合并" in reasons


def test_every_problem_code_has_a_chinese_label():
    import re
    from pathlib import Path

    import rectikit
    from rectikit.base.problems import CODES

    src = Path(rectikit.__file__).parent
    used = {c for f in src.rglob("*.py") for c in re.findall(r'Issue\(\s*"([a-z-]+)"', f.read_text(encoding="utf-8"))}
    assert used and used <= set(CODES), used - set(CODES)


@pytest.mark.parametrize(
    "text",
    [
        "旧房拆除奖励资金还没有发放。",
        "退耕还林补助资金发放不及时。",
        "村里的生活垃圾收集点离住户太近。",
        "企业开办网上系统经常卡顿。",
        "电商服务站形同虚设。",
    ],
)
def test_a_concrete_complaint_without_a_place_is_a_task(text):
    """docs/TRIAGE.md keeps 长期坚持 for structural problems and general wishes; money not paid or a system
    that fails is a concrete problem to rectify (issue #27; seed 004 treats 资金兑现不及时 so)."""
    from rectikit.steps.triage import decide
    from rectikit.text.normalise import normalise

    assert decide(normalise(text), []).disposition == "立行立改"


def test_places_are_named_whole():
    """A place never runs back over 的 or into the place before it; with the list's own 乡镇/村 columns the
    name is the one the list gives (issue #27: 决马蚌乡, 度西平乡, 镇坡头村, 村的危桥 were shown)."""
    from rectikit.steps.triage import decide, known_places
    from rectikit.text.normalise import normalise
    from rectikit.text.specificity import named_places

    assert named_places(normalise("那桐镇坡头村的危桥年久失修")) == ["那桐镇", "坡头村"]
    assert named_places(normalise("北湖区民主路路灯不亮")) == ["民主路"]
    assert named_places(normalise("到桥头村的路")) == ["桥头村"]
    # a name begins at a word, never at the verb or pronoun before it; a county is one word
    assert named_places(normalise("投诉A7县泉星社区KTV噪音扰民")) == ["泉星社区"]
    assert named_places(normalise("投诉A7县泉星社区"), regions=True) == ["a7县"]
    assert named_places(normalise("防城港市上思县叫安乡政府"), regions=True) == ["上思县"]
    assert named_places(normalise("防城港市上思县叫安乡政府")) == ["叫安乡"]
    assert named_places(normalise("我们上思县的路"), regions=True) == ["上思县"]
    assert named_places(normalise("附近很多超市")) == []
    # pupils are not a school named 高中学; a numbered school is named as people say it
    assert named_places(normalise("县高中学生宿舍漏水")) == []
    assert named_places(normalise("希望解决清水塘三小学生出行安全问题")) == ["清水塘三小"]
    assert named_places(normalise("城关一中门口拥堵，等了三小时")) == ["城关一中"]
    places = known_places(["马蚌乡", "西平乡", None])
    assert "指明地点：马蚌乡；" in decide(normalise("希望尽快解决马蚌乡的道路问题"), [], places=places).basis
    assert "指明地点：西平乡；" in decide(normalise("年度西平乡危房改造补助未发放"), [], places=places).basis


def test_the_problem_codes_page_lists_every_code():
    """docs/PROBLEMS.md is what scripts rely on: every problem code and every failure code is on it."""
    from pathlib import Path

    from rectikit.base import errors
    from rectikit.base.problems import CODES

    page = (Path(__file__).resolve().parents[1] / "docs" / "PROBLEMS.md").read_text(encoding="utf-8")
    failures = {c.code for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.RectikitError)}
    missing = [c for c in [*CODES, *failures] if f"`{c}`" not in page]
    assert not missing, missing
