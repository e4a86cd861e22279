; Inno Setup script for Earmark on Windows (written to the Linux layout; not built here:
; these machines have no Windows). Build the bundle on Windows first:
;   pip install -e ".[test]" && python -m PyInstaller --noconfirm build.spec
; then: iscc installer\windows\earmark.iss   ->  dist\earmark-setup.exe
; See installer/README.md for what the Windows build uses instead of prefork and Valkey.

#define AppName "Earmark"
#define AppVersion "0.1.0"

[Setup]
AppId={{3C7A5D0E-5E1B-4F0B-9B5E-EA6A2C1D7E11}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Earmark
DefaultDirName={autopf}\Earmark
DefaultGroupName=Earmark
OutputDir=..\..\dist
OutputBaseFilename=earmark-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequiredOverridesAllowed=dialog
UninstallDisplayIcon={app}\earmark.exe

[Files]
Source: "..\..\dist\earmark\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion

[Icons]
Name: "{group}\Earmark"; Filename: "{app}\earmark.exe"
Name: "{autodesktop}\Earmark"; Filename: "{app}\earmark.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked

[Run]
Filename: "{app}\earmark.exe"; Description: "Start Earmark"; Flags: nowait postinstall skipifsilent
