"""Where a Chinese title or unit name may be broken: between words, never inside one.

GB/T 9704-2012 7.3.3 asks a title that runs over several lines to keep its words whole (词意完整).
Unit names are built from a small vocabulary (place, sector, kind of body), so a forward maximum
match against that vocabulary finds the word boundaries well enough; characters the vocabulary
does not know are kept together with their neighbours, so an unknown word is never split.
"""

from __future__ import annotations

# Words that make up unit names, and the letter's own words. Longest match wins.
_WORDS = frozenset("""
关于 无食堂的承诺 无食堂 的承诺 承诺
中华人民共和国 中国 自治区 自治州 自治县 特别行政区 地区 新区 开发区 高新区 经济技术开发区
人民政府 政府 人民代表大会 人大 常务委员会 委员会 政协 党委 党组 纪委 监委 中共 共青团 妇女联合会
办公厅 办公室 厅 局 委 办 署 处 科 室 所 站 院 馆 会 部 队 团 校 中心 总站 分局 支队 大队 中队
机关 事务 事务管理局 机关事务管理局 后勤 服务 管理 保障 综合 行政 执法 监督 监察 审计 统计 财政 税务
发展 改革 发展和改革 教育 科学 技术 科技 工业 信息化 信息 公安 民政 司法 人力资源 社会保障 人力 资源
自然资源 自然 生态 环境 生态环境 住房 城乡 建设 城乡建设 交通 运输 交通运输 水利 农业 农村 农业农村
商务 文化 旅游 广播 电视 体育 卫生 健康 卫生健康 退役军人 应急 市场 监督管理 国有资产 国资 林业 草原
林业和草原 畜牧 兽医 种子 植物 保护 植保 土壤 肥料 水产 渔业 农机 机械 气象 地震 地质 测绘 档案
图书馆 博物馆 纪念馆 文化馆 美术馆 科技馆 医院 人民医院 中医院 卫生院 疾病 预防 控制 疾病预防控制
学校 学院 大学 中学 小学 幼儿园 职业 技术学院 党校 研究 研究院 研究所 研究中心 检验 检测 检疫 监测
质量 安全 标准 计量 推广 示例 示范 实验 试验 培训 指导 咨询 评估 评审 审核 登记 征收 储备 粮食 物资
供销 合作社 联合社 总工会 工会 红十字会 残疾人 联合会 协会 学会 基金会 服务中心 管理中心 管理处 管理站
事业 发展中心 保障中心 信息中心 数据 大数据 网络 安全 宣传 组织 统战 政法 编制 机构 编委 老干部
办事处 街道 街道办事处 社区 居委会 村委会 公司 有限公司 集团 接待 外事 侨务 港澳 台湾 民族 宗教 宗教事务 人防 人民防空 消防 救援 法院 检察院 人民法院 人民检察院
""".split())

# Single characters that end a name part (省 in 河南省): they belong to the word before them.
_SUFFIXES = frozenset("省市县区乡镇村州盟旗厅局委办署处科室所站院馆会部队团校社")
_LONGEST = max(len(w) for w in _WORDS)
# Words that finish a place name (互助土族|自治县 is one county): never a line of their own start.
_JOIN_PREVIOUS = frozenset({"自治区", "自治州", "自治县", "自治旗"})



def words(text: str) -> list[str]:
    """``text`` cut into words; joining them gives ``text`` back."""
    tokens: list[tuple[str, bool]] = []  # (token, known word)
    i = 0
    while i < len(text):
        for size in range(min(_LONGEST, len(text) - i), 0, -1):
            piece = text[i:i + size]
            if piece in _WORDS or (size == 1 and piece in _SUFFIXES):
                tokens.append((piece, True))
                i += size
                break
        else:
            tokens.append((text[i], False))
            i += 1
    merged: list[list] = []
    for token, known in tokens:
        joined = bool(merged) and token in _JOIN_PREVIOUS
        attach = merged and (
            joined
            # unknown characters stick together (郑州, 示例 …), and to a suffix after them (郑州市)
            or (not known and not merged[-1][1])
            or (known and len(token) == 1 and token in _SUFFIXES and len(merged[-1][0]) > 0)
            # Latin letters and digits are one word
            or (token.isascii() and merged[-1][0][-1:].isascii() and not token.isspace())
        )
        if attach:
            merged[-1][0] += token
            # a suffix closes the word (青海省|海东市), otherwise it stays as open as it was
            merged[-1][1] = known if joined else (known and token in _SUFFIXES) or (merged[-1][1] and known)
        else:
            merged.append([token, known])
    return [token for token, _known in merged]


def break_points(text: str) -> list[int]:
    """Offsets inside ``text`` where a line may end without splitting a word."""
    points, at = [], 0
    for word in words(text)[:-1]:
        at += len(word)
        points.append(at)
    return points
