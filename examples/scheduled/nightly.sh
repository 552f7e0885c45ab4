#!/usr/bin/env bash
# rectikit 每晚定时任务（Linux / 麒麟 / 统信 UOS）。
#
# 做四件事，每步写一行日志（时间、步骤、退出码）：
#   1. 导入“收件箱”里的新表格：收件箱/批次名/*.xlsx|xls|ods|csv，子文件夹名就是批次名；
#      已导入过的文件自动跳过（不会重复导入）；
#   2. 导入“交办/报回”文件夹里报回的表格：交办表、调查表、回访记录表可混放，每个文件单独导入，
#      有错误的文件不影响其他文件，按发出的先后导入（同一份再导一次不会有任何改动，也不会撤销重新整改）；
#      日志里每个文件一行：已导入，或未导入及原因；
#   3. 计算整改进度（红黄绿灯）；
#   4. 写出当天的催办清单：报告/催办清单-年-月-日.xlsx。
#
# 用法：  nightly.sh 工作区文件夹 [收件箱文件夹] [报回文件夹]
# 定时：  crontab -e 加一行（每晚 22:30）：
#         30 22 * * * /路径/nightly.sh /data/2020社会评价整改 >/dev/null 2>&1
#
# 退出码：0 全部成功；1 有步骤失败或有文件未导入（看日志和 报告/ 里的校验报告）；
#         75 上一次还没运行完（同一时间只运行一个；上一次若被中止、进程已不在，会自动清除它留下的锁）；2 用法错误。
set -u

WS="${1:-}"
if [ -z "$WS" ] || [ ! -f "$WS/rectikit.toml" ]; then
  echo "用法：$0 工作区文件夹 [收件箱文件夹] [报回文件夹]" >&2
  exit 2
fi
INBOX="${2:-$WS/收件箱}"
RETURNS="${3:-$WS/交办/报回}"
RECTIKIT="${RECTIKIT:-rectikit}"
mkdir -p "$WS/报告"
LOG="$WS/报告/定时任务.log"
LOCK="$WS/.定时任务.lock"

# mkdir is atomic: the second of two runs cannot create the lock and stops. The lock holds the
# running script's pid; a lock whose process is gone was left by a killed run and is taken over.
take_lock() { mkdir "$LOCK" 2>/dev/null && echo $$ > "$LOCK/pid"; }
if ! take_lock; then
  holder="$(cat "$LOCK/pid" 2>/dev/null || true)"
  if [ -n "$holder" ] && ! kill -0 "$holder" 2>/dev/null; then
    echo "$(date '+%F %T') stale 上一次定时任务（进程 $holder）已中止，清除它留下的锁后继续" >> "$LOG"
    rm -rf "$LOCK"
    take_lock || { echo "上一次定时任务还在运行，本次不运行。" >&2; exit 75; }
  else
    echo "$(date '+%F %T') busy 上一次定时任务还在运行（$LOCK），本次不运行" >> "$LOG"
    echo "上一次定时任务还在运行，本次不运行。" >&2
    exit 75
  fi
fi
trap 'rm -rf "$LOCK"' EXIT

# Each step runs under a hard memory cap (RECTIKIT_MEMORY_MB, default 4096): a file the import guard
# failed to measure stops that step at the cap instead of exhausting the machine. The ledger changes in
# one transaction, so a step killed this way leaves it as it was.
MEMORY_MB="${RECTIKIT_MEMORY_MB:-4096}"
failed=0
explain() {  # explain 退出码：退出码 ≥ 128 是被系统终止
  if [ "$1" -ge 128 ]; then
    echo "（被终止：内存超过 ${MEMORY_MB} MB 上限或程序崩溃，台账未改动；请把该文件另存为 .xlsx 后重试，或调大 RECTIKIT_MEMORY_MB）"
  fi
}
step() {  # step 名称 命令...：运行一步，记下退出码
  local name="$1"; shift
  ( ulimit -v $((MEMORY_MB * 1024)) 2>/dev/null; "$@" ) >> "$LOG.详细" 2>&1
  local code=$?
  echo "$(date '+%F %T') $name exit=$code$(explain "$code")" >> "$LOG"
  [ "$code" -eq 0 ] || failed=1
}

if [ -d "$INBOX" ]; then
  for dir in "$INBOX"/*/; do
    [ -d "$dir" ] || continue
    batch="$(basename "$dir")"
    for f in "$dir"*.xlsx "$dir"*.xls "$dir"*.ods "$dir"*.csv; do
      [ -e "$f" ] || continue
      step "导入 $batch/$(basename "$f")" "$RECTIKIT" import "$f" --batch "$batch" -w "$WS"
    done
  done
fi

returns=()
if [ -d "$RETURNS" ]; then
  for f in "$RETURNS"/*.xlsx; do [ -e "$f" ] && returns+=("$f"); done
fi
if [ "${#returns[@]}" -gt 0 ]; then
  # One line per file in the log: taken, or not taken and why (wide lines: nothing wraps).
  out="$(ulimit -v $((MEMORY_MB * 1024)) 2>/dev/null; COLUMNS=2000 "$RECTIKIT" collect "${returns[@]}" -w "$WS" 2>&1)"
  code=$?
  printf '%s\n' "$out" >> "$LOG.详细"
  printf '%s\n' "$out" | grep -E '^(已导入|未导入) ' | while IFS= read -r line; do
    echo "$(date '+%F %T') 报回 $line" >> "$LOG"
  done
  echo "$(date '+%F %T') 导入报回 ${#returns[@]} 份 exit=$code$(explain "$code")" >> "$LOG"
  [ "$code" -eq 0 ] || failed=1
fi

step "催办清单" "$RECTIKIT" track --out "$WS/报告/催办清单-$(date +%F).xlsx" -w "$WS"
exit "$failed"
