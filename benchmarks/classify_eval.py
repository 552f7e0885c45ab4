"""Classifier quality on real labelled messages: ../shared/data/tipdm2020c/labeled_dev.xlsx.

    python benchmarks/classify_eval.py

First, the figures that count: a quarter of the messages is set aside before
any tuning (stratified, fixed seed HELD_OUT_SEED) and never looked at while the
model is chosen; the model is trained on the rest, sets its own 自动采纳
threshold from its own cross-validation, and is measured once on the quarter
set aside: macro-F1 with a bootstrap interval, per-class figures, the
confusion matrix, the share accepted and how many of those were right with
its Wilson interval. Then, on the rest only (the tuning ground),
stratified 5-fold cross-validation of the learned classifier (the product's
own TextModel): accuracy, macro-F1, the share of unseen items taken without
review (自动采纳) and how many of those are right, the accepted-share /
accuracy curve, a per-class table, the confusion matrix, and training plus
prediction time. Then the keyword rules alone, with the
small taxonomy below written for these 7 classes: the cold-start figure an
office gets on day one with no history.
"""

from __future__ import annotations

import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "tipdm2020c" / "labeled_dev.xlsx"
PRECISION = 0.97  # [classify] accept_precision
HELD_OUT_SEED = 20261205  # fixed before tuning: the quarter it sets aside is never used to choose anything

# A first-year office's keyword table for the platform's 7 classes.
KEYWORDS = {
    "城乡建设": "小区 物业 房屋 开发商 业主 拆迁 征收 安置 违建 道路 施工 工地 住房 公积金 房产 购房 电梯 供水 停水 燃气 路灯 城管 规划 安全隐患",
    "劳动和社会保障": "社保 养老 医保 工资 拖欠 劳动 合同 失业 退休 工伤 就业 人社 养老金 保险 低保 补贴 职工 编制 待遇",
    "教育文体": "学校 学生 老师 教师 教育 幼儿园 小学 中学 高考 招生 入学 学位 培训 体育 文化 课程 家长 班级",
    "商贸旅游": "商家 消费者 商品 价格 收费 超市 旅游 景区 公司 传销 诈骗 投资 市场 商铺 网购 退款 快递 营业",
    "环境保护": "污染 环保 排放 噪音 臭气 垃圾 废水 废气 粉尘 河道 水质 养殖 焚烧 油烟 环境 扰民",
    "卫生计生": "医院 医生 患者 病人 治疗 手术 卫生 疫苗 计生 生育 二胎 药品 诊所 护士 看病 医疗",
    "交通运输": "公交 出租车 司机 驾驶 车辆 交通 高速 收费站 地铁 火车 客运 站点 道路运输 驾校 网约车 线路",
}


def main() -> None:
    if not DATA.exists():
        print(f"data not found: {DATA} (it sits beside the project, in ../shared/data; not shipped)")
        return
    import numpy as np
    from python_calamine import CalamineWorkbook
    from sklearn.metrics import accuracy_score, classification_report, confusion_matrix, f1_score
    from sklearn.model_selection import StratifiedKFold

    from rectikit.steps.classify import _rule_guess, rule_category
    from rectikit.steps.taxonomy import Category, Taxonomy, parse_keywords
    from rectikit.text.model import TextModel
    from rectikit.text.normalise import normalise_many

    rows = CalamineWorkbook.from_path(str(DATA)).get_sheet_by_index(0).to_python()
    head = rows[0]
    li, ti = head.index("一级标签"), head.index("主题+详情")
    data = [(str(r[ti]), str(r[li])) for r in rows[1:] if str(r[ti]).strip() and str(r[li]).strip()]
    from sklearn.model_selection import train_test_split

    from rectikit.base.stats import wilson

    all_texts = [t for t, _ in data]
    all_y = np.array([lab for _, lab in data])
    labels = sorted(set(all_y))
    tune, held = train_test_split(np.arange(len(all_y)), test_size=0.25, stratify=all_y, random_state=HELD_OUT_SEED)
    print(
        f"{len(all_texts)} messages, {len(labels)} classes; {len(held)} set aside before tuning, {len(tune)} to tune on"
    )

    t = time.perf_counter()
    model = TextModel().fit([all_texts[i] for i in tune], all_y[tune].tolist())
    threshold = model.accept_above(PRECISION)
    got, c = model.predict([all_texts[i] for i in held])
    got, truth, c = np.asarray(got, dtype=str), all_y[held], np.asarray(c)
    taken = c >= (threshold if threshold is not None else 2)
    right = got == truth
    rng = np.random.default_rng(0)
    boot = [
        f1_score(truth[k], got[k], average="macro") for k in (rng.integers(0, len(held), len(held)) for _ in range(500))
    ]
    low, high = wilson(int(right[taken].sum()), int(taken.sum()))
    print(f"\nHELD OUT ({len(held)} unseen messages, model fitted on the rest, {time.perf_counter() - t:.1f} s):")
    print(
        f"  macro-F1 {f1_score(truth, got, average='macro'):.4f} (95% bootstrap {np.percentile(boot, 2.5):.3f}–"
        f"{np.percentile(boot, 97.5):.3f}), accuracy {right.mean():.4f}"
    )
    print(
        f"  自动采纳 (threshold {threshold if threshold is None else round(threshold, 3)}, set by the Wilson lower "
        f"bound of its own cross-validation): {taken.mean():.1%} accepted, {right[taken].mean():.2%} of them right "
        f"(95% Wilson {low:.2%}–{high:.2%})"
    )
    print(classification_report(truth, got, digits=3))
    print("confusion matrix (rows: truth, columns: predicted)\n" + " ".join(labels))
    print(confusion_matrix(truth, got, labels=labels))

    texts = [all_texts[i] for i in tune]  # everything below looks at the tuning ground only
    y = all_y[tune]

    def cross_validate(seed: int):
        """Out-of-fold answers, confidences, and whether each would be taken without review: the
        threshold comes from the training folds alone, as `rectikit classify` sets it."""
        pred, conf, accepted = np.empty(len(y), dtype=object), np.zeros(len(y)), np.zeros(len(y), dtype=bool)
        fit_s, predict_s = [], []
        for train, test in StratifiedKFold(5, shuffle=True, random_state=seed).split(texts, y):
            t = time.perf_counter()
            model = TextModel().fit([texts[i] for i in train], y[train].tolist())
            fit_s.append(time.perf_counter() - t)
            threshold = model.accept_above(PRECISION)
            t = time.perf_counter()
            out, c = model.predict([texts[i] for i in test])
            predict_s.append(time.perf_counter() - t)
            pred[test], conf[test] = out, c
            accepted[test] = np.asarray(c) >= (threshold if threshold is not None else 2)
        return pred.astype(str), conf, accepted, fit_s, predict_s

    print(
        "\nlearned classifier (char 1-3 + jieba search-mode words, calibrated linear SVM "
        "+ 5-nearest-neighbour vote), 5-fold CV"
    )
    pred, conf, accepted, fit_s, predict_s = cross_validate(0)
    print(f"accuracy {accuracy_score(y, pred):.4f}  macro-F1 {f1_score(y, pred, average='macro'):.4f}")
    print(
        f"per fold: training {np.mean(fit_s):.1f} s on {len(texts) * 4 // 5} items, "
        f"prediction {np.mean(predict_s):.1f} s on {len(texts) // 5} items"
    )
    right = pred == y
    print(
        f"自动采纳 (threshold from each training fold's own cross-validation, target {PRECISION:.0%}): "
        f"{accepted.mean():.1%} of unseen items accepted, {right[accepted].mean():.1%} of them right; "
        f"the {int((~accepted).sum())} for review are right {right[~accepted].mean():.1%} of the time"
    )
    print("accepted share vs accuracy (unseen items, most confident first):")
    order = np.argsort(-conf, kind="stable")
    for share in (0.5, 0.6, 0.7, 0.8, 0.9, 1.0):
        k = int(share * len(y))
        print(
            f"  {share:4.0%} accepted: accuracy {right[order[:k]].mean():.3f} (confidence ≥ {conf[order[k - 1]]:.2f})"
        )
    other, *_ = cross_validate(1)
    print(
        f"the same with another shuffle of the folds: accuracy {accuracy_score(y, other):.4f}  "
        f"macro-F1 {f1_score(y, other, average='macro'):.4f}"
    )
    batch = [texts[i % len(texts)] for i in range(10000)]
    t = time.perf_counter()
    TextModel().fit(texts, y.tolist()).predict(batch)
    print(f"training on all {len(texts)} and predicting 10,000: {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    TextModel().fit(batch, [y[i % len(texts)] for i in range(10000)]).predict(batch)
    print(f"training on 10,000 and predicting 10,000: {time.perf_counter() - t:.1f} s")
    print(classification_report(y, pred, digits=3))
    print("confusion matrix (rows: truth, columns: predicted)\n" + " ".join(labels))
    print(confusion_matrix(y, pred, labels=labels))

    tax = Taxonomy({name: Category(name, keywords=parse_keywords(words)) for name, words in KEYWORDS.items()})
    t = time.perf_counter()
    rule = np.array([rule_category(n, tax)[0] or "（未分类）" for n in normalise_many(texts)])
    print(f"\nkeyword rules alone (cold start, no history), {time.perf_counter() - t:.1f} s")
    covered = rule != "（未分类）"
    print(
        f"accuracy {accuracy_score(y, rule):.4f}  macro-F1 {f1_score(y, rule, average='macro', labels=labels):.4f}"
        f"  unmatched {int((~covered).sum())}"
    )
    margins = np.array([_rule_guess(n, tax)[6] for n in normalise_many(texts)])
    for share in (0.2, 0.5, 0.7):
        top = np.argsort(-margins, kind="stable")[: int(share * len(y))]
        print(
            f"  the {share:.0%} whose top category leads most clearly: {(rule == y)[top].mean():.1%} right "
            f"(why rules never mark 自动采纳)"
        )


if __name__ == "__main__":
    main()
