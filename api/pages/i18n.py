"""Interface words in English and Chinese, and the language a request is answered in.

The language is chosen, in order, by a ``lang`` query parameter (``en`` or ``zh``; the switch
links set it and the answer remembers it in a cookie), the ``itukg_lang`` cookie, the
browser's ``Accept-Language`` (Chinese first → ``zh``), else English.
"""

from __future__ import annotations

from collections.abc import Mapping

LANGS = ("en", "zh")
COOKIE = "itukg_lang"

# key → (English, Chinese). Keep keys short and stable; templates call t("key").
WORDS: dict[str, tuple[str, str]] = {
    "site": ("ITU-D mandate graph", "国际电联电信发展部门任务图谱"),
    "skip": ("Skip to content", "跳到正文"),
    "nav.home": ("Home", "首页"),
    "nav.coverage": ("SDG coverage", "可持续发展目标覆盖"),
    "nav.wsis": ("WSIS × SDG", "WSIS × SDG"),
    "nav.trace": ("Trace", "追溯"),
    "nav.audit": ("Audit", "审核"),
    "nav.query": ("Query", "查询"),
    "nav.sources": ("Sources", "原文"),
    "lang.switch": ("Language", "语言"),
    "lang.en": ("English", "English"),
    "lang.zh": ("中文", "中文"),
    # home
    "home.title": ("What the graph holds", "图谱内容"),
    "home.lead": (
        "ITU-D planning documents turned into a graph: every output with the resolutions that "
        "mandate it, the WSIS action lines it supports and the SDG targets it serves, each link "
        "traced back to the line of the document that states it.",
        "将国际电联电信发展部门规划文件转换为图谱：每项输出成果及其授权决议、所支持的信息社会世界峰会行动方面"
        "和所服务的可持续发展目标具体目标，每条关联都可追溯到文件中的原文行。",
    ),
    "home.documents": ("Documents", "文件"),
    "home.outputs": ("Outputs", "输出成果"),
    "home.links": ("Links by kind", "按类型统计的关联"),
    "home.findings": ("Audit findings by severity", "按严重程度统计的审核结果"),
    "home.explore": ("Explore", "浏览"),
    "home.q1": ("Which outputs serve an SDG goal, under which resolutions, and where does the document say so?",
                "哪些输出成果服务于某个可持续发展目标？依据哪些决议？文件在哪里这样说？"),
    "home.q1.how": ("Open the SDG coverage heatmap, click a goal's cell, then trace it.",
                    "打开可持续发展目标覆盖热图，点击目标所在单元格，然后进行追溯。"),
    "home.q2": ("What is still missing in an output?", "某项输出成果还缺少什么？"),
    "home.q2.how": ("Open the audit and pick the output: empty regional slots and Question placeholders are listed with their lines.",
                    "打开审核页面并选择输出成果：空的区域性举措和研究组课题占位符连同所在行一并列出。"),
    "home.nodata": ("The store is empty: run itukg build first.", "存储为空：请先运行 itukg build。"),
    "home.lines": ("lines", "行"),
    "home.none": ("no findings", "无审核结果"),
    "home.auditmissing": ("No audit has been run on this store.", "尚未对该存储运行审核。"),
    # link kinds
    "kind.mandatedBy": ("mandated by resolution", "授权决议"),
    "kind.supportsActionLine": ("supports WSIS action line", "支持信息社会世界峰会行动方面"),
    "kind.servesTarget": ("serves SDG target", "服务于可持续发展具体目标"),
    "kind.servesGoal": ("serves SDG goal", "服务于可持续发展目标"),
    "kind.servesOutcome": ("serves outcome", "服务于成果"),
    "kind.hasRegionalSlot": ("regional-initiative slot", "区域性举措栏"),
    "kind.hasQuestionSlot": ("study-group Question slot", "研究组课题栏"),
    "kind.other": ("other", "其他"),
    # coverage
    "cov.title": ("SDG coverage: outputs × goals", "可持续发展目标覆盖：输出成果 × 目标"),
    "cov.title.goal": ("SDG coverage: outputs × targets of goal {goal}", "可持续发展目标覆盖：输出成果 × 目标{goal}的具体目标"),
    "cov.lead": ("Each cell counts the links between an output and an SDG goal (its targets, or the goal itself when no target is named). Click a cell for the links and the lines that state them; click a goal to see its targets.",
                 "每个单元格统计输出成果与可持续发展目标之间的关联数（其具体目标；未列具体目标时计目标本身）。点击单元格查看关联及其原文行；点击目标查看其具体目标。"),
    "cov.lead.goal": ("Each cell is one link between an output and a target. Targets no output serves are the gaps.",
                      "每个单元格表示输出成果与具体目标之间的一条关联。没有任何输出成果服务的具体目标即为缺口。"),
    "cov.output": ("Output", "输出成果"),
    "cov.goal": ("Goal", "目标"),
    "cov.target": ("Target", "具体目标"),
    "cov.legend": ("Legend: number of links", "图例：关联数"),
    "cov.nolink": ("no link", "无关联"),
    "cov.back": ("All goals", "全部目标"),
    "cov.unserved": ("Targets of this goal no output serves", "没有任何输出成果服务的具体目标"),
    "cov.total": ("outputs", "项输出成果"),
    "cov.document": ("Document", "文件"),
    "cov.all": ("all", "全部"),
    "cov.show": ("Show", "显示"),
    "wsis.title": ("WSIS action lines × SDG goals", "信息社会世界峰会行动方面 × 可持续发展目标"),
    "wsis.lead": ("Each cell counts the outputs that both support the action line and serve the goal. Click a cell for those outputs and the lines that state both links.",
                  "每个单元格统计同时支持该行动方面并服务于该目标的输出成果数量。点击单元格查看这些输出成果以及陈述两条关联的原文行。"),
    "wsis.line": ("Action line", "行动方面"),
    "wsis.legend": ("Legend: number of outputs", "图例：输出成果数"),
    "cell.title": ("Links behind one cell", "单元格背后的关联"),
    "cell.link": ("Link", "关联"),
    "cell.aswritten": ("As written", "原文写法"),
    "cell.where": ("Where the document says so", "文件出处"),
    "cell.trace": ("Trace this output", "追溯此输出成果"),
    "cell.none": ("No link here.", "此处无关联。"),
    # trace
    "trace.title": ("Trace", "追溯"),
    "trace.lead": ("Pick an output, a resolution, an SDG goal or a target: the diagram shows the chain resolution → output → target → goal. Hover or focus an edge to read its source line; click it to open the line in the document.",
                   "选择输出成果、决议、可持续发展目标或具体目标：图中显示“决议 → 输出成果 → 具体目标 → 目标”的链条。将鼠标悬停或聚焦在连线上可查看其原文行；点击可打开文件中的该行。"),
    "trace.pick": ("Start from", "起点"),
    "trace.go": ("Trace", "追溯"),
    "trace.col.resolution": ("Resolutions", "决议"),
    "trace.col.output": ("Outputs", "输出成果"),
    "trace.col.target": ("SDG targets", "具体目标"),
    "trace.col.goal": ("SDG goals", "可持续发展目标"),
    "trace.hint": ("Hover, focus or tap an edge to read the line of the document it comes from.",
                   "将鼠标悬停、聚焦或轻触连线，即可查看其来源文件行。"),
    "trace.edges": ("Every edge and its source", "每条连线及其出处"),
    "trace.from": ("From", "从"),
    "trace.to": ("To", "到"),
    "trace.formal": ("formal reference", "正式引用"),
    "trace.background": ("cited in the background", "背景中引用"),
    "trace.sdgkos": ("UN SDG framework (target of goal)", "联合国可持续发展目标框架（目标的具体目标）"),
    "trace.legend.formal": ("mandate or SDG link stated in the output's references", "输出成果参考资料中陈述的授权或可持续发展目标关联"),
    "trace.legend.background": ("resolution cited in the output's background text", "输出成果背景文字中引用的决议"),
    "trace.legend.kos": ("target belongs to goal (UN SDG framework)", "具体目标属于目标（联合国框架）"),
    "trace.empty": ("Nothing links to this resource.", "没有与此资源相关的关联。"),
    "trace.choose": ("Choose a starting point above.", "请在上方选择起点。"),
    "trace.outputs": ("Outputs", "输出成果"),
    "trace.resolutions": ("Resolutions", "决议"),
    "trace.goals": ("SDG goals", "可持续发展目标"),
    "trace.targets": ("SDG targets", "具体目标"),
    "trace.unknown": ("This IRI is not in the graph.", "图谱中没有此 IRI。"),
    # audit
    "audit.title": ("Audit", "审核"),
    "audit.lead": ("Findings of the last audit: what is missing or does not hold together, each with the line of the document it concerns.",
                   "最近一次审核的结果：缺少的内容或前后不一致之处，每条均附有所涉及的文件行。"),
    "audit.severity": ("Severity", "严重程度"),
    "audit.document": ("Document", "文件"),
    "audit.output": ("Output", "输出成果"),
    "audit.kind": ("Kind", "类型"),
    "audit.filter": ("Filter", "筛选"),
    "audit.csv": ("Download CSV", "下载 CSV"),
    "audit.focus": ("Concerns", "涉及"),
    "audit.value": ("Value", "值"),
    "audit.source": ("Source line", "原文行"),
    "audit.count": ("findings", "条结果"),
    "audit.none": ("No finding matches.", "没有符合条件的结果。"),
    "audit.conforms": ("The graph conforms: no violation.", "图谱符合要求：没有违规。"),
    "audit.violates": ("The graph does not conform.", "图谱不符合要求。"),
    "audit.unavailable": ("The audit is not available", "审核不可用"),
    "audit.nooutput": ("not in an output", "不属于任何输出成果"),
    "sev.Violation": ("Violation", "违规"),
    "sev.Warning": ("Warning", "警告"),
    "sev.Info": ("Info", "提示"),
    # resource
    "res.properties": ("Properties", "属性"),
    "res.incoming": ("Incoming links", "入链"),
    "res.provenance": ("Provenance", "来源"),
    "res.labels": ("Labels", "标签"),
    "res.property": ("Property", "属性"),
    "res.value": ("Value", "值"),
    "res.from": ("From", "来自"),
    "res.formats": ("Also as", "其他格式"),
    "res.graph": ("graph", "图"),
    "res.notfound": ("Not in the graph", "图谱中没有"),
    "res.trace": ("Trace", "追溯"),
    "res.more": ("more not shown", "条未显示"),
    "res.statedat": ("Stated at", "陈述于"),
    "res.self": ("this resource itself", "此资源本身"),
    # source
    "src.title": ("Source documents", "原文文件"),
    "src.lead": ("The documents the graph was built from, line by line. Links from findings and provenance land on the highlighted line.",
                 "构建图谱所依据的文件，逐行显示。审核结果和来源链接会定位到高亮的行。"),
    "src.partial": ("The full text of this document is not in the store: only the lines something in the graph derives from are shown.",
                    "存储中没有此文件的全文：仅显示图谱中有内容来源的行。"),
    "src.gap": ("lines not stored", "行未存储"),
    "src.file": ("File", "文件名"),
    "src.lines": ("Lines", "行数"),
    "src.language": ("Language", "语言"),
    "src.line": ("line", "行"),
    # query
    "q.title": ("Query", "查询"),
    "q.lead": ("Ask the graph in SPARQL. Start from an example; the page address is a permalink to the query and its parameters.",
               "用 SPARQL 查询图谱。可从示例开始；页面地址即为该查询及其参数的永久链接。"),
    "q.examples": ("Examples (named queries)", "示例（命名查询）"),
    "q.editor": ("SPARQL query", "SPARQL 查询"),
    "q.run": ("Run", "运行"),
    "q.params": ("Parameters (bound, never pasted into the query)", "参数（绑定，不拼接进查询文本）"),
    "q.results": ("Results", "结果"),
    "q.rows": ("rows", "行"),
    "q.page": ("Page", "页"),
    "q.prev": ("Previous", "上一页"),
    "q.next": ("Next", "下一页"),
    "q.download": ("Download", "下载"),
    "q.permalink": ("Permalink", "永久链接"),
    "q.error": ("The query could not be run", "查询无法运行"),
    "q.ask.true": ("yes (true)", "是（true）"),
    "q.ask.false": ("no (false)", "否（false）"),
    "q.triples": ("triples", "条三元组"),
    "q.hint": ("Ctrl+Enter runs the query.", "按 Ctrl+Enter 运行查询。"),
    "q.endpoint": ("Endpoint for SPARQL clients", "供 SPARQL 客户端使用的端点"),
    # misc
    "err.title": ("Something went wrong", "出错了"),
    "notfound": ("Not found", "未找到"),
    "footer": ("Served by itukg. Every page is drawn from the graph at request time; nothing is loaded from the network.",
               "由 itukg 提供。每个页面都在请求时根据图谱生成；不从网络加载任何内容。"),
    "document": ("document", "文件"),
    "output": ("Output", "输出成果"),
    "line": ("line", "行"),
    "empty": ("(empty)", "（空）"),
}


def pick_lang(query: Mapping[str, str], cookies: Mapping[str, str], accept_language: str | None) -> str:
    """The interface language for a request: ``"en"`` or ``"zh"``. Never raises."""
    q = (query.get("lang") or "").lower()
    if q in LANGS:
        return q
    c = (cookies.get(COOKIE) or "").lower()
    if c in LANGS:
        return c
    first = (accept_language or "").split(",")[0].strip().lower()
    return "zh" if first.startswith("zh") else "en"


class Translator:
    """``t("key")`` → the word in the chosen language; ``t("key", goal=9)`` formats.

    Raises ``KeyError`` for an unknown key (a typo in a template fails its test, not silently).
    """

    def __init__(self, lang: str):
        if lang not in LANGS:
            raise ValueError(f"unknown interface language {lang!r}")
        self.lang = lang
        self._i = LANGS.index(lang)

    def __call__(self, key: str, **fmt: object) -> str:
        s = WORDS[key][self._i]
        return s.format(**fmt) if fmt else s

    def has(self, key: str) -> bool:
        return key in WORDS
