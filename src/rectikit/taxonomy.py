"""The category table an office edits: levels, keywords, and a roll-up.

Offices sort feedback by domain (seed 001: 教育、医疗、就业、社会保障、城市管理、
环境保护、基础设施建设、社会治安、民生改善、营商环境) and report it folded into a
few aspects (seed 003: 经济发展、教育事业、社会保障、交通建设、环境保护、社会治安).
The table has one row per category path; keywords (with an optional weight,
"路灯:2") drive the rule classifier. A plain three-level tree with no
keyword column, such as a petition platform's, loads as it is: the lower
levels' names serve as keywords of the first level.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import InvalidDataError
from .report import ERROR, Issue, Report

TAXONOMY_FILE = "分类体系.xlsx"
HEADERS = ["一级分类", "二级分类", "三级分类", "关键词", "所属方面"]
_LEVEL_NAMES = ("一级分类", "二级分类", "三级分类")


@dataclass
class Category:
    name: str  # first level: what items are labelled with
    aspect: str = ""
    keywords: dict[str, float] = field(default_factory=dict)
    subcategories: list[str] = field(default_factory=list)


@dataclass
class Taxonomy:
    categories: dict[str, Category] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return list(self.categories)

    def aspect(self, name: str | None) -> str:
        c = self.categories.get(name or "")
        return c.aspect if c else ""


# Default taxonomy drawn from the seeds; keywords match the comparison form
# of the text (simplified, no punctuation).
DEFAULT: list[tuple[str, str, str]] = [
    ("教育", "教育事业", "学校 学生 老师 教师 班额 学位 入学 幼儿园 课后服务 寄宿 食堂 师资 教学点 家长 中学 小学 课程 补助:0.5"),
    ("医疗卫生", "社会保障", "医院 卫生院 卫生室 看病 医生 医务人员 挂号 药品 就医 家庭医生 住院 专科 疫苗:0.5"),
    ("就业", "经济发展", "就业 招工 岗位 打工 技能培训 工资 拖欠 讨薪 毕业生 失业 农民工"),
    ("社会保障", "社会保障", "低保 医保 社保 养老金 高龄津贴 残疾人 补贴 救助 缴费标准 资格认证 特困 五保"),
    ("住房保障", "社会保障", "棚户区 棚改 安置房 回迁 保障房 公租房 廉租房 危房改造 不动产 产权证 宅基地"),
    ("易地扶贫搬迁", "社会保障", "易地扶贫搬迁 搬迁户 安置点 安置小区 搬迁群众 搬迁"),
    ("城市管理", "环境保护", "污水横流 市场 占道经营 乱搭乱建 违建 物业 油烟 噪音 广场舞 共享单车 乱停放 垃圾清运 公厕 夜宵摊 城管 小区"),
    ("环境保护", "环境保护", "污染 排污 粪水 粉尘 废水 黑臭 河道 垃圾 臭味 养猪场 环境 水质 偷排 噪声"),
    ("基础设施建设", "交通建设", "道路 村道 硬化 泥巴路 危桥 路灯 自来水 停水 管网 水利 沟渠 信号 电梯 停车位 停电 燃气 雨污 路面 破损 地砖 人行道 修补 用电 报装 供电 水压"),
    ("交通", "交通建设", "公交 班车 班次 红绿灯 交通 拥堵 交警 客运 站点 停靠 出行 电动车 盲道"),
    ("社会治安", "社会治安", "偷盗 盗窃 诈骗 赌博 飙车 炸街 治安 监控 派出所 强买强卖 打架"),
    ("营商环境", "经济发展", "办事流程 跑腿 经济发展 招商引资 科技创新 企业家 税费 中小企业 营业执照 企业开办 一网通办 审批 报建 注销 个体工商户 窗口 政务服务 贷款 信贷 办证 刻章 施工图"),
    ("乡村振兴", "经济发展", "沃柑 砂糖橘 销路 产业 分红 集体经济 驻村 三清三拆 人居环境 农技 脱贫户 帮扶 贫困户 扶贫 农产品"),
    ("饮水安全", "社会保障", "饮水 供水 水质浑浊 挑水 水费 断水 饮水工程"),
    ("疫情防控", "社会治安", "疫情 核酸 疫苗接种 防控 隔离 口罩 公共卫生 应急物资"),
    ("民生改善", "社会保障", "民生实事 为民办实事 群众参与 旧城改造 居住条件 人大代表建议 办理结果 回访机制 民生 收入 工资 物价 房价 养老 公园 休闲 婚恋 退役军人 待遇 困难群体 留守 惠民 办实事 公共服务 心理健康 未成年人 文化活动 普法 政策宣传 社会风气"),
    ("食品药品监管", "社会治安", "食品安全 农药残留 三无食品 健康证 卫生状况 抽检 过期"),
    ("干部作风", "社会治安", "工作人员 干部 推诿 扯皮 玩手机 态度 作风 办事效率 不作为 形式主义 走过场 整改不彻底 反映多次 政府 反腐 腐败 诚信 减负 监督检查 信息公开 决策 人大代表 推诿 转变作风 执法"),
]


def parse_keywords(cell: str) -> dict[str, float]:
    """"路灯 坑洼:2，学位" -> {"路灯": 1, "坑洼": 2, "学位": 1}."""
    out: dict[str, float] = {}
    for token in str(cell or "").replace("，", " ").replace(",", " ").replace("、", " ").replace("；", " ").split():
        word, _, weight = token.partition(":")
        word = word.strip()
        if not word:
            continue
        try:
            out[word] = float(weight) if weight else 1.0
        except ValueError:
            out[word] = 1.0
    return out


def write_default(path: Path) -> Path:
    from .xlsxout import write_table

    rows = [[name, "", "", words, aspect] for name, aspect, words in DEFAULT]
    return write_table(path, "分类体系", HEADERS, rows, widths=[14, 14, 14, 80, 12], notes=[
        "分类体系说明",
        "1. 每行一个类别；“一级分类”是条目的类别。二级、三级分类可填可不填，其名称也会当作关键词使用。",
        "2. “关键词”用空格分隔，可写权重，如“路灯:2”表示命中一次记 2 分；分数最高的类别胜出。",
        "3. “所属方面”用于报告中的归类汇总（如 经济发展、教育事业、社会保障、交通建设、环境保护、社会治安）。",
    ])


def load(path: Path) -> Taxonomy:
    """Load a category table (this project's layout or a bare level tree)."""
    from .readers import read_table

    t = read_table(path, ["一级分类"], what="分类体系表")
    report = Report()
    tax = Taxonomy()
    for r, row in t.records():
        name = t.text(row, "一级分类")
        if not name:
            report.add(Issue("missing-category", "此行一级分类为空。", ERROR, file=t.file, sheet=t.sheet, row=r,
                             column="一级分类"))
            continue
        c = tax.categories.setdefault(name, Category(name))
        c.aspect = t.text(row, "所属方面") or c.aspect
        c.keywords.update(parse_keywords(t.text(row, "关键词")))
        for level in _LEVEL_NAMES[1:]:
            sub = t.text(row, level)
            if sub and sub not in c.subcategories:
                c.subcategories.append(sub)
                c.keywords.setdefault(sub, 1.0)
        c.keywords.setdefault(name, 1.0)
    if report.errors:
        raise InvalidDataError(f"分类体系表 {t.file} 有 {len(report.errors)} 处错误。", report=report)
    return tax
