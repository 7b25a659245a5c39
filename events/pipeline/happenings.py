"""Whether two reports tell of one real-world happening: its date, its kind, and who and where.

Shared words are not enough. Outlets tell one summit in different words, dated by
its first day, its last, or both; and a bilateral meeting on the summit's margins
shares most of the summit's words and its day, yet is a happening of its own. So a
report joins a recorded fact only when their dates can name the same days, their
kinds agree (a summit, an accession, a meeting between named leaders...), and the
people, places and countries they name overlap. Each decision says why, in words
an editor can check on the fact's page.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from events.domain.dates import FuzzyDate
from events.pipeline.calendar import (
    LINKED_KINDS,
    Gathering,
    Told,
    another_summit,
    at_its_place_and_days,
    one_happening,
    the_one_fitting,
)
from events.pipeline.gazetteer import country_of, display_name, kind_of, trie_pattern

# The heads of government in Russian, in every case the news uses ("главы", "глав", "главам", "главами").
_RU_HEADS_OF_GOVERNMENT = r"глав(?:ы|ам|ами)? правительств"
# The SCO's councils below its heads of state and government, by their members' names in three languages:
# each is a body of its own, whose meeting is never another's ("the security council secretaries met in
# Astana on 2-3 April" and "defence ministers met in Astana on 26 April" are two happenings). Plurals only:
# "Security Council Secretary Shoigu" is one man's title.
_COUNCIL_NAMES = (
    (
        "foreign",
        r"\bforeign ministers\b|\bministers of foreign affairs\b|министр(?:ов|ы|ам)\s+иностранных дел",
        "外长|外長|外交部长|外交部長",
    ),
    (
        "defence",
        r"\bdefen[cs]e ministers\b|\bministers of defen[cs]e\b|министр(?:ов|ы|ам)\s+обороны",
        "防长|防長|国防部长|國防部長",
    ),
    (
        "interior",
        r"\binterior ministers\b|министр(?:ов|ы|ам)\s+внутренних дел",
        "内务部长|內務部長|公安内务部长",
    ),
    (
        "heads of government",
        rf"\bheads of government\b|\bprime ministers\b|{_RU_HEADS_OF_GOVERNMENT}",
        "政府首脑|政府首腦",
    ),
    (
        "finance",
        r"\bfinance ministers\b|\bministers of finance\b|\bcentral bank governors\b|министр(?:ов|ы|ам)\s+финансов",
        "财长|財長|财政部长|財政部長|央行行长|央行行長",
    ),
    (
        "agriculture",
        r"\b(?:agricultur(?:e|al)|farm) ministers\b|\bministers of agriculture\b|министр(?:ов|ы|ам)\s+сельского",
        "农业部长|農業部長",
    ),
    (
        "culture",
        r"\bculture ministers\b|\bministers of culture\b|министр(?:ов|ы|ам)\s+культуры",
        "文化部长|文化部長",
    ),
    ("energy", r"\benergy ministers\b|министр(?:ов|ы|ам)\s+энергетики", "能源部长|能源部長"),
    (
        "transport",
        r"\btransport ministers\b|министр(?:ов|ы|ам)\s+транспорта",
        "交通部长|交通部長|交通运输部长|交通運輸部長",
    ),
    (
        "trade",
        r"\b(?:foreign )?trade ministers\b|\bministers of (?:foreign )?trade\b"
        r"|министр(?:ов|ы|ам)\s+(?:внешне)?(?:экономическ\w+|торговли)",
        "经贸部长|經貿部長|商务部长|商務部長",
    ),
    ("education", r"\beducation ministers\b|министр(?:ов|ы|ам)\s+образования", "教育部长|教育部長"),
    ("health", r"\bhealth ministers\b|министр(?:ов|ы|ам)\s+здравоохранения", "卫生部长|衛生部長"),
    ("justice", r"\bjustice ministers\b|министр(?:ов|ы|ам)\s+юстиции", "司法部长|司法部長"),
    (
        "emergencies",
        r"\bemergenc(?:y|ies) ministers\b|министр(?:ов|ы|ам)\s+по\s+чрезвычайным",
        "紧急救灾部门领导人",
    ),
    ("tourism", r"\btourism ministers\b|министр(?:ов|ы|ам)\s+туризма", "旅游部长|旅遊部長"),
    (
        "security council secretaries",
        r"\bsecurity council secretaries\b|\bsecretaries of (?:the )?(?:\w+ )?security councils?\b"
        r"|\bsecurity secretaries\b|\bnational security advis[eo]rs\b"
        r"|секретар(?:ей|и|ям|ями)\s+совет\w*\s+безопасности",
        "安全会议秘书|安全會議秘書",
    ),
    (
        "national coordinators",
        r"\b(?:national|sco) coordinators\b|национальных координаторов",
        "国家协调员|國家協調員",
    ),
    (
        "RATS council",
        r"\brats council\b|\bcouncil of (?:the )?(?:sco['’]s )?(?:regional anti-terrorist structure|rats)\b"
        r"|совет\w*\s+рат[сc]\b",
        "反恐怖机构理事会|反恐怖機構理事會",
    ),
    ("prosecutors general", r"\bprosecutors[- ]general\b|генеральных прокуроров", "总检察长|總檢察長"),
)
# A Chinese council's name is its members' title too ("财长蓝佛安会见俄罗斯财长": two ministers, one each): it
# names the council in the name of its meeting ("财长和央行行长会议", "安全会议秘书第十九次会议").
_ZH_ITS_MEETING = r"(?=[^，。；、]{0,8}?(?:会议|會議|会晤|會晤|理事会|理事會))"
_COUNCIL = re.compile(
    "|".join(
        f"(?P<c{i}>{latin}|(?:{chinese}){_ZH_ITS_MEETING})"
        for i, (_, latin, chinese) in enumerate(_COUNCIL_NAMES)
    )
)  # read in lower case (a case-blind search of this alternation cost ~10% of ingest, measured)
# Words every council's name holds one of, in any of its languages: a report naming none (most) is not searched
# for councils, nor for the ministers' kind.
_COUNCIL_WORDS = (
    "minister",
    "министр",
    "heads of government",
    "правительств",
    "secretar",
    "секретар",
    "coordinator",
    "координатор",
    "governor",
    "advis",
    "council",
    "rats",
    "ратс",
    "ратc",
    "prosecutor",
    "прокурор",
    "部长",
    "部長",
    "外长",
    "外長",
    "防长",
    "防長",
    "首脑",
    "首腦",
    "财长",
    "財長",
    "行长",
    "行長",
    "秘书",
    "秘書",
    "协调员",
    "協調員",
    "理事",
    "检察长",
    "檢察長",
    "领导人",
)
_COUNCIL_CUES = re.compile("|".join(re.escape(word) for word in _COUNCIL_WORDS))
# The other councils as a kind: named as meeting ("agriculture ministers met", "the meeting of SCO energy
# ministers"); "Agriculture ministers were instructed at the summit to draft a plan" tells the summit.
_OTHER_COUNCILS = "|".join(latin for _, latin, _ in _COUNCIL_NAMES[4:])
_A_COUNCIL_MEETING = (
    rf"(?:{_OTHER_COUNCILS})(?=[^.;]{{0,100}}?\b(?:met|meet|meets|meeting|gathered|convened|session|conference"
    r"|talks|end|ends|ended|open|opens|opened|discuss\w*|agreed|approved|adopted|endorsed|reviewed|backed"
    r"|gather|gathers|gathering|assembled?|sit|sat|pledged?"
    r"|встрет\w*|собрал\w*|обсудил\w*|одобрил\w*|заседани\w*|провел\w*|провёл\w*)\b)"
    rf"|(?:встреч\w*|заседани\w*|совещани\w*)\s+(?:[\w-]+\s+){{0,2}}?(?:{_OTHER_COUNCILS})"
    rf"|\b(?:host\w*|receiv\w*)\s+(?:(?:a\s+)?meeting\s+of\s+)?(?:the\s+)?(?:sco['’]?s?\s+)?(?:{_OTHER_COUNCILS})"
    rf"|\b(?:meeting|session|conference|council)s?\s+of\s+(?:the\s+)?(?:sco\s+|shanghai cooperation organi[sz]ation\s+)?"
    rf"(?:council\s+of\s+)?(?:{_OTHER_COUNCILS})"
    "|(?:" + "|".join(chinese for _, _, chinese in _COUNCIL_NAMES[4:]) + f"){_ZH_ITS_MEETING}"
)
# Kinds in the order they win: "Iran joins the SCO at a virtual summit" is an accession.
_KIND_PATTERNS = (
    (
        "accession",
        r"\b(?:join(?:s|ed|ing)?\b|admit(?:s|ted|ting)?\b|accession|full(?:-| )(?:fledged )?member|new member"
        r"|(?:ninth|tenth|\d+th) (?:full )?member|bec(?:ame|omes?) (?:a |the )?\w*\s?member)"
        # "first expanded in 2017, adding India and Pakistan", "grew to eight members", "brought in as members"
        r"|\bexpan(?:d|ded|ding|ds|sion)\b[^.;]{0,40}?\b(?:adding|admitting|to include)\b"
        r"|\b(?:grew|grown|grows|rose)\s+to\s+(?:\w+\s+)?(?:full\s+)?members\b|\b(?:brought|took) in\b[^.;]{0,30}?\bas (?:full )?members?\b"
        r"|вступ(?!\w* в должност)|присоедини\w*\s+к\s+(?:шос|организаци|пят[её]рк|шанхайск)|к\s+(?:шос|организаци\w*|пят[её]рке)\s+присоедини"
        r"|(?:принят|при[её]м)\w*(?: \w+){0,2} в (?:шос|организаци|состав|член|ряды)|полноправн\w* член|стал\w* (?:[\w—–-]+ ){0,3}член|加入|正式成员|正式成員|成为.{0,6}成员"
        r"|成為.{0,6}成員|第.{1,3}[个個]成[员員]|成[为為].{0,6}(?:会员|會員)|第.{1,3}[个個](?:会员|會員)"
        # the procedure of admitting members: "процедура приёма двух стран", "启动了扩员进程"
        r"|процедур\w* при[её]ма|扩员|擴員",
    ),
    (
        "founding",
        r"\b(?:found(?:ed|ing)|establish(?:ed|ment|ing)|set up|creat(?:ed|ion|ing)|formed|formation|birth"
        r"|proclaim(?:ed|s)?)\b|основан|создан|учрежд|провозгла"
        # "six presidents signed a declaration and turned a border forum into the SCO"
        r"|\bturn(?:ed|s|ing)?\b[^.;]{0,50}?\binto\s+the\s+(?:sco|shanghai cooperation organi[sz]ation)\b"
        r"|成立"
        # a body of the SCO's beginning its work: "the Regional Anti-Terrorist Structure formally began work",
        # "the secretariat was officially opened", "地区反恐怖机构执行委员会在塔什干正式启动"
        r"|\b(?:sco|shanghai cooperation organi[sz]ation['’]s|anti-terrorist|rats)\b[^.;,]{0,40}?"
        r"\b(?:structure|centre|center|secretariat|committee|bank|fund|headquarters)\b[^.;,]{0,30}?"
        r"\b(?:(?:began|begins|started|starts)\s+(?:its\s+)?(?:work|operations)(?!\s+on\b)|(?:was|were)\s+"
        r"(?:formally\s+|officially\s+)?(?:inaugurated|opened))\b"
        r"|(?:上海合作|上合|反恐)[^，。]{0,16}(?:机构|機構|秘书处|秘書處|中心|委员会|委員會)[^，。]{0,12}(?:正式)?(?:启动|啓動|揭牌|挂牌|掛牌)",
    ),
    (
        "ministers",
        r"\b(?:foreign|defen[cs]e|interior|trade|economy|transport|energy) ministers\b|heads of government"
        rf"|\bprime ministers\b|(?<!премьер-)министр(?:ов|ы|ам)\b|{_RU_HEADS_OF_GOVERNMENT}|外长|外長|防长|防長|部长|部長|政府首脑|政府首腦"
        # the SCO's other councils meet as its ministers do: "agriculture ministers", "security council
        # secretaries", "national coordinators", "finance ministers and central bank governors"
        r"|" + _A_COUNCIL_MEETING,
    ),
    # observer status or a dialogue partnership granted: a step of its own, no joining
    (
        "observer",
        r"\bas\s+(?:an?\s+)?(?:observers?|dialogue partners?)\b|\bobserver\s+(?:status|seat)"
        r"|\bstatus\s+of\s+(?:an?\s+)?(?:observer|dialogue partner)"
        # "Laos was welcomed as the newest partner", "a single partner tier"
        r"|\bas\s+(?:the\s+|an?\s+)?(?:newest|new|latest)\s+(?:sco\s+)?partners?\b|\bpartner\s+(?:tier|status|category)\b"
        r"|\bbec(?:ame|omes?|oming)\s+(?:an?\s+)?(?:observers?|dialogue partners?)\b"
        r"|статус\w*\s+(?:наблюдател|партн[её]р)|(?:给予|給予|获得|獲得|成为|成為)[^，。]{0,8}(?:观察员|觀察員|对话伙伴|對話夥伴)"
        r"|(?:接纳|接納|吸收)[^，。]{0,10}(?:为|為)[^，。]{0,6}(?:伙伴|夥伴|观察员|觀察員)",  # 接納老撾為新的夥伴
    ),
    (
        "exercise",
        # the Peace Mission series by its name and year ("a peace mission to Afghanistan" is none)
        r"\b(?:exercises?|drills?|war ?games|manoeuvres|maneuvers|peace mission(?:\s*[-–—]?\s*\d{4}|\s+(?:exercises?|drills?)))\b"
        r"|учени[яй]|мирн\w+ мисси\w*\s*[-–—]?\s*\d{4}|演习|演習|和平使命",
    ),
    (
        "initiative",  # "Xi proposed the Global Governance Initiative": a leader's proposal, not the summit
        r"\b(?:propos\w*|put(?:s|ting)? forward|unveil\w*|launch\w*|approv\w*|adopt\w*|endors\w*)\s+(?:\w+\s+){0,5}?"
        r"initiatives?\b|(?:提出|倡|批准|通过|通過)[^，。；]{0,12}倡[议議]|(?:выдвину|одобри|утверди)\w*[^.;]{0,40}инициатив",
    ),
    (
        "chairmanship",
        # "will chair a meeting of the council of foreign ministers" tells the meeting: chairing it is no handover
        # ("will chair the SCO's Council of Heads of Government on Monday" and a headline's "to chair SCO heads of
        # government meet" too, not "will chair the Council of Heads of State from July": its year in the chair;
        # "the chair of the council" is the post)
        r"\b(?:chair(?!\s+(?:(?:a|an|the|this|its|their)\s+)?(?:(?!and\b|council\b)[\w'’-]+\s+){0,4}?(?:meeting|session"
        r"|sitting|talks|conference|ministers|meet)s?\b|\s+(?:a|an|the|this|its|their)\s+(?:[\w'’-]+\s+){0,4}?council\s+of\s+"
        r"(?:heads\s+of\s+(?:state|government)|(?:foreign\s+|defen[cs]e\s+)?ministers)\s+"
        r"(?:on|today|tomorrow|this\s+(?:week|morning|afternoon|evening|(?:mon|tues|wednes|thurs|fri|satur|sun)day))\b)"
        r"|chairmanship|presidency|takes? over|took over|hand(?:s|ed)? over)\b"
        r"|председательств|轮值主席|輪值主席"
        # a Secretary-General or a director taking office: the body's post changing hands
        # (its posts only: "Modi was sworn in for a third term" is India's news)
        r"|\b(?:t(?:ook|akes?|aking) (?:office|the helm|helm|up (?:the|his|her) post)|sworn in|assum(?:ed|es|ing) (?:office"
        r"|(?:the|his|her) post)|beg(?:an|ins?|inning) (?:his|her|a) (?:[\w-]+ )?term)\b"
        r"(?= (?:as|of) [^,.;]{0,25}(?:secretar|director|executive))"
        r"|вступил\w* в должность (?:генеральн\w* )?(?:секретар|директор)|就任[^，。]{0,10}(?:秘书长|秘書長|主任)"
        r"|(?:秘书长|秘書長)[^，。]{0,4}上任",
    ),
    (
        "agreement",
        r"\b(?:declaration|charter|agreement|treaty|sign(?:s|ed|ing)?|adopt(?:s|ed|ing)?)\b"
        r"|деклараци|подписа|хартия|宣言|签署|簽署|通过了|通過了",
    ),
    (
        "summit",
        r"(?<!bilateral )\bsummits?\b|heads of state|\bhost(?:s|ed|ing)? (?:the )?(?:bloc's |group's |sco's )?leaders\b"
        r"|\bleaders (?:of the (?:sco|bloc|group|organi[sz]ation|member states|shanghai cooperation organi[sz]ation) )?"
        r"(?:gather(?:ed)?|met|meet)"
        r" (?:in|by video|via video|virtually|online)\b"
        r"|\bleaders of the (?:sco|bloc|group|organi[sz]ation|member states|shanghai cooperation organi[sz]ation),? who"
        r" (?:will )?(?:gather|meet|met)\b"
        # "the presidents of Russia, China, Kazakhstan and Tajikistan met in the Kremlin": the heads of state
        r"|\b(?:presidents|leaders) of (?:[a-z'-]+(?:,| and) ){2,}[a-z'-]+ (?:gathered|met|meet)\b"
        r"|президенты (?:[а-яё-]+(?:,| и) ){2,}[а-яё-]+ (?:провели|встретились|собрались)|встреч\w* лидеров|саммит|глав(?:ы|ам|ами)? (?:\w+ )?государств|峰会|峰會|元首理事会|元首理事會",
    ),
)
# Words every alternative of a kind's pattern contains, so a pattern runs only on a text holding one:
# seven case-blind scans of every report cost ~40 us, a third of the matcher's time (measured).
_KIND_CLUES = {
    "accession": (
        "приём",
        "прием",
        "扩员",
        "擴員",
        "join",
        "expan",
        "admit",
        "accession",
        "member",
        "вступ",
        "присоедин",
        "принят",
        "полноправн",
        "стал",
        "加入",
        "正式成",
        "成为",
        "成為",
        "成员",
        "成員",
        "会员",
        "會員",
    ),
    "founding": (
        "into the",
        "found",
        "establish",
        "set up",
        "creat",
        "form",
        "birth",
        "proclaim",
        "основан",
        "создан",
        "учрежд",
        "провозгла",
        "成立",
        "began",
        "begins",
        "started",
        "starts",
        "inaugurated",
        "opened",
        "启动",
        "啓動",
        "揭牌",
        "挂牌",
        "掛牌",
    ),
    "ministers": _COUNCIL_WORDS,
    "observer": (
        "observer",
        "partner",
        "статус",
        "观察员",
        "觀察員",
        "对话伙伴",
        "對話夥伴",
        "伙伴",
        "夥伴",
    ),  # the phrases need more
    "exercise": (
        "exercise",
        "drill",
        "war",
        "manoeuvres",
        "maneuvers",
        "peace mission",
        "учени",
        "мисси",
        "演习",
        "演習",
        "和平使命",
    ),
    "initiative": ("initiative", "倡议", "倡議", "инициатив"),
    "chairmanship": (
        "chair",
        "presidency",
        "take",
        "took",
        "taking",
        "sworn",
        "assum",
        "began",
        "begin",
        "hand",
        "должност",
        "就任",
        "上任",
        "председательств",
        "轮值主席",
        "輪值主席",
    ),
    "agreement": (
        "declaration",
        "charter",
        "agreement",
        "treaty",
        "sign",
        "adopt",
        "деклараци",
        "подписа",
        "хартия",
        "宣言",
        "签署",
        "簽署",
        "通过了",
        "通過了",
    ),
    "summit": (
        "президенты",
        "лидеров",
        "summit",
        "heads of state",
        "leaders",
        "presidents",
        "саммит",
        "государств",
        "峰会",
        "峰會",
        "元首理事",
    ),
}
# The patterns read lower-cased text: case-blind matching is slower, and lower() is done once.
_KINDS = tuple((name, re.compile(pattern), frozenset(_KIND_CLUES[name])) for name, pattern in _KIND_PATTERNS)
_SUMMIT = next(pattern for name, pattern, _ in _KINDS if name == "summit")
# A prefix tree, so the longest is found ("正式成员", not the "成员" inside it), at half an alternation's cost.
_ANY_CLUE = re.compile(
    trie_pattern(
        [tuple(re.escape(c) for c in clue) for clue in {c for cs in _KIND_CLUES.values() for c in cs}]
    )
)
# Words of two leaders meeting; what two of them "agreed" on a day they settled between them, in talks.
_MEETING = re.compile(
    r"\b(?:met|meets?|meeting|talks|bilateral|trilateral|sat down|held talks|handshake|agreed)\b|встрет|переговор|договорил|обсудил"
    r"|(?:тр[её]х|дву)сторонн\w*\s+встреч"  # "провели трёхстороннюю встречу": a meeting of the leaders named
    r"|会见|會見|会晤|會晤|会谈|會談|会面|會面|见面|見面|一致同意",
    re.IGNORECASE,
)
# Ministers as a body, who meet as ministers; "Foreign Minister Qin Gang" is one person's title.
_MINISTERS_MEET = re.compile(
    rf"\bministers\b|heads of government|министр(?:ов|ы|ам)\b|{_RU_HEADS_OF_GOVERNMENT}|外长|外長|防长|防長|部长|部長|政府首脑|政府首腦"
)
_MINISTRY = re.compile(
    r"\b(foreign(?! trade| economic)|defen[cs]e|interior|trade|economy|transport|energy|heads of government"
    r"|prime ministers'?|premiers)\b"
    rf"|(外[长長]|外交部[长長]|防[长長]|国防部[长長]|國防部長|иностранных дел|обороны|{_RU_HEADS_OF_GOVERNMENT}|政府首脑|政府首腦)",
)  # read in lower-cased text
# The ministries as their English word: "外长" are the foreign ministers, "министров обороны" the defence ones.
_MINISTRY_WORD = {
    "defense": "defence",
    "外长": "foreign",
    "外長": "foreign",
    "外交部长": "foreign",
    "外交部長": "foreign",
    "防长": "defence",
    "防長": "defence",
    "国防部长": "defence",
    "國防部長": "defence",
    "иностранных дел": "foreign",
    "обороны": "defence",
    # the Council of Heads of Government: the prime ministers' meeting, a council of its own
    "prime ministers": "heads of government",
    "prime ministers'": "heads of government",
    "premiers": "heads of government",
    "глав правительств": "heads of government",
    "главы правительств": "heads of government",
    "главам правительств": "heads of government",
    "главами правительств": "heads of government",
    "政府首脑": "heads of government",
    "政府首腦": "heads of government",
}
# A clause that dates by an earlier happening: "since Belarus joined", "since it was founded".
_SINCE = re.compile(
    r"\bsince\b[^,.;:]*|\bсо? (?:времени|момента)\b[^,.;:]*|自[^，。]*以[来來]|[^，。、的]{0,12}成立以[来來]"
    r"|[^，。、]{0,12}成[为為][^，。]{0,8}[后後]",  # "印度和巴基斯坦成为成员国后的首次峰会": after they joined
    re.IGNORECASE,
)
_SINCE_CUES = (
    "后",
    "後",
    "since",
    "со ",
    "с ",
    "以来",
    "以來",
)  # the regex runs only on a text holding one (~14 us saved)
# Entities that say nothing about which happening it is: every SCO report names the SCO.
_EVERYWHERE = frozenset({"sco"})


@dataclass(frozen=True)
class Report:
    """What the matcher needs of a recorded fact or a new report."""

    date: str
    end_date: str | None
    title: str
    summary: str
    tags: tuple[str, ...]

    def __hash__(self) -> int:
        """Hashed once: every cached reading of a report (its kind, places, gathering) hashes it again."""
        try:
            return self.__dict__["_hash"]
        except KeyError:
            self.__dict__["_hash"] = found = hash(
                (self.date, self.end_date, self.title, self.summary, self.tags)
            )
            return found


@dataclass(frozen=True)
class Verdict:
    same: bool
    why: str


@lru_cache(maxsize=8192)  # a recorded fact is compared with every report of its days: read its kind once
def kind_of_happening(report: Report) -> str | None:
    """A summit, an accession, a bilateral meeting (two leaders named and meeting words)...; None when unsaid."""
    text = _matchable(report)
    where = _kinds_at(text) or _the_meeting_its_sentence_names(report)
    if "summit" in where and _dated_by_its_summit(report, text):
        where[
            "summit"
        ] = -1  # "India took over the chair at the Samarkand summit in September": the summit's date
    one_day = report.end_date is None  # an accession or a meeting takes a day; a span is not one
    if one_day and (_a_meeting(text, where, len(people(report))) or _bilateral_talks_with(text, report)):
        return "bilateral"
    if (
        not one_day
    ):  # days are a summit's, a meeting's, an exercise's: not an accession, a signing, a handover
        where.pop("accession", None)
        where.pop("observer", None)
        if _LASTING & set(where):
            where = {kind: at for kind, at in where.items() if kind in _LASTING}
    return _told_kind(where, text)


# A clause naming a meeting without its kind: "for a meeting running from Wednesday to Thursday", "the two-day
# conclave in Qingdao ended on Thursday", "会议于15日举行".
_A_MEETING_WORD = re.compile(
    r"\b(?:meeting|conclave|session|conference|gathering|talks)\b|встреч|заседани|совещани|конференц|会议|會議",
    re.IGNORECASE,
)


# The heads of state as the ones who act, not their council: "главы государств подписали решение" (the
# council's own name, "Совет глав государств", is in the genitive).
_HEADS_WHO_ACT = re.compile(r"(?<!council of )\bheads of state\b|главы государств")


def _heads_doing_a_deed(text: str, where: dict[str, int]) -> int:
    """Where the heads of state end, when they are the summit's cue and a deed follows them in their
    clause (what they did); else 0."""
    heads = _HEADS_WHO_ACT.match(text, where["summit"])
    if heads is None:
        return 0
    did = any(
        heads.end() < at <= heads.end() + _THEIR_DEED_WITHIN
        and not _CLAUSE.search(text, heads.end(), at)
        and not _THEY_MET.search(text, heads.end(), at)
        for kind, at in where.items()
        if kind in _DEEDS
    )
    return heads.end() if did else 0


# What heads of state do in a summit's clause ("главы государств ШОС подписали решение"), a few words on
# from them; "the heads of state will meet in Tianjin ..." is the summit, whatever a later sentence says.
# "главы государств встретились в Кремле и подписали декларацию": the heads who meet first are the summit.
_THEY_MET = re.compile(r"\b(?:met|gathered|convened)\b|встрети|собрал")
_DEEDS = frozenset({"agreement", "accession", "founding", "initiative", "chairmanship"})
_THEIR_DEED_WITHIN = 60  # "heads of state of the Shanghai Cooperation Organisation approved ..."


def names_a_meeting(text: str) -> bool:
    """Whether the words name a meeting, of whatever kind ("the October 15-16 meeting", "заседание")."""
    return bool(_A_MEETING_WORD.search(text))


def _the_meeting_its_sentence_names(report: Report) -> dict[str, int]:
    """For a clause of a sentence that names a meeting and no kind, the lasting kinds its sentence names
    (ministers, a summit, an exercise): "Defence ministers began arriving in Qingdao, for a meeting running
    from Wednesday to Thursday" is the ministers' meeting. A clause naming no meeting ("..., after the
    process was launched in 2021") borrows nothing."""
    if report.title == report.summary:
        return {}
    title, summary = report.title.lower(), report.summary.lower()
    if not _the_meeting_dated(title) or summary.find(title) < 0:
        return {}
    return {kind: at for kind, at in _kinds_at(summary).items() if kind in _LASTING}


# Whose days a clause gives: a meeting named before them, with no one saying something in between ("the
# two-day conclave in Qingdao ended on Thursday"); "ministers said last week that talks continue" dates the
# saying.
_SAYING = re.compile(r"\b(?:said|says|say|told|announced|added|stated)\b|заяв|сообщ|表示|说|說")
_THE_DAYS_IN = re.compile(
    r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b"
    r"|\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|today|yesterday|tomorrow)\b"
)


def _the_meeting_dated(clause: str) -> bool:
    """Whether the (lower-cased) clause names a meeting and then its days."""
    meeting = _A_MEETING_WORD.search(clause)
    when = _THE_DAYS_IN.search(clause, meeting.end()) if meeting else None
    return when is not None and not _SAYING.search(clause, 0, when.start())


# A summit dated only by its month or year: "at the Samarkand summit last September", "the summit in Astana in
# July 2024". What a sentence tells as done there to the month is dated by the summit, and tells the summit.
_MONTHS = r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
_SUMMIT_OF_THE_MONTH = re.compile(
    rf"\bsummits?\b(?:\s+(?:in|of|at)\s+[\w-]+)?,?\s+(?:(?:in|last|this|of)\s+)?(?:(?:early|late|mid-?)\s*)?"
    rf"(?P<when>{_MONTHS}|(?:19|20)\d\d)\b(?!\s+\d)"
)
_MONTH_NUMBER = {name: f"{i:02d}" for i, name in enumerate(_MONTHS[3:-1].split("|"), start=1)}
# A summit dated by a year said from the day the report ran: "next year's summit", "明年峰会将在…举行".
_SUMMIT_OF_A_YEAR_SAID = re.compile(
    r"\b(?:next|this|coming|following) year['’]s (?:\w+ )?summit\b|\bsummit\b[^.;,]{0,40}\b(?:next|this|the coming) year\b"
    r"|明年[^，。；]{0,8}峰[会會]|峰[会會][^，。；]{0,12}明年|саммит\w*[^.;,]{0,40}(?:следующем|будущем) году"
    r"|(?:следующем|будущем) году[^.;,]{0,40}саммит"
)


def _dated_by_its_summit(report: Report, text: str) -> bool:
    """A report known to the month or year whose date is the one a summit it names is given."""
    if len(report.date) == 10:
        return False
    if len(report.date) == 4 and _SUMMIT_OF_A_YEAR_SAID.search(text):
        return True  # "Kyrgyzstan now holds the chair and will host next year's summit in Bishkek"
    for found in _SUMMIT_OF_THE_MONTH.finditer(text):
        when = found["when"]
        if when == report.date[:4] or _MONTH_NUMBER.get(when) == report.date[5:7]:
            return True
    return False


# A new member is the news, whatever else the sentence says; so is a new observer ("India was admitted as an
# observer at the summit"), which is no member.
_FIRST = ("observer", "accession")


# A clause break: "signed the declaration, approved the strategy and decided to set up a bank" lists
# several deeds, and a founding in a later clause is not what the signing established.
_CLAUSE = re.compile(r"[,;，；]")


def _told_kind(where: dict[str, int], text: str = "") -> str | None:
    """An accession wins; else the kind named first: "the summit closed with a declaration"
    is the summit, "leaders signed a declaration at the summit" the agreement."""
    if "founding" in where and "accession" in where:
        return "founding"  # "when Uzbekistan joined, the six founded the SCO"
    if "founding" in where and "agreement" in where and not _founded_later(where, text):
        return "founding"  # "signed the declaration establishing the organisation"
    if _a_step_before(where, text):
        return "accession"
    for name in _FIRST:
        if name in where:
            return name
    return min(where, key=where.__getitem__, default=None)


def _a_step_before(where: dict[str, int], text: str) -> bool:
    """ "Iran became a full member on Tuesday, ending a wait that began with observer status": an
    observer status named in a later clause than the joining is the step before it."""
    observer, joined = where.get("observer"), where.get("accession")
    return (
        observer is not None
        and joined is not None
        and joined < observer
        and bool(_CLAUSE.search(text, joined, observer))
    )


def _founded_later(where: dict[str, int], text: str) -> bool:
    """The signing comes first and its clause ends before the founding is named."""
    signed, founded = where["agreement"], where["founding"]
    return signed < founded and bool(_CLAUSE.search(text, signed, founded))


def kind_named_first(title: str) -> str | None:
    """The kind of happening a title names before any other (whatever wins in kind_of_happening)."""
    where = _kinds_at(_SINCE.sub("", title.lower()))
    return min(where, key=where.__getitem__, default=None)


def _matchable(report: Report) -> str:
    """A report's words as the kinds read them: lower-cased, without its since-clauses ("the first summit
    since Belarus joined" tells of a summit), unless its date is in one: "the biggest summit since the
    SCO was founded in 2001", dated 2001, tells of the founding."""
    text = _the_dated_words(report)
    text = _without_what_did_not_happen(text)
    if not any(cue in text for cue in _SINCE_CUES):
        return text
    year = report.date[:4]
    # its year, or its month when a comma cuts the year off: "since its founding on June 15, 2001, ...", or
    # a day said from the day it ran: "since it became a full member of the organisation last year"
    month = _MONTH_NAMES[int(report.date[5:7]) - 1] if len(report.date) >= 7 else None
    dated = [
        m.group()
        for m in _SINCE.finditer(text)
        if year in m.group().translate(_CHINESE_DIGITS)
        or month
        and month in m.group()
        or len(report.date) < 10
        and _A_DAY_SAID.search(m.group())
    ]
    return " ".join(dated) if dated else _SINCE.sub("", text)


def _the_dated_words(report: Report) -> str:
    """The words that tell what happened on the report's date: its title when that is a clause of its
    sentence ("completing an accession process launched two years ago" tells no joining two years ago;
    "..., after the process was launched in Dushanbe in 2021" signs nothing in 2021), else title and
    sentence."""
    title, summary = report.title.lower(), report.summary.lower()
    if title.endswith("…") and (at := summary.find(title[:-1].rstrip())) >= 0:
        title = summary = summary[at:]  # cut for length: the rest of its sentence tells it too
    if title == summary or summary.rstrip(" .!?。") == title:
        return _the_dated_relative_clause(title, report.date) or _without_asides(title, report.date)
    if summary.find(title) > 0:  # a clause of its sentence: the one holding the date, or its lead does
        return title if _holds_its_date(title, report.date) else summary
    if _told_of_its_antecedent(title, summary) and _kinds_at(title):
        return title  # "Belarus followed in 2024" names none: its sentence ("admitted") does
    if _kinds_at(title) and _holds_its_date(title, report.date):
        # "The SCO grew to eight members when India and Pakistan became full members on June 9, 2017", from "It
        # was founded on June 15, 2001, ... and grew to ...": the title tells its date's happening itself
        return title
    return f"{title} {_without_asides(summary, report.date)}"


def _told_of_its_antecedent(title: str, summary: str) -> bool:
    """A title made of a relative clause said of what it tells ("the summit in the kazakh capital opened on
    thursday", from "..., which opened on thursday"): its own words tell the happening."""
    return any(
        len(told := clause.group().split(maxsplit=2)[-1].rstrip(" .")) > 8
        and title.rstrip(" .").endswith(told)
        for clause in _RELATIVE_CLAUSE.finditer(summary)
    )


# ", которая состоится в Самарканде 15–16 сентября", ", which opens in Minsk on Monday": a relative clause.
_RELATIVE_CLAUSE = re.compile(r",\s*(?:котор(?:ая|ый|ое|ые|ой|ом|ую)|which|who)\b[^,;]*")
# characters before the comma, from a word's start: "к встрече глав государств", "the leaders of the
# Shanghai Cooperation Organisation"
_ITS_ANTECEDENT = 50


def _the_dated_relative_clause(text: str, date: str) -> str | None:
    """The relative clause holding the date, with the words it tells of before it, when nothing before it
    is dated: "Министры одобрили документы к встрече глав государств, которая состоится в Самарканде
    15–16 сентября" tells the heads of state's meeting, not the ministers'."""
    if "," not in text:
        return None
    for clause in _RELATIVE_CLAUSE.finditer(text):
        if _holds_its_date(clause.group(), date) and not _dated_before(
            text[: clause.start()], clause.group(), date
        ):
            start = max(0, clause.start() - _ITS_ANTECEDENT)
            start = text.find(" ", start, clause.start()) + 1 if start else 0
            return text[start : clause.start()] + clause.group()
    return None


def _without_asides(text: str, date: str) -> str:
    """Without the relative clauses set between commas, or closing the sentence, that do not hold the date,
    when the rest does:
    "Россия, которая примет председательство после саммита, рассчитывает провести встречу лидеров в
    будущем году" tells the leaders' meeting next year, not the chair."""
    undated = [
        m
        for m in _RELATIVE_CLAUSE.finditer(text)
        if (text.startswith(",", m.end()) or not text[m.end() :].strip(" .!?…"))
        and not _holds_its_date(m.group(), date)
    ]
    if not undated:
        return text
    starts, ends = [0, *(m.end() for m in undated)], [*(m.start() for m in undated), len(text)]
    kept = "".join(text[start:end] for start, end in zip(starts, ends))
    return kept if _holds_its_date(kept, date) else text


def _dated_before(before: str, clause: str, date: str) -> bool:
    """Whether the words before a relative clause hold its date too; a day's number in the clause alone
    settles it ("Министры в среду одобрили документы к саммиту, который пройдёт 13–14 июня": the 13th)."""
    if not _holds_its_date(before, date):
        return False
    if len(date) != 10:
        return True
    day = str(int(date[8:10]))
    return day not in _NUMBERS.findall(clause) or day in _NUMBERS.findall(before)


_NUMBERS = re.compile(r"(?<!\d)\d{1,2}(?!\d)")


def a_dated_clause(report: Report) -> bool:
    """Whether the report is titled by the clause of its sentence that holds its date (_the_dated_words)."""
    title, summary = report.title.lower(), report.summary.lower()
    return summary.find(title) > 0 and _holds_its_date(title, report.date)


def _holds_its_date(clause: str, date: str) -> bool:
    """Whether a clause holds the words that date it: its year, its month's name, a day said relative to
    the day it ran ('on Thursday', 'two years ago'). 'Leaders signed a strategy until 2030', led by 'At the
    summit in Astana on Thursday', is dated by its lead."""
    if date[:4] in clause or (len(date) >= 7 and _MONTH_NAMES[int(date[5:7]) - 1] in clause):
        return True
    return bool(_A_DAY_SAID.search(clause))


_MONTH_NAMES = _MONTHS[3:-1].split("|")
# Days said by their name or from the day a report ran, in the three languages (and Russian and Chinese
# dates, whose month words the year test above does not read).
_A_DAY_SAID = re.compile(
    r"\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)days?|today|tonight|tomorrow|yesterday|ago|weekend"
    r"|(?:this|last|next|that|the same|previous|following) (?:week|month|year|day))\b"
    r"|январ|феврал|март|апрел|\bма[йя]\b|июн|июл|август|сентябр|октябр|ноябр|декабр|вчера|сегодня|завтра"
    r"|понедельник|вторник|сред[уа]|четверг|пятниц|суббот|воскресень|недел|месяц|(?:этом|прошлом|будущем|следующем) году"
    # a Chinese day, month or year after its number or a word that places it ("9月1日", "去年"), not "十年" (ten years)
    r"|(?:\d|[今昨明去前上下本同当當一二三四五六七八九十])[日月]|(?:\d|[今明去前上下本同当當])[年周週]|今天|昨天|明天|星期"
)


# A guest's seat and a host's role, no status granted and no handover: "Belarus attends as observer", "the
# meeting, hosted by China as SCO chair" (not "was granted the right to attend as an observer", nor "began its
# term as SCO chair").
_A_GUEST_OR_A_HOST = re.compile(
    r"(?<!right to )(?<!allowed to )(?<!permitted to )(?<!invited to )"
    r"(\b(?:attend(?:s|ed|ing)?|t(?:ook|akes?|aking)\s+part|participat(?:es|ed|ing)|(?:was|were|is|are)\s+present"
    r"|s[ia]ts?\s+in))\s+as\s+(?:an?\s+)?observers?\b"
    r"|(\bhost(?:ed|s|ing)?\s+by\s+[^,.;]{1,40}?)\s+as\s+(?:the\s+)?(?:sco['’]?s?\s+)?(?:rotating\s+)?chair\b"
)


# "the 20th anniversary of its founding", "成立20週年峰會", "明年是上合组织成立20周年", "20-летие создания ШОС":
# a year counted from the founding, no founding that day.
_AN_ANNIVERSARY = re.compile(
    r"\banniversary\s+of\s+(?:the\s+)?(?:[\w'’-]+\s+){0,4}?(?:founding|establishment|creation|formation|birth)\b"
    r"|\b(?:years?|decades?)\s+since\s+(?:the\s+)?(?:[\w'’-]+\s+){0,4}?(?:was\s+)?(?:founded|established|created|set\s+up"
    r"|founding|establishment|creation)\b"
    r"|成立\s*(?:\d+|[一二三四五六七八九十]+)\s*(?:周年|週年)"
    r"|(?:-?лети\w*|годовщин\w*)\s+(?:со\s+дня\s+)?(?:основания|создания|образования|учреждения)"
)


def _without_what_did_not_happen(text: str) -> str:
    """Cues of a kind that tell no such happening: "the accession process was launched" is a step, not a
    joining; "India declines to sign the statement" is no signing."""
    if "process" in text or "procedure" in text or "step" in text:
        text = _A_STEP_TO_JOIN.sub("process", text)
    if (
        "to be admitted" in text
        or "to join" in text
        or "to become" in text
        or "to admit" in text
        or "to accept" in text
        or "to let in" in text
    ):
        text = _HOPED_TO_JOIN.sub("hopes", text)
    if "later" in text:
        text = _A_LATER_DEED.sub("", text)
    if "as full" in text or "as a full" in text:
        text = _AS_A_MEMBER.sub("as members", text)
    if "to sign" in text or "to endorse" in text or "to adopt" in text:
        text = _REFUSED.sub("refused", text)
    if "founding " in text:
        text = _FOUNDING_PAPER.sub(r"\1", text)
    if any(cue in text for cue in ("anniversar", "周年", "週年", "лети", "годовщин")):
        text = _AN_ANNIVERSARY.sub("anniversary", text)
    if "memorandum" in text or "меморандум" in text:
        text = _A_PAPER_TO_JOIN.sub("memorandum", text)
    if "join" in text:
        text = _TAKING_PART.sub("took part", text)
    if "председательствова" in text:
        text = _PRESIDED_AT.sub("провёл", text)
    if any(cue in text for cue in ("chair", "presidency", "председательств", "期间", "期間")):
        text = _UNDER_A_CHAIR.sub(_a_chair_as_a_time, text)
    if "批准" in text:
        text = _APPROVED_BY.sub("", text)
    if "as " in text and ("observer" in text or "chair" in text):
        text = _A_GUEST_OR_A_HOST.sub(lambda found: found.group(1) or found.group(2), text)
    if " no " in text or " not " in text or "without " in text or "nor " in text or text.startswith("no "):
        text = _NO_MEETING.sub("held none", text)
    return _ANOTHER_BODY_S.sub(_ANOTHER_BODY, text)


# "exchanged greetings at a dinner but held no formal meeting", "the two did not meet": no meeting of two.
_NO_MEETING = re.compile(
    r"\b(?:held|had|hold|have|has)\s+no\s+(?:\w+\s+)?(?:meeting|talks)\b|\bno\s+(?:bilateral|formal)\s+(?:meeting|talks)\b"
    r"|\b(?:did|do|does|will|would)\s+not\s+(?:meet|hold\s+(?:\w+\s+)?(?:talks|meeting))\b"
    # a headline's "No Shehbaz-Modi meeting as Samarkand SCO summit ends"
    r"|\bno\s+[\w'’.]+[-–][\w'’.]+\s+(?:meeting|talks)\b"
    # "there was no separate meeting between", "ended without the meeting between", "nor did Modi meet"
    r"|\bno\s+(?:separate\s+|one-on-one\s+|face-to-face\s+)?(?:meeting|talks)\s+between\b"
    r"|\bwithout\s+(?:a|the|any)\s+(?:\w+\s+)?(?:meeting|talks)\s+(?:between|with)\b|\bnor\s+did\s+(?:[\w'’.-]+\s+){1,4}meet\b"
)


# "经成员国元首理事会批准" (approved by the Council of Heads of State): who approved it, no summit held.
_APPROVED_BY = re.compile(r"(?:^|[，,])[经經](?![济濟贸貿营營费費验驗历歷])[^，。,]{0,16}批准")


# "with Pakistan joining by video link", "joined the talks": taking part in a meeting, not joining the bloc.
# What members join one another in doing: "joined other members in endorsing a draft" (not "in Beijing").
_A_DEED_ING = (
    r"(?:endorsing|backing|supporting|calling|urging|condemning|signing|adopting|approving|welcoming|expressing"
    r"|voicing|opposing|rejecting|demanding|pledging|praising|criticising|criticizing|denouncing)"
)
_TAKING_PART = re.compile(
    # the words between are the joining's object: "Belarus joined the bloc as presidents met" joined the bloc
    # ("the SCO heads of state summit": heads of state count as one word)
    r"\bjoin(?:s|ed|ing)?(?=\s+(?:(?!(?:as|when|while|after|before|where|once|since|because|and|whose|that|which|who)\s)"
    r"[\w'’-]+\s+){0,3}?(?:heads\s+of\s+(?:state|government)\s+)?(?:talks|meeting|session|discussions?|call|summit|leaders|drills?|exercises?"
    r"|ministers|counterparts|colleagues|delegations?|presidents|premiers|dinner"
    r"|phase|manoeuvres|maneuvers|operations?|parade|ceremony|celebrations?)\b)"
    r"|\bjoin(?:s|ed|ing)?\s+(?:by|via)\s+video(?:\s*link|\s*conference)?|\bjoin(?:s|ed|ing)?\s+(?:virtually|online|remotely)\b"
    r"|\bjoin(?:s|ed|ing)?\s+from\s+(?:their|his|her|its)\b"  # "leaders joining from their capitals"
    # "Pakistan joined other members in endorsing a draft", "servicemen join Peace Mission-2021", "join hands"
    # (the joined calls and efforts are its object: "Iran joins the SCO after years of efforts" is a joining)
    r"|\bjoin(?:s|ed|ing)?(?=\s+(?:other|fellow|hands)\b|\s+(?:the\s+|its\s+|their\s+|international\s+|global\s+){0,2}"
    r"(?:calls?|efforts?|consensus)\b|\s+(?:[\w'’-]+\s+){0,2}['\"‘“]?peace mission|[^.;,]{0,50}?\bin\s+"
    + _A_DEED_ING
    + r"\b)"
)
# "met in Astana under Kazakhstan's chairmanship", "during Kyrgyzstan's chairmanship", "holds the chair", "под председательством
# Казахстана", "中方担任轮值主席国期间": the chair as the time of something else, no chair changing hands.
_UNDER_A_CHAIR = re.compile(
    r"\b(?:during|under|throughout|in the course of)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,3}?(?:rotating\s+)?"
    r"(?:chairmanship|presidency)\b|\bin\s+the\s+chair\b"
    # holding it until a summit is a state, the summit the news: "Kyrgyzstan, which holds the chairmanship
    # until the 2026 summit in Bishkek"
    r"|\b(?:holds?|holding)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2}?(?:chair(?:manship)?|presidency)\s+until\b"
    # the chair as the host: "addressed the second session as a guest of the Uzbek presidency"
    r"|\b(?:as\s+(?:an?\s+)?guests?\s+of|at\s+the\s+invitation\s+of)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,3}?"
    r"(?:chair(?:manship)?|presidency)\b"
    r"|под\s+председательством|в\s+(?:период|ходе|рамках)\s+(?:\w+\s+)?председательства"
    r"|(?:轮值主席国|輪值主席國)(?:期间|期間)"
)
# The chair changing hands around those words: "during the chairmanship handover", "came under China's
# rotating presidency on Thursday", "China is in the chair from today", "begins its year in the chair",
# "С четверга ШОС под председательством Китая", "进入中国担任轮值主席国期间".
_HANDED_OVER_AFTER = re.compile(
    r"\s*(?:handover|hand-over|transfer|ceremony)\b"
    r"|\s+(?:from|as of)\s+(?:today|tomorrow|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b"
)
_HANDED_OVER_BEFORE = re.compile(
    r"(?:\b(?:came|comes|coming|passed|passes|passing|moved|moves|entered|enters)\s+"
    r"|\b(?:begins?|began|starts?|started)\s+(?:its|their|his|her)\s+(?:year|term)\s+"
    r"|(?:^|\s)с\s+(?:понедельника|вторника|среды|четверга|пятницы|субботы|воскресенья|сегодняшнего\s+дня|\d+\s+\w+)\s+"
    r"(?:\w+\s+)?|进入[^，。]{0,8}|進入[^，。]{0,8})$"
)


def _a_chair_as_a_time(found: re.Match[str]) -> str:
    text, start, end = found.string, found.start(), found.end()
    if _HANDED_OVER_AFTER.match(text, end) or _HANDED_OVER_BEFORE.search(text[max(0, start - 40) : start]):
        return found.group()
    return "in its year"


# "Путин председательствовал на заседании Совета глав государств": presiding at a meeting is the meeting
# (the summit), not holding the bloc's chair.
_PRESIDED_AT = re.compile(r"председательствова\w*\s+на")


# "The first BRIC summit was held in Yekaterinburg in June 2009", a NATO summit, a SAARC meeting: another
# body's gathering, whatever the SCO's news it is told beside (Yekaterinburg hosted both that June).
_ANOTHER_BODY = "another body's gathering"
_ANOTHER_BODY_S = re.compile(
    r"\b(?:brics?|g-?20|g-?7|group of (?:seven|eight|twenty)|saarc|asean|nato|csto|cis|eaeu|osce|cica|apec|quad|eu|african union|arab league)"
    r"\s+(?:leaders'?\s+|heads of state\s+)?(?:summits?|meetings?|(?:[\w-]+\s+){0,2}?ministers|national security"
    r" advis[eo]rs|security council secretaries|central bank governors)\b"
    r"|\bgroup of (?:seven|eight|twenty)\b"  # known for nothing but its summits
    r"|саммит\w*\s+(?:брикс|одкб|снг|еаэс|нато|g20|асеан)|金砖(?:国家)?(?:领导人)?(?:峰会|会晤)|金磚(?:國家)?(?:領導人)?(?:峰會|會晤)"
)


# "Iran signed the memorandum of obligations needed for accession": a paper on the way in is signed, the
# joining is a happening of its own, later.
_A_PAPER_TO_JOIN = re.compile(
    r"(?:memorandum|меморандум)[^.;]*?(?:accession|membership|joining|admission|вступлени\w*|членств\w*)"
)


# "The Charter, its founding treaty, was signed in 2002": a paper named for the founding is signed on its own
# day; signing it founds nothing. Nor does a speech on its "founding mission" (its "founding members" are dated by it).
_FOUNDING_PAPER = re.compile(
    r"\bfounding\s+(treaty|charter|documents?|principles|spirit|mission|fathers|ideals|goals|aims"
    r"|values|purposes?|vision)\b"
)


# "when Belarus hopes to be admitted", "Turkey wants to join": a wish, not a joining.
_HOPED_TO_JOIN = re.compile(
    r"\b(?:hop|want|seek|wish|aspir)\w*\s+to\s+(?:be\s+admitted|join|become\s+(?:a\s+)?(?:full\s+)?member)\b"
    # "urged members to admit Belarus as soon as possible": a call for a joining to come
    r"|\b(?:urg|call|press|push|ask)\w*\s+(?:on\s+)?(?:[\w'’-]+\s+){0,3}?to\s+(?:admit|accept|let\s+in)\b"
)
# "the first summit attended by India and Pakistan as full members": what they were there, not their joining
# (which "admitted as full members" and "joined as a full member" still tell by their verbs).
_AS_A_MEMBER = re.compile(r"\bas\s+(?:a\s+)?full(?:-|\s)(?:fledged\s+)?members?\b")
# "began the accession process at the Ufa summit in July 2015 and joined two years later": the later deed has
# its own day (the extractor dates it apart); the sentence's day tells the first.
_A_LATER_DEED = re.compile(
    r"[,;]?\s+and\s+(?:\w+\s+){1,6}?(?:a|one|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+"
    r"(?:years?|months?|weeks?|days?)\s+later\b"
)


_REFUSED = re.compile(r"\b(?:declin|refus|reject)\w*\s+to\s+(?:sign|endorse|adopt)\b")
# "the process of its accession was launched in Dushanbe", "an accession procedure launched two years ago":
# a step on the way, decided at some meeting; the joining is its own happening, later.
_A_STEP_TO_JOIN = re.compile(
    r"\b(?:process|procedure)\s+(?:of|for)\s+(?:\w+\s+){0,2}?(?:accession|admitting|admission|joining)\b"
    r"|\b(?:accession|admission|membership)\s+(?:process|procedure)\b"
    # "took the first formal step toward full membership": a step, not the joining
    r"|\bsteps?\s+(?:towards?|to)\s+(?:(?:full|formal)\s+)?(?:membership|accession|admission|joining)\b"
)


_CHINESE_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")


def names_a_kind(text: str) -> bool:
    """Whether the words name a kind of happening the SCO has (a summit, an accession, a signing...)."""
    return bool(_kinds_at(text.lower()))


def kinds_in(text: str) -> frozenset[str]:
    """The kinds of happening the words name."""
    return frozenset(_kinds_at(text.lower()))


def named_apart(text: str, kind: str, other: str) -> bool:
    """Whether the words name both kinds of happening, in clauses of their own: "Belarus joined on
    4 July, when leaders approved it at their summit" tells the summit; "Belarus joined at the summit
    on 4 July" names the summit only as where it joined."""
    where = _kinds_at(text.lower())
    if kind not in where or other not in where:
        return False
    first, last = sorted((where[kind], where[other]))
    return bool(_CLAUSE.search(text, first, last))


def _kinds_at(text: str) -> dict[str, int]:
    """Each kind of happening a matchable text names, and where its first cue stands."""
    cued = {clue for clue in _ANY_CLUE.findall(text)}  # one scan for every kind's clues
    where = {
        name: found.start()
        for name, pattern, clues in _KINDS
        if not cued.isdisjoint(clues) and (found := pattern.search(text))
    }
    if "minister" in cued and "ministers" not in where and (one := _a_minister_at_a_meeting(text)):
        where["ministers"] = one.start()
    if "summit" in where and (heads := _heads_doing_a_deed(text, where)):
        # "heads of state signed a decision to ...": the signing; a summit only if named after them
        del where["summit"]
        named = (m for m in _SUMMIT.finditer(text, heads) if not _HEADS_WHO_ACT.match(text, m.start()))
        if later := next(named, None):
            where["summit"] = later.start()
    return where


# "Foreign Minister Araghchi will travel to China" is one man's trip; "India's foreign minister arrived for a
# meeting of the SCO" is at the ministers' (or heads of government's) meeting.
_A_MINISTER = re.compile(
    r"\b(?:foreign|defen[cs]e|interior|trade|economy|transport|energy|finance|agricultur(?:e|al)|culture) minister\b"
)
_A_MEETING_AFTER = re.compile(r"\b(?:meeting|council|conference|session)\b")


def _a_minister_at_a_meeting(text: str) -> re.Match[str] | None:
    """The first minister's title with a meeting word after it (a later title has less text after it: if the
    first has none, none has; one search each, where a look-ahead per title was quadratic)."""
    one = _A_MINISTER.search(text)
    return one if one is not None and _A_MEETING_AFTER.search(text, one.end()) else None


def _a_meeting(text: str, named: dict[str, int], leaders: int) -> bool:
    """Two leaders meeting; three or more at a summit are the summit ("Xi hosts Putin and Modi as summit
    ends"); and ministers named before the meeting word meet as ministers ("SCO foreign ministers meet in
    Goa; Jaishankar slams Pakistan"), not as two of them in talks. A minister's title is no body of
    ministers: "Foreign Minister Lavrov held talks with Jaishankar" is a meeting of two."""
    meeting = _two_meeting(text) if leaders >= 2 and "accession" not in named else None
    if meeting is None:
        return False
    ministers = _MINISTERS_MEET.search(
        text, 0, meeting.start()
    )  # (a summit's margins are where two leaders meet)
    if (
        ministers is not None
        and named.get("ministers", len(text)) < meeting.start()
        and not _TWO_OF_THEM.search(text)
    ):
        return False
    return leaders == 2 or "summit" not in named


def _bilateral_talks_with(text: str, report: Report) -> bool:
    """ "Mr. Singh held a bilateral meeting with Chinese Defence Minister Li Shangfu": talks called
    bilateral, with someone named, are two leaders' talks even when only one of them is known by name."""
    return bool(_BILATERAL_TALKS.search(text)) and bool(people(report))


_BILATERAL_TALKS = re.compile(
    r"\bbilateral (?:meeting|talks)\b|\b(?:held|holds|hold|holding) talks with\b|\bsat down with\b|双边会谈|雙邊會談|双边会晤|雙邊會晤|двусторонн\w* (?:встреч|переговор)"
)


# Ministers who are two, not the body: "the two countries' defence ministers, Rajnath Singh and Wei Fenghe,
# held talks", "中印兩國防長...會談", "印度國防部長辛格與中國國防部長李尚福舉行雙邊會談" (bilateral talks).
_TWO_OF_THEM = re.compile(
    r"\b(?:the )?two (?:countries|nations|sides)['’]?s? (?:\w+ )?ministers\b|\bbilateral\b|双边|雙邊|двусторонн"
    r"|[两兩][国國](?:外长|外長|防长|防長|国防部长|國防部長)"
)


def _two_meeting(text: str) -> re.Match[str] | None:
    """The first word of two meeting that is not the body's own meeting: "Jaishankar, Bilawal trade barbs
    at SCO meet" names the ministers' meeting, not talks of the two."""
    return next(
        (
            m
            for m in _MEETING.finditer(text)
            if not _THE_BODY_S_MEETING.search(text, 0, m.start()) and not _OF_THE_BODY.match(text, m.end())
        ),
        None,
    )


# "at SCO meet", "the bloc's meeting", "the SCO meeting": the body's gathering, named by the word before it;
# "the thirteenth meeting of the SCO Council of Heads of State", by the words after it.
_THE_BODY_S_MEETING = re.compile(r"\b(?:sco|bloc's|group's|grouping's|шос|上合)\s*$")
_OF_THE_BODY = re.compile(
    r"\s+of\s+(?:the\s+)?(?:sco\b|shanghai|council|bloc|grouping|organi[sz]ation|heads|leaders|member|foreign|defen[cs]e)"
)


def kinds_conflict(new: Report, recorded: Report) -> bool:
    """Both say what happened, and it is not the same thing: a summit and an accession, two meetings of
    different leaders. Then no amount of shared words makes them one fact."""
    kind, recorded_kind = kind_of_happening(new), kind_of_happening(recorded)
    if kind is None or recorded_kind is None:
        return False
    if kind != recorded_kind:
        return True
    if kind == "bilateral":
        return not _same_meeting(new, recorded).same
    return (
        kind == "ministers"
        and bool(_ministries(new))
        and bool(_ministries(recorded))
        and not (_ministries(new) & _ministries(recorded))
    )


@lru_cache(maxsize=8192)  # a report's tags are read by kind at every comparison: sort them once
def _by_kind(tags: tuple[str, ...]) -> dict[str | None, frozenset[str]]:
    kinds: dict[str | None, set[str]] = {}
    for tag in tags:
        kinds.setdefault(kind_of(tag), set()).add(tag)
    return {kind: frozenset(named) for kind, named in kinds.items()}


_NONE: frozenset[str] = frozenset()


def people(report: Report) -> frozenset[str]:
    return _by_kind(report.tags).get("person", _NONE)


@lru_cache(maxsize=8192)
def _entities(tags: tuple[str, ...]) -> frozenset[str]:
    kinds = _by_kind(tags)
    return frozenset().union(
        *(kinds.get(k, _NONE) for k in ("person", "place", "country", "organisation"))
    ) - (_EVERYWHERE)


def entities(report: Report) -> frozenset[str]:
    """The people, places, countries and bodies a report names: who and where."""
    return _entities(report.tags)


@lru_cache(maxsize=8192)
def _countries(tags: tuple[str, ...]) -> frozenset[str]:
    return _by_kind(tags).get("country", _NONE) | {c for t in tags if (c := country_of(t))}


def countries(report: Report) -> frozenset[str]:
    """The countries a report names, or names through a place in it or a person speaking for it."""
    return _countries(report.tags)


@lru_cache(
    maxsize=4096
)  # every candidate of every report asks again: parsing was ~8% of the matcher (measured)
def days_of(date: str, end_date: str | None) -> tuple[dt.date, dt.date]:
    start = FuzzyDate.parse(date)
    end = FuzzyDate.parse(end_date) if end_date else start
    return start.first_day(), end.last_day()


def dates_agree(new: Report, recorded: Report) -> bool:
    """Can the new report's date name the recorded fact's days?

    Days agree when they overlap: a day and a span that holds it, two spans that
    share a day. Not a day apart: a headline is dated by the day it ran, and a
    recap's headline would then pull the happening a day late (the publisher's own
    day already absorbs time zones). A month or a year agrees with a fact inside it,
    so "Iran joined in July 2023" finds the 4 July 2023 fact, and a fact known only
    to the month or year agrees with a report inside it (refined_dates may then
    give the fact the report's days). A span of days across the month's end agrees
    with either month.
    """
    new_first, new_last = days_of(new.date, new.end_date)
    old_first, old_last = days_of(recorded.date, recorded.end_date)
    overlap = new_first <= old_last and old_first <= new_last
    if len(recorded.date) < len(new.date):
        return overlap if new.end_date else old_first <= new_first and new_last <= old_last
    if len(new.date) == 10 or recorded.end_date:  # "the summit at the end of August" of 31 August-1 September
        return overlap
    return new_first <= old_first and old_last <= new_last


# One SCO summit at a time, one founding, one joint exercise: a report of one that names no other place is
# that one ("the Sept 20-24 exercise in the southern Urals" and "Peace Mission 2021 ended on Friday").
ONE_AT_A_TIME = frozenset({"summit", "founding", "exercise"})
# Happenings that last days: a report giving all their days is better than one giving a day.
_LASTING = frozenset({"summit", "ministers", "exercise"})


def refined_dates(new: Report, recorded: Report) -> tuple[str, str | None] | None:
    """Days a new report of the same happening knows better than the recorded fact, or None.

    A day inside a fact known only to its month or year ("in July 2023" -> 4 July
    2023); the whole span of a summit, a ministers' meeting or an exercise recorded
    by one of its days. Never a vaguer date, and never a different one.
    """
    new_first, new_last = days_of(new.date, new.end_date)
    old_first, old_last = days_of(recorded.date, recorded.end_date)
    inside = old_first <= new_first and new_last <= old_last
    overlap = new_first <= old_last and old_first <= new_last  # days across the month's end
    if len(recorded.date) < len(new.date) and (inside or new.end_date and overlap):
        return new.date, new.end_date
    wider = new.end_date and not recorded.end_date and len(recorded.date) == 10 == len(new.date)
    if wider and new_first <= old_first <= new_last and kind_of_happening(new) in _LASTING:
        return new.date, new.end_date
    if inside and len(new.date) == 10 and _A_WEEK_OR_MORE <= old_last - old_first > new_last - new_first:
        # "this week" gives way to the days ("3-4 July"), or to the day of what takes one ("on Thursday")
        if new.end_date or kind_of_happening(new) not in _LASTING:
            return new.date, new.end_date
    return None


_A_WEEK_OR_MORE = dt.timedelta(days=5)


@lru_cache(maxsize=8192)
def the_gathering(report: Report) -> Gathering | None:
    """The one gathering of the SCO's calendar (events/pipeline/calendar.py) the report fits, if any; none
    for a report of another body's gathering ("the Group of Seven ended in Quebec on Saturday"), whatever
    the days and places it borrows from its headline."""
    if _ANOTHER_BODY in _matchable(report):
        return None
    return the_one_fitting(_told(report))


def the_calendar_s_year(report: Report) -> tuple[str, str | None] | None:
    """The dates a year on or back, when the report's words do not give its year (it was read from the
    day the report ran) and it fits no gathering of the SCO's calendar where it is, but fits exactly one a
    year away, by its kind and by where it was or whom it admitted: "Belarus, admitted in Astana last July",
    run in September 2025, is the accession of July 2024. None otherwise."""
    if len(report.date) < 7 or report.date[:4] in report.summary or report.date[:4] in report.title:
        return None  # a year only, or a year the report states
    places, named = _places(report), countries(report)
    if not places and not named:
        return None  # nothing a gathering a year away could be known by
    kind = kind_of_happening(report)
    if kind not in LINKED_KINDS or the_gathering(report) is not None:
        return None
    fitting = []
    for years in (-1, 1):
        date, end = _years_on(report.date, years), report.end_date and _years_on(report.end_date, years)
        gathering = the_gathering(Report(date, end, report.title, report.summary, report.tags))
        if gathering is not None and (gathering.place in places or gathering.who & named):
            fitting.append((date, end))
    return fitting[0] if len(fitting) == 1 else None


def _years_on(date: str, years: int) -> str:
    return (
        f"{int(date[:4]) + years:04d}{date[4:]}"
        if date[4:] != "-02-29"
        else f"{int(date[:4]) + years:04d}-02-28"
    )


def not_the_sco_s_summit(report: Report) -> bool:
    """A summit of its days that the SCO's calendar says was not the SCO's, told without naming the SCO."""
    if "sco" in report.tags or kind_of_happening(report) != "summit":
        return False  # most reports: no calendar asked
    if _TWO_LEADERS_SUMMIT.search(report.summary):
        return True  # "an invitation to India for another informal summit in 2019": two leaders', any date
    return len(report.date) == 10 and another_summit(_told(report))


_A_PAIR_S_COUNTRY = (
    "russia|russian|india|indian|china|chinese|sino|indo|pakistan|iran|us|u\\.s\\.|american|japan|eu|turkey"
    "|kazakhstan|uzbekistan|kyrgyzstan|tajikistan|belarus|mongolia|asean|africa|arab|gulf"
)
# The summits two leaders hold alone (Wuhan 2018, Chennai 2019; "his annual summit with Narendra Modi", "an
# annual Russia-India summit"), which the SCO never holds.
_TWO_LEADERS_SUMMIT = re.compile(
    r"\binformal\s+summits?\b|неформальн\w*\s+саммит|非正式会晤|非正式會晤"
    r"|\b(?:his|her|their)\s+(?:annual|yearly|bilateral)\s+summits?\s+with\b"
    # "for his summit with US President Joe Biden" (not "his first summit with the bloc", "... with Sharif")
    r"|\b(?:his|her|their)\s+summits?\s+with\s+(?:the\s+)?(?:[A-Z][\w.]*\s+){0,2}?(?:president|prime\s+minister|chancellor)\b"
    rf"|\b(?:annual|yearly|bilateral)\s+(?:{_A_PAIR_S_COUNTRY})[-–](?:{_A_PAIR_S_COUNTRY})\s+summits?\b"
    r"|\bbilateral\s+summits?\b",
    re.IGNORECASE,
)


def _told(report: Report) -> Told:
    """What the calendar is asked of a report."""
    first, last = days_of(report.date, report.end_date)
    kind, ministries, places = kind_of_happening(report), _ministries(report), _places(report)
    return Told(
        kind, first, last, len(report.date), ministries, places, countries(report), "sco" in report.tags
    )


def same_happening(new: Report, recorded: Report) -> Verdict:
    """Whether the new report tells of the happening the recorded fact is, and why (or why not).

    Two reports that each fit one gathering of the SCO's calendar are one happening if it is the same
    gathering, whatever their words; otherwise their dates, kinds and names decide."""
    if (verdict := _by_the_calendar(new, recorded)) is not None:
        return verdict
    if not dates_agree(new, recorded):
        return Verdict(False, "their dates name different days")
    if _same_days(new, recorded) and (here := _places(new) & _places(recorded)):
        return Verdict(True, f"the same days at the same place ({_named(here)})")
    kind, recorded_kind = kind_of_happening(new), kind_of_happening(recorded)
    if kind is None or recorded_kind is None:
        return _same_span(new, recorded, kind or recorded_kind)
    if kind != recorded_kind and _one_told_in_passing(new, recorded, kind, recorded_kind):
        kind = recorded_kind
    if kind != recorded_kind:
        return Verdict(False, f"a {kind} is not a {recorded_kind}")
    shared = entities(new) & entities(recorded)
    if kind == "bilateral":
        return _same_meeting(new, recorded)
    if kind in _DECIDED_FOR and (verdict := _decided_for_others(new, recorded)):
        return verdict
    if (
        kind == "ministers"
        and _ministries(new)
        and _ministries(recorded)
        and not _ministries(new) & _ministries(recorded)
    ):
        return Verdict(False, "different ministers meet")
    if (
        not shared
        and kind == "ministers"
        and _one_names_no_one(new, recorded)
        and _ministries(new) & _ministries(recorded)
    ):
        return Verdict(True, f"the same ministers ({_named_ministries(new, recorded)}) on days that agree")
    if not shared and kind in _LASTING and _same_days(new, recorded):
        return Verdict(True, f"the same {kind} on the same days ({new.date} to {new.end_date})")
    if not shared and kind in ONE_AT_A_TIME and not (_places(new) and _places(recorded)):
        return Verdict(True, f"a {kind} on days that agree, and it names no other place")
    # "The SCO, founded in 2001, has a centre in Tashkent": the places of a founding told in passing,
    # only by its year, are the sentence's other things, not where it was founded.
    if not shared and kind == "founding" and min(len(new.date), len(recorded.date)) == 4:
        return Verdict(True, "a founding on days that agree, one told only by its year")
    if not shared and kind == "agreement" and _the_charter(new) and _the_charter(recorded):
        return Verdict(True, "the signing of the charter on days that agree")
    if not shared and (same_country := countries(new) & countries(recorded)):
        names = _named(same_country)
        return Verdict(True, f"the same {kind} on days that agree, in or with the same country ({names})")
    if not shared and kind == "ministers" and (verdict := _one_council(new, recorded)):
        return verdict
    if not shared:
        return Verdict(False, f"the same kind ({kind}), but no person, place or country in common")
    return Verdict(True, f"the same {kind} ({_named(shared)}) on days that agree")


# Decisions taken for countries: an admission, a status granted. One summit takes several.
_DECIDED_FOR = frozenset({"accession", "observer"})


def _decided_for_others(new: Report, recorded: Report) -> Verdict | None:
    """Two decisions of one summit for different countries are two happenings, whatever place and day they
    share: Iran's admission launched in Dushanbe is not Egypt's, Qatar's and Saudi Arabia's partner status
    granted there. The host's country (of a place either names) is where, not for whom: "expected to approve on
    Friday the start of Iran's accession" and "agreed in Dushanbe to begin admitting Iran" are for Iran alike."""
    venue = {country_of(place) for place in _places(new) | _places(recorded)}
    mine, theirs = countries(new) - venue, countries(recorded) - venue
    if not mine or not theirs or mine & theirs:
        return None
    return Verdict(False, f"decided for other countries ({_named(mine)}; {_named(theirs)})")


def _one_council(new: Report, recorded: Report) -> Verdict | None:
    """An SCO council meets once on its days: the same day is its meeting wherever else its reports name (a
    city it nominated); both must name the SCO ("Heads of government meet in Minsk" may be the CIS's)."""
    council = _councils(new) & _councils(recorded)
    if not council or "sco" not in new.tags or "sco" not in recorded.tags:
        return None  # ("EU agriculture ministers met in Brussels" on the day of the SCO's)
    if len(new.date) == len(recorded.date) == 10 or not (_places(new) and _places(recorded)):
        return Verdict(True, f"the same council ({', '.join(sorted(council))}) on days that agree")
    return None


def _by_the_calendar(new: Report, recorded: Report) -> Verdict | None:
    """The calendar's verdict: one gathering or two, when both reports fit one; the linked one's, when the
    other names no kind but its place and days; None (the words decide) otherwise."""
    mine, theirs = the_gathering(new), the_gathering(recorded)
    if mine is not None and theirs is not None:
        if one_happening(mine, theirs):
            return Verdict(
                True, f"both tell the {mine.kind} of the SCO's calendar: {mine.title} ({mine.days})"
            )
        return Verdict(False, f"two gatherings of the SCO's calendar: {mine.title}; {theirs.title}")
    linked, other = (mine, recorded) if mine is not None else (theirs, new)
    if (
        linked is not None
        and kind_of_happening(other) is None
        and at_its_place_and_days(_told(other), linked)
    ):
        return Verdict(True, f"at the place and on the days of the SCO's {linked.title} ({linked.days})")
    return None


def carried_together(one: Report, other: Report) -> bool:
    """Two recorded facts that one happening carries: a member admitted at a summit that lasted that one
    day ("Iran became a member on Tuesday at a virtual summit") is the summit's news, told as either.
    A summit of several days is a happening of its own beside an accession on one of them (Astana's two
    days and Belarus's admission on the second stay two facts), and so is an accession whose words do
    not name the summit it was completed at."""
    kinds = {kind_of_happening(one): one, kind_of_happening(other): other}
    if set(kinds) != {"summit", "accession"}:
        return False
    one_day = one.end_date is None is other.end_date and len(one.date) == 10
    return one_day and one.date == other.date and "summit" in kinds_named(kinds["accession"])


def one_at_a_time(report: Report) -> bool:
    """A happening there is one of at a time, whoever the report names: a summit, a founding, the charter's
    signing. Its other reports are looked for among all facts of its days."""
    kind = kind_of_happening(report)
    return kind in ONE_AT_A_TIME or kind == "agreement" and _the_charter(report)


def looked_for_among_all(report: Report) -> bool:
    """A report whose happening may be recorded naming no one it names: one of a kind at a time, or a
    signing told to the month or year, which may be the summit's or the founding's of those days
    (_signed_where_it_met); a meeting of a council it names, which meets once on its days, wherever its
    reports are datelined ("Agriculture ministers ended a two-day meeting in Kunming on Thursday")."""
    if one_at_a_time(report):
        return True
    kind = kind_of_happening(report)
    return (
        len(report.date) < 10
        and kind == "agreement"
        or kind == "ministers"
        and "sco" in report.tags
        and bool(_councils(report))
    )


def _the_charter(report: Report) -> bool:
    """A body has one charter: two signings of it on days that agree are one, whoever they name."""
    return "charter" in _matchable(report) and not _OTHER_CHARTER.search(_matchable(report))


# "in line with the UN Charter": another body's charter, no signing of this one's.
_OTHER_CHARTER = re.compile(r"\b(?:un|united nations|olympic|energy)\s+charter\b")


def _one_told_in_passing(new: Report, recorded: Report, kind: str, recorded_kind: str) -> bool:
    """A mention known only to its month or year names every happening it passes by: "Iran signed the
    memorandum at the Samarkand summit last September" is also the summit, and meets the summit's fact
    by the summit's name (not the other way round: a dated report is about its own kind)."""
    if len(new.date) < 10 and _signed_where_it_met(new, recorded, kind, recorded_kind):
        return True
    if len(new.date) < 10 and len(recorded.date) == 10:
        return recorded_kind in kinds_named(new)
    if len(recorded.date) < 10 and len(new.date) == 10:
        return kind in kinds_named(recorded)
    return False


def _signed_where_it_met(new: Report, recorded: Report, kind: str, recorded_kind: str) -> bool:
    """A signing told only to the month or year, in the city of a summit (or the founding) of those days,
    was signed there: "Iran signed the memorandum in Samarkand in September 2022" is of the Samarkand summit.
    A joining or a meeting of two there is a happening of its own, and a signing dated to its day is the
    signing."""
    if kind != "agreement" or recorded_kind not in ONE_AT_A_TIME:
        return False
    if recorded_kind == "founding" and not (_places(new) and _places(recorded)):
        return True  # one founding: a signing in its days naming no other place is the founding's
    return bool(_places(new) & _places(recorded))


@lru_cache(maxsize=8192)
def kinds_named(report: Report) -> frozenset[str]:
    return frozenset(_kinds_at(_matchable(report)))


def _same_span(new: Report, recorded: Report, known: str | None) -> Verdict:
    """Without a kind on one side: a happening that lasts days, named by the other, at a place both name
    ("Qingdao hosted the summit in 2018" and "2018, 9-10 June: Qingdao"); else only the very same span of
    days (a summit's '31 August - 1 September' in a list of summits). Two such happenings on the very
    same days are rare enough in this story to call them one; an editor can split them."""
    here = _places(new) & _places(recorded)
    if (
        known in _LASTING
        and here
        and (new.end_date or recorded.end_date or len(new.date) != len(recorded.date))
    ):
        return Verdict(True, f"a {known} at the same place ({_named(here)}) on days that agree")
    if known == "founding" and (new.date, new.end_date) == (recorded.date, recorded.end_date) == (
        new.date,
        None,
    ):
        return Verdict(True, f"the very day of the {known} ({new.date})")  # '2001, 15 June: Shanghai'
    if known in _GATHERINGS and _an_sco_meeting_in_its_days(new, recorded):
        return Verdict(True, f"an SCO meeting on the days of the {known}")
    if known is None and (verdict := _the_same_people_and_places_on_a_day(new, recorded)):
        return verdict
    if (verdict := _one_sco_meeting_there_that_day(new, recorded)) is not None:
        return verdict
    if not _same_days(new, recorded):
        return Verdict(False, "it does not say what kind of happening it is")
    if known in _LASTING:
        return Verdict(True, f"the same days as a {known} ({new.date} to {new.end_date})")
    return Verdict(False, "it does not say what kind of happening it is")


def _the_same_people_and_places_on_a_day(new: Report, recorded: Report) -> Verdict | None:
    """Neither names a kind, but both tell one day with the same two people or places: "Lavrov received the
    Secretary-General in Moscow on Thursday" and "Лавров 23 января принял в Москве генерального секретаря"."""
    if not _the_very_same_day(new, recorded):
        return None
    who = people(new) & people(recorded)
    where = _places(new) & _places(recorded)
    # two people in common, or the same people (none missing on either side) at a place in common: not
    # "Wang Yi received Zhang Ming in Beijing" and "Wang Yi received Ishaq Dar in Beijing"
    if len(who) < 2 and not (who and where and people(new) == people(recorded)):
        return None
    return Verdict(True, f"the same day with the same people and places ({_named(who | where)})")


def _named(tags: frozenset[str]) -> str:
    """The names a reason gives, as readers say them: "Narendra Modi, Vladimir Putin", not their tags."""
    return ", ".join(display_name(tag) for tag in sorted(tags)[:4])


# The SCO's own gatherings: "the SCO meeting that concluded on Wednesday", on days of one, is that one.
_GATHERINGS = frozenset({"summit", "ministers"})


def _the_very_same_day(new: Report, recorded: Report) -> bool:
    """Both tell one day, the same one (a span or a vaguer date says less)."""
    return len(new.date) == 10 and (new.date, new.end_date) == (recorded.date, recorded.end_date)


def _one_sco_meeting_there_that_day(new: Report, recorded: Report) -> Verdict | None:
    """Both tell a meeting of the SCO's at one place on one day, one of them naming no kind: "an SCO
    conference in Moscow on Friday adopted a declaration", "上海合作组织阿富汗问题特别会议27日在莫斯科举行"."""
    if not _the_very_same_day(new, recorded):
        return None
    if not ("sco" in new.tags and "sco" in recorded.tags and names_a_meeting(new.title)):
        return None
    where = _places(new) & _places(recorded)
    if not where or not names_a_meeting(recorded.title):
        return None
    return Verdict(True, f"an SCO meeting at the same place on the same day ({_named(where)}, {new.date})")


def _an_sco_meeting_in_its_days(new: Report, recorded: Report) -> bool:
    """One side (the one naming no kind) says an SCO meeting took place on days inside the other's
    days: a bloc does not hold two meetings of its own at once, and a meeting of two leaders has a kind."""
    if len(new.date) != 10 or len(recorded.date) != 10:
        return False
    unkinded, kinded = (new, recorded) if kind_of_happening(new) is None else (recorded, new)
    if "sco" not in unkinded.tags or not names_a_meeting(unkinded.title):
        return False
    first, last = days_of(unkinded.date, unkinded.end_date)
    low, high = days_of(kinded.date, kinded.end_date)
    return low <= first and last <= high


def _places(report: Report) -> frozenset[str]:
    return _by_kind(report.tags).get("place", _NONE)


def _same_days(new: Report, recorded: Report) -> bool:
    """Both span the very same days (a day alone is too common to say so much)."""
    return bool(new.end_date) and (new.date, new.end_date) == (recorded.date, recorded.end_date)


def with_context(report: Report, context: tuple[str, ...]) -> Report:
    """A sentence that names no one and nowhere ('The summit runs on Sunday and Monday') is about what
    its article's headline names: it borrows the headline's places, countries and bodies (not people,
    who would make it a meeting)."""
    if entities(report):
        return report
    borrowed = tuple(t for t in context if kind_of(t) in {"place", "country", "organisation"})
    return Report(
        report.date, report.end_date, report.title, report.summary, tuple(sorted({*report.tags, *borrowed}))
    )


def _same_meeting(new: Report, recorded: Report) -> Verdict:
    shared = people(new) & people(recorded)
    if len(shared) >= 2 or (shared and people(new) == people(recorded)):
        return Verdict(True, f"the same meeting ({_named(shared)}) on days that agree")
    if shared and _one_partner_unnamed(new, recorded):
        return Verdict(True, f"the same meeting ({_named(shared)}, the other unnamed) on days that agree")
    return Verdict(False, "a meeting between other leaders")


def _one_partner_unnamed(new: Report, recorded: Report) -> bool:
    """ "Mr. Singh held a bilateral meeting with Li Shangfu" names one of the two the other report names:
    the same talks, when no one else is named on either side."""
    one, two = sorted((people(new), people(recorded)), key=len)
    return len(one) == 1 and len(two) == 2 and one < two


def _one_names_no_one(new: Report, recorded: Report) -> bool:
    """One of the two names no person, place or country: "昨日，外长理事会会议在我市举行" (in our city)."""
    return not entities(new) or not entities(recorded)


def _named_ministries(new: Report, recorded: Report) -> str:
    return ", ".join(sorted(_ministries(new) & _ministries(recorded)))


@lru_cache(maxsize=8192)
def _ministries(report: Report) -> frozenset[str]:
    """The councils a report may be of: its ministries' words ("trade" may be a topic), and its councils."""
    text = f"{report.title} {report.summary}"
    named = (english or other for english, other in _MINISTRY.findall(text.lower()))
    return frozenset(_MINISTRY_WORD.get(m, m) for m in named) | _councils(report)


@lru_cache(maxsize=8192)
def _councils(report: Report) -> frozenset[str]:
    """The councils a report names by their members: "agriculture ministers", "министры энергетики", "财长"."""
    text = f"{report.title} {report.summary}".lower()
    if not _COUNCIL_CUES.search(text):
        return _NONE
    return frozenset(_COUNCIL_NAMES[int(m.lastgroup[1:])][0] for m in _COUNCIL.finditer(text) if m.lastgroup)


# A sentence this near its headline's day, naming no happening of its own, tells of the headline's.
_NEAR_THE_HEADLINE = dt.timedelta(days=2)
# "The meeting, held on June 25-26, will discuss ... joint exercises": a sentence opening on the happening
# its article is about tells of that one, whatever else it names, within a preview's week or two.
_THE_HAPPENING = re.compile(
    r"(?:the|this|that|the two-day|the three-day)\s+(?:meeting|talks|gathering|event|session|conference)\b"
    r"|(?:встреча|заседание|мероприятие|совещание)\b|(?:此次|本次|这次|這次)?(?:会议|會議|会晤|會晤)",
    re.IGNORECASE,
)
_NEAR_ITS_HEADLINE = dt.timedelta(days=14)


def in_the_headline_s_happening(report: Report, headline: Report | None) -> Report:
    """A sentence that says what was said or done ("Sharif said on Monday that ...") but names no kind of
    happening is a detail of the one its headline tells ("PM addresses SCO summit in Tianjin"), when its
    days are the headline's, give or take two; so is one that opens on "The meeting": it is matched as
    that kind, on its own date and names."""
    if headline is None or kind_of_happening(headline) is None:
        return report
    told = _THE_HAPPENING.match(report.title) or _THE_HAPPENING.match(report.summary)
    if not told and kind_of_happening(report) is not None:
        return report
    if _ANOTHER_BODY_S.search(
        report.title.lower()
    ):  # "BRICS's summit is held in Ufa on 8-9 July": not the SCO's
        return report
    first, last = days_of(report.date, report.end_date)
    day, near = days_of(headline.date, None)[0], _NEAR_ITS_HEADLINE if told else _NEAR_THE_HEADLINE
    if len(report.date) < 10 or first - day > near or day - last > near:
        return report
    text = headline.title if told else f"{report.summary} {headline.title}"
    return Report(report.date, report.end_date, text, text, report.tags)


# "2023, 4 July: New Delhi, India (virtual)" under "List of SCO summits": an entry of a list, led by its year,
# is one of the happenings its headline lists, however far from the day the list was crawled.
# "2019, 13-14 June: Bishkek", and under a year's heading "13 June: Xi Jinping and Narendra Modi", "June 13 –"
A_DAY_FIRST = (
    r"\d{1,2}\s+[A-Z][a-z]+|[A-Z][a-z]+\s+\d{1,2}"  # an English entry's day (extract splits a day's entries)
)
LIST_ENTRY = re.compile(
    rf"\s*(?:(?:19|20)\d\d\s*[,:]|(?:{A_DAY_FIRST})\s*[:–—]|\d{{1,2}}\s+[а-я]+\s*[:–—]|\d{{1,2}}月\d{{1,2}}日\s*[：:])"
)
_A_LIST = re.compile(
    r"^\s*(?:(?:a\s+)?list|timeline|chronology)\s+of\b|^\s*(?:список|хронология)\b|(?:列表|一览|一覽|年表|大事记|大事記)\s*$"
    # a page named for happenings of a kind: "Bilateral meetings at SCO summits", "SCO summits"
    r"|^\s*(?:[\w-]+\s+){0,2}(?:meetings|summits|talks|exercises)\s+(?:at|of|during)\s+(?:the\s+)?(?:sco|shanghai)\b"
    r"|^\s*(?:the\s+)?sco\s+(?:summits|meetings|exercises)\s*$",
    re.IGNORECASE,
)


def _a_page_of_the_sco_s_gatherings(headline: Report) -> bool:
    """A reference page named after one of the SCO's councils ("SCO Council of Heads of Government"): its
    year-led entries ("2023, 26 October: Bishkek, Kyrgyzstan") are that council's meetings, as a list's are."""
    return "sco" in headline.tags and kind_of_happening(headline) in ("summit", "ministers")


def as_an_entry_of_its_list(report: Report, headline: Report | None) -> Report | None:
    """A list's entry naming no kind of its own, under a headline listing happenings of one kind, told as
    that kind; None for any other report. The list's kind is a presumption: the matcher falls back on
    the entry's own words ("2001, 15 June: Shanghai" in a list of summits is also the founding)."""
    if headline is None or not LIST_ENTRY.match(report.summary):
        return None
    if not _A_LIST.search(headline.title) and not _a_page_of_the_sco_s_gatherings(headline):
        return None
    if kind_of_happening(report) is not None or kind_of_happening(headline) is None:
        return None
    text = f"{report.summary} {headline.title}"
    return Report(report.date, report.end_date, text, text, report.tags)
