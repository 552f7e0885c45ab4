@echo off
rem rectikit 离线安装（Windows）：在本文件夹建虚拟环境 .venv，只从 wheels\ 安装，不联网。
rem 本安装包为 Python @PYTHON@（64 位）制作（生成安装包时写入）。
chcp 65001 >nul
cd /d "%~dp0"
set PY=
py -@PYTHON@ -c "pass" >nul 2>&1 && set PY=py -@PYTHON@
if not defined PY python -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '@PYTHON@'.split('.'))))" >nul 2>&1 && set PY=python
if not defined PY (
  echo 安装失败：本安装包需要 Python @PYTHON@（64 位），本机没有找到。
  echo 请先安装 Python @PYTHON@，或向管理员索取与本机 Python 版本相符的安装包。
  pause
  exit /b 1
)
%PY% -m venv .venv || goto :error
.venv\Scripts\python -m pip install --no-index --find-links wheels rectikit -q --disable-pip-version-check || goto :error
echo.
echo 安装完成。运行：%~dp0.venv\Scripts\rectikit demo
pause
exit /b 0
:error
echo 安装失败：从 wheels 文件夹安装时出错（见上面的信息）。请确认安装包完整，并与本机 Python 版本相符。
if exist .venv rmdir /s /q .venv
pause
exit /b 1
