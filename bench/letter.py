"""Benchmark: the no-canteen commitment letter as a PDF, warm.

Run from the repository root::

    python bench/letter.py [--repeats N]

What 打印承诺函 → 保存 and ``desktop832 letter`` do: build the draft from a unit without a canteen,
lay it out, embed the font subsets and write the file (``write_letter``), with the fonts the app
would choose on this machine. Warm: one letter is written first (fonts read and parsed once per
session, as in the app); the median of ``--repeats`` further letters is reported. Targets: under
300 ms, and a file under 200 KB.

Baseline, in the same process: the floor any letter writer has, a bare reportlab canvas writing the
letter's own text (title, addressee, body, signatures) line by line in the same font files, embedded
as subsets the way the letter embeds them. The ratio is what the layout (grid, line breaking, the
choice of a face per character) costs on top of embedding the fonts.
``run()`` returns ``{name: {"ratio", "target", "seconds", ...}}`` for ``bench/run.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

REPEATS = 7
TARGET_SECONDS = 0.3
TARGET_KB = 200


def _draft():
    from desktop832.domain.model import AnnualPlan, CanteenMode, Level, UnitProfile
    from desktop832.documents.letter import build_draft
    from desktop832.app.policies import PolicyLibrary

    profile = UnitProfile(
        name="郑州市某某区农业技术推广站", credit_code="91330100716105852F", level=Level.COUNTY, province="河南省",
        city="郑州市", supervising_department="郑州市某某区农业农村局", contact_name="张三", phone="0371-65901234",
        canteen_mode=CanteenMode.NONE, meal_arrangement="职工在单位附近的社区食堂自行就餐，单位不设食堂。",
        person_in_charge="李四", union_members=30, employees=32,
    )
    plan = AnnualPlan(2024)
    policy = PolicyLibrary([ROOT / "resources" / "policies"]).for_plan(profile, plan)
    return build_draft(profile, plan, policy, dt.date(2024, 2, 19))


def _letter_lines(draft) -> list[str]:
    text = [draft.title, draft.addressee, *draft.body, draft.unit_name, draft.supervisor_name, draft.supervisor_opinion]
    lines = []
    for part in text:
        part = part.replace("\n", "")
        lines += [part[i:i + 28] for i in range(0, len(part), 28)] or [""]
    return lines


def _bare_fonts(plan) -> tuple[str, str]:
    """The letter's title and body faces registered with reportlab once (as the letter caches them)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from desktop832.documents.fonts import Role

    names = []
    for role in (Role.TITLE, Role.BODY):
        face = plan.main[role]
        name = f"bench-{role.name}"
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(face.path), subfontIndex=face.index))
        names.append(name)
    return names[0], names[1]


def _bare_page(path: Path, lines: list[str], fonts: tuple[str, str]) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    y = A4[1] - 100
    for number, line in enumerate(lines):
        pdf.setFont(fonts[0] if number < 2 else fonts[1], 22 if number < 2 else 16)
        pdf.drawString(100, y, line)
        y -= 28
    pdf.showPage()
    pdf.save()


def run(repeats: int = REPEATS) -> dict:
    from desktop832.documents.fonts import FontChoice
    from desktop832.documents.letter_pdf import write_letter

    draft = _draft()
    choice = FontChoice()
    with tempfile.TemporaryDirectory(prefix="bench-letter-") as folder:
        folder = Path(folder)
        target = folder / "承诺函.pdf"
        started = time.perf_counter()
        rendered = write_letter(target, draft, choice)  # cold: fonts read and parsed
        cold = time.perf_counter() - started
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            rendered = write_letter(target, draft, choice)
            times.append(time.perf_counter() - started)
        size = target.stat().st_size
        lines, fonts = _letter_lines(draft), _bare_fonts(rendered.fonts)
        bare_path = folder / "bare.pdf"
        _bare_page(bare_path, lines, fonts)  # warm the baseline too: fonts parsed once, as above
        bare = []
        for _ in range(repeats):
            started = time.perf_counter()
            _bare_page(bare_path, lines, fonts)
            bare.append(time.perf_counter() - started)
    seconds, base = statistics.median(times), statistics.median(bare)
    fonts = rendered.fonts.describe()
    return {
        "letter_pdf": {
            "ratio": seconds / base, "target": TARGET_SECONDS, "target_of": "seconds", "seconds": seconds,
            "baseline_seconds": base, "cold_seconds": cold, "pages": rendered.pages,
            "note": f"warm, median of {repeats}; first letter of a session {cold:.2f} s; {fonts}",
        },
        "letter_pdf_size": {
            "ratio": None, "target": TARGET_KB, "target_of": "kb", "seconds": None, "kb": size / 1024,
            "note": f"{rendered.pages} pages, fonts embedded as subsets",
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = run(args.repeats)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        r, s = results["letter_pdf"], results["letter_pdf_size"]
        print(f"letter_pdf {r['seconds'] * 1000:.0f} ms (target < {TARGET_SECONDS * 1000:.0f} ms), "
              f"baseline {r['baseline_seconds'] * 1000:.1f} ms; file {s['kb']:.0f} KB (target < {TARGET_KB} KB); {r['note']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
