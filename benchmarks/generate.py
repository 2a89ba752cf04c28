#!/usr/bin/env python3
"""Write synthetic ITU-D planning documents for benchmarks.

    python benchmarks/generate.py N OUTDIR [--seed S] [--language zh|en]

Each document is written in the family's own text format (a Word export to text: tabs mark
table cells, ``[footnoteRef:N]`` and ``[N: ...]`` footnotes), with the structure of a real one:
marker and symbol, the objective heading, the results table (outcomes, indicators, outputs),
then per output its background, implementation framework (project and activities), regional
initiatives table, study-group Questions and section 3 (resolutions, WSIS action lines, SDG
targets), and footnotes.

The variety is realistic, including the slips real documents have: a Plenipotentiary
resolution cited with a WTDC venue and year, a venue/year at which no conference met, a citation
without its body, SDG targets written "9a" or that do not exist ("9.f") or listed under the
wrong goal, empty and filled regional-initiative slots, real Question numbers and "Question X"
placeholders, programmes of action with right and wrong years.

Conferences (venue, year, body) come from the project's reference table and SDG target codes
from the UN KOS code list, so what is "correct" here is what the reference data says.

Deterministic: document ``i`` depends only on ``(seed, i, language)``, so the first 10 of 1,000
documents are the 10 documents of a run with N=10. A benchmark tool, not a test fixture.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFERENCES_CSV = ROOT / "graph" / "mapping" / "reference" / "itu" / "itu_conferences.csv"
SDG_CODES_CSV = ROOT / "graph" / "mapping" / "reference" / "sdg" / "kos-2020" / "codes.csv"


# -- reference facts (read from the project's reference data) ---------------------------------------
@dataclass(frozen=True)
class Conference:
    body: str  # "PP" | "WTDC"
    venue: str  # canonical English
    year: int


def load_conferences() -> list[Conference]:
    with CONFERENCES_CSV.open(encoding="utf-8") as f:
        return [Conference(r["body"], r["city"], int(r["year"])) for r in csv.DictReader(f)]


def load_targets() -> dict[str, list[str]]:
    """goal → its target codes (``"9.1" ... "9.c"``), from the KOS code list."""
    goals: dict[str, list[str]] = {}
    with SDG_CODES_CSV.open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["kind"] == "target":
                goals.setdefault(r["code"].split(".")[0], []).append(r["code"])
    return goals


# Planning documents of this family cite conferences from these years on.
RECENT = 2006
PROGRAMMES = {
    # key: (adoption year, zh name, en name)
    "ipoa": (2011, "《伊斯坦布尔行动方案》", "Istanbul Programme of Action"),
    "samoa": (2014, "Samoa Pathway", "SAMOA Pathway"),
    "vpoa": (2014, "《维也纳行动方案》", "Vienna Programme of Action"),
    "sendai": (2015, "《仙台减少灾害风险框架》", "Sendai Framework for Disaster Risk Reduction"),
    "aaaa": (2015, "《亚的斯亚贝巴行动议程》", "Addis Ababa Action Agenda"),
    "bpoa": (1994, "《巴巴多斯行动计划》", "Barbados Programme of Action"),
}
REGIONS = ["africa", "americas", "arab-states", "asia-pacific", "cis", "europe"]
REGION_CODES = {"africa": "AFR", "americas": "AMS", "arab-states": "ARB",
                "asia-pacific": "ASP", "cis": "CIS", "europe": "EUR"}
REAL_QUESTIONS = [f"{q}/{sg}" for sg in (1, 2) for q in range(1, 8)]
WSIS = ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9", "C10", "C11"]
SYMBOL_PREFIXES = ["ACP", "ECP", "IAP", "RCP", "APT", "CEPT", "ATU", "ARB"]
MARKERS = ["MOD", "MOD", "MOD", "ADD", ""]


# -- the language surfaces -----------------------------------------------------------------------------
ZH = {
    "objective": "部门目标{code} – {title}",
    "results_header": ["\t成果", "\t绩效指标", "\t输出成果", "（产品和服务）"],
    "output_cell": "\t{code} - {title}",
    "output_heading": "输出成果{code} – {title}产品和服务",
    "background": "1\t背景",
    "implementation": "2\t实施框架",
    "project": "项目：{title}",
    "activities_intro": "此项目将：",
    "bullet": "•\t{text}",
    "regional_heading": "相关区域性举措",
    "regional_intro": "根据{cit}，以下区域性举措将有助于实现输出成果{code}：",
    "region_header": "\t区域",
    "regions": {"africa": "非洲区域", "americas": "美洲区域", "arab-states": "阿拉伯国家区域",
                "asia-pacific": "亚太区域", "cis": "独联体区域", "europe": "欧洲区域"},
    "initiative": "{rc}{n}：{text}",
    "questions_heading": "研究组课题",
    "questions_intro": "下列研究组课题将有助于实现输出成果{code}",
    "question": "\t第{q}号研究组课题",
    "references": "3\tWTDC决议参考资料、WSIS行动计划和可持续发展目标",
    "res_heading": "PP和WTDC决议和建议",
    "res_line": "落实{list}将支持输出成果{code}并有助于实现成果{code}",
    "wsis_heading": "WSIS行动计划",
    "wsis_line": "落实WSIS行动计划{list}将支持输出成果{code}并有助于实现成果{code}",
    "sdg_heading": "可持续发展目标",
    "sdg_line": "输出成果{code}将有助于实现以下的联合国可持续发展目标：{list}",
    "sdg_goal": "{goal}（目标{targets}）",
    "list_sep": "、",
    "list_last": "和",
    "and_res": "以及",
    "bodies": {"PP": ["全权代表大会", "PP"], "WTDC": ["WTDC", "世界电信发展大会"]},
    "res_formal": "{body}第{numbers}号决议",
    "cite": "{body}第{number}号决议{paren}",
    "paren": "（{year}年，{venue}{rev}）",
    "rev": "，修订版",
    "venues": {"Kyoto": "京都", "Minneapolis": "明尼阿波利斯", "Marrakesh": "马拉喀什",
               "Antalya": "安塔利亚", "Guadalajara": "瓜达拉哈拉", "Busan": "釜山",
               "Dubai": "迪拜", "Bucharest": "布加勒斯特", "Buenos Aires": "布宜诺斯艾利斯",
               "Valletta": "瓦莱塔", "Istanbul": "伊斯坦布尔", "Doha": "多哈",
               "Hyderabad": "海得拉巴", "Kigali": "基加利"},
    "conference_mention": "{y}年，WTDC（{year}年，{venue}）批准了{what}。",
    "programme_mention": "{y}年{name}",
    "footnote_body": "[{n}: \t{n}\t{text}]",
    "sentence_end": "。",
    "according": "根据",
    "and": "和",
    "objective_titles": [
        "包容性数字社会：促进电信/ICT和应用的发展和使用，使人们和社会能够支持社会经济发展和环境保护",
        "现代化和安全的电信/ICT基础设施：促进基础设施和服务的发展，包括建立对使用电信/ICT的信任和信心",
        "有利的环境：促进有利的政策和监管环境，以推动电信/ICT的可持续发展",
        "能力建设：加强人力和机构能力，支持数字转型",
        "协调与合作：加强成员之间的国际合作与知识共享",
    ],
    "output_titles": [
        "向最不发达国家、小岛屿发展中国家、内陆发展中国家和经济转型国家提供集中援助",
        "ICT应用", "有具体需求群体的数字包容性", "ICT气候变化适应和缓解", "宽带网络基础设施",
        "频谱管理和无线电监测", "建立使用电信/ICT的信任和信心", "应急通信", "政策和监管框架",
        "电信/ICT统计数据", "数字技能与能力建设", "创新与创业生态系统", "网络安全能力",
        "普遍接入与服务", "电子废弃物管理", "数字金融普惠",
    ],
    "outcome_texts": [
        "改善{grp}的电信/ICT获取和使用",
        "提高国际电联成员在优先领域中利用和使用ICT应用的能力",
        "增强成员制定数字包容性战略、政策和实践的能力，尤其是为有具体需求的群体",
        "增强ITU成员开发气候变化适应和缓解战略及解决方案的能力",
        "加强成员在{topic}方面的能力",
        "提高成员对{topic}的认识和理解",
    ],
    "indicators": [
        "接受援助且电信/ICT服务连接性、可用性和负担能力有所提高的国家数量",
        "接受援助的国家数量，包括申请的奖学金数量和发放的奖学金数量",
        "为国家部门{topic}策略发展而发布和下载的工具包数量",
        "已发布的{topic}最佳实践报告数量",
        "{topic}活动/讲习班/研讨会数量以及各个参与者的数量",
        "在电信发展局的帮助下制定{topic}战略的成员国数量",
        "对{topic}政策了解、接受过培训或者接受到意见的成员数量",
    ],
    "topics": ["宽带", "电子商务", "网络安全", "数字包容性", "频谱管理", "应急通信", "电子废弃物",
               "数字技能", "智慧农业", "电子卫生", "统计数据", "监管框架", "创新"],
    "groups": ["最不发达国家、小岛屿发展中国家、内陆发展中国家以及经济转型国家",
               "有具体需求的国家", "发展中国家", "农村和偏远地区"],
    "filler": [
        "信息通信技术在促进国家社会经济发展方面发挥着重要作用。",
        "电信发展局将与成员国、部门成员和其他利益攸关方密切合作。",
        "许多数字创新尚未在经济方面实现可持续发展，只有部分最需要的人可以获得这些创新。",
        "此类活动将有助于缩小数字鸿沟，并促进可持续发展目标的实现。",
        "面对全球青年失业以及技能发展方面的性别差距，解决这一问题的需要更加迫切。",
        "成员对{topic}领域的援助需求持续增加。",
        "{topic}是实现包容性数字社会的关键因素之一。",
    ],
    "activities": [
        "为有特殊需求的国家提供优质和及时的帮助，重点关注{topic}方面的需求；",
        "开展有关{topic}的综合研究，并与这些国家磋商，尽快制定关键领域发展蓝图；",
        "制定{topic}政策、战略和指导原则，为成员提供建议和相关培训；",
        "进行研究，与成员分享{topic}实践和趋势方面的发现和行之有效的经验；",
        "开发{topic}培训材料和/或促进合作以便与成员分享现有材料；",
        "支持通过ICT应用的部署改进高潜力领域，并展示最适宜的{topic}使用方式；",
        "提高各成员对{topic}的必要性和重要性的认识；",
    ],
    "project_desc": "此项目旨在支持成员在{topic}方面的工作，促进将电信/ICT用于可持续发展。",
    "initiatives": ["数字经济和宽带基础设施", "{topic}能力建设", "应急通信和减灾", "青年数字技能",
                    "智慧城市与社区", "{topic}监管合作"],
    "conference_what": ["将内陆发展中国家和经济转型国家纳入该项目", "有关{topic}的行动计划",
                        "扩大该项目的范围"],
    "programme_context": "电信发展局致力于履行其职责，并争取实现{items}中的承诺。",
    "footnotes": ["{y}年在纽约举行的联合国大会通过了有关{topic}的决定。",
                  "WSIS+10高级别审查：联大第A/RES/70/125号决议第30款。",
                  "参见电信发展局有关{topic}的报告（{y}年）。"],
}

EN = {
    "objective": "Sector objective {code} – {title}",
    "results_header": ["\tOutcomes", "\tPerformance indicators", "\tOutputs", "(products and services)"],
    "output_cell": "\t{code} - {title}",
    "output_heading": "Output {code} – {title} products and services",
    "background": "1\tBackground",
    "implementation": "2\tImplementation framework",
    "project": "Project: {title}",
    "activities_intro": "The project will:",
    "bullet": "•\t{text}",
    "regional_heading": "Related regional initiatives",
    "regional_intro": "In accordance with {cit}, the following regional initiatives will "
                      "contribute to Output {code}:",
    "region_header": "\tRegion",
    "regions": {"africa": "Africa region", "americas": "Americas region",
                "arab-states": "Arab States region", "asia-pacific": "Asia-Pacific region",
                "cis": "CIS region", "europe": "Europe region"},
    "initiative": "{rc}{n}: {text}",
    "questions_heading": "Study Group Questions",
    "questions_intro": "The following study group Questions will contribute to Output {code}",
    "question": "\tQuestion {q}",
    "references": "3\tWTDC resolution references, WSIS action lines and Sustainable Development Goals",
    "res_heading": "PP and WTDC resolutions and recommendations",
    "res_line": "Implementation of {list} will support Output {code} and contribute to Outcome {code}",
    "wsis_heading": "WSIS action lines",
    "wsis_line": "Implementation of WSIS action lines {list} will support Output {code} and "
                 "contribute to Outcome {code}",
    "sdg_heading": "Sustainable Development Goals",
    "sdg_line": "Output {code} will contribute to the following UN Sustainable Development "
                "Goals: {list}",
    "sdg_goal": "{goal} (targets {targets})",
    "list_sep": ", ",
    "list_last": " and ",
    "and_res": " and ",
    "bodies": {"PP": ["Plenipotentiary Conference", "PP"],
               "WTDC": ["WTDC", "World Telecommunication Development Conference"]},
    "res_formal": "{body} Resolutions {numbers}",
    "res_formal_one": "{body} Resolution {numbers}",
    "cite": "{body} Resolution {number}{paren}",
    "paren": " ({rev}{venue}, {year})",
    "rev": "Rev. ",
    "venues": {},
    "conference_mention": "In {y}, WTDC ({venue}, {year}) approved {what}.",
    "programme_mention": "the {y} {name}",
    "footnote_body": "[{n}: \t{n}\t{text}]",
    "sentence_end": ".",
    "according": "According to ",
    "and": " and ",
    "objective_titles": [
        "Inclusive digital society: Foster the development and use of telecommunications/ICTs "
        "and applications to empower people and societies for social and economic development "
        "and environmental protection",
        "Modern and secure telecommunication/ICT infrastructure: Foster the development of "
        "infrastructure and services, including building confidence and security in the use of "
        "telecommunications/ICTs",
        "Enabling environment: Foster an enabling policy and regulatory environment conducive "
        "to sustainable telecommunication/ICT development",
        "Capacity building: Strengthen human and institutional capacity for digital transformation",
        "Coordination: Strengthen international cooperation and knowledge sharing among members",
    ],
    "output_titles": [
        "Concentrated assistance to LDCs, SIDS, LLDCs and countries with economies in transition",
        "ICT applications", "Digital inclusion of people with specific needs",
        "ICT climate change adaptation and mitigation", "Broadband network infrastructure",
        "Spectrum management and radio monitoring", "Building confidence and security in the use of ICTs",
        "Emergency telecommunications", "Policy and regulatory frameworks", "Telecommunication/ICT statistics",
        "Digital skills and capacity building", "Innovation and entrepreneurship ecosystems",
        "Cybersecurity capacity", "Universal access and service", "E-waste management",
        "Digital financial inclusion",
    ],
    "outcome_texts": [
        "Improved access to and use of telecommunications/ICTs in {grp}",
        "Enhanced capacity of ITU members to leverage ICT applications in priority areas",
        "Enhanced capacity of members to develop digital inclusion strategies, policies and "
        "practices, in particular for people with specific needs",
        "Enhanced capacity of ITU members to develop climate change adaptation and mitigation strategies",
        "Strengthened capacity of members in {topic}",
        "Improved awareness and understanding of {topic} among members",
    ],
    "indicators": [
        "Number of countries assisted with improved connectivity, availability and affordability "
        "of telecommunication/ICT services",
        "Number of countries assisted, including fellowships requested and granted",
        "Number of toolkits on national {topic} strategies published and downloaded",
        "Number of best-practice reports on {topic} published",
        "Number of {topic} events, workshops and seminars and their participants",
        "Number of Member States assisted by BDT in developing {topic} strategies",
        "Number of members trained or advised on {topic} policies",
    ],
    "topics": ["broadband", "e-commerce", "cybersecurity", "digital inclusion", "spectrum management",
               "emergency telecommunications", "e-waste", "digital skills", "smart agriculture",
               "e-health", "statistics", "regulatory frameworks", "innovation"],
    "groups": ["least developed countries, small island developing states, landlocked developing "
               "countries and countries with economies in transition",
               "countries with specific needs", "developing countries", "rural and remote areas"],
    "filler": [
        "Information and communication technologies play an important role in national social "
        "and economic development.",
        "BDT will work closely with Member States, Sector Members and other stakeholders.",
        "Many digital innovations are not yet economically sustainable.",
        "Such activities will help bridge the digital divide and contribute to the SDGs.",
        "Demand from members for assistance in {topic} keeps growing.",
        "{topic} is one of the key elements of an inclusive digital society.",
    ],
    "activities": [
        "provide quality and timely assistance to countries with special needs, focusing on "
        "{topic};",
        "carry out comprehensive studies on {topic} in consultation with the countries concerned;",
        "develop {topic} policies, strategies and guidelines and train members;",
        "share findings and good practices on {topic} with members;",
        "develop {topic} training materials and promote their sharing among members;",
        "raise awareness among members of the importance of {topic};",
    ],
    "project_desc": "The project aims to support members in {topic}, promoting the use of "
                    "telecommunications/ICTs for sustainable development.",
    "initiatives": ["Digital economy and broadband infrastructure", "Capacity building in {topic}",
                    "Emergency telecommunications and disaster relief", "Digital skills for youth",
                    "Smart cities and communities", "Regulatory cooperation in {topic}"],
    "conference_what": ["the inclusion of landlocked developing countries in the programme",
                        "an action plan on {topic}", "the extension of the programme"],
    "programme_context": "BDT is committed to fulfilling its mandate and the commitments of {items}.",
    "footnotes": ["The United Nations General Assembly, New York, {y}, adopted a decision on {topic}.",
                  "WSIS+10 high-level review: UNGA Resolution A/RES/70/125, paragraph 30.",
                  "See the BDT report on {topic} ({y})."],
}

SURFACES = {"zh": ZH, "en": EN}


# -- the generator ------------------------------------------------------------------------------------
class DocumentWriter:
    """Writes document ``index`` for ``seed`` in ``language``."""

    def __init__(self, index: int, seed: int, language: str,
                 conferences: list[Conference], targets: dict[str, list[str]]):
        self.i = index
        self.rng = random.Random(f"itukg-generate:{seed}:{language}:{index}")
        self.lang = language
        self.S = SURFACES[language]
        self.conferences = [c for c in conferences if c.year >= RECENT]
        self.targets = targets
        self.footnote_no = 0
        self.footnotes: list[str] = []
        self.lines: list[str] = []

    # small helpers
    def pick(self, seq):  # noqa: ANN001
        return self.rng.choice(seq)

    def fill(self, template: str) -> str:
        return template.format(topic=self.pick(self.S["topics"]), grp=self.pick(self.S["groups"]),
                               y=self.rng.randint(2010, 2021))

    def join_list(self, items: list[str]) -> str:
        if len(items) == 1:
            return items[0]
        return self.S["list_sep"].join(items[:-1]) + self.S["list_last"] + items[-1]

    def venue(self, name: str) -> str:
        return self.S["venues"].get(name, name)

    # citations
    def revision(self, body: str) -> tuple[str, int, str]:
        """(venue as written, year, slip kind) for a citation of ``body``'s resolution."""
        r = self.rng.random()
        own = [c for c in self.conferences if c.body == body]
        other = [c for c in self.conferences if c.body != body]
        if r < 0.84 or not other:
            c = self.pick(own)
            return self.venue(c.venue), c.year, ""
        if r < 0.94:  # a PP resolution with a WTDC venue and year, or the reverse
            c = self.pick(other)
            return self.venue(c.venue), c.year, "wrong-body"
        # a venue and year at which no conference met
        met = {(c.venue, c.year) for c in self.conferences}
        while True:
            c = self.pick(self.conferences)
            year = c.year + self.pick([-3, -2, -1, 1, 2, 3])
            if (c.venue, year) not in met:
                return self.venue(c.venue), year, "no-conference"

    def citation(self, body: str | None, number: int, cite_body: str) -> str:
        venue, year, _ = self.revision(cite_body)
        rev = self.S["rev"] if self.rng.random() < 0.7 else ""
        paren = self.S["paren"].format(year=year, venue=venue, rev=rev)
        if self.rng.random() < 0.1:
            paren = ""
        written = self.pick(self.S["bodies"][body]) if body else ""
        return self.S["cite"].format(body=written, number=number, paren=paren).strip()

    def resolution_numbers(self, body: str, k: int) -> list[int]:
        pool = list(range(1, 80)) if body == "WTDC" else list(range(1, 210))
        return sorted(self.rng.sample(pool, k))

    # sections
    def header(self, symbol: str, objective: str, title: str) -> None:
        marker = self.pick(MARKERS)
        self.lines.append(f"{marker}\t{symbol}" if marker else symbol)
        self.lines.append(self.S["objective"].format(code=objective, title=title))

    def results_table(self, outputs: list[dict]) -> None:
        self.lines += self.S["results_header"]
        self.lines.append("")
        for o in outputs:
            self.lines.append("\t" + o["outcome"])
            for k, ind in enumerate(o["indicators"]):
                self.lines.append(("\t" if k == 0 else "") + "-  " + ind)
            self.lines.append(self.S["output_cell"].format(code=o["code"], title=o["title"]))
            self.lines.append("")
        self.lines.append("")

    def background(self, o: dict) -> list[tuple[str, int]]:
        """Background paragraphs; returns the resolutions cited (body, number)."""
        cited: list[tuple[str, int]] = []
        S = self.S
        self.lines.append(S["background"])
        for p in range(self.rng.randint(1, 4)):
            kind = self.rng.random()
            if kind < 0.45:
                body = self.pick(["PP", "WTDC"])
                nums = self.resolution_numbers(body, self.rng.randint(1, 2))
                parts = []
                for j, n in enumerate(nums):
                    # the body is written once; a second citation in the sentence carries it over
                    written = body if j == 0 and self.rng.random() > 0.1 else None
                    parts.append(self.citation(written, n, body))
                    cited.append((body, n))
                text = S["according"] + S["and"].join(parts) + "，" if self.lang == "zh" else \
                    S["according"] + S["and"].join(parts) + ", "
                text += self.fill(self.pick(S["filler"]))
            elif kind < 0.6:
                c = self.pick([c for c in self.conferences if c.body == "WTDC"])
                text = S["conference_mention"].format(
                    y=c.year, year=c.year, venue=self.venue(c.venue),
                    what=self.fill(self.pick(S["conference_what"])))
            elif kind < 0.8:
                items = []
                for key in self.rng.sample(sorted(PROGRAMMES), self.rng.randint(1, 3)):
                    year, zh, en = PROGRAMMES[key]
                    if self.rng.random() < 0.15:
                        year += self.pick([-3, -1, 1, 2])
                    name = zh if self.lang == "zh" else en
                    items.append(S["programme_mention"].format(y=year, name=name))
                text = S["programme_context"].format(items=self.join_list(items))
            else:
                text = " ".join(self.fill(self.pick(S["filler"])) for _ in range(2)) \
                    if self.lang == "en" else "".join(self.fill(self.pick(S["filler"])) for _ in range(2))
            self.lines.append(text)
        return cited

    def implementation(self, o: dict) -> None:
        S = self.S
        self.lines.append(S["implementation"])
        self.lines.append(S["project"].format(title=o["title"]))
        for _ in range(self.rng.randint(1, 2)):
            self.lines.append(self.fill(S["project_desc"]))
        self.lines.append(S["activities_intro"])
        for _ in range(self.rng.randint(3, 7)):
            text = self.fill(self.pick(S["activities"]))
            if self.rng.random() < 0.12:
                self.footnote_no += 1
                n = self.footnote_no
                text = text.rstrip("；;") + f"[footnoteRef:{n}]" + ("；" if self.lang == "zh" else ";")
                text += " " + S["footnote_body"].format(n=n, text=self.fill(self.pick(S["footnotes"])))
            self.lines.append(S["bullet"].format(text=text))

    def regional(self, o: dict) -> None:
        S = self.S
        self.lines.append(S["regional_heading"])
        c = self.pick([c for c in self.conferences if c.body == "WTDC"])
        rev = S["rev"] if self.rng.random() < 0.8 else ""
        cit = S["cite"].format(body="WTDC", number=17,
                               paren=S["paren"].format(year=c.year, venue=self.venue(c.venue), rev=rev))
        self.lines.append(S["regional_intro"].format(cit=cit, code=o["code"]))
        self.lines.append(S["region_header"])
        self.lines.append("")
        filled = self.rng.random()
        for region in REGIONS:
            self.lines.append("\t" + S["regions"][region])
            self.lines.append("")
            if self.rng.random() < filled * 0.7:
                k = self.rng.randint(1, 2)
                for j in range(k):
                    text = S["initiative"].format(rc=REGION_CODES[region], n=self.rng.randint(1, 5),
                                                  text=self.fill(self.pick(S["initiatives"])))
                    self.lines.append("\t" + text)
            else:
                self.lines.append("\t")
            self.lines.append("")
        self.lines.append("")

    def questions(self, o: dict) -> None:
        S = self.S
        self.lines.append(S["questions_heading"])
        self.lines.append(S["questions_intro"].format(code=o["code"]))
        real = self.rng.random() < 0.6
        for _ in range(self.rng.randint(1, 3)):
            q = self.pick(REAL_QUESTIONS) if real and self.rng.random() < 0.85 else "X"
            self.lines.append(S["question"].format(q=q))
            self.lines.append("")
        self.lines += ["\t", "", ""]

    def references(self, o: dict, background_cited: list[tuple[str, int]]) -> None:
        S = self.S
        self.lines.append(S["references"])
        self.lines.append(S["res_heading"])
        by_body: dict[str, set[int]] = {"PP": set(), "WTDC": set()}
        for body, n in background_cited:
            if self.rng.random() < 0.8:  # sometimes the background relies on one not listed
                by_body[body].add(n)
        for body in ("PP", "WTDC"):
            if self.rng.random() < (0.4 if body == "PP" else 0.9) or not any(by_body.values()):
                by_body[body].update(self.resolution_numbers(body, self.rng.randint(1, 5)))
        parts = []
        for body in ("PP", "WTDC"):
            nums = sorted(by_body[body])
            if not nums:
                continue
            numbers = self.join_list([str(n) for n in nums])
            key = "res_formal_one" if len(nums) == 1 and "res_formal_one" in S else "res_formal"
            parts.append(S[key].format(body=body, numbers=numbers))
        self.lines.append(S["res_line"].format(list=S["and_res"].join(parts), code=o["code"]))
        self.lines.append(S["wsis_heading"])
        wsis = sorted(self.rng.sample(WSIS, self.rng.randint(1, 5)), key=lambda c: int(c[1:]))
        self.lines.append(S["wsis_line"].format(list=self.join_list(wsis), code=o["code"]))
        self.lines.append(S["sdg_heading"] + (" " if self.rng.random() < 0.3 else ""))
        goals = sorted(self.rng.sample(sorted(self.targets, key=int), self.rng.randint(2, 6)), key=int)
        groups = []
        for g in goals:
            ts = self.rng.sample(self.targets[g], min(len(self.targets[g]), self.rng.randint(1, 4)))
            ts.sort(key=lambda t: (t.split(".")[1].isalpha(), t.split(".")[1].zfill(3)))
            written = []
            for t in ts:
                r = self.rng.random()
                if r < 0.12:
                    written.append(t.replace(".", ""))  # "9a" style for letter targets, "91" never
                    if not t.split(".")[1].isalpha():
                        written[-1] = t
                elif r < 0.15:
                    written.append(f"{g}.f")  # a target that does not exist
                elif r < 0.18:
                    other = self.pick([x for x in self.targets if x != g])
                    written.append(self.pick(self.targets[other]))  # listed under the wrong goal
                else:
                    written.append(t)
            groups.append(S["sdg_goal"].format(goal=g, targets=self.join_list(written)))
        self.lines.append(S["sdg_line"].format(code=o["code"], list=S["list_sep"].join(groups)))

    def document(self) -> tuple[str, str]:
        """(file name, text)."""
        S = self.S
        objective = str(self.rng.randint(1, 5))
        prefix = self.pick(SYMBOL_PREFIXES)
        symbol = f"{prefix}/{self.rng.randint(17, 26)}{self.pick('ABC')}{self.i + 1}/{objective}"
        title = self.pick(S["objective_titles"])
        n_out = self.rng.randint(2, 6)
        titles = self.rng.sample(S["output_titles"], n_out)
        outputs = []
        for k in range(n_out):
            outputs.append({
                "code": f"{objective}.{k + 1}",
                "title": titles[k],
                "outcome": self.fill(self.pick(S["outcome_texts"])),
                "indicators": [self.fill(x) for x in
                               self.rng.sample(S["indicators"], self.rng.randint(1, 4))],
            })
        self.header(symbol, objective, title)
        self.results_table(outputs)
        for o in outputs:
            self.lines.append(S["output_heading"].format(code=o["code"], title=o["title"]))
            cited = self.background(o)
            self.implementation(o)
            self.regional(o)
            self.questions(o)
            self.references(o, cited)
        name = symbol.replace("/", "-") + f".{self.lang}.txt"
        return name, "\n".join(self.lines) + "\n"


def generate(n: int, outdir: Path, *, seed: int = 1, language: str = "zh") -> list[Path]:
    """Write ``n`` documents into ``outdir`` (created). Returns their paths."""
    if language not in SURFACES:
        raise ValueError(f"unknown language {language!r} (one of {' '.join(SURFACES)})")
    conferences = load_conferences()
    targets = load_targets()
    outdir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        name, text = DocumentWriter(i, seed, language, conferences, targets).document()
        p = outdir / name
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of documents")
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--language", choices=sorted(SURFACES), default="zh")
    args = ap.parse_args(argv)
    if args.n < 0:
        ap.error("N must be >= 0")
    paths = generate(args.n, args.outdir, seed=args.seed, language=args.language)
    print(f"wrote {len(paths)} documents ({args.language}, seed {args.seed}) to {args.outdir}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
