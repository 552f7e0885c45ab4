"""The offline bundle installs with pip's network switched off and runs the
demo (issue #17). Building it downloads the dependencies' wheels once."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="the test drives install.sh")
def test_offline_bundle_installs_without_network_and_runs_the_demo(tmp_path):
    sys.path.insert(0, str(ROOT / "packaging"))
    try:
        import build_offline
    finally:
        sys.path.pop(0)
    bundle = build_offline.build(
        build_offline.current_platform(), f"{sys.version_info[0]}.{sys.version_info[1]}", tmp_path / "dist"
    )
    with zipfile.ZipFile(bundle) as z:
        z.extractall(tmp_path / "pc")
        names = z.namelist()
    assert any(n.endswith("install.bat") for n in names) and any("/wheels/rectikit-" in n for n in names)
    folder = next((tmp_path / "pc").iterdir())
    env = {
        "PATH": "/usr/bin:/bin",
        "PIP_NO_INDEX": "1",
        "PIP_CONFIG_FILE": "/dev/null",
        "PYTHON": sys.executable,
        "HOME": str(tmp_path),
    }
    subprocess.run(["sh", str(folder / "install.sh")], check=True, env=env, capture_output=True, timeout=600)
    demo = subprocess.run(
        [str(folder / ".venv" / "bin" / "rectikit"), "demo", str(tmp_path / "演示")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert demo.returncode == 0, demo.stderr
    assert (tmp_path / "演示" / "输出" / "分析报告.docx").is_file()


@pytest.mark.skipif(sys.platform == "win32", reason="the test drives install.sh")
@pytest.mark.parametrize(
    "python, arch, said",
    [("3.99", None, "本安装包需要 Python 3.99"), (None, "sparc64", "本安装包适用于 sparc64 处理器")],
)
def test_the_installer_checks_python_and_machine_first_and_leaves_nothing(tmp_path, python, arch, said):
    """A bundle made for another Python or processor says so in Chinese before anything is made, and a
    failed install leaves no half-made .venv (issue #28)."""
    import platform

    here = f"{sys.version_info[0]}.{sys.version_info[1]}"
    text = (ROOT / "packaging" / "install.sh").read_text(encoding="utf-8")
    script = tmp_path / "install.sh"
    script.write_text(text.replace("@PYTHON@", python or here).replace("@ARCH@", arch or platform.machine()))
    r = subprocess.run(
        ["sh", str(script)], env={"PATH": "/usr/bin:/bin", "PYTHON": sys.executable}, capture_output=True, text=True
    )
    assert r.returncode == 1 and said in r.stderr
    assert not (tmp_path / ".venv").exists()
