@echo off
rem rectikit 离线安装（Windows）：在本文件夹建虚拟环境 .venv，只从 wheels\ 安装，不联网。
chcp 65001 >nul
cd /d "%~dp0"
py -3 -m venv .venv || python -m venv .venv || goto :error
.venv\Scripts\python -m pip install --no-index --find-links wheels rectikit || goto :error
echo.
echo 安装完成。运行：%~dp0.venv\Scripts\rectikit demo
pause
exit /b 0
:error
echo 安装失败，请确认本机已安装 Python 3.11 或更高版本。
pause
exit /b 1
