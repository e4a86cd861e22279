#!/usr/bin/env bash
# Installs the unpacked bundle for this user: ~/.local/opt/earmark, a command in
# ~/.local/bin, a menu entry and an icon. Run from the unpacked folder.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
prefix=${PREFIX:-$HOME/.local}
mkdir -p "$prefix/opt" "$prefix/bin" "$prefix/share/applications" "$prefix/share/icons/hicolor/scalable/apps"
rm -rf "$prefix/opt/earmark"
cp -a "$here/earmark" "$prefix/opt/earmark"
ln -sf "$prefix/opt/earmark/earmark" "$prefix/bin/earmark"
cp "$here/earmark.svg" "$prefix/share/icons/hicolor/scalable/apps/earmark.svg"
sed "s|^Exec=earmark|Exec=$prefix/bin/earmark|" "$here/earmark.desktop" > "$prefix/share/applications/earmark.desktop"
echo "Earmark installed: run 'earmark' or find it in your applications menu."
