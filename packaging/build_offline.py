"""Build an offline installation bundle for office PCs with no internet.

    python packaging/build_offline.py                       # this machine's platform and Python
    python packaging/build_offline.py --platform win_amd64 --python 3.11
    python packaging/build_offline.py --platform manylinux_aarch64   # 鲲鹏、飞腾

Writes dist/rectikit-offline-<version>-<platform>-cp<python>.zip holding the
project's wheel, a wheel of every dependency for that platform, and
install.sh / install.bat, which make a virtual environment beside them and
install with ``pip --no-index`` (nothing is fetched from the network).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import sysconfig
import tempfile
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
PLATFORMS = {
    "win_amd64": ["win_amd64"],
    "manylinux_x86_64": ["manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64"],
    "manylinux_aarch64": ["manylinux_2_28_aarch64", "manylinux_2_17_aarch64", "manylinux2014_aarch64"],
}


def current_platform() -> str:
    plat = sysconfig.get_platform()
    if plat.startswith("win"):
        return "win_amd64"
    return "manylinux_aarch64" if plat.endswith("aarch64") else "manylinux_x86_64"


def version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", *args, "--disable-pip-version-check"], check=True)


def build(platform: str, python: str, out: Path) -> Path:
    """Build the bundle; returns the zip's path."""
    pyver = python.replace(".", "")
    name = f"rectikit-offline-{version()}-{platform}-cp{pyver}"
    with tempfile.TemporaryDirectory() as tmp:
        bundle = Path(tmp) / name
        wheels = bundle / "wheels"
        wheels.mkdir(parents=True)
        pip("wheel", str(ROOT), "--no-deps", "-w", str(wheels), "-q")
        project = next(wheels.glob("rectikit-*.whl"))
        target = (
            []
            if platform == current_platform() and python == f"{sys.version_info[0]}.{sys.version_info[1]}"
            else [
                *(a for tag in PLATFORMS[platform] for a in ("--platform", tag)),
                "--python-version",
                python,
                "--implementation",
                "cp",
            ]
        )
        pip("download", str(project), "-d", str(wheels), "--only-binary=:all:", "-q", *target)
        arch = "aarch64" if platform.endswith("aarch64") else "x86_64"
        for script in ("install.sh", "install.bat"):  # each checks the Python and machine it was made for
            text = (HERE / script).read_text(encoding="utf-8").replace("@PYTHON@", python).replace("@ARCH@", arch)
            (bundle / script).write_bytes(text.replace("\n", "\r\n" if script.endswith(".bat") else "\n").encode())
        (bundle / "说明.txt").write_text(
            f"rectikit {version()} 离线安装包（{platform}，Python {python}）\n\n"
            "Windows：双击 install.bat；Linux：在本文件夹运行 sh install.sh。\n"
            f"需要本机已装 Python {python}（不需要联网）。装好后按屏幕提示运行 rectikit demo 试一试。\n",
            encoding="utf-8",
        )
        out.mkdir(parents=True, exist_ok=True)
        target_zip = out / f"{name}.zip"
        with zipfile.ZipFile(target_zip, "w", zipfile.ZIP_DEFLATED) as z:
            for f in sorted(bundle.rglob("*")):
                if f.is_file():
                    z.write(f, f.relative_to(bundle.parent))
    return target_zip


def main() -> None:
    ap = argparse.ArgumentParser(description="生成离线安装包")
    ap.add_argument("--platform", choices=sorted(PLATFORMS), default=current_platform())
    ap.add_argument("--python", default=f"{sys.version_info[0]}.{sys.version_info[1]}")
    ap.add_argument("--out", type=Path, default=ROOT / "dist")
    args = ap.parse_args()
    path = build(args.platform, args.python, args.out)
    print(f"{path}  {path.stat().st_size / 2**20:.0f} MB")


if __name__ == "__main__":
    main()
