"""Near-duplicate merging at scale, against injected repeats.

    python benchmarks/dedupe_bench.py                 # 10k, 100k, 1M
    python benchmarks/dedupe_bench.py 10000 100000

Texts are template-like on purpose (the same phrases about many places),
which is where precision breaks at scale. A fifth of the items get 1-2
repeats made with the edits citizens' texts really show: punctuation, full
width, traditional characters, an opening "希望/建议", a closing "谢谢", one
wording change, a filler character slipped in (also inside a place name:
人民了医院), a typo. A tenth get a hard negative: the same sentence about
another place, another number or another complaint. Each size runs in a fresh subprocess: wall time, peak RSS,
precision and recall over pairs. The brute-force baseline (rapidfuzz over all
pairs, same threshold and rules) runs where it can finish (10k).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys

PHRASES = [
    "路灯不亮",
    "道路坑洼不平",
    "下雨天积水严重",
    "垃圾清运不及时",
    "夜宵摊油烟扰民",
    "广场舞音响太吵",
    "停车位不足",
    "公交班次太少",
    "小区电梯经常故障",
    "自来水经常停水",
    "水压不足",
    "手机信号差",
    "河道垃圾堆积",
    "养猪场粪水直排",
    "工地夜间施工噪音大",
    "学位紧张",
    "班额过大",
    "看病排队时间长",
    "药品种类少",
    "医保报销手续繁琐",
    "低保评定不透明",
    "养老金认证操作复杂",
    "高龄津贴发放不及时",
    "农民工工资被拖欠",
    "办营业执照要跑多次",
    "不动产权证办不下来",
    "村道没有硬化",
    "危桥年久失修",
    "人行道地砖松动",
    "共享单车乱停放",
    "电动车占用盲道",
    "偷盗摩托车时有发生",
    "监控摄像头坏了",
    "赌博摊点多",
    "农药残留问题",
    "小餐馆没有健康证",
    "棚改安置房墙体开裂",
    "安置点离工作地太远",
    "集中供水点旱季断水",
    "饮水工程水质浑浊",
    "村卫生室缺少医生",
    "公益性岗位工资发放不及时",
    "产业项目分红不到位",
]
CONSEQUENCES = [
    "群众意见很大",
    "影响群众正常生活",
    "存在安全隐患",
    "给群众带来很大不便",
    "反映多次仍未解决",
    "已经持续很长时间",
]
REQUESTS = [
    "希望尽快解决",
    "请有关部门重视",
    "希望政府加大投入",
    "建议相关部门加强监管",
    "请相关部门尽快处理",
    "望能早日解决",
]
NAME_CHARS = "东西南北中新老大小上下前后长平安和石门塘坡岭水口龙马凤金银青白黄红古城江河湖山林田园桥湾洲沙泉溪"
SUFFIXES = ["村", "社区", "路", "小区", "镇", "街道", "屯"]
TRAD = str.maketrans(
    "门东长马龙湾银黄园桥沙问题灯积圾时运响车梯经压号码营执证权办乡镇区县",
    "門東長馬龍灣銀黃園橋沙問題燈積圾時運響車梯經壓號碼營執證權辦鄉鎮區縣",
)


def place(rng: random.Random) -> str:
    return "".join(rng.choice(NAME_CHARS) for _ in range(2)) + rng.choice(SUFFIXES)


def base_text(rng: random.Random) -> str:
    p = place(rng)
    a, b = rng.sample(PHRASES, 2)
    parts = [f"{p}{a}", b]
    if rng.random() < 0.4:
        parts.append(f"已经{rng.randint(2, 30)}天了")
    parts.append(rng.choice(CONSEQUENCES))
    parts.append(rng.choice(REQUESTS))
    return "，".join(parts) + "。"


FILLERS = "了的啊呢吧呀"


def repeat(text: str, rng: random.Random) -> str:
    kind = rng.choice(
        ["punct", "width", "trad", "opening", "closing", "wording", "wording2", "filler", "filler", "typo"]
    )
    if kind == "filler":  # a filler character slipped in, also inside a place name (人民了医院)
        at = rng.randrange(1, len(text) - 1)
        return text[:at] + rng.choice(FILLERS) + text[at:]
    if kind == "typo":  # one character of boilerplate mistyped
        for a, b in (("解决", "解央"), ("部门", "部们"), ("意见", "意建"), ("重视", "重是"), ("投入", "头入")):
            if a in text:
                return text.replace(a, b, 1)
    if kind == "punct":
        return text.replace("，", ",").replace("。", "")
    if kind == "width":
        return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text).replace("，", "， ")
    if kind == "trad":
        return text.translate(TRAD)
    if kind == "opening":
        return rng.choice(["希望", "建议", "反映：", "我想反映一下，", "群众反映"]) + text
    if kind == "closing":
        return text + rng.choice(["谢谢！", "谢谢。", "感谢！"])
    for a, b in (
        ("希望尽快解决", "望尽快解决"),
        ("请有关部门重视", "请相关部门重视"),
        ("群众意见很大", "群众意见大"),
        ("影响群众正常生活", "影响正常生活"),
        ("请相关部门尽快处理", "请有关部门尽快处理"),
        ("望能早日解决", "希望早日解决"),
        ("给群众带来很大不便", "给群众带来不便"),
    ):
        if a in text:
            return text.replace(a, b)
    return text.rstrip("。") + "，请尽快处理。"


def hard_negative(text: str, rng: random.Random) -> str:
    """The same sentence about another problem: another place, another number, or another complaint."""
    kind = rng.choice(["place", "number", "phrase"])
    if kind == "number" and any(c.isdigit() for c in text):
        k = next(i for i, c in enumerate(text) if c.isdigit())
        return text[:k] + str((int(text[k]) + rng.randint(1, 8)) % 10) + text[k + 1 :]
    if kind == "phrase":
        present = [p for p in PHRASES if p in text]
        if present:
            return text.replace(present[-1], rng.choice([p for p in PHRASES if p not in present]), 1)
    k = next(i for i, c in enumerate(text) if c in "村区路镇道屯")  # the place name's suffix
    name = text[:k]
    return name[:-1] + rng.choice([c for c in NAME_CHARS if c != name[-1]]) + text[k:]


def make(n: int, seed: int = 11) -> tuple[list[str], list[int]]:
    """n texts and, for each, the id of the problem it states. A fifth of the problems are repeated
    (1-2 times, edited as citizens' re-posts are); a tenth get a hard negative: the same sentence
    about another place, number or complaint, which is another problem."""
    rng = random.Random(seed)
    texts, truth, seen = [], [], set()
    problem = 0
    while len(texts) < n:
        t = base_text(rng)
        if t in seen:
            continue
        seen.add(t)
        texts.append(t)
        truth.append(problem)
        if rng.random() < 0.2:
            for _ in range(rng.choice((1, 1, 2))):
                texts.append(repeat(t, rng))
                truth.append(problem)
        if rng.random() < 0.1:
            other = hard_negative(t, rng)
            if other not in seen:
                seen.add(other)
                problem += 1
                texts.append(other)
                truth.append(problem)
        problem += 1
    return texts[:n], truth[:n]


def pairs_of(groups) -> set[tuple[int, int]]:
    out = set()
    for g in groups:
        m = sorted(g)
        out.update((a, b) for k, a in enumerate(m) for b in m[k + 1 :])
    return out


def score(groups, truth) -> tuple[float, float, int]:
    predicted = pairs_of(groups)
    by_problem: dict[int, list[int]] = {}
    for i, p in enumerate(truth):
        by_problem.setdefault(p, []).append(i)
    true = pairs_of(g for g in by_problem.values() if len(g) > 1)
    hit = len(predicted & true)
    return (hit / len(predicted) if predicted else 1.0), (hit / len(true) if true else 1.0), len(true)


RUN = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[3])
import dedupe_bench as b
texts, truth = b.make(int(sys.argv[1]))
t = time.perf_counter()
if sys.argv[2] == "lsh":
    from rectikit.text.neardup import find_groups
    groups = [g.members for g in find_groups(texts, 0.8)]
else:
    import numpy as np
    from rapidfuzz import process
    from rapidfuzz.distance import Indel
    from rectikit.text.normalise import normalise_many, same_problem
    from rectikit.text.specificity import topics
    norms = normalise_many(texts)
    m = process.cdist(norms, norms, scorer=Indel.normalized_similarity, score_cutoff=0.8, workers=-1,
                      dtype=np.float32)
    i, j = np.nonzero(np.triu(m, 1))
    groups = [(int(a), int(c)) for a, c in zip(i, j) if same_problem(norms[a], norms[c], topics)]
el = time.perf_counter() - t
p, r, n_true = b.score(groups, truth)
print(json.dumps({"s": el, "precision": p, "recall": r, "true_pairs": n_true,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(n: int, method: str) -> dict:
    here = str(__import__("pathlib").Path(__file__).resolve().parent)
    out = subprocess.run([sys.executable, "-c", RUN, str(n), method, here], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(sizes: list[int]) -> None:
    print(
        f"{'items':>9} {'method':>12} {'seconds':>8} {'peak MB':>8} {'precision':>10} {'recall':>7} {'true pairs':>11}"
    )
    for n in sizes:
        methods = ["lsh"] + (["brute-force"] if n <= 10_000 else [])
        for m in methods:
            r = run(n, m)
            print(
                f"{n:>9,} {m:>12} {r['s']:>8.1f} {r['rss_mb']:>8.0f} {r['precision']:>10.4f} {r['recall']:>7.4f} "
                f"{r['true_pairs']:>11,}",
                flush=True,
            )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000, 1_000_000])
