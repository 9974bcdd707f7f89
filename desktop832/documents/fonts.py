"""Chinese fonts for the letter: which file prints each part, and proof that it can print it.

Two roles: the title (Song style; GB/T 9704 names 小标宋) and everything else (FangSong style).
For a role the faces are tried in this order:

1. the font file the clerk chose: always the main face, others only fill its gaps;
2. a system font of the style the standard names (仿宋_GB2312, 仿宋, 华文仿宋; 方正小标宋, 华文中宋),
   unless it lacks a character the shipped font has: a real 仿宋 is what the standard asks for,
   but not at the price of more mixed-in fallback characters;
3. the font shipped in ``resources/fonts/`` (GB 2312 subsets under the SIL OFL, see its README);
4. any other system font with TrueType outlines (Windows: 宋体, 黑体, 楷体, 微软雅黑; Linux: what
   fontconfig finds), character by character, for what the faces above lack.

reportlab embeds only TrueType-outline fonts, so CFF-outline OpenType files are refused, and so are
fonts whose licence (OS/2 fsType) forbids embedding. A character that no face has raises
:class:`MissingGlyphError` naming it, before anything is written.

No Qt here: the clerk's choice of font file is stored by the UI and passed in as a path.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import os
import subprocess
import sys
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path

from .. import paths, protected_files
from ..domain.errors import InputError
from ..oserrors import read_failure_reason


class Role(enum.Enum):
    TITLE = "标题"
    BODY = "正文"


class Origin(enum.Enum):
    CONFIGURED = "自选字体"
    SYSTEM = "系统字体"
    SHIPPED = "程序自带"


SHIPPED = {
    Role.TITLE: ("Desktop832Song-Bold.ttf", "OFL-Desktop832Song.txt"),
    Role.BODY: ("Desktop832Kai-Regular.ttf", "OFL-Desktop832Kai.txt"),
}

# Family names of the faces the standard asks for, as fontconfig and the name table spell them.
STYLE_FAMILIES = {
    Role.BODY: ("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "华文仿宋", "STFangsong",
                "方正仿宋_GBK", "方正仿宋简体", "FZFangSong-Z02", "FZFangSong-Z02S"),
    Role.TITLE: ("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "FZXiaoBiaoSong-B05",
                 "华文中宋", "STZhongsong"),
}
# The same faces as Windows file names (the Fonts folder is not searched by family: too slow).
STYLE_FILES = {
    Role.BODY: ("仿宋_GB2312.ttf", "FangSong_GB2312.ttf", "FS_GB2312.ttf", "simfang.ttf", "STFANGSO.TTF",
                "FZFSK.TTF", "FZFSJW.TTF"),
    Role.TITLE: ("方正小标宋简体.ttf", "FZXBSJW.TTF", "FZXBSK.TTF", "STZHONGS.TTF"),
}
WINDOWS_FALLBACK_FILES = ("simsun.ttc", "simhei.ttf", "simkai.ttf", "msyh.ttc", "simsunb.ttf", "STSONG.TTF")


class FontFileError(InputError):
    """A font file that cannot be used for the letter; the message says why, in Chinese."""


class MissingGlyphError(InputError):
    """Characters no available font can print. ``missing`` maps each character to the parts using it."""

    def __init__(self, missing: Mapping[str, list[str]]):
        self.missing = dict(missing)
        shown = "、".join(
            f"“{ch}”（U+{ord(ch):04X}，见{'、'.join(parts)}）" for ch, parts in list(self.missing.items())[:8]
        )
        more = f"等 {len(self.missing)} 个字" if len(self.missing) > 8 else ""
        super().__init__(
            f"没有任何可用字体包含这些字：{shown}{more}，未生成文件。"
            "请改用常用写法，或在“字体”中选择一个包含这些字的 TrueType 字体文件。"
        )


@dataclasses.dataclass(frozen=True, slots=True)
class FontFace:
    path: Path
    index: int  # face number inside a .ttc collection
    family: str
    origin: Origin

    @property
    def label(self) -> str:
        return f"{self.family}（{self.origin.value}）"

    @property
    def style(self) -> str:
        return style_of(self.family)


# What the standard names for each role, and how a family name tells its style (most specific first).
WANTED_STYLE = {Role.BODY: "仿宋", Role.TITLE: "小标宋"}
_STYLE_WORDS = (
    ("仿宋", ("仿宋", "fangsong", "fangso", "fs_gb2312")),
    ("小标宋", ("小标宋", "xiaobiaosong")),
    ("中宋", ("中宋", "zhongsong")),
    ("楷体", ("楷", "kai")),
    ("黑体", ("黑", "hei", "gothic", "sans")),
    ("宋体", ("宋", "song", "ming", "明", "serif")),
)


def style_of(family: str) -> str:
    """The style a family name says: 仿宋, 小标宋, 中宋, 楷体, 黑体, 宋体, or 其他."""
    name = family.lower()
    return next((style for style, words in _STYLE_WORDS if any(w in name for w in words)), "其他")


@dataclasses.dataclass(frozen=True, slots=True)
class FontChoice:
    """What the clerk configured: a font file per role (``None``: automatic)."""

    title: Path | None = None
    body: Path | None = None
    use_system: bool = True  # the tests switch system fonts off to be the same on every machine


# --- reading font files ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class _Info:
    family: str
    codepoints: frozenset[int]


def _file_key(path: Path, index: int) -> tuple:
    stat = path.stat()
    return (str(path), index, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _read(key: tuple) -> _Info:
    from fontTools.ttLib import TTFont, TTLibError

    path, index = key[0], key[1]
    try:
        protected_files.refuse_reading(path)  # a FIFO would hang here; a data file must not be opened
    except protected_files.ProtectedFileError as exc:
        raise FontFileError(f"无法使用字体文件：{exc.message}") from None
    try:
        handle = open(path, "rb")  # ours to close: fontTools leaks it when the file is no font
    except OSError as exc:
        raise FontFileError(f"无法读取字体文件 {Path(path).name}：{read_failure_reason(exc)}") from None
    with handle:
        try:
            font = TTFont(handle, fontNumber=index, lazy=True)
        except (TTLibError, OSError, ValueError, AssertionError, IndexError, KeyError):
            # fontTools' own words are English ("Not a TrueType or OpenType font (not enough data)")
            raise FontFileError(
                f"无法读取字体文件 {Path(path).name}：不是 TrueType/OpenType 字体（.ttf、.ttc、.otf），或文件已损坏"
            ) from None
        return _inspect(font, Path(path))


def _inspect(font, path: Path) -> _Info:
    try:
        if "glyf" not in font:
            raise FontFileError(
                f"{path.name} 是 PostScript（CFF）轮廓的 OpenType 字体，无法嵌入 PDF；"
                "请选择 TrueType 字体（.ttf 或 .ttc）"
            )
        fs_type = font["OS/2"].fsType if "OS/2" in font else 0
        # same test as reportlab: "restricted licence" or "no subsetting / bitmap only"
        if fs_type == 0x0002 or fs_type & 0x0300:
            raise FontFileError(f"{path.name} 的授权不允许嵌入到文档中（fsType {fs_type:#06x}）")
        cmap = font.getBestCmap() or {}
        codepoints = frozenset(code for code, glyph in cmap.items() if glyph != ".notdef")
        return _Info(_family_name(font) or path.stem, codepoints)
    except FontFileError:
        raise
    except Exception:  # a damaged table surfaces only when read; any of them means unusable
        raise FontFileError(
            f"无法读取字体文件 {path.name}：不是 TrueType/OpenType 字体（.ttf、.ttc、.otf），或文件已损坏"
        ) from None
    finally:
        font.close()


def _family_name(font) -> str:
    """The Chinese family name when the font has one (the clerk knows 仿宋, not FangSong)."""
    names = font["name"].names if "name" in font else []
    for wanted_lang in (0x804, 0x404, 0x409):
        for name_id in (16, 1):
            for record in names:
                if record.nameID == name_id and record.platformID == 3 and record.langID == wanted_lang:
                    try:
                        return record.toUnicode().strip()
                    except UnicodeDecodeError:
                        continue
    return ""


def probe(path: Path | str, index: int = 0, origin: Origin = Origin.CONFIGURED) -> FontFace:
    """Check that a file is a usable font: TrueType outlines, embedding allowed, readable cmap."""
    path = Path(path)
    try:
        key = _file_key(path, index)
    except OSError:
        raise FontFileError(f"找不到字体文件：{path}") from None
    return FontFace(path, index, _read(key).family, origin)


def codepoints(face: FontFace) -> frozenset[int]:
    return _read(_file_key(face.path, face.index)).codepoints


def _usable(path: Path, index: int, origin: Origin) -> FontFace | None:
    try:
        return probe(path, index, origin)
    except FontFileError:
        return None


def shipped_face(role: Role) -> FontFace:
    font_file, _licence = SHIPPED[role]
    return probe(paths.resources_dir() / "fonts" / font_file, 0, Origin.SHIPPED)


# --- system fonts ------------------------------------------------------------------------------


def _windows_font_dirs() -> list[Path]:
    dirs = []
    if os.environ.get("WINDIR"):
        dirs.append(Path(os.environ["WINDIR"]) / "Fonts")
    if os.environ.get("LOCALAPPDATA"):
        dirs.append(Path(os.environ["LOCALAPPDATA"]) / "Microsoft" / "Windows" / "Fonts")
    return dirs


@functools.cache
def _windows_files() -> dict[str, Path]:
    """Lower-cased file name → path, for the Windows font folders (names differ in case)."""
    found: dict[str, Path] = {}
    for folder in _windows_font_dirs():
        try:
            for entry in os.scandir(folder):
                found.setdefault(entry.name.lower(), Path(entry.path))
        except OSError:
            continue
    return found


def _fc_list(pattern: str) -> list[tuple[Path, int, tuple[str, ...]]]:
    """fontconfig's TrueType fonts matching ``pattern``: (file, index, family names)."""
    try:
        result = subprocess.run(
            ["fc-list", "--format", r"%{file}\t%{index}\t%{family}\t%{fontformat}\n", pattern],
            capture_output=True, text=True, timeout=10, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    found = []
    for line in result.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) != 4 or parts[3] != "TrueType" or parts[0].lower().endswith(".otf"):
            continue
        try:
            index = int(parts[1] or 0)
        except ValueError:
            continue
        found.append((Path(parts[0]), index, tuple(n.strip() for n in parts[2].split(","))))
    return sorted(found, key=lambda item: (str(item[0]), item[1]))


def _on_windows() -> bool:
    return sys.platform == "win32"


@functools.cache
def system_style_faces(role: Role) -> tuple[FontFace, ...]:
    """Installed faces of the style the standard names for ``role``, best first."""
    faces: list[FontFace] = []
    if _on_windows():
        files = _windows_files()
        for name in STYLE_FILES[role]:
            path = files.get(name.lower())
            face = path and _usable(path, 0, Origin.SYSTEM)
            if face:
                faces.append(face)
        return tuple(faces)
    wanted = [name.lower() for name in STYLE_FAMILIES[role]]
    ranked = []
    for path, index, families in _fc_list(":lang=zh-cn"):
        ranks = [wanted.index(f.lower()) for f in families if f.lower() in wanted]
        if ranks:
            ranked.append((min(ranks), path, index))
    for _rank, path, index in sorted(ranked, key=lambda item: (item[0], str(item[1]), item[2])):
        face = _usable(path, index, Origin.SYSTEM)
        if face:
            faces.append(face)
    return tuple(faces)


@functools.cache
def _windows_fallback_faces() -> tuple[FontFace, ...]:
    files = _windows_files()
    faces = []
    for name in WINDOWS_FALLBACK_FILES:
        path = files.get(name.lower())
        face = path and _usable(path, 0, Origin.SYSTEM)
        if face:
            faces.append(face)
    return tuple(faces)


@functools.lru_cache(maxsize=256)
def _fontconfig_faces_with(char: str) -> tuple[FontFace, ...]:
    faces = []
    for path, index, _families in _fc_list(f":charset={ord(char):x}"):
        face = _usable(path, index, Origin.SYSTEM)
        if face and ord(char) in codepoints(face):
            faces.append(face)
    return tuple(faces)


# For a character the main face lacks: the styles that sit best in its text, nearest first. 黑体
# (and anything unknown) comes last: a sans-serif character in Song or Kai text stands out.
_NEAREST = {
    "仿宋": ("仿宋", "楷体", "宋体", "中宋", "小标宋"),
    "楷体": ("楷体", "仿宋", "宋体", "中宋", "小标宋"),
    "宋体": ("宋体", "中宋", "小标宋", "仿宋", "楷体"),
    "中宋": ("中宋", "宋体", "小标宋", "仿宋", "楷体"),
    "小标宋": ("小标宋", "中宋", "宋体", "仿宋", "楷体"),
}


def system_faces_with(char: str, role: Role = Role.BODY, near: str | None = None) -> tuple[FontFace, ...]:
    """System faces that have ``char``, the style nearest ``near`` (the style of the text it sits
    in; by default the one the standard names for ``role``) first, 黑体 last."""
    if _on_windows():
        faces = tuple(f for f in _windows_fallback_faces() if ord(char) in codepoints(f))
    else:
        faces = _fontconfig_faces_with(char)
    order = _NEAREST.get(near or WANTED_STYLE[role], _NEAREST["宋体"])

    def rank(face: FontFace) -> tuple[int, int]:
        style = face.style
        # a Simplified-Chinese face before its Traditional siblings (AR PL UMing CN before … TW)
        simplified = 0 if any(tag in face.family for tag in (" CN", "SC", "GB", "简")) else 1
        return (order.index(style) if style in order else len(order), simplified)

    return tuple(sorted(faces, key=rank))


def forget_system_fonts() -> None:
    """Look for system fonts again (after the clerk installed one)."""
    for cached in (_windows_files, system_style_faces, _windows_fallback_faces, _fontconfig_faces_with):
        cached.cache_clear()


# --- choosing faces for a text -----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class FontPlan:
    """The face for every character of one letter, per role."""

    main: dict[Role, FontFace]
    extra: dict[Role, dict[str, FontFace]]  # characters the main face lacks

    def face_for(self, role: Role, char: str) -> FontFace:
        return self.extra[role].get(char) or self.main[role]

    def faces(self) -> list[FontFace]:
        seen: dict[tuple, FontFace] = {}
        for role in Role:
            for face in (self.main[role], *self.extra[role].values()):
                seen.setdefault((face.path, face.index), face)
        return list(seen.values())

    def describe(self) -> str:
        """For the clerk: which font prints which part, its style, and where it is not the style
        the standard asks for (a stand-in), and which characters come from which other font."""
        parts = []
        for role in (Role.BODY, Role.TITLE):
            face = self.main[role]
            text = f"{role.value}：{face.family}（{face.origin.value}，{face.style}）"
            if face.style != WANTED_STYLE[role]:
                text += f"，不是公文要求的{WANTED_STYLE[role]}"
                if face.origin is not Origin.CONFIGURED:
                    text += f"（本机没有可用的{WANTED_STYLE[role]}字体）"
            parts.append(text)
        for role in (Role.BODY, Role.TITLE):
            by_face: dict[tuple, list[str]] = {}
            faces: dict[tuple, FontFace] = {}
            for char, face in self.extra[role].items():
                faces[(face.path, face.index)] = face
                by_face.setdefault((face.path, face.index), []).append(char)
            for key, chars in by_face.items():
                face = faces[key]
                shown = "、".join(f"“{c}”" for c in chars[:6]) + (f"等 {len(chars)} 个字" if len(chars) > 6 else "")
                parts.append(f"{role.value}中的{shown}用{face.family}（{face.origin.value}，{face.style}）")
        return "；".join(parts)


def _candidates(role: Role, choice: FontChoice) -> tuple[FontFace | None, list[FontFace], list[FontFace]]:
    """(configured face, style faces from the system, shipped faces: own role's first)."""
    configured_path = choice.title if role is Role.TITLE else choice.body
    configured = probe(configured_path, 0, Origin.CONFIGURED) if configured_path else None
    style = list(system_style_faces(role)) if choice.use_system else []
    other = Role.BODY if role is Role.TITLE else Role.TITLE
    shipped = [shipped_face(role), shipped_face(other)]
    return configured, style, shipped


def plan_fonts(texts: Mapping[Role, Iterable[tuple[str, str]]], choice: FontChoice = FontChoice()) -> FontPlan:
    """Pick the faces for the given texts ((part name, text) per role), or say which characters
    no font has. Raises :class:`FontFileError` when the configured file is unusable."""
    main: dict[Role, FontFace] = {}
    extra: dict[Role, dict[str, FontFace]] = {}
    missing: dict[str, list[str]] = {}
    for role in Role:
        where: dict[str, list[str]] = {}
        for part, text in texts.get(role, ()):
            for char in text:
                if not char.isspace() and part not in where.setdefault(char, []):
                    where[char].append(part)
        needed = {ord(c) for c in where}
        configured, style, shipped = _candidates(role, choice)
        shipped_lacks = needed - codepoints(shipped[0])
        if configured:
            main[role] = configured
        else:
            main[role] = next((f for f in style if not (needed - codepoints(f)) - shipped_lacks), shipped[0])
        chain = [f for f in (configured, *style, *shipped) if f is not None and f != main[role]]
        extra[role] = {}
        for char, parts in where.items():
            if ord(char) in codepoints(main[role]):
                continue
            face = next((f for f in chain if ord(char) in codepoints(f)), None)
            if face is None and choice.use_system:
                face = next(iter(system_faces_with(char, role, main[role].style)), None)
            if face is None:
                for part in parts:
                    if part not in missing.setdefault(char, []):
                        missing[char].append(part)
            else:
                extra[role][char] = face
    if missing:
        raise MissingGlyphError(missing)
    return FontPlan(main, extra)


# --- reportlab ---------------------------------------------------------------------------------

_registered: dict[tuple, str] = {}
_registering = threading.Lock()  # the overview's chart is drawn on a worker, a letter on the window's thread


def reportlab_font(face: FontFace) -> str:
    """Register ``face`` with reportlab once per file version; returns its reportlab name."""
    with _registering:
        return _reportlab_font(face)


def _reportlab_font(face: FontFace) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    key = _file_key(face.path, face.index)
    name = _registered.get(key)
    if name is None:
        name = "D832-" + hashlib.sha1(repr(key).encode()).hexdigest()[:10]
        try:
            pdfmetrics.registerFont(TTFont(name, str(face.path), subfontIndex=face.index))
        except (TTFError, OSError):
            raise FontFileError(f"字体 {face.label} 无法嵌入 PDF（字体文件不完整，或其授权不允许嵌入）") from None
        _registered[key] = name
    return name
