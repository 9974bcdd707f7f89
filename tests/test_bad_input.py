"""Bad input across the app: the message each must get, and proof that nothing was written.

One catalogue, one row per bad input: where it is given (a form field typed into the real main
window, the purchase form, an order list imported, a policy file loaded, a JSON file loaded, a data
file opened, a command), what is given, and the exact Chinese text the clerk must be told. The
proof that nothing was written is a full SQL dump of the data file taken before and compared after
(for files: their bytes, and the folders they would be copied to).

Three outcomes, as the app is designed:

- ``refused``: the input is shown with its reason and never reaches the records;
- ``kept``: identifiers (credit code, phone) are kept exactly as typed, so nothing the clerk typed
  is lost, and the findings panel says what is wrong with them (the rules own that judgement);
- ``literal``: text that looks like markup or a spreadsheet formula is a valid name; it is stored
  as typed and must only ever be shown or exported as text, never interpreted;
- ``limited``: a name field takes at most what the data file holds (its ``maxLength``); a longer
  paste is cut there by Qt itself.

Broken surroundings (read-only file, full disk) are tested at the end, through the document the
window saves with.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import subprocess
from decimal import Decimal as D
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit

from desktop832.store.database import Store
from desktop832.store.errors import StoreError

from .conftest import ROOT
from .gui_helpers import type_ascii, type_chinese

TODAY = dt.date(2024, 2, 1)
MONEY_CHARS = "只能包含数字、小数点和千位分隔符（可用“万”作单位）"
NOT_IMPORTED = "未导入任何数据"
BLOCKED = "有 1 行数据有错误，未导入任何数据：请改正后重新导入，或选择跳过有错误的行"


@dataclasses.dataclass(frozen=True)
class Bad:
    id: str
    surface: str  # field, purchase-form, import, policy, json-load, data-file, command
    where: str  # widget, form field, file kind or command
    value: object  # what is typed, or how the file is made
    message: str  # what the clerk is told (the whole message, or for files its telling part)
    outcome: str = "refused"  # refused, kept, literal (see the module docstring)


def field(id, where, value, message, outcome="refused"):
    return Bad(id, "field", where, value, message, outcome)


def form(id, where, value, message):
    return Bad(id, "purchase-form", where, value, message)


# --- the order lists the import cases read -----------------------------------------------------

HEADERS = ["订单编号", "下单时间", "店铺名称", "商品名称", "实付金额", "订单状态", "支付时间", "收货人"]
ROW = ["8322024030100001", "2024-03-01 10:22:33", "光山县原味农业发展有限公司", "光山糯米", "1,234.50", "已完成",
       "2024-03-02 09:00:00", "张三"]




def order(**changes) -> list[str]:
    row = ROW[:]
    for name, value in changes.items():
        row[HEADERS.index(name)] = value
    return row


def csv_bytes(rows, headers=HEADERS, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, headers=HEADERS) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def many_orders_with_a_bad_last_row(n=10_000) -> bytes:
    rows = [order(订单编号=f"83220240301{i:05d}", 实付金额=f"{1 + i % 900}.50") for i in range(n - 1)]
    return csv_bytes(rows + [order(订单编号="8322024039999999", 实付金额="壹佰元")])


def imp(id, name, content, message):
    return Bad(id, "import", name, content, message)


# --- policy files -------------------------------------------------------------------------------

# a clerk's own copy of a shipped file, under an id of its own
GOOD_POLICY = (ROOT / "resources" / "policies" / "henan-2023.toml").read_text("utf-8").replace(
    'id = "henan-2023"', 'id = "my-henan-2023"'
)
# the same text under the shipped id: loading it must not silently replace the shipped file
SHIPPED_ID_POLICY = (ROOT / "resources" / "policies" / "henan-2023.toml").read_text("utf-8")


def policy(id, content, message):
    return Bad(id, "policy", "政策文件", content, message)


def json_doc(**changes) -> bytes:
    doc = {
        "format": "desktop832", "version": 1, "profile": {"name": "测试单位"},
        "plans": [{"year": 2024, "canteen_total": "1000000.00"}],
        "purchases": [{"date": "2024-03-01", "amount": "100.00", "order_no": "832001"}],
    }
    doc.update(changes)
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def corrupt(path: Path) -> None:
    Store.open(path).close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    path.write_bytes(bytes(data))


def foreign(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE 台账 (金额)")
    con.commit()
    con.close()


def foreign_marked_empty(path: Path) -> None:
    """Another program's file: its own application id, no tables yet."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA application_id = 1234")
    con.commit()
    con.close()


def without_version(path: Path) -> None:
    Store.open(path).close()
    con = sqlite3.connect(path)
    con.execute("DROP TABLE alembic_version")
    con.commit()
    con.close()


def text_amount(path: Path) -> None:
    """A purchase whose amount another program stored as text (SQLite keeps whatever it is given)."""
    from desktop832.domain.model import Purchase

    with Store.open(path) as store:
        store.add_purchase(Purchase(dt.date(2024, 3, 1), D("12.50"), order_no="T1"))
    con = sqlite3.connect(path)
    con.execute("UPDATE purchase SET amount = 'abc'")
    con.commit()
    con.close()


def newer(path: Path) -> None:
    Store.open(path).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num='9999'")
    con.commit()
    con.close()


CATALOGUE: list[Bad] = [
    # --- money, typed into the real window -----------------------------------------------------
    field("money-three-decimals", "quota_tab.canteen_total_edit", "12.345", "年度食堂食材采购总额最多保留两位小数（到分）：12.345"),
    field("money-negative", "quota_tab.reserve_amount_edit", "-100", "食堂食材预留金额不能为负数"),
    field("money-exponent", "quota_tab.canteen_total_edit", "1e6", f"年度食堂食材采购总额{MONEY_CHARS}：1e6"),
    field("money-formula", "union_tab.union_reserve_edit", "=1+1", f"工会预留金额{MONEY_CHARS}：=1+1"),
    field("money-misplaced-commas", "quota_tab.canteen_total_edit", "12,34.5", "年度食堂食材采购总额格式不正确：12,34.5"),
    field("money-two-points", "union_tab.welfare_total_edit", "1.2.3", "工会年度福利总额格式不正确：1.2.3"),
    field("money-over-limit-full-width", "quota_tab.canteen_total_edit", "１２３４５６７８９０１２３４５",
          "年度食堂食材采购总额超过上限 999,999,999,999.99 元"),
    field("money-in-words", "quota_tab.last_year_amount_edit", "十万元", f"上年度预留金额{MONEY_CHARS}：十万元"),
    field("money-in-words-union", "union_tab.union_farm_total_edit", "五千", f"工会年度采购农副产品总额{MONEY_CHARS}：五千"),
    # digits other than 0-9 (full width is fine): Arabic-Indic, superscript, circled were read as numbers
    field("money-arabic-indic-digits", "quota_tab.canteen_total_edit", "١٢٣٤٥",
          "年度食堂食材采购总额只能使用数字 0—9，不能用“١”：١٢٣٤٥"),
    field("money-superscript", "union_tab.welfare_total_edit", "10²", "工会年度福利总额只能使用数字 0—9，不能用“²”：10²"),
    field("percent-eastern-arabic-digits", "quota_tab.reserve_ratio_edit", "۱۵", "预留比例只能使用数字 0—9，不能用“۱”：۱۵"),
    field("count-devanagari-digits", "profile_tab.employees_edit", "१२", "职工人数只能使用数字 0—9，不能用“१”：१२"),
    field("date-arabic-indic-digits", "quota_tab.filed_on_edit", "٢٠٢٤-٠٣-٠١", "填报日期只能使用数字 0—9，不能用“٢”：٢٠٢٤-٠٣-٠١"),
    # --- ratios ----------------------------------------------------------------------------------
    field("percent-over-100", "quota_tab.reserve_ratio_edit", "150", "预留比例不能超过 100%"),
    field("percent-three-places", "quota_tab.reserve_ratio_edit", "15.555", "预留比例最多保留两位小数：15.555"),
    field("percent-in-words", "quota_tab.last_year_ratio_edit", "十五", "上年度预留比例应为百分数，例如 15 或 15%：十五"),
    # --- dates -----------------------------------------------------------------------------------
    field("date-not-existing", "quota_tab.filed_on_edit", "2024-02-30", "填报日期不存在：2024-02-30"),
    field("date-month-13", "quota_tab.supervisor_confirmed_on_edit", "2024/13/01", "主管部门确认日期不存在：2024/13/01"),
    field("date-two-digit-year", "quota_tab.finance_confirmed_on_edit", "24-2-1", "财政部门确认日期格式不正确：24-2-1（例如 2024-02-19）"),
    field("date-out-of-range", "quota_tab.filed_on_edit", "1999-01-01", "填报日期年份超出范围：1999"),
    field("date-in-words", "quota_tab.filed_on_edit", "明天", "填报日期格式不正确：明天（例如 2024-02-19）"),
    # --- counts ----------------------------------------------------------------------------------
    field("count-negative", "profile_tab.union_members_edit", "-5", "工会会员人数不能为负数"),
    field("count-fraction", "union_tab.u_employees_edit", "12.5", "职工人数应为整数：12.5"),
    field("count-huge", "profile_tab.employees_edit", "99999999", "职工人数过大：99999999"),
    # --- names and text --------------------------------------------------------------------------
    field("name-too-long", "profile_tab.name_edit", "单" * 201, "", "limited"),
    field("name-pasted-control-character", "profile_tab.supervising_department_edit", "测试局\x07",
          "主管预算单位含有不可见的控制字符"),
    field("city-too-long", "profile_tab.city_edit", "郑" * 41, "", "limited"),
    field("note-too-long", "quota_tab.note_edit", "说" * 2001, "备注过长：最多2000个字，现为2001个字"),
    field("name-markup", "profile_tab.name_edit", '<b>某局</b><img src="x.png">&amp;', "", "literal"),
    field("name-formula", "profile_tab.supervising_department_edit", '=HYPERLINK("http://x","点我")', "", "literal"),
    # --- identifiers: kept as typed, flagged by the rules ----------------------------------------
    field("code-check-digit", "profile_tab.credit_code_edit", "91330100716105852E",
          "统一社会信用代码校验位不正确：第18位应为“F”，现为“E”", "kept"),
    field("code-forbidden-letter", "profile_tab.credit_code_edit", "91330100716105852I",
          "统一社会信用代码含有不允许的字符“I”（不使用 I、O、Z、S、V）", "kept"),
    field("code-too-short", "profile_tab.credit_code_edit", "9133010071610585", "统一社会信用代码应为18位，现为16位", "kept"),
    field("phone-mobile-too-short", "profile_tab.phone_edit", "1381234567", "联系电话：手机号码应为11位，以13—19开头", "kept"),
    field("phone-landline-without-area-code", "profile_tab.phone_edit", "65901234",
          "联系电话：固定电话请加区号，例如 0371-12345678", "kept"),
    # --- the purchase form -----------------------------------------------------------------------
    form("purchase-amount-in-words", "amount", "八百八十", f"金额{MONEY_CHARS}：八百八十"),
    form("purchase-amount-empty", "amount", "", "金额不能为空"),
    form("purchase-date-other-year", "date", "2023-05-01", "日期 2023-05-01 不在 2024 年度内；记入其他年度请先切换年度"),
    form("purchase-order-no-chinese", "order_no", "订单832", "订单号只能包含字母、数字和 - _ / .，不能有“订”：订单832"),
    form("purchase-order-no-too-long", "order_no", "A" * 101, "订单号过长：最多100个字符，现为101个"),
    form("purchase-supplier-too-long", "supplier", "某" * 201, "供应商过长：最多200个字，现为201个字"),
    # --- importing the platform's order lists ----------------------------------------------------
    imp("import-empty-file", "订单.csv", b"", f"无法读取“订单.csv”：文件是空的，{NOT_IMPORTED}"),
    imp("import-only-blank-lines", "订单.csv", b"\n\n  \n", f"无法读取“订单.csv”：文件中没有数据，{NOT_IMPORTED}"),
    imp("import-wrong-columns", "订单.csv", csv_bytes([ROW[:4] + ROW[5:]], [h for h in HEADERS if h != "实付金额"]),
        f"缺少“实付金额”列（可用的列名：实付金额、订单金额、金额、实付款）。{NOT_IMPORTED}"),
    imp("import-gbk-behind-utf8-bom", "订单.csv", b"\xef\xbb\xbf" + csv_bytes([ROW], encoding="gbk"),
        f"无法读取“订单.csv”：文件标明为 UTF-8 编码，但内容有乱码，{NOT_IMPORTED}"),
    # Big5 and UTF-16 without a BOM are decoded, not refused: tests/test_order_lists.py
    imp("import-old-excel", "订单.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
        f"无法读取“订单.xls”：这是旧版 Excel 97-2003（.xls）文件，请用 Excel 或 WPS 打开后“另存为” .xlsx 再导入，{NOT_IMPORTED}"),
    imp("import-web-page-as-xls", "订单.xls", "<html><table><tr><td>订单编号</td></tr></table></html>".encode(),
        f"无法读取“订单.xls”：这是网页格式的表格（扩展名虽为 .xls），请用 Excel 或 WPS 打开后“另存为” .xlsx 再导入，{NOT_IMPORTED}"),
    imp("import-truncated-xlsx", "订单.xlsx", "truncated",
        f"无法读取“订单.xlsx”：文件已损坏或不完整（可能下载或复制没有完成），无法作为 .xlsx 读取，{NOT_IMPORTED}"),
    imp("import-amount-in-words", "订单.xlsx", xlsx_bytes([order(实付金额="八百八十元")]),
        f"第 2 行“实付金额”列：{MONEY_CHARS}：八百八十元"),
    imp("import-amount-formula", "订单.csv", csv_bytes([order(实付金额="=SUM(A1:A9)")]),
        f"第 2 行“实付金额”列：{MONEY_CHARS}：=SUM(A1:A9)"),
    imp("import-amount-arabic-indic", "订单.csv", csv_bytes([order(实付金额="١٢٣٫٥")]),
        "第 2 行“实付金额”列：只能使用数字 0—9，不能用“١”：١٢٣٫٥"),
    imp("import-date-arabic-indic", "订单.csv", csv_bytes([order(下单时间="٢٠٢٤-٠٣-٠١ 10:22:33")]),
        "第 2 行“下单时间”列：只能使用数字 0—9，不能用“٢”：٢٠٢٤-٠٣-٠١ 10:22:33"),
    imp("import-order-no-scientific", "订单.csv", csv_bytes([order(订单编号="8.32202E+15")]),
        "第 2 行“订单编号”列：被 Excel 写成了科学计数法（8.32202E+15），位数已丢失：请从平台重新导出，不要用 Excel 另存 CSV"),
    imp("import-duplicate-order-different-content", "订单.csv", csv_bytes([ROW, order(实付金额="1.00")]),
        "第 3 行“订单编号”列： 8322024030100001 与第 2 行相同但内容不同（若是同一订单的多件商品，请从平台导出按订单汇总的列表）"),
    imp("import-duplicate-of-the-log", "订单.csv", "already-in-log", "台账中已有、无变化或不更新：1 笔"),
    imp("import-unknown-state", "订单.csv", csv_bytes([order(订单状态="已发货未签收")]),
        "第 2 行“订单状态”列：无法识别的订单状态“已发货未签收”：请选择它的含义（已完结、未完结、已退款或部分退款）"),
    imp("import-date-not-existing", "订单.csv", csv_bytes([order(下单时间="2024-02-30 10:00:00")]),
        "第 2 行“下单时间”列：不存在：2024-02-30 10:00:00"),
    imp("import-huge-cell", "订单.csv", csv_bytes([order(商品名称="长" * 200_000)]),
        "无法读取“订单.csv”：第 2 行 CSV 格式有误"),
    imp("import-huge-file-bad-last-row", "订单.csv", "many", f"第 10001 行“实付金额”列：{MONEY_CHARS}：壹佰元"),
    imp("import-formula-supplier", "订单.csv", csv_bytes([order(店铺名称='=HYPERLINK("http://x","点我")')]), ""),
    # --- policy files ----------------------------------------------------------------------------
    policy("policy-empty", "", "政策文件 坏.toml：“format”缺少此项"),
    policy("policy-not-toml", "这不是政策文件 = = \n[", "政策文件 坏.toml：TOML 格式错误"),
    policy("policy-gbk", GOOD_POLICY.encode("gbk"), "政策文件 坏.toml：不是 UTF-8 编码的文本文件"),
    policy("policy-unknown-rule", GOOD_POLICY + '\n[rules.canteen-magic]\nnotice = "yu-2023-2"\n',
           "政策文件 坏.toml：“rules.canteen-magic”未知规则（本程序认识的规则：profile-complete、"),
    policy("policy-unknown-key", GOOD_POLICY.replace("format = 1", 'format = 1\nauthor = "某人"'),
           "政策文件 坏.toml：“author”不认识的项（拼写错误？）"),
    policy("policy-newer-format", GOOD_POLICY.replace("format = 1", "format = 2"),
           "政策文件 坏.toml：“format”格式版本 2 不受支持（本程序支持 1）"),
    policy("policy-ratio-over-100", GOOD_POLICY.replace("floor_ratio = 10", "floor_ratio = 150"),
           "政策文件 坏.toml：“rules.canteen-ratio.floor_ratio”百分数应在 0 到 100 之间"),
    policy("policy-undefined-notice", GOOD_POLICY.replace('notice = "yu-2023-2"', 'notice = "nowhere"', 1),
           "政策文件 坏.toml：“rules.canteen-ratio.notice”引用了本文件未定义的文件依据“nowhere”"),
    policy("policy-ratio-nan", GOOD_POLICY.replace("floor_ratio = 10", "floor_ratio = nan"),
           "政策文件 坏.toml：“rules.canteen-ratio.floor_ratio”应为 0 到 100 之间的百分数（不能是 nan 或 inf）"),
    policy("policy-ratio-inf", GOOD_POLICY.replace("floor_ratio = 10", "floor_ratio = inf"),
           "政策文件 坏.toml：“rules.canteen-ratio.floor_ratio”应为 0 到 100 之间的百分数（不能是 nan 或 inf）"),
    policy("policy-id-dotdot", GOOD_POLICY.replace('id = "my-henan-2023"', 'id = ".."'),
           "政策文件 坏.toml：“id”只能由英文字母、数字、-、_ 组成，以字母或数字开头，最长 64 个字符"),
    policy("policy-id-hidden", GOOD_POLICY.replace('id = "my-henan-2023"', 'id = ".hidden"'),
           "政策文件 坏.toml：“id”只能由英文字母、数字、-、_ 组成"),
    policy("policy-id-path", GOOD_POLICY.replace('id = "my-henan-2023"', 'id = "../../x"'),
           "政策文件 坏.toml：“id”只能由英文字母、数字、-、_ 组成"),
    policy("policy-deadline-wrong-year", GOOD_POLICY.replace("date = 2023-04-15", "date = 2022-04-15"),
           "政策文件 坏.toml：“rules.filing-deadline.date”日期 2022-04-15 不在本政策的年度 2023 年内"),
    policy("policy-level-deadline-wrong-year", GOOD_POLICY.replace('"省级" = 2023-04-20', '"省级" = 2024-04-20'),
           "政策文件 坏.toml：“rules.supervisor-deadline.by_level”日期 2024-04-20 不在本政策的年度 2023 年内"),
    policy("policy-finish-wrong-year", GOOD_POLICY.replace("finish_by = 2023-10-31", "finish_by = 2024-10-31"),
           "政策文件 坏.toml：“rules.purchase-progress.finish_by”日期 2024-10-31 不在本政策的年度 2023 年内"),
    policy("policy-shipped-id", SHIPPED_ID_POLICY.replace("floor_ratio = 10", "floor_ratio = 5"),
           "政策文件 坏.toml：“id”“henan-2023”是程序自带的政策文件的 id，加载后会与之混淆，未加载；请在文件中改用另一个 id"),
    policy("policy-extends-missing", GOOD_POLICY.replace('levels = [', 'extends = "nowhere-2023"\nlevels = ['),
           "政策文件 坏.toml：“extends”要扩展的政策文件“nowhere-2023”不存在，未加载；请先加载它"),
    policy("policy-extends-other-year", GOOD_POLICY.replace('levels = [', 'extends = "qinghai-2024"\nlevels = ['),
           "政策文件 坏.toml：“extends”只能扩展同一年度的政策（“qinghai-2024”为 2024 年度），未加载"),
    policy("policy-year-1900", GOOD_POLICY.replace("year = 2023", "year = 1900"), "政策文件 坏.toml：“year”年份 1900 不合理"),
    policy("policy-binary", b"\x89PNG\r\n\x1a\n\x00\x00", "政策文件 坏.toml：不是 UTF-8 编码的文本文件"),
    # --- a whole data file from JSON ------------------------------------------------------------
    Bad("json-not-json", "json-load", "导入.json", b"{profile: 1", "导入.json 不是有效的 JSON"),
    Bad("json-gbk", "json-load", "导入.json", json_doc().decode("utf-8").encode("gbk"), "导入.json 不是有效的 JSON"),
    Bad("json-not-ours", "json-load", "导入.json", json_doc(format="other"),
        "导入.json 有误，未写入任何数据：$.format：应为 \"desktop832\"：这不是 desktop832 导出的数据"),
    Bad("json-bad-money", "json-load", "导入.json", json_doc(plans=[{"year": 2024, "canteen_total": "1,2,3"}]),
        "导入.json 有误，未写入任何数据：$.plans[0].canteen_total：金额格式不正确：1,2,3"),
    Bad("json-duplicate-year", "json-load", "导入.json", json_doc(plans=[{"year": 2024}, {"year": 2024}]),
        "导入.json 有误，未写入任何数据：$.plans[1].year：年度 2024 重复"),
    Bad("json-unknown-field", "json-load", "导入.json", json_doc(profile={"名称": "x"}),
        "导入.json 有误，未写入任何数据：$.profile.名称：不认识的字段"),
    # hostile JSON: each crashed load or silently dropped data (a second "purchases" won)
    Bad("json-nested-100k-deep", "json-load", "导入.json", b"[" * 100_000 + b"]" * 100_000,
        "导入.json 不是有效的 JSON，未写入任何数据：嵌套层数过多，不是 desktop832 导出的数据"),
    Bad("json-huge-integer", "json-load", "导入.json",
        json_doc().replace(b'"version": 1', b'"version": ' + b"9" * 5000), "导入.json 不是有效的 JSON，未写入任何数据：数字过长（超过 30 位）"),
    Bad("json-lone-surrogate", "json-load", "导入.json", json_doc().replace("测试单位".encode(), b"\\ud800"),
        "导入.json 不是有效的 JSON，未写入任何数据：含有无效的字符（孤立的 UTF-16 代理项），文件可能已损坏"),
    Bad("json-duplicate-key", "json-load", "导入.json", json_doc()[:-1] + b', "purchases": []}',
        "导入.json 不是有效的 JSON，未写入任何数据：键“purchases”在同一处出现了两次（后一个会覆盖前一个），请删去重复的一个"),
    Bad("json-nan", "json-load", "导入.json", json_doc().replace(b'"version": 1', b'"version": NaN'),
        "导入.json 不是有效的 JSON，未写入任何数据：“NaN”不是有效的 JSON 数值"),
    Bad("json-amount-arabic-indic", "json-load", "导入.json",
        json_doc(purchases=[{"date": "2024-03-01", "amount": "١٠٠"}]), "$.purchases[0].amount：金额只能使用数字 0—9，不能用“١”：١٠٠"),
    # --- data files that must not be touched ----------------------------------------------------
    Bad("file-not-sqlite", "data-file", "单位.sqlite", lambda p: p.write_text("采购台账,金额\n", "utf-8"),
        "“单位.sqlite”不是 desktop832 数据文件（也不是 SQLite 数据库），未作任何改动。"),
    Bad("file-other-programs-sqlite", "data-file", "单位.sqlite", foreign,
        "“单位.sqlite”是其他程序的 SQLite 数据库，不是 desktop832 数据文件，未作任何改动。"),
    Bad("file-from-a-newer-version", "data-file", "单位.sqlite", newer,
        "“单位.sqlite”由更新版本的 desktop832 创建（数据格式 9999），请升级本程序后再打开；文件未作任何改动。"),
    Bad("file-corrupt", "data-file", "单位.sqlite", corrupt, "数据文件已损坏，无法读取"),
    Bad("file-is-a-folder", "data-file", "单位.sqlite", lambda p: p.mkdir(), "是文件夹，不是数据文件。"),
    Bad("file-other-programs-empty-sqlite", "data-file", "单位.sqlite", foreign_marked_empty,
        "“单位.sqlite”是其他程序的 SQLite 数据库，不是 desktop832 数据文件，未作任何改动。"),
    Bad("file-without-version-table", "data-file", "单位.sqlite", without_version,
        "“单位.sqlite”是 desktop832 数据文件，但缺少数据格式的版本记录（文件不完整或已损坏），未作任何改动。"),
    Bad("file-is-a-fifo", "data-file", "单位.sqlite", lambda p: os.mkfifo(p),
        "“单位.sqlite”不是普通文件（可能是管道或设备），不是数据文件，未作任何改动。"),
    Bad("file-text-amount", "data-file", "单位.sqlite", text_amount,
        "数据文件“单位.sqlite”中有 1 条记录的金额或比例不是数字（文件可能被其他程序改动过），无法使用；文件未作任何改动。"),
    # --- outputs that would replace the data file or an input (``{db}`` is the data file) ---------
    Bad("dump-over-the-data-file", "output", "dump", "{db}", "不能写到“unit.sqlite”：那是数据文件（unit.sqlite）"),
    Bad("dump-over-the-wal", "output", "dump", "{db}-wal", "不能写到“unit.sqlite-wal”：那是数据文件的附属文件（unit.sqlite）"),
    Bad("dump-over-the-shm", "output", "dump", "{db}-shm", "不能写到“unit.sqlite-shm”：那是数据文件的附属文件（unit.sqlite）"),
    Bad("dump-over-the-lock", "output", "dump", "{db}.lock", "不能写到“unit.sqlite.lock”：那是数据文件的附属文件（unit.sqlite）"),
    Bad("dump-over-a-hard-link", "output", "dump", "{link}", "不能写到“another-name.sqlite”：那是数据文件（unit.sqlite）"),
    Bad("export-over-the-data-file", "output", "export", "{db}", "不能写到“unit.sqlite”：那是数据文件（unit.sqlite）"),
    Bad("letter-over-the-data-file", "output", "letter", "{db}", "不能写到“unit.sqlite”：那是数据文件（unit.sqlite）"),
    Bad("stack-over-its-input", "output", "stack", "{input}", "不能写到“a.xlsx”：它是本命令正在读取的文件"),
    # --- reading commands on files they must neither create nor change ------------------------
    Bad("dump-missing-file", "reading-command", "dump", None, "数据文件不存在："),
    Bad("dump-empty-sqlite", "reading-command", "dump", lambda p: sqlite3.connect(p).close() or p.write_bytes(b""),
        "“unit.sqlite”是空文件，还不是 desktop832 数据文件；未作任何改动。"),
    Bad("check-other-programs-empty-sqlite", "reading-command", "check", foreign_marked_empty,
        "“unit.sqlite”是其他程序的 SQLite 数据库，不是 desktop832 数据文件，未作任何改动。"),
    # dump used to create desktop832's tables in such a file and change its application id
    Bad("dump-other-programs-empty-sqlite", "reading-command", "dump", foreign_marked_empty,
        "“unit.sqlite”是其他程序的 SQLite 数据库，不是 desktop832 数据文件，未作任何改动。"),
    Bad("dump-text-amount", "reading-command", "dump", text_amount, "中有 1 条记录的金额或比例不是数字"),
    Bad("check-text-amount", "reading-command", "check", text_amount, "中有 1 条记录的金额或比例不是数字"),
    Bad("dump-unmarked-empty-sqlite", "reading-command", "dump",
        lambda p: sqlite3.connect(p).execute("PRAGMA user_version = 7").connection.close(),
        "“unit.sqlite”是空文件，还不是 desktop832 数据文件；未作任何改动。"),
    # --- commands -------------------------------------------------------------------------------
    Bad("letter-character-no-font-has", "command", "letter", "测试单位\u3400",
        "没有任何可用字体包含这些字：“\u3400”（U+3400，见标题、落款），未生成文件。"),
    Bad("letter-not-a-pdf-name", "command", "letter", "承诺函.docx", "输出文件应以 .pdf 结尾："),
    Bad("check-year-out-of-range", "command", "check", "1999", "年度超出范围（2000 到 2100）：1999"),
    # --- font files given to the letter (``--body-font``): a FIFO hung it, others told English ----
    Bad("font-fifo", "font", "正文.ttf", lambda p: os.mkfifo(p),
        "无法使用字体文件：“正文.ttf”不是普通文件（可能是管道或设备），未读取任何内容。"),
    Bad("font-folder", "font", "正文.ttf", lambda p: p.mkdir(), "无法使用字体文件：“正文.ttf”是文件夹，不是文件，未读取任何内容。"),
    Bad("font-not-a-font", "font", "正文.ttf", lambda p: p.write_text("这不是字体", "utf-8"),
        "无法读取字体文件 正文.ttf：不是 TrueType/OpenType 字体（.ttf、.ttc、.otf），或文件已损坏"),
    Bad("font-truncated", "font", "正文.ttf",
        lambda p: p.write_bytes((ROOT / "resources" / "fonts" / "Desktop832Song-Bold.ttf").read_bytes()[:2000]),
        "无法读取字体文件 正文.ttf：不是 TrueType/OpenType 字体（.ttf、.ttc、.otf），或文件已损坏"),
    Bad("font-the-data-file", "font", "unit.sqlite", None,
        "无法使用字体文件：“unit.sqlite”是 desktop832 的数据文件（或其附属文件），不能作为要读取的文件，未读取任何内容。"),
]


def cases(surface):
    chosen = [c for c in CATALOGUE if c.surface == surface]
    return pytest.mark.parametrize("case", chosen, ids=[c.id for c in chosen])


def test_the_catalogue_is_broad():
    assert len(CATALOGUE) >= 40
    assert len({c.id for c in CATALOGUE}) == len(CATALOGUE)
    assert {c.surface for c in CATALOGUE} == {
        "field", "purchase-form", "import", "policy", "json-load", "data-file", "command", "output", "reading-command",
        "font",
    }
    assert all(c.message or c.outcome in ("literal", "limited") or c.id == "import-formula-supplier" for c in CATALOGUE)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A migrated empty data file to copy: creating one runs the migration (0.2 s each time)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    Store.open(path).close()
    return path


@pytest.fixture
def new_store(template):
    def make(path: Path) -> Store:
        shutil.copyfile(template, path)
        return Store.open(path)

    return make


def dump(path: Path) -> str:
    """Everything in the data file, as SQL: equal dumps mean nothing was written."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return "\n".join(con.iterdump())
    finally:
        con.close()


# --- form fields, typed into one real main window ------------------------------------------------


@pytest.fixture(scope="module")
def window(qapp, tmp_path_factory):
    """One main window for all field cases (a window per case would cost a second each)."""
    from desktop832.ui.app import configure_application
    from desktop832.ui.main_window import MainWindow

    home = tmp_path_factory.mktemp("bad-input-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DESKTOP832_HOME", str(home))
        configure_application(qapp)
        window = MainWindow(today=TODAY)
        window.show()
        assert window.open_database(home / "unit.sqlite", first_start=True)
        yield window
        window.document.save_now()
        window._may_close_with_unreadable_text = lambda: True  # the last case may leave refused text
        window.close()
        window.deleteLater()


def enter(qtbot, widget, text: str, *, keys: bool) -> None:
    """Give ``text`` to an empty field as a clerk would: typed key by key (ASCII only: keyClicks
    cannot send Chinese), or pasted in one go.

    Refused input is pasted: typed key by key, its valid beginning ("12.34" of "12.345") is an
    edit of its own and is rightly kept, which would blur the proof that the bad text itself is
    never written.
    """
    if isinstance(widget, QPlainTextEdit):
        widget.setPlainText(text)  # a long text is pasted, not typed
    elif keys and text.isascii():
        qtbot.keyClicks(widget, text)
    else:
        QApplication.clipboard().setText(text)
        widget.setFocus()
        widget.paste()


def clear(qtbot, window, widget, key: str) -> None:
    if isinstance(widget, QPlainTextEdit):
        widget.setPlainText("")
    else:
        type_ascii(qtbot, widget, "")
    assert key not in window.binder.input_problems()
    assert window.document.save_now()


def key_of(window, widget) -> str:
    return next(b.key for b in window.binder.bindings if b.widget is widget)


def widget_at(window, where: str):
    tab, name = where.split(".")
    return getattr(getattr(window, tab), name)


@cases("field")
def test_field(qtbot, window, case):
    widget = widget_at(window, case.where)
    tab = window.tabs.indexOf(getattr(window, case.where.split(".")[0]))
    window.tabs.setCurrentIndex(tab)
    key = key_of(window, widget)
    clear(qtbot, window, widget, key)
    path = window.workspace.store.path
    before_value, before_file = window.document.value(key), dump(path)
    enter(qtbot, widget, case.value, keys=case.outcome == "kept")
    if case.outcome == "limited":
        # the field itself takes no more than the data file holds: the rest of a paste is cut
        assert len(case.value) > widget.maxLength() == len(window.document.value(key))
        assert window.document.value(key) == case.value[: widget.maxLength()]
    elif case.outcome == "refused":
        assert window.binder.input_problems()[key] == case.message
        assert widget.property("finding") == "error" and case.message in widget.toolTip()
        assert (widget.text() if isinstance(widget, QLineEdit) else widget.toPlainText()) == case.value  # still in view
        assert window.document.value(key) == before_value
        assert window.document.save_now()
        assert dump(path) == before_file, "a refused input reached the data file"
    elif case.outcome == "kept":
        assert window.document.value(key) == case.value  # nothing the clerk typed is lost
        assert case.message in window.findings_panel.messages()
        # a wrong check character or phone format is a warning: GB 32100-2015 or a format check, not a notice
        assert widget.property("finding") == "warning" and case.message in widget.toolTip()
        window.document.save_now()
        with Store.open(path, readonly=True) as store:
            assert store.profile() == window.document.profile
        # and what the window keeps, the file's own dump keeps too: load used to refuse it
        from desktop832.cli import main

        folder = path.parent / f"round-trip-{case.id}"
        folder.mkdir()
        assert main(["--db", str(path), "dump", "-o", str(folder / "dump.json")]) == 0
        assert main(["--db", str(folder / "again.sqlite"), "load", str(folder / "dump.json")]) == 0
        with Store.open(folder / "again.sqlite", readonly=True) as again:
            assert getattr(again.profile(), key.split(".")[1]) == case.value
    else:  # literal
        assert window.document.value(key) == case.value
        window.document.save_now()
        with Store.open(path, readonly=True) as store:
            assert getattr(store.profile(), key.split(".")[1]) == case.value
        if key == "profile.name":
            shown = QTextDocument()
            shown.setHtml(window.overview_tab.headline_label.text())
            assert case.value in shown.toPlainText()  # the markup is shown, not rendered
            assert case.value in window.windowTitle()
        else:
            from openpyxl import Workbook

            from desktop832.documents.cells import write_cell

            cell = write_cell(Workbook(write_only=True).create_sheet(), case.value)
            assert cell.data_type == "s" and cell.value == case.value  # exported as text, not a formula
    clear(qtbot, window, widget, key)


# --- the purchase form ---------------------------------------------------------------------------


@cases("purchase-form")
def test_purchase_form(qtbot, window, case):
    from desktop832.ui.main_window import TAB_PURCHASES

    window.tabs.setCurrentIndex(TAB_PURCHASES)
    tab = window.purchase_tab
    path = window.workspace.store.path
    before = dump(path)
    tab.open_add_form()
    dialog = tab.dialog
    qtbot.waitUntil(dialog.isVisible)
    dialog.line("amount").setText("100")
    dialog.line(case.where).setText(case.value)
    dialog.accept()
    assert dialog.form.error_label.text() == case.message
    assert dialog.isVisible() and dialog.result_purchase is None
    assert dialog.line(case.where).hasFocus() or not dialog.isActiveWindow()
    dialog.reject()
    assert window.workspace.store.purchase_count() == 0
    assert dump(path) == before


# --- importing order lists ----------------------------------------------------------------------


@pytest.fixture
def workspace(tmp_path, profile, plan, new_store):
    from desktop832.app.policies import PolicyLibrary
    from desktop832.app.workspace import Workspace

    store = new_store(tmp_path / "unit.sqlite")
    store.save_profile(profile)
    store.save_plan(plan)
    ws = Workspace(store, PolicyLibrary([ROOT / "resources" / "policies"]), today=TODAY)
    yield ws
    ws.close()


@cases("import")
def test_import(workspace, tmp_path, case):
    from desktop832.documents.errors import ExchangeError
    from desktop832.app.importing import import_orders

    path = tmp_path / case.where
    if case.value == "truncated":
        whole = xlsx_bytes([ROW])
        path.write_bytes(whole[: len(whole) // 2])
    elif case.value == "many":
        path.write_bytes(many_orders_with_a_bad_last_row())
    elif case.value == "already-in-log":
        path.write_bytes(csv_bytes([ROW]))
        import_orders(workspace, path)
    else:
        path.write_bytes(case.value)
    file_before, data_before = path.read_bytes(), dump(workspace.store.path)
    if case.id == "import-formula-supplier":
        _, result = import_orders(workspace, path)
        assert result.added == 1
        [stored] = workspace.store.purchases()
        assert stored.supplier == '=HYPERLINK("http://x","点我")'  # kept as text, exported as text
        return
    if case.value == "already-in-log":
        preview, result = import_orders(workspace, path)
        told = preview.summary()
        assert result.added == 0 and result.skipped == 1
    else:
        with pytest.raises(ExchangeError) as caught:
            import_orders(workspace, path)
        preview = getattr(caught.value, "preview", None)
        told = caught.value.message + "".join("\n" + str(e) for e in (preview.errors if preview else []))
        if preview is not None:
            assert caught.value.message == BLOCKED
    assert case.message in told
    assert dump(workspace.store.path) == data_before, "nothing may be written"
    assert path.read_bytes() == file_before  # the clerk's file is only read


# --- policy files --------------------------------------------------------------------------------


@cases("policy")
def test_policy_file(tmp_path, case):
    from desktop832.domain.policy import PolicyError
    from desktop832.app.policies import PolicyLibrary

    user = tmp_path / "user-policies"
    library = PolicyLibrary([ROOT / "resources" / "policies", user])
    before = dict(library.policies)
    path = tmp_path / "坏.toml"
    path.write_bytes(case.value if isinstance(case.value, bytes) else case.value.encode("utf-8"))
    with pytest.raises(PolicyError) as caught:
        library.add_file(path)
    assert str(caught.value).startswith(case.message)
    assert not user.exists() or not list(user.iterdir()), "a bad policy file was copied"
    assert library.policies == before


# --- a data file built from JSON ---------------------------------------------------------------


@cases("json-load")
def test_json_load(tmp_path, capsys, case):
    from desktop832.cli import main

    source = tmp_path / case.where
    source.write_bytes(case.value)
    target = tmp_path / "新单位.sqlite"
    assert main(["--db", str(target), "load", str(source)]) == 2
    assert case.message in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == [case.where]  # no data file, no leftovers


# --- data files ---------------------------------------------------------------------------------


def snapshot(folder: Path) -> dict:
    return {p.name: (p.read_bytes() if p.is_file() else "folder") for p in folder.iterdir()}


@cases("data-file")
def test_data_file(qtbot, tmp_path, case):
    from desktop832.ui.dialogs.backup import open_failure_box

    folder = tmp_path / "files"
    folder.mkdir()
    path = folder / case.where
    case.value(path)
    for sidecar in ("-wal", "-shm"):
        Path(f"{path}{sidecar}").unlink(missing_ok=True)
    before = snapshot(folder)
    with pytest.raises(StoreError) as caught:
        Store.open(path)
    assert case.message in caught.value.message
    after = snapshot(folder)
    # reading a WAL-mode file makes SQLite put its empty -wal/-shm beside it; the file is untouched
    assert {k: v for k, v in after.items() if not k.endswith(("-wal", "-shm"))} == before, "the file was touched"
    assert all(v == b"" for k, v in after.items() if k.endswith("-wal"))  # nothing written through it
    box = open_failure_box(None, caught.value, offer_backups=caught.value.kind == "corrupt")
    qtbot.addWidget(box)
    assert box.text() == caught.value.message and box.textFormat() == Qt.TextFormat.PlainText


# --- commands -------------------------------------------------------------------------------------


@cases("command")
def test_command(tmp_path, capsys, case, profile, new_store):
    from desktop832.cli import main
    from desktop832.domain.model import AnnualPlan, CanteenMode

    db = tmp_path / "unit.sqlite"
    with new_store(db) as store:
        store.save_profile(dataclasses.replace(profile, canteen_mode=CanteenMode.NONE))
        store.save_plan(AnnualPlan(2024))
        if case.where == "letter" and case.value.startswith("测试单位"):
            # a letter complete in every other way (a prompt left in it is refused first)
            store.save_profile(dataclasses.replace(profile, name=case.value, canteen_mode=CanteenMode.NONE,
                                                   meal_arrangement="职工自行解决用餐"))
    before = dump(db)
    if case.where == "letter":
        output = tmp_path / (case.value if not case.value.startswith("测试单位") else "承诺函.pdf")
        args = ["--db", str(db), "letter", "-o", str(output), "--shipped-fonts-only"]
        code = main(args)
        assert not output.exists()
    else:
        with pytest.raises(SystemExit) as caught:
            main(["--db", str(db), "check", "--year", case.value])
        code = caught.value.code
    assert code in (1, 2)
    assert case.message in capsys.readouterr().err
    assert dump(db) == before
    assert not [p for p in tmp_path.iterdir() if p.suffix in (".pdf", ".docx", ".tmp")]


@cases("font")
def test_font_file(tmp_path, capsys, case, profile, new_store):
    """A font file the clerk names for the letter: refused in Chinese, never opened if it is no
    regular file (opening a FIFO blocks until someone writes into it), no PDF written."""
    import threading

    from desktop832.cli import main
    from desktop832.domain.model import AnnualPlan, CanteenMode

    db = tmp_path / "unit.sqlite"
    with new_store(db) as store:
        store.save_profile(dataclasses.replace(profile, canteen_mode=CanteenMode.NONE, meal_arrangement="职工自行解决用餐"))
        store.save_plan(AnnualPlan(2024))
    font = tmp_path / case.where
    if case.value is not None:
        case.value(font)
    before, output = dump(db), tmp_path / "承诺函.pdf"
    done, opened = threading.Event(), []

    def watch_the_pipe():  # a writer's open succeeds only while a reader has the pipe open
        while not done.wait(0.05):
            try:
                os.close(os.open(font, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                continue
            opened.append(True)  # the letter opened the pipe: now at its end, so it returns

    watcher = threading.Thread(target=watch_the_pipe, daemon=True)
    if case.id == "font-fifo":
        watcher.start()
    try:
        code = main(["--db", str(db), "letter", "-o", str(output), "--body-font", str(font)])
    finally:
        done.set()
    assert not opened, "the letter opened the named pipe (it would hang there for ever)"
    assert code in (1, 2)
    err = capsys.readouterr().err
    assert case.message in err and "Traceback" not in err
    assert not output.exists() and dump(db) == before


@cases("output")
def test_output_over_a_protected_file(tmp_path, capsys, case, profile, plan, new_store):
    """No command writes its output over the data file, its companions, its lock or its input."""
    from desktop832.cli import main

    db = tmp_path / "unit.sqlite"
    with new_store(db) as store:
        store.save_profile(profile)
        store.save_plan(plan)
    os.link(db, tmp_path / "another-name.sqlite")
    for name in ("a.xlsx", "b.xlsx"):  # the export marks the plan exported: that is the state kept
        assert main(["--db", str(db), "export", "--year", "2024", "-o", str(tmp_path / name)]) == 0
    capsys.readouterr()
    target = case.value.format(db=db, link=tmp_path / "another-name.sqlite", input=tmp_path / "a.xlsx")
    before = dump(db)
    if case.where == "dump":  # a reading command runs beside a window: its lock file is there
        (tmp_path / "unit.sqlite.lock").write_bytes(b"")
    files = snapshot(tmp_path)
    args = {
        "dump": ["--db", str(db), "dump", "-o", target],
        "export": ["--db", str(db), "export", "--year", "2024", "-o", target],
        "letter": ["--db", str(db), "letter", "-o", target, "--shipped-fonts-only"],
        "stack": ["stack", str(tmp_path / "a.xlsx"), str(tmp_path / "b.xlsx"), "-o", target],
    }[case.where]
    if case.where == "letter":  # the letter insists on a .pdf name: the data file has one here
        pdf_db = tmp_path / "unit.pdf"
        shutil.copyfile(db, pdf_db)
        args[1] = args[4] = str(pdf_db)
        case = dataclasses.replace(case, message=case.message.replace("unit.sqlite", "unit.pdf"))
        files = snapshot(tmp_path)
    assert main(args) in (1, 2)
    assert case.message in capsys.readouterr().err
    assert dump(db) == before
    # reading a WAL-mode file makes SQLite put its -wal/-shm beside it: every other file is as it was
    unchanged = lambda found: {k: v for k, v in found.items() if not k.endswith(("-wal", "-shm"))}  # noqa: E731
    assert unchanged(snapshot(tmp_path)) == unchanged(files), "a file was written or replaced"


@cases("reading-command")
def test_reading_commands_never_create_or_change_a_file(tmp_path, capsys, case):
    from desktop832.cli import main

    db = tmp_path / "unit.sqlite"
    if case.value is not None:
        case.value(db)
    files = snapshot(tmp_path)
    assert main(["--db", str(db), case.where]) == 2
    assert case.message in capsys.readouterr().err
    after = snapshot(tmp_path)
    assert {k: v for k, v in after.items() if not k.endswith(("-wal", "-shm"))} == files, "the file was changed"
    assert all(v == b"" for k, v in after.items() if k.endswith("-wal"))


# --- broken surroundings: the file cannot be written --------------------------------------------


@pytest.fixture
def document(qapp, tmp_path, profile, plan, new_store):
    from PySide6.QtGui import QUndoStack

    from desktop832.app.policies import PolicyLibrary
    from desktop832.ui.document import UnitDocument
    from desktop832.app.workspace import Workspace

    store = new_store(tmp_path / "unit.sqlite")
    store.save_profile(profile)
    store.save_plan(plan)
    workspace = Workspace(store, PolicyLibrary([ROOT / "resources" / "policies"]), today=TODAY)
    stack = QUndoStack()
    doc = UnitDocument(workspace, stack)
    doc.load_year(2024)
    messages = []
    doc.saveStateChanged.connect(lambda text, ok: messages.append((text, ok)))
    yield doc, messages
    doc._save_timer.stop()
    workspace.close()
    doc.deleteLater()
    stack.deleteLater()


def every_connection(store, *pragmas):
    """Run ``pragmas`` on every new connection of ``store``: a real SQLite condition, not a fake."""
    from sqlalchemy import event

    def on_connect(dbapi_connection, _record):
        for pragma in pragmas:
            dbapi_connection.execute(pragma)

    store.reconnect()
    event.listen(store._engine, "connect", on_connect)
    return lambda: (event.remove(store._engine, "connect", on_connect), store.reconnect())


def full_disk(store):
    """The disk is full: the file may not grow by a single page (SQLITE_FULL, as on a full disk)."""
    pages = sqlite3.connect(store.path).execute("PRAGMA page_count").fetchone()[0]
    return every_connection(store, f"PRAGMA max_page_count={pages}")


def read_only(store):
    """The file may not be written (SQLITE_READONLY, as for a read-only file or share)."""
    return every_connection(store, "PRAGMA query_only=1")


@pytest.mark.parametrize("condition, message", [
    (read_only, "未保存：数据文件是只读的，无法保存："),
    (full_disk, "未保存：磁盘已满，刚才的修改没有保存。请清理磁盘空间后再试，已保存的数据不受影响。"),
], ids=["read-only", "disk-full"])
def test_a_save_that_fails_keeps_the_edit_and_says_why(document, condition, message):
    doc, messages = document
    path = doc.workspace.store.path
    before = dump(path)
    lift = condition(doc.workspace.store)
    long_text = "职工在单位附近的社区食堂就餐，" * 120  # needs new pages: a full disk refuses it
    doc.edit("profile.meal_arrangement", long_text)
    doc.edit("plan.canteen_total", D("2000000"))
    assert doc.save_now() is False
    assert doc.dirty
    assert messages[-1][1] is False and messages[-1][0].startswith(message)
    assert doc.profile.meal_arrangement == long_text and doc.plan.canteen_total == D("2000000")  # still there
    assert dump(path) == before, "a failed save must not leave half of it behind"
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    lift()  # space freed, permission given back: the next save writes everything
    assert doc.save_now() is True and not doc.dirty
    with Store.open(path, readonly=True) as store:
        assert store.profile().meal_arrangement == long_text
        assert store.plan(2024).canteen_total == D("2000000.00")


def test_a_read_only_file_for_real(document, tmp_path):
    """A file the system refuses to write (immutable even for root), opened as the window does."""
    doc, messages = document
    path = doc.workspace.store.path
    doc.workspace.store.close()
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode:
        pytest.skip("chattr +i is not available here")
    try:
        from desktop832.app import locking

        assert "只读" in locking.write_problem(path)  # the window can offer read-only before any edit
        doc.workspace.store = Store.open(path)
        doc.edit("plan.canteen_total", D("3000000"))
        assert doc.save_now() is False and doc.dirty
        assert "数据文件是只读的" in messages[-1][0]
        assert doc.plan.canteen_total == D("3000000")
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)
    assert doc.save_now() is True  # made writable again: the kept edit is saved, no restart needed
    with Store.open(path, readonly=True) as store:
        assert store.plan(2024).canteen_total == D("3000000.00")
