#!/usr/bin/env bash
# Builds the one-folder bundle and the Linux archive:
#   dist/earmark/                           the bundle (run dist/earmark/earmark)
#   dist/earmark-VERSION-linux-ARCH.tar.gz  bundle + desktop entry + icon + install.sh
# Needs: pip install pyinstaller (the test extra has it).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
dist=${DIST:-$repo/dist}
work=${WORK:-$repo/build}
python=${PYTHON:-python3}
"$python" -m PyInstaller --noconfirm --clean --distpath "$dist" --workpath "$work" build.spec >"$work.log" 2>&1 \
  || { tail -40 "$work.log"; exit 1; }
version=$("$python" -c 'import app; print(app.__version__)')
name="earmark-$version-linux-$(uname -m)"
stage=$(mktemp -d)
mkdir "$stage/$name"
cp -a "$dist/earmark" "$stage/$name/earmark"
cp installer/linux/earmark.desktop installer/linux/install.sh resources/icons/earmark.svg "$stage/$name/"
tar -C "$stage" -czf "$dist/$name.tar.gz" "$name"
rm -rf "$stage"
echo "$dist/$name.tar.gz"
