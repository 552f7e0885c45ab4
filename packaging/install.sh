#!/bin/sh
# rectikit 离线安装（Linux）：在本文件夹建虚拟环境 .venv，只从 wheels/ 安装，不联网。
set -e
cd "$(dirname "$0")"
PY="${PYTHON:-python3}"
"$PY" -m venv .venv
.venv/bin/python -m pip install --no-index --find-links wheels rectikit
echo
echo "安装完成。运行：$(pwd)/.venv/bin/rectikit demo"
echo "（可把 $(pwd)/.venv/bin 加入 PATH，以后直接运行 rectikit）"
