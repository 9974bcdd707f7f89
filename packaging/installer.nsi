; Windows installer of desktop832 (NSIS 3, Unicode), compiled by build_installer.py:
;
;     makensis -INPUTCHARSET UTF8 -WX -DDEFINES_FILE=build\installer\defines.nsh packaging\installer.nsi
;
; The defines file (written from pyproject.toml) sets VERSION, VERSION4 (a.b.c.d), PRODUCT,
; BUNDLE (the one-folder bundle to install), OUTFILE, ICON, LICENSE_PAGE (the text of the licence
; page: the project's licence and where the third-party licences are) and COMPRESSOR.
;
; Per user: no administrator rights, installed under %LOCALAPPDATA%\Programs\desktop832, shortcuts in
; the user's Start menu and on the desktop, an entry in "Apps & features". The clerk's data file,
; its backups, logs, policy files and settings (settings.ini) live in %LOCALAPPDATA%\desktop832
; (platformdirs' user data folder), apart from the program.
;
; What a department's IT asks of an installer:
; - a running copy: neither installing nor uninstalling replaces or removes files under a running
;   desktop832 (its executables cannot be opened for writing while they run); the clerk is asked to
;   close it (the window saves what was typed when it closes) and to retry, or to cancel, which
;   changes nothing. A silent run (/S) cancels.
; - an upgrade: the installed version is read from the uninstall entry and named on the welcome page
;   ("X 将被替换为 Y"); installing an older version over a newer one asks first. The old program files
;   are removed before the new ones are copied (no stale modules), or, when the old copy is in
;   another folder, its own uninstaller removes it silently. The data folder is never touched.
; - the licence page shows the project's licence and where the third-party licences are (licenses\).
; - the uninstaller asks whether to keep the data folder, naming it; keeping it is the default (and
;   what a silent uninstall does).

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
!define SETTINGS_KEY "Software\${APP}"  ; Qt's registry settings of versions before settings.ini
!define DATA_DIR "$LOCALAPPDATA\${APP}"

Name "${PRODUCT}"
Caption "${PRODUCT} ${VERSION} 安装"
UninstallCaption "${PRODUCT} 卸载"
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
!include "LogicLib.nsh"
!include "WordFunc.nsh"

Var OldVersion  ; the installed version ("" when none)
Var OldDir      ; where it is installed
Var UpgradeNote ; what the welcome page says about it
Var KeepData    ; uninstall: "1" keeps the data folder

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TEXT "本向导将在这台电脑上安装 ${PRODUCT} ${VERSION}。$\r$\n$\r$\n$UpgradeNote只为当前用户安装，不需要管理员权限，也不需要联网。$\r$\n$\r$\n单位的数据文件、备份和设置在 ${DATA_DIR}，安装和升级都不会改动它们。"
!insertmacro MUI_PAGE_WELCOME

!define MUI_LICENSEPAGE_TEXT_TOP "${PRODUCT} 的许可证，以及随附的第三方组件："
!define MUI_LICENSEPAGE_TEXT_BOTTOM "MIT 许可证不要求您接受任何条款即可使用本软件。第三方组件的许可证全文在安装目录的 licenses 文件夹中，程序的“帮助 → 关于”也列出了它们。"
!define MUI_LICENSEPAGE_BUTTON "下一步(&N) >"
!insertmacro MUI_PAGE_LICENSE "${LICENSE_PAGE}"

!define MUI_PAGE_CUSTOMFUNCTION_LEAVE DirectoryLeave
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\${GUI_EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "立即启动 ${PRODUCT}"
!insertmacro MUI_PAGE_FINISH

!define MUI_UNCONFIRMPAGE_TEXT_TOP "将从电脑上删除 ${PRODUCT} 的程序文件和快捷方式。$\r$\n数据文件夹 ${DATA_DIR}（数据文件、备份、日志和设置）默认保留，删除前会再询问。"
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "SimpChinese"


; --- shared by the installer and the uninstaller -------------------------------------------------

; Call with the program folder on the stack. Returns when no desktop832 runs from it; otherwise asks
; the clerk to close it and retry, and aborts (changing nothing) on 取消 or in a silent run.
!macro RUNNING_CHECK PREFIX
Function ${PREFIX}CheckNotRunning
  Exch $0
  Push $1
  Push $2
  check:
    ${ForEach} $2 0 1 + 1
      ${If} $2 == 0
        StrCpy $1 "$0\${GUI_EXE}"
      ${Else}
        StrCpy $1 "$0\${CLI_EXE}"
      ${EndIf}
      ${If} ${FileExists} "$1"
        ClearErrors
        FileOpen $1 "$1" a  ; a running executable cannot be opened for writing
        ${If} ${Errors}
          MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "${PRODUCT} 正在运行（$0）。$\r$\n$\r$\n请先关闭程序窗口：关闭时会保存正在输入的内容。如果正在用命令行运行，请等它结束。$\r$\n$\r$\n关闭后点“重试”继续；点“取消”则不做任何改动。" /SD IDCANCEL IDRETRY check
          DetailPrint "${PRODUCT} 正在运行，未做任何改动"
          Pop $2
          Pop $1
          Pop $0
          Abort
        ${EndIf}
        FileClose $1
      ${EndIf}
    ${Next}
  Pop $2
  Pop $1
  Pop $0
FunctionEnd
!macroend
!insertmacro RUNNING_CHECK ""
!insertmacro RUNNING_CHECK "un."

; Remove the program files of a version installed in FOLDER, file by file as installed: never a
; recursive delete of the folder itself, which the clerk may have pointed at one holding other files.
!macro REMOVE_PROGRAM_FILES FOLDER
  RMDir /r "${FOLDER}\_internal"
  RMDir /r "${FOLDER}\licenses"
  Delete "${FOLDER}\${GUI_EXE}"
  Delete "${FOLDER}\${CLI_EXE}"
!macroend


; --- installer -----------------------------------------------------------------------------------

Function .onInit
  ReadRegStr $OldVersion HKCU "${UNINSTALL_KEY}" "DisplayVersion"
  ReadRegStr $OldDir HKCU "${UNINSTALL_KEY}" "InstallLocation"
  StrCpy $UpgradeNote ""
  ${If} $OldVersion == ""
    Return
  ${EndIf}
  ${VersionCompare} "$OldVersion" "${VERSION}" $0  ; 0 same, 1 the installed one is newer, 2 older
  ${If} $0 == 0
    StrCpy $UpgradeNote "这台电脑上已安装同一版本 ${VERSION}（$OldDir），将重新安装它的程序文件。$\r$\n$\r$\n"
  ${ElseIf} $0 == 2
    StrCpy $UpgradeNote "这台电脑上已安装 ${PRODUCT} $OldVersion（$OldDir），它将被替换为 ${VERSION}。$\r$\n$\r$\n"
  ${Else}
    MessageBox MB_YESNO|MB_ICONEXCLAMATION|MB_DEFBUTTON2 "这台电脑上已安装较新的版本 $OldVersion（$OldDir），本安装程序是 ${VERSION}。$\r$\n$\r$\n换回旧版本后，新版本保存过的数据文件可能无法打开。仍要安装 ${VERSION} 吗？" /SD IDNO IDYES downgrade
    Abort
    downgrade:
    StrCpy $UpgradeNote "这台电脑上已安装 ${PRODUCT} $OldVersion（$OldDir），它将被替换为较旧的 ${VERSION}。$\r$\n$\r$\n"
  ${EndIf}
FunctionEnd

Function .onVerifyInstDir
  ; never install into the data folder or below it: removing the program would then touch the data
  StrLen $0 "${DATA_DIR}"
  StrCpy $1 "$INSTDIR" $0
  StrCpy $2 "$INSTDIR" 1 $0
  ${If} $1 == "${DATA_DIR}"
  ${AndIf} $2 == ""
    Abort
  ${EndIf}
  ${If} $1 == "${DATA_DIR}"
  ${AndIf} $2 == "\"
    Abort
  ${EndIf}
FunctionEnd

Function DirectoryLeave
  Push "$INSTDIR"
  Call CheckNotRunning  ; stays on the page when the clerk cancels
  ${If} $OldDir != ""
  ${AndIf} $OldDir != $INSTDIR
    Push "$OldDir"
    Call CheckNotRunning
  ${EndIf}
FunctionEnd

Section "程序文件" SecProgram
  SectionIn RO
  ; again here: a silent install (/S) shows no pages
  Push "$INSTDIR"
  Call CheckNotRunning
  ${If} $OldVersion != ""
    DetailPrint "已安装的版本：$OldVersion（$OldDir），替换为 ${VERSION}"
  ${EndIf}
  ${If} $OldDir != ""
  ${AndIf} $OldDir != $INSTDIR
  ${AndIf} ${FileExists} "$OldDir\${UNINSTALLER}"
    Push "$OldDir"
    Call CheckNotRunning
    ; the old copy lives in another folder: its own uninstaller removes it (silently: the data stays)
    DetailPrint "卸载 $OldDir 中的旧版本 $OldVersion"
    ExecWait '"$OldDir\${UNINSTALLER}" /S _?=$OldDir' $0
    Delete "$OldDir\${UNINSTALLER}"
    RMDir "$OldDir"
  ${EndIf}
  ; the previous program files go entirely before the new ones come (no stale modules)
  !insertmacro REMOVE_PROGRAM_FILES "$INSTDIR"
  SetOutPath "$INSTDIR"
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


; --- uninstaller ---------------------------------------------------------------------------------

Function un.onInit
  Push "$INSTDIR"
  Call un.CheckNotRunning  ; quits the uninstaller, nothing removed, when the clerk cancels
FunctionEnd

Section "Uninstall"
  StrCpy $KeepData "1"
  ${If} ${FileExists} "${DATA_DIR}\*.*"
    MessageBox MB_YESNO|MB_ICONQUESTION|MB_DEFBUTTON1 "要保留数据文件夹吗？$\r$\n$\r$\n${DATA_DIR}$\r$\n$\r$\n其中有单位的数据文件、备份、日志和设置。$\r$\n点“是”保留（推荐）：重新安装后可以继续使用。$\r$\n点“否”将永久删除这个文件夹。" /SD IDYES IDYES keep
    StrCpy $KeepData "0"
    keep:
  ${EndIf}

  Delete "$SMPROGRAMS\${PRODUCT}.lnk"
  Delete "$DESKTOP\${PRODUCT}.lnk"
  !insertmacro REMOVE_PROGRAM_FILES "$INSTDIR"
  Delete "$INSTDIR\${UNINSTALLER}"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  ; versions before settings.ini kept the window's settings in the registry; the app moves them
  ; into the data folder and empties the key: what is left of it goes, never another program's
  DeleteRegKey /ifempty HKCU "${SETTINGS_KEY}\${APP}"
  DeleteRegKey /ifempty HKCU "${SETTINGS_KEY}"

  ${If} $KeepData == "1"
    DetailPrint "数据文件夹保留在 ${DATA_DIR}"
  ${Else}
    RMDir /r "${DATA_DIR}"
    DetailPrint "已删除数据文件夹 ${DATA_DIR}"
  ${EndIf}
SectionEnd
