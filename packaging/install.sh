#!/bin/sh
# rectikit 离线安装（Linux）：在本文件夹建虚拟环境 .venv，只从 wheels/ 安装，不联网。
# 本安装包为 Python @PYTHON@、@ARCH@ 制作（生成安装包时写入）。
cd "$(dirname "$0")" || exit 1
PY="${PYTHON:-python@PYTHON@}"
command -v "$PY" >/dev/null 2>&1 || PY=python3
fail() {
  echo "安装失败：$1" >&2
  [ -n "$2" ] && echo "$2" >&2
  rm -rf .venv
  exit 1
}
command -v "$PY" >/dev/null 2>&1 || fail "本机没有找到 Python。" "请先安装 Python @PYTHON@（麒麟、统信 UOS 可用系统软件源安装 python3）。"
HAVE=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || fail "无法运行 $PY。"
[ "$HAVE" = "@PYTHON@" ] || fail "本安装包需要 Python @PYTHON@，本机是 Python $HAVE。" \
  "请安装 Python @PYTHON@ 后用 PYTHON=python@PYTHON@ sh install.sh 安装，或向管理员索取 Python $HAVE 的安装包。"
ARCH=$(uname -m)
[ "$ARCH" = "@ARCH@" ] || fail "本安装包适用于 @ARCH@ 处理器，本机是 $ARCH。" "请索取对应的安装包（鲲鹏、飞腾为 aarch64）。"
GLIBC=$("$PY" -c 'import platform; print(platform.libc_ver()[1] or "0")')
"$PY" -c "import sys; v = tuple(map(int, '$GLIBC'.split('.')[:2] or [0])); sys.exit(v < (2, 17))" 2>/dev/null \
  || fail "本机的 glibc 版本（$GLIBC）低于 2.17。" "rectikit 需要 glibc 2.17 或更高（麒麟 V10、统信 UOS 20 及以上均满足）。"
"$PY" -m venv .venv >/dev/null 2>&1 || fail "无法建立虚拟环境。" "Debian/UOS/麒麟上请先安装 python@PYTHON@-venv。"
.venv/bin/python -m pip install --no-index --find-links wheels rectikit -q --disable-pip-version-check \
  || fail "从 wheels 文件夹安装时出错（见上面的信息）。" "请确认安装包完整（重新解压），并且与本机的 Python 版本和处理器相符。"
echo
echo "安装完成。运行：$(pwd)/.venv/bin/rectikit demo"
echo "（可把 $(pwd)/.venv/bin 加入 PATH，以后直接运行 rectikit）"
