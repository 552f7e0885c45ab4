"""The second core: both halves come back, in order, and a failure in the worker is raised here."""

import numpy as np
import pytest

from rectikit.base.errors import InvalidDataError
from rectikit.base.parallel import Background, side_by_side


def _fails(message: str):
    raise InvalidDataError(message)


def test_both_halves_come_back_in_order():
    assert side_by_side(lambda: "here", str.upper, "there") == ("here", "THERE")


def test_a_failure_in_the_worker_is_raised_here_as_it_was():
    with pytest.raises(InvalidDataError, match="坏数据"):
        side_by_side(lambda: None, _fails, "坏数据")


def test_the_worker_shares_this_process_memory_on_linux_whatever_the_default_start_method():
    """Python 3.14 starts workers by forkserver unless asked; an unpicklable task still reaches a forked one."""
    import multiprocessing
    import sys
    import threading

    if sys.platform != "linux":
        pytest.skip("fork is asked for on Linux only")
    was = multiprocessing.get_start_method(allow_none=True)
    multiprocessing.set_start_method("forkserver", force=True)
    try:
        lock = threading.Lock()  # cannot be pickled: only a forked worker can be handed it
        assert side_by_side(lambda: 1, _lock_type, lock) == (1, "lock")
    finally:
        multiprocessing.set_start_method(was, force=True)


def _lock_type(lock) -> str:
    return "lock" if hasattr(lock, "acquire") else "?"


def test_background_work_hands_back_its_value_or_its_error_whatever_it_was():
    assert Background(lambda: 41 + 1).result() == 42

    def exhausted():
        raise MemoryError

    failing = Background(exhausted)
    failing.wait()  # waiting alone does not raise
    with pytest.raises(MemoryError):
        failing.result()


def test_close_pairs_checked_in_two_processes_match_one(monkeypatch):
    from rectikit.text import neardup
    from rectikit.text.normalise import normalise_many

    forms = normalise_many(["东村路灯不亮", "西村路灯不亮", "东村路灯不亮了", "东村噪音扰民", "3号楼停水", "5号楼停水"])
    pairs = np.array([(0, 1), (0, 2), (0, 3), (1, 2), (4, 5), (0, 4)])
    alone = neardup.same_problems(forms, pairs).tolist()
    monkeypatch.setattr(neardup, "PARALLEL_PAIRS", 1)
    assert neardup.same_problems(forms, pairs).tolist() == alone == [False, True, False, False, False, False]


def test_pairs_told_apart_in_bulk_are_what_the_rule_says():
    # numbers and complaint words decide most pairs once per kind; the verdicts are the rule's own
    from rectikit.text import neardup
    from rectikit.text.normalise import normalise_many, same_problem
    from rectikit.text.specificity import topics

    texts = ["北湖区路灯不亮已经19天", "北湖区路灯不亮已经10天", "北湖区噪音扰民已经19天", "北湖区路灯不亮已经119天"]
    texts += ["北湖区路灯不亮已经1了9天", "北湖区路灯不亮" * 30 + "已经19天", "北湖区路灯不亮" * 30 + "已经10天"]
    forms = normalise_many(texts)
    pairs = np.array([(i, j) for i in range(len(forms)) for j in range(i + 1, len(forms))])
    expected = [same_problem(forms[i], forms[j], topics) for i, j in pairs.tolist()]
    assert neardup.same_problems(forms, pairs).tolist() == expected


def test_split_map_keeps_the_order_whether_or_not_a_second_process_helps():
    from rectikit.base.parallel import split_map

    items = list(range(11))
    assert split_map(divmod, items, 3, at=100) == split_map(divmod, items, 3, at=2) == [divmod(i, 3) for i in items]
