"""Build the default rule tables in templates/rules/ (python templates/build_rule_tables.py).

These .xlsx files are what `rectikit init` copies into a new workspace's
rules/ folder, where the office edits them in Excel or WPS. They are data,
bundled with the package, so the steps that read them never need to know how
a default is made. Rebuild after changing the defaults below and commit the
files; a test checks that the committed tables match this script.
"""

from pathlib import Path

from rectikit.files.xlsxout import write_table
from rectikit.steps.assign import RULE_HEADERS, RULES_FILE
from rectikit.steps.classify import DISPOSITION_FILE, DISPOSITIONS
from rectikit.steps.frames import FRAME_COLUMNS, FRAME_FILE, FRAME_HEADERS, FRAME_SHEET, QUOTA_HEADERS, QUOTA_SHEET
from rectikit.steps.surveys import DEFAULT_QUESTIONS, QUESTIONS_FILE, SCALE
from rectikit.steps.taxonomy import HEADERS as TAXONOMY_HEADERS
from rectikit.steps.taxonomy import TAXONOMY_FILE
from rectikit.steps.units import HEADERS as UNIT_HEADERS
from rectikit.steps.units import UNITS_FILE

HERE = Path(__file__).resolve().parent / "rules"

# Default taxonomy drawn from the seeds; keywords match the comparison form
# of the text (simplified, no punctuation).
TAXONOMY: list[tuple[str, str, str]] = [
    (
        "教育",
        "教育事业",
        "学校 学生:0.5 老师 教师 班额 学位 入学 幼儿园 课后服务 寄宿 食堂 师资 教学点 家长:0.5 中学 小学 课程 营养餐 助学金 教育资助",
    ),
    ("医疗卫生", "社会保障", "医院 卫生院 卫生室 看病 医生 医务人员 挂号 药品 就医 家庭医生 住院 专科 疫苗:0.5"),
    ("就业", "经济发展", "就业 招工 岗位 打工 技能培训 工资 拖欠 讨薪 毕业生 失业 农民工"),
    ("社会保障", "社会保障", "低保 医保 社保 养老金 高龄津贴 残疾人 补贴 救助 缴费标准 资格认证 特困 五保"),
    ("住房保障", "社会保障", "棚户区 棚改 安置房 回迁 保障房 公租房 廉租房 危房改造 不动产 产权证 宅基地"),
    ("易地扶贫搬迁", "社会保障", "易地扶贫搬迁 搬迁户 安置点 安置小区 搬迁群众 搬迁 旧房拆除 拆旧 复垦"),
    (
        "城市管理",
        "环境保护",
        "污水横流 市场 占道经营 乱搭乱建 违建 物业 油烟 噪音 广场舞 共享单车 乱停放 垃圾清运 公厕 夜宵摊 城管 小区",
    ),
    ("环境保护", "环境保护", "污染 排污 粪水 粉尘 废水 黑臭 河道 垃圾 臭味 养猪场 环境 水质 偷排 噪声"),
    (
        "基础设施建设",
        "交通建设",
        "道路 村道 硬化 泥巴路 危桥 桥梁 路灯 自来水 停水 管网 水利 沟渠 信号 电梯 停车位 停电 燃气 雨污 路面 破损 地砖 人行道 修补 用电 供电 水压",
    ),
    ("交通", "交通建设", "公交 班车 班次 红绿灯 交通 拥堵 交警 客运 站点 停靠 出行 电动车 盲道"),
    ("社会治安", "社会治安", "偷盗 盗窃 诈骗 赌博 飙车 炸街 治安 监控 派出所 强买强卖 打架"),
    (
        "营商环境",
        "经济发展",
        "营商环境:2 办事流程 跑腿 经济发展 招商引资 科技创新 企业家 税费 中小企业 营业执照 企业开办 一网通办 审批 报建 注销 个体工商户 窗口"
        " 政务服务 贷款 信贷 办证 刻章 施工图 报装:2 网上系统 系统卡顿",
    ),
    (
        "乡村振兴",
        "经济发展",
        "沃柑 砂糖橘 销路 产业 分红 集体经济 驻村 三清三拆 人居环境 农技 脱贫户 帮扶 贫困户 扶贫 农产品 退耕还林:2 公益林 林业 种粮补贴",
    ),
    ("饮水安全", "社会保障", "饮水 供水 水质浑浊 挑水 水费 断水 饮水工程"),
    ("疫情防控", "社会治安", "疫情 核酸 疫苗接种 防控 隔离 口罩 公共卫生 应急物资"),
    (
        "民生改善",
        "社会保障",
        "民生实事 为民办实事 群众参与 旧城改造 居住条件 人大代表建议 办理结果 回访机制 民生 收入 工资 物价 房价 养老 公园 休闲 婚恋 退役军人 待遇 困难群体 留守 惠民 办实事 公共服务 心理健康 未成年人 文化活动 普法 政策宣传 社会风气",
    ),
    (
        "食品药品监管",
        "社会治安",
        "食品安全:2 食品卫生:3 食堂卫生:3 饭菜变质:3 食物中毒:3 变质:2 异物 不明物体 苍蝇 发霉"
        " 卫生条件差:2 卫生差 农药残留 三无食品 健康证 卫生状况 抽检 过期 药品质量 假药:2",
    ),
    (
        "干部作风",
        "社会治安",
        "工作人员 干部 推诿 扯皮 玩手机 态度 作风 办事效率 不作为 形式主义 走过场 整改不彻底 反映多次 政府 反腐 腐败 诚信 减负 监督检查 信息公开 决策 人大代表 推诿 转变作风 执法",
    ),
]

# (disposition, keywords, priority): the office's words for each disposition, read as triage signals
# (docs/TRIAGE.md); a higher priority is looked at first.
DISPOSITION_RULES = [
    (
        "引导化解",
        "垃圾政府 贪官 无能 泄愤 不相信政府 一塌糊涂 睁眼说瞎话 骗人 撒谎 欺上瞒下 屁话 天理何在 失望透顶 狗官",
        50,
    ),
    (
        "解读说明",
        "咨询 请问 能否 是否可以 可不可以 能不能 可以吗 是不是 怎么办理 如何办理 办理流程 什么条件 需要什么"
        " 什么材料 哪些材料 什么手续 标准是什么 有什么规定 政策规定 有关规定 法律规定 哪条法律 依据什么 什么政策"
        " 相关政策 政策依据 何时 什么时候 多少钱 怎么办 如何申请",
        40,
    ),
    (
        "回访帮助",
        "本人 我的 我家 家里 我父亲 我母亲 我爸 我妈 我儿子 我女儿 我老婆 我丈夫 我妻子 我孩子 我叔叔 本人的 我的房子"
        " 困难户 生活困难 看不起病 没有领到 申请不到 求助 帮帮 援助 救助 孩子上学 残疾",
        30,
    ),
    (
        "长期坚持",
        "学位紧张 就业岗位少 县域经济 产业发展 特色产业 产业结构 师资 教育资源 医疗资源 高中资源 人才引进 留住人才"
        " 人才流失 招商引资 经济发展 老龄化 城乡差距 旧城改造 拓宽 扩建 打通 提质改造 旅游资源 房价 物价 根治 长效机制",
        20,
    ),
]


def build(folder: Path) -> list[Path]:
    """Write the default tables into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    return [
        taxonomy(folder / TAXONOMY_FILE),
        dispositions(folder / DISPOSITION_FILE),
        units(folder / UNITS_FILE),
        assignment_rules(folder / RULES_FILE),
        frame(folder / FRAME_FILE),
        questionnaire(folder / QUESTIONS_FILE),
    ]


def questionnaire(path: Path) -> Path:
    return write_table(
        path,
        "问题",
        ["领域", "问题"],
        [list(q) for q in DEFAULT_QUESTIONS],
        widths=[14, 70],
        notes=[
            "调查问卷说明（rectikit survey draw 使用）",
            "1. 每行一个问题：“领域”是统计和调查记录表的列名（每个领域一个问题，不要重复），“问题”是调查人读给对方听的话。",
            f"2. 每个问题的回答从 {'、'.join(SCALE)} 中选；满意率按“满意”和“基本满意”计，“不了解”不计入。",
            "3. 可以增删、改写问题；已发出的调查表按发出时的问题导入。",
        ],
    )


def frame(path: Path) -> Path:
    return write_table(
        path,
        FRAME_SHEET,
        FRAME_HEADERS,
        FRAME_COLUMNS,
        widths=[16, 8, 50],
        notes=[
            "样本框定义说明",
            "1. 每行是样本框名单的一列：列名、是否必填（是/否）、填写说明。“联系电话”会核对号码格式，“所属村(社区)”"
            "须与发给的村（社区、单位）一致。",
            "2. 在“名额”工作表写各村（社区、单位）应报的人数；rectikit frame templates 按它给每个村（单位）生成一份名单表。",
        ],
        extra_sheets={QUOTA_SHEET: (QUOTA_HEADERS, [])},
    )


def taxonomy(path: Path) -> Path:
    rows = [[name, "", "", words, aspect] for name, aspect, words in TAXONOMY]
    return write_table(
        path,
        "分类体系",
        TAXONOMY_HEADERS,
        rows,
        widths=[14, 14, 14, 80, 12],
        notes=[
            "分类体系说明",
            "1. 每行一个类别；“一级分类”是条目的类别。二级、三级分类可填可不填，其名称也会当作关键词使用。",
            "2. “关键词”用空格分隔，可写权重，如“路灯:2”表示命中一次记 2 分；分数最高的类别胜出。",
            "3. “所属方面”用于报告中的归类汇总（如 经济发展、教育事业、社会保障、交通建设、环境保护、社会治安）。",
        ],
    )


def dispositions(path: Path) -> Path:
    return write_table(
        path,
        "处理方式",
        ["处理方式", "关键词", "优先级"],
        [[d, words, p] for d, words, p in DISPOSITION_RULES],
        widths=[12, 90, 8],
        notes=[
            "处理方式规则说明",
            "1. 按《整改方案》：建设性且指向明确的立行立改；提出具体困难的回访帮助；政策性、法律法规方面的"
            "解读说明；个人诉求、泄愤的引导化解；长期性、全局性问题长期坚持。判断标准见 rectikit 文档 docs/TRIAGE.md。",
            "2. 每行的“关键词”（空格分隔）是这种处理方式的信号：引导化解＝情绪宣泄，解读说明＝政策咨询，回访帮助＝个人诉求，"
            "长期坚持＝长期性问题，立行立改＝具体诉求。系统再结合是否指明地点、有无具体问题和诉求来判断，并在审核表中列出命中的信号。",
            "3. “优先级”数值大的行先看；可以增删关键词，也可以为一种处理方式加一行。",
        ],
        choices={0: DISPOSITIONS},
    )


def units(path: Path) -> Path:
    return write_table(
        path,
        "单位名录",
        UNIT_HEADERS,
        [],
        widths=[32, 30, 8, 20, 10, 16],
        notes=[
            "单位名录说明",
            "1. 每行一个单位。“简称/别名”用分号分隔，如：市住建局;市住房城乡建设局。",
            "2. 分解规则、回收的表格中出现的单位名称都按本表核对，写简称或别名均可。",
            "3. “层级”填 市直、县区、乡镇 等；“责任领导”为分管该单位的领导。",
        ],
    )


def assignment_rules(path: Path) -> Path:
    return write_table(
        path,
        "分解规则",
        RULE_HEADERS,
        [],
        widths=[6, 12, 14, 10, 10, 20, 22, 22, 16, 10, 12, 40, 30],
        notes=[
            "分解规则说明",
            "1. 每行一条规则。“类别”“来源”“县(市、区)”“乡(镇、街道)”“关键词”是条件，空着表示不限；一格可写多个值，"
            "用分号或空格分隔，命中任一即可。",
            "2. 同一条目命中多条规则时，取“优先级”数值最大的一条；优先级相同而牵头单位不同，视为规则冲突，会报错。",
            "3. 牵头单位、配合单位须在单位名录中（写简称或别名均可）；可写 {县区}政府，表示条目所在县区的人民政府。",
            "4. 整改时限可写：2020年11月30日、11月底、年底前、6月中旬、30天、15个工作日（按国家法定节假日和调休计算）、长期坚持。"
            "相对时限从 rectikit.toml 的 [assign] start_date 起算。",
            "5. 责任领导、责任人空着时，取单位名录中牵头单位的责任领导和联系人。",
        ],
    )


if __name__ == "__main__":
    for p in build(HERE):
        print(p)
