; Windows installer of desktop832 (NSIS 3, Unicode), compiled by build_installer.py:
;
;     makensis -INPUTCHARSET UTF8 -WX -DDEFINES_FILE=build\installer\defines.nsh packaging\installer.nsi
;
; The defines file (written from pyproject.toml) sets VERSION, VERSION4 (a.b.c.d), PRODUCT,
; BUNDLE (the one-folder bundle to install), OUTFILE, ICON and COMPRESSOR.
;
; Per user: no administrator rights, installed under %LOCALAPPDATA%\Programs\desktop832, shortcuts in
; the user's Start menu and on the desktop, an entry in "Apps & features". The clerk's data file,
; its backups and logs live in %LOCALAPPDATA%\desktop832 (platformdirs' user data folder), apart
; from the program: updating or uninstalling never touches them.

Unicode true
!include "${DEFINES_FILE}"

SetCompressor ${COMPRESSOR}
ManifestDPIAware true
RequestExecutionLevel user

!define APP "desktop832"
!define GUI_EXE "desktop832.exe"
!define CLI_EXE "desktop832-cli.exe"
!define UNINSTALLER "uninstall.exe"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}"
!define DATA_DIR "$LOCALAPPDATA\${APP}"

Name "${PRODUCT}"
Caption "${PRODUCT} ${VERSION} 安装"
UninstallCaption "${PRODUCT} ${VERSION} 卸载"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
BrandingText "${APP} ${VERSION}"
ShowInstDetails show
ShowUninstDetails show

VIProductVersion "${VERSION4}"
VIFileVersion "${VERSION4}"
VIAddVersionKey /LANG=2052 "ProductName" "${PRODUCT}"
VIAddVersionKey /LANG=2052 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "FileDescription" "${PRODUCT} 安装程序"
VIAddVersionKey /LANG=2052 "LegalCopyright" "MIT 许可证"

!include "MUI2.nsh"
!include "FileFunc.nsh"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TEXT "本向导将在这台电脑上安装 ${PRODUCT} ${VERSION}。$\r$\n$\r$\n只为当前用户安装，不需要管理员权限，也不需要联网。$\r$\n$\r$\n如已安装旧版本，请先关闭正在运行的程序。单位的数据文件不会受影响。"
!define MUI_FINISHPAGE_RUN "$INSTDIR\${GUI_EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "立即启动 ${PRODUCT}"
!define MUI_UNCONFIRMPAGE_TEXT_TOP "将从电脑上删除程序文件和快捷方式。$\r$\n您的数据文件、备份和设置保留在 ${DATA_DIR}，不会被删除；重新安装后可以继续使用。"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "SimpChinese"

Function .onVerifyInstDir
  ; never install into the data folder: an uninstall would then clear it
  StrCmp "$INSTDIR" "${DATA_DIR}" 0 +2
    Abort
FunctionEnd

Section "程序文件" SecProgram
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; an update replaces the previous program files entirely (the data lives elsewhere)
  RMDir /r "$INSTDIR\_internal"
  File /r "${BUNDLE}\*.*"
  WriteUninstaller "$INSTDIR\${UNINSTALLER}"

  CreateShortCut "$SMPROGRAMS\${PRODUCT}.lnk" "$INSTDIR\${GUI_EXE}" "" "$INSTDIR\${GUI_EXE}" 0
  CreateShortCut "$DESKTOP\${PRODUCT}.lnk" "$INSTDIR\${GUI_EXE}" "" "$INSTDIR\${GUI_EXE}" 0

  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${APP}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${GUI_EXE},0"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\${UNINSTALLER}"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\${UNINSTALLER}" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "Uninstall"
  Delete "$SMPROGRAMS\${PRODUCT}.lnk"
  Delete "$DESKTOP\${PRODUCT}.lnk"
  ; only what the installer put there, file by file: never a recursive delete of $INSTDIR, which
  ; the clerk may have pointed at a folder holding other files
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${GUI_EXE}"
  Delete "$INSTDIR\${CLI_EXE}"
  Delete "$INSTDIR\${UNINSTALLER}"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  ; ${DATA_DIR} (data file, backups, logs, policy files) and the settings in the registry stay
  DetailPrint "数据文件保留在 ${DATA_DIR}"
SectionEnd
