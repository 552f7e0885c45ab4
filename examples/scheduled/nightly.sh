#!/usr/bin/env bash
# rectikit 每晚定时任务（Linux / 麒麟 / 统信 UOS）。
#
# 做四件事，每步写一行日志（时间、步骤、退出码）：
#   1. 导入“收件箱”里的新表格：收件箱/批次名/*.xlsx|xls|ods|csv，子文件夹名就是批次名；
#      已导入过的文件自动跳过（不会重复导入）；
#   2. 导入“报回”文件夹里单位报回的交办表（同一份再导一次不会有任何改动）；
#   3. 计算整改进度（红黄绿灯）；
#   4. 写出当天的催办清单：报告/催办清单-年-月-日.xlsx。
#
# 用法：  nightly.sh 工作区文件夹 [收件箱文件夹] [报回文件夹]
# 定时：  crontab -e 加一行（每晚 22:30）：
#         30 22 * * * /路径/nightly.sh /data/2020社会评价整改 >/dev/null 2>&1
#
# 退出码：0 全部成功；1 有步骤失败（看日志和 报告/ 里的校验报告）；
#         75 上一次还没运行完（同一时间只运行一个）；2 用法错误。
set -u

WS="${1:-}"
if [ -z "$WS" ] || [ ! -f "$WS/rectikit.toml" ]; then
  echo "用法：$0 工作区文件夹 [收件箱文件夹] [报回文件夹]" >&2
  exit 2
fi
INBOX="${2:-$WS/收件箱}"
RETURNS="${3:-$WS/报回}"
RECTIKIT="${RECTIKIT:-rectikit}"
mkdir -p "$WS/报告"
LOG="$WS/报告/定时任务.log"
LOCK="$WS/.定时任务.lock"

# mkdir is atomic: the second of two runs cannot create the lock and stops.
if ! mkdir "$LOCK" 2>/dev/null; then
  echo "$(date '+%F %T') busy 上一次定时任务还在运行（$LOCK），本次不运行" >> "$LOG"
  echo "上一次定时任务还在运行，本次不运行。" >&2
  exit 75
fi
trap 'rmdir "$LOCK"' EXIT

failed=0
step() {  # step 名称 命令...：运行一步，记下退出码
  local name="$1"; shift
  "$@" >> "$LOG.详细" 2>&1
  local code=$?
  echo "$(date '+%F %T') $name exit=$code" >> "$LOG"
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
  step "导入报回 ${#returns[@]} 份" "$RECTIKIT" collect "${returns[@]}" -w "$WS"
fi

step "催办清单" "$RECTIKIT" track --out "$WS/报告/催办清单-$(date +%F).xlsx" -w "$WS"
exit "$failed"
