"""Generate the bundled example inputs (seeded, so every run gives the same files).

    python examples/generate.py

Writes, beside this script:
- 2019年度社会评价群众意见建议.xlsx: 547 items from the 15 sources of seed 001,
  laid out the way region workbooks arrive (merged title, a fill-in line, a
  two-row merged header, group rows per source, blank rows, numbers stored as
  text, mixed date forms, trailing notes). 9 of them repeat others with
  variations in punctuation, width and wording, so merging gives 538.
- 2020年中期社会评价群众意见建议.csv: 447 items in GBK (as Excel on Chinese
  Windows saves CSV), 4 repeats, so merging gives 443.
- expected_duplicates.csv: which 原序号 were planted as repeats of which.
- rules/单位名录.xlsx: a starter directory of units for assignment.

The city, its places, people and phone numbers are invented.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent

CITY = "桂中市"
COUNTIES = {
    "城中区": ["城东街道", "城西街道", "中山街道", "河东街道"],
    "江南区": ["江南街道", "沙井街道", "福建园街道", "那洪镇"],
    "北湖区": ["北湖街道", "新村街道", "三塘镇", "双定镇"],
    "平山县": ["平山镇", "古楼镇", "坛洛镇", "太平镇", "那桐镇"],
    "青溪县": ["青溪镇", "石埠镇", "金陵镇", "长塘镇"],
    "龙门县": ["龙门镇", "大垌乡", "六合乡", "南圩镇", "百合镇"],
    "石桥市": ["石桥街道", "新圩镇", "民安镇", "大平山镇"],
}
VILLAGES = [
    "石门村",
    "大塘村",
    "六合村",
    "新圩村",
    "长岭村",
    "古城村",
    "那坡村",
    "水口村",
    "平安村",
    "东升村",
    "莲塘村",
    "良田村",
    "马山村",
    "高岭村",
    "三江村",
    "黄竹村",
    "龙湾村",
    "上林村",
    "和睦村",
    "甘棠村",
    "坡头村",
    "新民村",
    "东岸村",
    "白沙村",
]
COMMUNITIES = [
    "阳光社区",
    "和平社区",
    "江湾社区",
    "朝阳社区",
    "金桥社区",
    "翠湖社区",
    "民主社区",
    "建政社区",
    "滨江社区",
    "新竹社区",
    "望州社区",
    "青山社区",
]
ROADS = [
    "民主路",
    "建设路",
    "东环大道",
    "江滨路",
    "人民路",
    "解放路",
    "新华路",
    "育才路",
    "金桥路",
    "工业大道",
    "友爱路",
    "长堽路",
    "秀灵路",
    "星光大道",
    "桃源路",
    "园湖路",
    "明秀路",
    "北湖路",
]
SCHOOLS = [
    "第三中学",
    "实验小学",
    "第二小学",
    "民族中学",
    "第八中学",
    "滨江小学",
    "育才小学",
    "第五中学",
    "城东小学",
    "外国语学校",
]
HOSPITALS = ["市人民医院", "市第二人民医院", "市中医医院", "妇幼保健院", "县人民医院", "镇卫生院", "社区卫生服务中心"]
MARKETS = ["农贸市场", "菜市场", "水果批发市场", "综合市场"]
ESTATES = [
    "锦绣花园",
    "金色家园",
    "江景湾小区",
    "幸福里小区",
    "翡翠园",
    "福安小区",
    "龙腾苑",
    "书香名邸",
    "东盟时代小区",
    "凤岭小区",
    "怡和苑",
    "南湖名都",
]
BUS = ["8路", "12路", "15路", "21路", "33路", "46路", "52路", "K3路", "203路"]

# Topic -> core sentences. Slots: {county} {town} {village} {comm} {road} {school}
# {hosp} {market} {estate} {bus} {n} (a number) {m} (a month) {y} (a year).
TOPICS: dict[str, list[str]] = {
    "road": [
        "{town}{village}到镇上的{n}公里村道坑洼不平，下雨天泥泞难行",
        "{road}与{road2}交叉口没有红绿灯，早晚高峰车辆抢行，存在安全隐患",
        "{village}通屯道路至今还是泥巴路，村民运送农产品很困难",
        "{road}路面破损已有{n}个多月，一直没有修补",
        "{town}{village}的危桥年久失修，学生每天上学都要经过",
        "{county}{town}圩日时街道占道经营严重，车辆无法通行",
        "{road}人行道的地砖松动，雨天一踩就溅水",
        "{village}村口路段没有路灯，晚上出行很不安全",
    ],
    "traffic": [
        "{bus}公交车班次太少，早上在{road}站要等{n}十分钟",
        "{school}门口上下学时段交通拥堵，缺少交警疏导",
        "{county}到市区的班车收费偏高，停靠站点不规范",
        "{estate}附近没有公交站点，老人出行要走{n}公里",
        "{road}电动车乱停乱放，占用盲道和人行道",
        "{town}农村客运班线停运后，群众到县城只能坐摩的",
    ],
    "education": [
        "{school}班额过大，一个班有{n}十多名学生，老师顾不过来",
        "{county}城区学位紧张，孩子就近入学难",
        "{village}教学点只有{n}名老师，课程开不齐",
        "{school}周边小摊贩售卖三无食品，影响学生健康",
        "{county}幼儿园收费偏高，普惠性幼儿园数量不足",
        "{school}食堂饭菜分量少、价格高，家长意见较大",
        "{town}中学寄宿条件差，{n}个学生挤一间宿舍",
        "课后服务收费名目多，{school}家长负担重",
    ],
    "medical": [
        "{hosp}看病排队时间长，挂号、缴费、取药要来回跑",
        "{town}卫生院缺少专科医生，小病也要跑到县城",
        "{hosp}停车难，周边道路经常堵死",
        "{county}村卫生室药品种类少，慢性病常用药经常缺货",
        "异地就医报销手续繁琐，在{hosp}住院回来报销跑了{n}趟",
        "{hosp}部分医务人员态度生硬，对老人解释不耐心",
        "家庭医生签约后没有上门服务，签约流于形式",
    ],
    "social_security": [
        "城乡居民医保缴费标准逐年提高，{village}部分农户负担较重",
        "{county}低保评定不透明，希望公开评定结果和程序",
        "养老金领取资格认证操作复杂，{town}老人不会用手机认证",
        "高龄津贴发放不及时，{village}的老人{m}月份的还没有领到",
        "失业保险金申领材料多，希望简化手续",
        "{county}残疾人两项补贴审核时间太长",
        "灵活就业人员社保缴费渠道少，{comm}居民办理不方便",
    ],
    "employment": [
        "{county}本地就业岗位少，年轻人都外出打工",
        "职业技能培训内容与企业需求脱节，培训完找不到工作",
        "{town}脱贫户公益性岗位工资发放不及时",
        "{county}工业园区企业招工难与群众就业难并存，缺少对接平台",
        "农民工工资被{estate}工地拖欠{n}个月，讨薪困难",
        "高校毕业生回乡就业缺少扶持政策",
    ],
    "city": [
        "{estate}旁边的{market}污水横流，气味很大",
        "{road}夜宵摊油烟和噪音扰民，经常营业到凌晨{n}点",
        "{comm}垃圾清运不及时，垃圾桶满了也没人收",
        "{estate}小区乱搭乱建，物业不管，执法部门也不管",
        "{road}广场舞音响声音太大，影响附近居民休息",
        "{comm}老旧小区没有物业，楼道照明坏了{n}年",
        "{road}共享单车乱停放，占满人行道",
        "城区公厕数量少，{road}一带找不到公厕",
    ],
    "environment": [
        "{town}{village}旁边的养猪场粪水直排河沟，臭味很大",
        "{county}{town}的石材加工厂粉尘污染严重",
        "{village}河道垃圾堆积，多年没有清理",
        "{estate}附近的工地夜间施工，噪音严重影响休息",
        "{town}有企业偷排废水，{village}的鱼塘都死鱼了",
        "{county}城区黑臭水体整治后又反弹",
        "{village}生活垃圾收集点设置不合理，离住户太近",
    ],
    "infrastructure": [
        "{village}自来水管网老化，经常停水",
        "{estate}小区停车位严重不足，车只能停在消防通道上",
        "{village}手机信号差，村里只有几处能打电话",
        "{comm}老旧小区改造只刷了外墙，管网没有改",
        "{town}{village}的农田水利沟渠堵塞，灌溉困难",
        "{county}城区雨污管网不分流，一下雨{road}就水浸街",
        "{estate}电梯经常故障，{n}楼以上的老人上下楼困难",
    ],
    "security": [
        "{road}夜间经常有飙车炸街的，希望加强整治",
        "{village}偷盗耕牛、摩托车的事情时有发生",
        "{comm}电信诈骗宣传不到位，{m}月份有老人被骗",
        "{estate}小区监控摄像头坏了很久没有修",
        "{town}圩日赌博摊点多，影响社会风气",
        "{market}附近有人强买强卖，派出所处理不及时",
    ],
    "business": [
        "在{county}政务服务中心办理营业执照要跑{n}次窗口",
        "企业开办“一网通办”系统经常卡顿，{m}月份申报时多次提交失败",
        "刻章、银行开户、税务登记还不能一次办结，希望真正实现一窗受理",
        "个体工商户办证材料要求前后不一致，窗口人员解释口径不同",
        "{county}企业开办时间仍要{n}个工作日，与宣传的不一致",
        "市场主体注销手续复杂，简易注销公告期太长",
    ],
    "property": [
        "{estate}购房{n}年了，开发商原因一直办不了不动产权证",
        "不动产登记预约号太难抢，{county}登记中心每天限号",
        "二手房过户要在不动产、税务两个窗口来回跑",
        "{village}农村宅基地确权登记进度慢，村民不知道何时能领证",
    ],
    "credit": [
        "小微企业贷款抵押要求高，{county}农户创业贷不到款",
        "扶贫小额信贷到期续贷手续繁琐，{village}的农户不清楚政策",
        "银行放贷审批时间长，企业等了{n}个月",
    ],
    "permit": [
        "工程建设项目审批环节多，{county}一个厂房报建用了{n}个月",
        "施工图审查和消防审验标准不统一，企业反复修改",
        "工程报建网上系统与线下要求材料不一致",
    ],
    "utilities": [
        "{village}经常停电，{m}月份停了{n}次，也不提前通知",
        "{estate}燃气报装费用高，安装周期长",
        "企业用电报装要跑供电所{n}趟，手续复杂",
        "{comm}水压不足，{n}楼以上白天经常没水",
        "水费电费缴费渠道少，{village}老人不会用手机缴费",
    ],
    "representative": [
        "建议加大对{county}县域经济的政策扶持，壮大特色产业",
        "建议建立人大代表建议办理结果回访机制，防止只答复不落实",
        "建议统筹城乡教育资源，补齐{county}农村学校师资短板",
        "建议政府加快{road}片区旧城改造，改善群众居住条件",
        "建议加强对基层干部的作风督查，整治推诿扯皮问题",
        "建议完善{county}突发公共卫生事件应急物资储备",
        "建议把民生实事项目的选定交给群众投票，增强群众参与",
    ],
    "rural": [
        "{village}种植的沃柑销路不畅，希望帮助对接销售渠道",
        "{town}产业扶贫项目分红不到位，{village}的贫困户没有收到",
        "{village}“三清三拆”后的空地没有规划利用，又长满杂草",
        "{village}村集体经济薄弱，村里没有稳定收入",
        "{town}驻村工作队很少到农户家走访",
        "{village}人居环境整治只整了主干道两边",
        "{village}的砂糖橘遭遇黄龙病，希望农技部门下村指导",
        "脱贫户的产业奖补资金申请程序复杂，{village}很多户没有申请到",
    ],
    "water": [
        "{village}饮水工程建好后水质浑浊，雨后更严重",
        "{town}{village}的集中供水点旱季断水，村民要到{n}公里外挑水",
        "{village}饮水安全工程入户管道没有接到每家每户",
        "{village}水费收取标准不统一，{n}户村民意见大",
    ],
    "enterprise_poor": [
        "结对帮扶企业只送慰问品，没有带动就业和产业",
        "{village}千村万企帮扶项目建好的厂房闲置{n}年",
        "帮扶企业承诺的收购农产品没有兑现，{village}的农户蒙受损失",
    ],
    "boarding": [
        "{school}家庭困难寄宿生生活补助发放时间不固定",
        "{village}有家庭困难的寄宿生没有被纳入补助范围",
        "寄宿生生活补助标准偏低，{town}中学学生吃饭仍有困难",
        "寄宿生补助申请要开{n}份证明，家长跑断腿",
    ],
    "shantytown": [
        "{comm}棚户区改造回迁房交房时间一再推迟",
        "{estate}棚改安置房质量差，刚交房墙体就开裂",
        "{county}棚改过渡期安置费发放不及时，已拖欠{n}个月",
        "棚改项目补偿标准不公开，{comm}群众心里不踏实",
    ],
    "relocation": [
        "{county}易地扶贫搬迁安置点离工作地点太远，就业困难",
        "{town}安置小区配套的学校、卫生室还没有建好",
        "搬迁户的老房子已拆除，但{village}的承包地没人帮忙耕种",
        "安置点物业费由谁缴纳不明确，{comm}搬迁户有顾虑",
        "搬迁群众的户籍、社保转移接续手续办理慢",
    ],
    "followup": [
        "去年反映的{road}积水问题整改后又出现，整改不彻底",
        "上次反映{village}道路硬化的问题，说列入计划，到现在还没动工",
        "{estate}违建问题反映多次，每次都说在处理，没有结果",
        "整改公示写已完成，实际{comm}的路灯还是不亮",
        "去年反映的{school}周边交通问题只是临时设了几天执勤点",
    ],
    "conduct": [
        "{town}部分工作人员上班时间玩手机，群众办事要等很久",
        "{county}政务服务中心窗口午休时间不办事，群众只能请假来",
        "基层干部对群众反映的问题推诿扯皮，{village}的问题踢了{n}个部门",
        "希望政府工作人员多到基层了解情况，多为群众办实事",
    ],
    "epidemic": [
        "{county}核酸检测点设置少，排队时间长",
        "疫情期间{market}摊位租金能否减免，商户经营困难",
        "{comm}疫苗接种预约信息发布不及时",
    ],
    "food": [
        "{market}销售的蔬菜农药残留问题，希望加强抽检",
        "{school}周边的小餐馆卫生条件差，没有健康证",
        "{road}夜市烧烤摊卫生状况堪忧，存在食品安全隐患",
    ],
}

# Survey respondents also write general suggestions that name no place or
# object: part of every real batch, and not rectification tasks by themselves.
GENERAL = [
    "希望政府多为老百姓办实事、办好事",
    "建议加大反腐力度，从严治理基层微腐败",
    "希望干部多下基层听听群众的声音",
    "物价上涨太快，工资跟不上",
    "希望提高农村养老金标准",
    "建议简化办事流程，少让群众跑腿",
    "希望多出台惠民政策并落实到位",
    "政府信息公开还不够及时",
    "希望加强对年轻干部的培养",
    "整体还可以，继续努力",
    "希望经济发展得更快一些",
    "建议加大招商引资力度，让年轻人在家门口就业",
    "希望房价能够稳定下来",
    "建议多举办群众喜闻乐见的文化活动",
    "希望政策宣传更接地气，让老百姓听得懂",
    "建议提高基层干部待遇，留住人才",
    "希望社会风气越来越好",
    "希望教育更加公平，城乡差距缩小",
    "建议加强对网络诈骗的宣传教育",
    "希望政府多听取企业家的意见",
    "建议减轻中小企业税费负担",
    "希望领导干部带头转变作风",
    "民生投入还要继续加大",
    "希望看病难看病贵的问题得到缓解",
    "建议加强食品安全监管，让群众吃得放心",
    "希望治安继续保持稳定",
    "希望多建一些公园和休闲场所",
    "建议公共服务向农村延伸",
    "希望加快推进乡村振兴",
    "希望扶贫成果得到巩固，防止返贫",
    "建议进一步优化营商环境",
    "希望各部门之间加强协调，不要互相推诿",
    "希望政务服务能够真正一网通办",
    "建议多关心留守老人和儿童",
    "希望退役军人的待遇得到保障",
    "希望对残疾人等困难群体多一些关爱",
    "建议加强生态环境保护，守住绿水青山",
    "希望城市管理更加人性化",
    "建议规范执法行为，文明执法",
    "希望农产品价格稳定，农民增收",
    "建议加大职业教育投入",
    "希望有更多的就业培训机会",
    "希望社保政策宣传到每家每户",
    "建议提高村干部的工作积极性",
    "希望基层减负落到实处",
    "建议加强对政策落实情况的监督检查",
    "希望人大代表多反映群众诉求",
    "希望重大决策多征求群众意见",
    "没有什么意见，满意",
    "希望继续保持现在的好势头",
    "建议重视年轻人的婚恋和住房问题",
    "希望养老服务机构多一些",
    "建议加强对未成年人的保护",
    "希望多开展普法宣传",
    "希望政府说到做到，讲诚信",
    "建议加大对科技创新的扶持",
    "希望交通越来越便利",
    "建议提高公共服务的效率",
    "希望老百姓的收入再提高一些",
    "建议重视心理健康服务",
]

OPENINGS = ["", "", "", "", "希望", "建议", "反映：", "我想反映一下，", "我们这里", "群众反映"]
CONSEQUENCES = [
    "",
    "",
    "群众意见很大",
    "影响群众正常生活",
    "老百姓苦不堪言",
    "存在较大安全隐患",
    "给群众带来很大不便",
    "反映多次仍未解决",
    "已经持续很长时间",
    "附近居民都有意见",
]
REQUESTS = [
    "",
    "",
    "希望尽快解决",
    "请有关部门重视",
    "希望政府加大投入",
    "建议相关部门加强监管",
    "请相关部门尽快处理",
    "望能早日解决",
    "希望能彻底整改",
    "恳请领导关注",
]
NAMES = ["李先生", "王女士", "张先生", "刘女士", "陈先生", "黄女士", "覃先生", "韦女士", "梁先生", "莫女士"]

SOURCES_2019 = [
    (
        "城乡居民（含村委、社区工作人员）",
        176,
        [
            "road",
            "traffic",
            "education",
            "medical",
            "social_security",
            "employment",
            "city",
            "environment",
            "infrastructure",
            "security",
            "conduct",
            "food",
        ],
    ),
    ("反馈问题整改专项评议", 86, ["followup", "conduct", "city", "road", "infrastructure"]),
    ("政府推动经济社会发展满意度问卷调查", 24, ["employment", "business", "infrastructure", "representative"]),
    ("企业开办", 19, ["business"]),
    ("不动产登记", 3, ["property"]),
    ("信贷办理", 3, ["credit"]),
    ("工程报建", 8, ["permit"]),
    ("用水、用气、用电", 6, ["utilities"]),
    ("党代表、人大代表、政协委员", 30, ["representative", "conduct"]),
    (
        "乡村振兴（含贫困户、普通村民、村委和社区工作人员）",
        119,
        ["rural", "road", "water", "employment", "social_security", "medical"],
    ),
    ("为民办实事·饮水安全", 14, ["water"]),
    ("为民办实事·千村万企贫困户", 9, ["enterprise_poor"]),
    ("为民办实事·义务教育家庭困难寄宿生生活补助", 9, ["boarding"]),
    ("为民办实事·棚户区改造", 21, ["shantytown"]),
    ("为民办实事·易地扶贫搬迁", 20, ["relocation"]),
]
SOURCES_2020 = [
    (
        "城乡居民（含村委、社区工作人员）",
        168,
        [
            "road",
            "traffic",
            "education",
            "medical",
            "social_security",
            "employment",
            "city",
            "environment",
            "infrastructure",
            "security",
            "conduct",
            "epidemic",
            "food",
        ],
    ),
    ("企业（营商环境）", 52, ["business", "property", "credit", "permit", "utilities"]),
    ("党代表、人大代表、政协委员", 38, ["representative", "epidemic", "conduct"]),
    (
        "乡村振兴（含脱贫户、普通村民、村委和社区工作人员）",
        121,
        ["rural", "road", "water", "employment", "social_security"],
    ),
    ("为民办实事项目受益群体", 68, ["water", "boarding", "shantytown", "relocation", "enterprise_poor"]),
]


class Writer:
    """Composes distinct feedback texts from the topic sentences."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()
        self.used_cores: set[str] = set()

    def slots(self) -> dict:
        r = self.rng
        county = r.choice(list(COUNTIES))
        road, road2 = r.sample(ROADS, 2)
        digit = r.randint(2, 9)
        return {
            "county": county,
            "town": r.choice(COUNTIES[county]),
            "village": r.choice(VILLAGES),
            "comm": r.choice(COMMUNITIES),
            "road": road,
            "road2": road2,
            "school": r.choice(SCHOOLS),
            "hosp": r.choice(HOSPITALS),
            "market": r.choice(MARKETS),
            "estate": r.choice(ESTATES),
            "bus": r.choice(BUS),
            "n": "零一二三四五六七八九"[digit] if r.random() < 0.5 else str(digit),
            "_n": str(digit),
            "m": str(r.randint(1, 12)),
            "_county": county,
        }

    def general(self) -> tuple[str, dict] | None:
        """A general suggestion not used yet in this batch, or None."""
        left = [g for g in GENERAL if g not in self.used_cores]
        if not left:
            return None
        core = self.rng.choice(left)
        self.used_cores.add(core)
        text = core + self.rng.choice(["。", "。", "！", "，谢谢。"])
        s = self.slots()
        return text, dict(s, _key=core)

    def compose(self, topics: list[str]) -> tuple[str, dict]:
        r = self.rng
        for _ in range(500):
            s = self.slots()
            template = r.choice(TOPICS[r.choice(topics)])
            core = template.format(**s)
            key = template.format(**dict(s, n=s["_n"]))  # "八个" and "8个" are one problem
            if key in self.used_cores:
                continue
            text = r.choice(OPENINGS) + core
            parts = [p for p in (r.choice(CONSEQUENCES), r.choice(REQUESTS)) if p]
            text += ("，" + "，".join(parts) if parts else "") + "。"
            if r.random() < 0.06:
                text += "谢谢！"
            self.used_cores.add(key)
            self.used.add(text)
            return text, dict(s, _key=key)
        raise RuntimeError("ran out of distinct texts; add sentences")


def _to_fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


def vary(text: str, rng: random.Random, kind: str) -> str:
    """A repeat of ``text`` as another respondent or a re-entry would write it."""
    if kind == "punct":
        return text.replace("，", ",").replace("。", ".").replace("：", ":").replace("！", "!")
    if kind == "width":
        return (
            unicodedata.normalize("NFKC", text)
            .translate(str.maketrans("0123456789", "０１２３４５６７８９"))
            .replace("K3", _to_fullwidth("K3"))
        )
    if kind == "space":
        return text.replace("，", "， ", 1).rstrip("。") + " 。"
    if kind == "opening":
        stripped = text
        for o in ("希望", "建议", "反映：", "我想反映一下，", "我们这里", "群众反映"):
            if stripped.startswith(o):
                stripped = stripped[len(o) :]
                break
        return ("建议" if not text.startswith("建议") else "希望") + stripped
    if kind == "wording":
        for a, b in (
            ("希望尽快解决", "望尽快解决"),
            ("请有关部门重视", "请相关部门重视"),
            ("群众意见很大", "群众意见大"),
            ("请相关部门尽快处理", "请有关部门尽快处理"),
            ("望能早日解决", "希望早日解决"),
            ("影响群众正常生活", "影响正常生活"),
        ):
            if a in text:
                return text.replace(a, b)
        return text.rstrip("。") + "，望解决。"
    if kind == "thanks":
        return text + "谢谢。" if not text.endswith("谢谢！") else text[:-3] + "。"
    raise ValueError(kind)


def make_batch(
    rng: random.Random,
    sources,
    repeats: list[tuple[int, list[str]]],
    year: int,
    months: tuple[int, int],
    general_share: float = 0.1,
) -> tuple[list[dict], list[tuple[int, int]]]:
    """Items for one batch; ``repeats`` = [(group size, [variation kinds])]."""
    w = Writer(rng)
    items = []
    for source, count, topics in sources:
        for _ in range(count):
            picked = w.general() if rng.random() < general_share else None
            text, s = picked or w.compose(topics)
            items.append(
                {
                    "source": source,
                    "text": text,
                    "county": s["_county"],
                    "town": s["town"],
                    "topics": topics,
                    "key": s["_key"],
                    "general": picked is not None,
                }
            )
    # Replace some items by repeats of others, keeping the total: the repeat
    # takes the slot and the source of the item it replaces (the same problem
    # raised by another kind of respondent).
    n_extra = sum(size - 1 for size, _ in repeats)
    concrete = [k for k, it in enumerate(items) if not it["general"]]  # a problem raised again, not a slogan
    victims = rng.sample(concrete, n_extra + len(repeats))
    originals, slots = victims[: len(repeats)], victims[len(repeats) :]
    pairs = []
    for (size, kinds), o in zip(repeats, originals):
        for kind in kinds[: size - 1]:
            v = slots.pop()
            orig = items[o]
            items[v] = dict(orig, text=vary(orig["text"], rng, kind), source=items[v]["source"])
            pairs.append((o, v))
    start = dt.date(year, months[0], 1)
    span = (dt.date(year, months[1], 28) - start).days
    for it in items:
        it["date"] = start + dt.timedelta(days=rng.randint(0, span))
        it["contact"] = rng.choice(NAMES) if rng.random() < 0.25 else ""
        it["phone"] = (
            f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}" if it["contact"] else ""
        )
    return items, pairs


def write_2019(items: list[dict], path: Path, rng: random.Random) -> list[int]:
    """The region workbook, with the mess real ones have. Returns 序号 per item."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    ws.title = "意见建议汇总"
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.append([f"自治区反馈{CITY}2019年度社会评价群众意见建议汇总表"])
    ws.merge_cells("A1:H1")
    ws["A1"].font = Font(name="方正小标宋简体", size=18)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append([f"填报单位：{CITY}绩效考评领导小组办公室（盖章）", "", "", "", "", "填报日期：2020年5月20日"])
    ws.merge_cells("A2:E2")
    ws.merge_cells("F2:H2")
    ws.append(["序号", "问卷类型", "意见建议内容", "反映地点", None, "反映时间", "联系人", "联系电话"])
    ws.append([None, None, None, "县(市、区)", "乡(镇、街道)", None, None, None])
    for col in "ABCFGH":
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("D3:E3")
    for row in ws.iter_rows(min_row=3, max_row=4, max_col=8):
        for c in row:
            c.font = Font(name="黑体", bold=True)
            c.border = box
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for col, width in zip("ABCDEFGH", (6, 22, 60, 12, 14, 14, 10, 14)):
        ws.column_dimensions[col].width = width
    seqs = []
    current = None
    group_no = 0
    cn = "一二三四五六七八九十"
    for k, it in enumerate(items, start=1):
        if it["source"] != current:
            current = it["source"]
            group_no += 1
            label = cn[group_no - 1] if group_no <= 10 else "十" + cn[group_no - 11]
            n = sum(1 for x in items if x["source"] == current)
            ws.append([f"{label}、{current}（{n}条）"])
            ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=8)
        if rng.random() < 0.006:
            ws.append([])  # stray blank row
        d = it["date"]
        form = rng.random()
        if form < 0.6:
            date_cell = d
        elif form < 0.75:
            date_cell = f"{d.year}年{d.month}月{d.day}日"
        elif form < 0.85:
            date_cell = f"{d.year}.{d.month}.{d.day}"
        elif form < 0.95:
            date_cell = f"{d.year}/{d.month}/{d.day}"
        else:
            date_cell = (d - dt.date(1899, 12, 30)).days  # a serial number, not formatted
        text = it["text"]
        if rng.random() < 0.03:
            text = "  " + text + " \n"
        seq = str(k) if rng.random() < 0.3 else k  # numbers stored as text
        ws.append([seq, it["source"], text, it["county"], it["town"], date_cell, it["contact"], it["phone"]])
        ws.cell(ws.max_row, 6).number_format = "yyyy-mm-dd" if isinstance(date_cell, dt.date) else "General"
        ws.cell(ws.max_row, 3).alignment = Alignment(wrap_text=True, vertical="top")
        seqs.append(k)
    ws.append([])
    ws.append([f"合计：{len(items)}条"])
    ws.append(
        ["填表说明：1.“问卷类型”按自治区反馈表填写；2.反映时间以调查时间为准；3.联系方式仅供回访使用，不得公开。"]
    )
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=8)
    ws.freeze_panes = "A5"
    wb.save(path)
    return seqs


def write_2020(items: list[dict], path: Path) -> list[int]:
    with open(path, "w", encoding="gbk", newline="") as f:
        w = csv.writer(f)
        w.writerow(["编号", "受访者类型", "意见建议", "县区", "乡镇", "时间"])
        for k, it in enumerate(items, start=1):
            d = it["date"]
            w.writerow(
                [f"ZQ2020-{k:03d}", it["source"], it["text"], it["county"], it["town"], f"{d.year}/{d.month}/{d.day}"]
            )
    return list(range(1, len(items) + 1))


UNITS = [
    ("桂中市教育局", "市教育局", "市直", "副市长 周海燕", "陈立新", "0770-5501201"),
    ("桂中市卫生健康委员会", "市卫健委;市卫生健康委", "市直", "副市长 周海燕", "黄丽", "0770-5501302"),
    ("桂中市人力资源和社会保障局", "市人社局", "市直", "副市长 周海燕", "梁志强", "0770-5501403"),
    ("桂中市医疗保障局", "市医保局", "市直", "副市长 周海燕", "韦晓红", "0770-5501504"),
    ("桂中市民政局", "市民政局", "市直", "副市长 周海燕", "莫家明", "0770-5501605"),
    ("桂中市住房和城乡建设局", "市住建局;市住房城乡建设局", "市直", "副市长 李国栋", "覃建华", "0770-5502101"),
    ("桂中市城市管理综合执法局", "市城管局;市城管执法局", "市直", "副市长 李国栋", "刘振宇", "0770-5502202"),
    ("桂中市自然资源局", "市自然资源局", "市直", "副市长 李国栋", "蒙秀兰", "0770-5502303"),
    ("桂中市不动产登记中心", "市不动产登记中心", "市直", "副市长 李国栋", "卢海波", "0770-5502404"),
    ("桂中市生态环境局", "市生态环境局;市环保局", "市直", "副市长 李国栋", "谢文静", "0770-5502505"),
    ("桂中市交通运输局", "市交通运输局;市交通局", "市直", "副市长 杨光明", "罗永福", "0770-5503101"),
    ("桂中市公安局", "市公安局", "市直", "副市长 杨光明", "潘国庆", "0770-5503202"),
    ("桂中市公安局交通警察支队", "市交警支队", "市直", "副市长 杨光明", "吴俊杰", "0770-5503303"),
    ("桂中市行政审批局", "市行政审批局;市政务服务中心", "市直", "常务副市长 赵志远", "苏晓燕", "0770-5504101"),
    ("桂中市市场监督管理局", "市市场监管局", "市直", "常务副市长 赵志远", "何春梅", "0770-5504202"),
    ("桂中市发展和改革委员会", "市发展改革委;市发改委", "市直", "常务副市长 赵志远", "林宏伟", "0770-5504303"),
    ("桂中市工业和信息化局", "市工信局;市工业和信息化局", "市直", "常务副市长 赵志远", "邓志刚", "0770-5504404"),
    (
        "中国人民银行桂中市中心支行",
        "人行桂中中支;人民银行桂中中支",
        "驻市",
        "常务副市长 赵志远",
        "甘丽萍",
        "0770-5504505",
    ),
    ("桂中市农业农村局", "市农业农村局", "市直", "副市长 黄永康", "蓝海军", "0770-5505101"),
    ("桂中市乡村振兴局", "市乡村振兴局", "市直", "副市长 黄永康", "农秀英", "0770-5505202"),
    ("桂中市水利局", "市水利局", "市直", "副市长 黄永康", "廖德明", "0770-5505303"),
    ("桂中供电局", "市供电局", "驻市", "副市长 黄永康", "钟伟", "0770-5505404"),
    ("桂中市水务集团有限公司", "市水务集团", "市直企业", "副市长 黄永康", "曾庆华", "0770-5505505"),
    ("桂中市绩效考评领导小组办公室", "市绩效办", "市直", "市委副书记 孙建平", "唐晓梅", "0770-5500101"),
]


def write_units(path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "单位名录"
    ws.append(["单位全称", "简称/别名（用;分隔）", "层级", "责任领导", "联系人", "联系电话"])
    for c in ws[1]:
        c.font = Font(name="黑体", bold=True)
    for u in UNITS:
        ws.append(list(u))
    for county in COUNTIES:
        ws.append([f"{CITY}{county}人民政府", f"{county}政府;{county}", "县区", "", "", ""])
    for col, width in zip("ABCDEF", (32, 30, 8, 20, 10, 16)):
        ws.column_dimensions[col].width = width
    wb.save(path)


# Routing rules for the example city: category -> lead unit, co-units, deadline,
# measures and goal; a last rule with the lowest priority sends anything else
# to the county government, so every key task is assigned.
RULES = [
    (
        10,
        "教育",
        "",
        "市教育局",
        "{县区}政府",
        "年底前",
        "逐校排查班额、学位和食堂问题，制定整改清单，按学期推进。",
        "问题学校整改到位，家长满意度提升。",
    ),
    (
        10,
        "医疗卫生",
        "",
        "市卫健委",
        "市医保局",
        "11月底",
        "优化挂号缴费流程，推行预约诊疗，补齐基层医生和药品短板。",
        "群众就医排队时间明显缩短。",
    ),
    (
        10,
        "就业",
        "",
        "市人社局",
        "{县区}政府",
        "长期坚持",
        "开展招聘对接和技能培训，严查欠薪。",
        "本地就业岗位和培训对接率提高。",
    ),
    (
        10,
        "社会保障",
        "",
        "市民政局",
        "市人社局;市医保局",
        "30个工作日",
        "公开低保等评定程序和结果，帮助老人完成资格认证。",
        "补贴按时足额发放，评定公开透明。",
    ),
    (
        10,
        "住房保障",
        "",
        "市住建局",
        "市自然资源局",
        "年底前",
        "倒排棚改回迁和办证时间表，逐户跟踪。",
        "回迁和办证按承诺时间完成。",
    ),
    (
        10,
        "易地扶贫搬迁",
        "",
        "市乡村振兴局",
        "{县区}政府;市人社局",
        "长期坚持",
        "完善安置点配套，开展就业帮扶。",
        "搬迁群众稳得住、有就业。",
    ),
    (
        10,
        "城市管理",
        "",
        "市城管局",
        "{县区}政府",
        "30天",
        "开展专项整治，建立长效巡查机制。",
        "问题点位整治到位，不反弹。",
    ),
    (
        10,
        "环境保护",
        "",
        "市生态环境局",
        "{县区}政府;市农业农村局",
        "60天",
        "现场核查污染源，依法查处，跟踪监测。",
        "污染问题查处到位，环境质量改善。",
    ),
    (
        10,
        "基础设施建设",
        "",
        "市住建局",
        "{县区}政府;市交通运输局",
        "年底前",
        "列入年度建设计划，落实资金，限期修复。",
        "道路、管网、照明等设施恢复正常。",
    ),
    (
        10,
        "交通",
        "",
        "市交通运输局",
        "市交警支队",
        "11月底",
        "优化公交线路和班次，加强重点路段疏导。",
        "群众出行更加便利安全。",
    ),
    (
        10,
        "社会治安",
        "",
        "市公安局",
        "{县区}政府",
        "长期坚持",
        "加强巡逻防控和专项打击，修复监控设施。",
        "群众安全感提升。",
    ),
    (
        10,
        "营商环境",
        "",
        "市行政审批局",
        "市市场监管局;人行桂中中支;市供电局",
        "15个工作日",
        "推行一窗受理、一次办结，压缩办理时限。",
        "企业办事少跑腿、办得快。",
    ),
    (
        10,
        "乡村振兴",
        "",
        "市乡村振兴局",
        "市农业农村局;{县区}政府",
        "年底前",
        "落实产业帮扶和分红，指导农技，改善人居环境。",
        "帮扶政策落实到户。",
    ),
    (
        10,
        "饮水安全",
        "",
        "市水利局",
        "市水务集团;{县区}政府",
        "11月底",
        "检测水质，维修管网，保障旱季供水。",
        "群众喝上安全稳定的自来水。",
    ),
    (
        10,
        "疫情防控",
        "",
        "市卫健委",
        "{县区}政府",
        "30天",
        "优化检测和接种点布局，及时发布信息。",
        "群众检测接种更方便。",
    ),
    (
        10,
        "食品药品监管",
        "",
        "市市场监管局",
        "{县区}政府",
        "30天",
        "加大抽检和检查频次，依法查处。",
        "食品安全问题查处到位。",
    ),
    (
        10,
        "干部作风",
        "",
        "市绩效办",
        "{县区}政府",
        "30天",
        "开展作风专项督查，通报典型问题。",
        "窗口服务作风明显好转。",
    ),
    (
        10,
        "民生改善",
        "",
        "市发展改革委",
        "{县区}政府",
        "长期坚持",
        "把群众建议纳入民生实事项目统筹推进。",
        "民生实事项目群众参与度提高。",
    ),
    (20, "", "路灯 电梯", "市住建局", "{县区}政府", "30个工作日", "排查维修，建立报修快速响应机制。", "设施及时修复。"),
    (0, "", "", "{县区}政府", "", "年底前", "由属地政府牵头核查处理。", "问题得到妥善处理。"),
]


def write_rules(path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "分解规则"
    ws.append(
        [
            "优先级",
            "类别",
            "来源",
            "县(市、区)",
            "乡(镇、街道)",
            "关键词",
            "牵头单位",
            "配合单位",
            "责任领导",
            "责任人",
            "整改时限",
            "整改措施",
            "整改目标",
        ]
    )
    for c in ws[1]:
        c.font = Font(name="黑体", bold=True)
    for prio, cat, words, lead, co, deadline, measures, goal in RULES:
        ws.append([prio, cat, "", "", "", words, lead, co, "", "", deadline, measures, goal])
    for col, width in zip("ABCDEFGHIJKLM", (6, 12, 10, 10, 10, 14, 18, 30, 10, 8, 12, 50, 30)):
        ws.column_dimensions[col].width = width
    wb.save(path)


def main() -> None:
    rng = random.Random(20191231)
    items19, pairs19 = make_batch(
        rng,
        SOURCES_2019,
        repeats=[
            (2, ["punct"]),
            (2, ["width"]),
            (2, ["opening"]),
            (2, ["wording"]),
            (2, ["space"]),
            (3, ["thanks", "punct"]),
            (3, ["wording", "opening"]),
        ],
        year=2019,
        months=(9, 11),
    )
    items20, pairs20 = make_batch(
        rng,
        SOURCES_2020,
        repeats=[(2, ["punct"]), (2, ["opening"]), (2, ["width"]), (2, ["wording"])],
        year=2020,
        months=(5, 6),
    )
    # The mid-year survey also hears some 2019 problems again ("连续两年反映"),
    # problems that no other 2020 item raises.
    keys20 = {it["key"] for it in items20}
    fresh19 = [it for it in items19 if it["key"] not in keys20]
    for k in rng.sample(range(len(items20)), 3):
        if all(k not in p for p in pairs20):
            items20[k] = dict(items20[k], text=rng.choice(fresh19)["text"])
    assert len(items19) == 547 and len(items20) == 447
    seq19 = write_2019(items19, HERE / "2019年度社会评价群众意见建议.xlsx", rng)
    seq20 = write_2020(items20, HERE / "2020年中期社会评价群众意见建议.csv")
    with open(HERE / "expected_duplicates.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["batch", "original_seq", "repeat_seq"])
        for o, v in pairs19:
            w.writerow(["2019年度", seq19[o], seq19[v]])
        for o, v in pairs20:
            w.writerow(["2020年中期", f"ZQ2020-{seq20[o]:03d}", f"ZQ2020-{seq20[v]:03d}"])
    (HERE / "rules").mkdir(exist_ok=True)
    write_units(HERE / "rules" / "单位名录.xlsx")
    write_rules(HERE / "rules" / "分解规则.xlsx")


if __name__ == "__main__":
    main()
