"""The values the ledger's fields take, shared by the steps that write them
and the figures that count them."""

# 整改进展: what a unit reports for a task.
PROGRESS = ("未启动", "推进中", "已完成", "持续推进")
DONE = "已完成"
