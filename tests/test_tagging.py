"""Tagging must keep every SCO story and drop every lookalike in a hand-labelled corpus."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from events.pipeline.tagging import DEFAULT_RULES, TaggingRules, Verdict, classify

CORPUS = json.loads((Path(__file__).parent / "data" / "tagging" / "corpus.json").read_text("utf-8"))


def _classify(item: dict) -> Verdict:
    return classify(
        title=item["title"],
        summary=item.get("summary", ""),
        content=item.get("content", ""),
        categories=item.get("categories", ()),
    )


def test_corpus_is_balanced_and_large_enough():
    positives = sum(item["expected"] for item in CORPUS)
    assert len(CORPUS) >= 48
    assert positives == len(CORPUS) - positives


def test_corpus_precision_and_recall():
    outcomes = [(_classify(item).keep, item["expected"]) for item in CORPUS]
    true_pos = sum(got and want for got, want in outcomes)
    precision = true_pos / sum(got for got, _ in outcomes)
    recall = true_pos / sum(want for _, want in outcomes)
    print(f"\ntagging corpus: {len(CORPUS)} items, precision {precision:.3f}, recall {recall:.3f}")
    wrong = [
        (item["title"], _classify(item).reason) for item in CORPUS if _classify(item).keep != item["expected"]
    ]
    assert wrong == []
    assert (precision, recall) == (1.0, 1.0)


@pytest.mark.parametrize(
    "kwargs, reason",
    [
        ({"title": "x", "categories": ["SCO"]}, "category 'SCO'"),
        (
            {"title": "The Shanghai Cooperation Organization meets"},
            "names the Shanghai Cooperation Organization",
        ),
        ({"title": "SCO summit opens"}, "'SCO' near 'summit'"),
        ({"title": "Tesco shares"}, "no SCO mention"),
        ({"title": "SCO Group at a Linux summit"}, "only lookalike 'SCO Group'"),
        ({"title": "SCO announces results"}, "'SCO' without context words"),
    ],
)
def test_reasons(kwargs, reason):
    assert classify(**kwargs).reason == reason


_LEAD = (
    "By a Senior Fellow\nTwenty-five years ago today, six presidents met in Shanghai and turned a border "
    "club into an organisation. Few would recognise it now. Its Charter speaks of trust, and its members "
    "now run from India to Belarus."
)


@pytest.mark.parametrize(
    ("title", "content", "keep"),
    [
        # 'SCO' in the title, far from any context word, over a lead naming three: the bloc
        ("The SCO at 25: bigger, louder, and still looking for a purpose", _LEAD, True),
        # a lookalike anywhere in the item, or a lead naming fewer than three, keeps the old answer
        (
            "The SCO at 25: bigger, louder, and still looking for a purpose",
            _LEAD + " The SCO Group disagrees.",
            False,
        ),
        (
            "The SCO at 25: bigger, louder, and still looking for a purpose",
            _LEAD.split(". ")[0] + ".",  # Shanghai alone
            False,
        ),
        ("A quiet week for markets", _LEAD.replace("Shanghai", "SCO"), False),  # not in the title
    ],
)
def test_sco_in_a_title_is_the_bloc_when_the_lead_names_three_context_words(title, content, keep):
    """Issue 18: "The SCO at 25", a column whose lead tells the founding in Shanghai, was dropped: no
    context word within twelve words of the title's 'SCO'."""
    assert classify(title=title, content=content).keep is keep


def test_context_window_counts_words():
    text = "SCO " + "word " * 4 + "summit"  # 'summit' is the fifth word after 'SCO'.
    assert classify(title=text, rules=TaggingRules(context_window=5)).keep
    assert not classify(title=text, rules=TaggingRules(context_window=4)).keep


def test_from_mapping_replaces_only_given_keys():
    rules = TaggingRules.from_mapping({"acronyms": ["SCO", "ШОС"], "context_window": 3})
    assert rules.acronyms == ("SCO", "ШОС")
    assert rules.context_window == 3
    assert rules.terms == DEFAULT_RULES.terms
    assert classify(title="ШОС summit", rules=rules).keep


def test_from_mapping_empty_is_default():
    assert TaggingRules.from_mapping({}) == DEFAULT_RULES


@pytest.mark.parametrize(
    "mapping, message",
    [
        ({"acronym": ["SCO"]}, "tagging.acronym: unknown key"),
        (
            {"terms": "Shanghai Cooperation Organization"},
            "tagging.terms: expected a list of strings, got str",
        ),
        ({"excludes": ["SCO Group", 3]}, "tagging.excludes: item 1 must be a non-empty string"),
        ({"context_words": ["summit", "  "]}, "tagging.context_words: item 1 must be a non-empty string"),
        ({"context_window": "12"}, "tagging.context_window: expected a non-negative integer"),
        ({"context_window": True}, "tagging.context_window: expected a non-negative integer"),
        ({"context_window": -1}, "tagging.context_window: expected a non-negative integer"),
    ],
)
def test_from_mapping_errors(mapping, message):
    with pytest.raises(ValueError) as raised:
        TaggingRules.from_mapping(mapping)
    assert str(raised.value).startswith(message)


_texty = st.text(alphabet=st.characters(), max_size=300) | st.sampled_from(
    ["SCO", "<b>SCO</b>", "&nbsp;", "<", "&#0;", "SCO Group", "summit", "上海合作组织", "\x00", "<a href='"]
)


@settings(max_examples=300, deadline=None)
@given(title=_texty, summary=_texty, content=_texty, categories=st.lists(_texty, max_size=3))
def test_classify_never_raises(title, summary, content, categories):
    verdict = classify(title=title, summary=summary, content=content, categories=categories)
    assert isinstance(verdict.keep, bool) and verdict.reason


def test_classify_is_linear_on_hostile_markup():
    # Thousands of unclosed '<' and lookalikes must not make tagging quadratic.
    hostile = "<a" * 50_000 + " SCO Unix " * 5_000
    assert not classify(title="x", content=hostile).keep


@pytest.mark.parametrize(
    ("title", "content", "keep"),
    [
        # the SCO's forerunner, told without its name: its five states and a word for five, in the lead
        (
            "Five presidents sign pact on border troops",
            "MOSCOW - The leaders of Russia, China, Kazakhstan, Kyrgyzstan and Tajikistan signed an agreement on Thursday.",
            True,
        ),
        ("中俄哈吉塔五国元首签署协定", "五国元首24日在莫斯科签署协定。", True),
        (
            "Саммит пяти государств",
            "Президенты России, Китая, Казахстана, Киргизии и Таджикистана подписали заявление.",
            True,
        ),
        # four of them, or five without a word for five, are something else (the CSTO, a trade note)
        (
            "CSTO drills",
            "Russia, Kazakhstan, Kyrgyzstan, Tajikistan and Armenia sent five battalions.",
            False,
        ),
        (
            "Trade figures",
            "China, Russia, Kazakhstan, Kyrgyzstan and Tajikistan traded more this year.",
            False,
        ),
        # a note on the writer before an opinion piece's first sentence is no lede
        (
            "After the summit: what the new initiative can do",
            "Dr. Jane Doe is a senior fellow at the Minsk Policy Centre. Views are her own. On 4 July the heads of"
            " state of the Shanghai Cooperation Organisation approved an initiative. Trade grew. Exports rose.",
            True,
        ),
        (
            "Trade talk",
            "Jane Doe is a senior fellow at the Centre. Trade grew. Exports rose. The Shanghai Cooperation"
            " Organisation met once.",
            False,
        ),
        # one mention deep in another body's story: an aside
        (
            "Лидеры Содружества собрались в Минске",
            "В Минске во вторник прошло заседание глав государств. Путин провёл переговоры. Стороны обсудили"
            " безопасность. Белоруссия, которая председательствовала и в ШОС, принимает несколько встреч.",
            False,
        ),
        (
            "BRICS leaders meet in Kazan",
            "Leaders met in Kazan on Tuesday. Putin held talks with Xi. They discussed trade and security."
            " Several of them will meet again at the SCO next year, diplomats said.",
            False,
        ),
        (
            "ECO leaders meet in Khankendi",
            "Leaders of the Economic Cooperation Organization met on Thursday. The president held talks with the"
            " prime minister and the foreign minister at the summit."
            " Several are also members of the Shanghai Cooperation Organisation, diplomats said.",
            False,
        ),
        # once, deep in a story of two defence ministers' border talks: political news (a dispute's words)
        (
            "Frontier calm urged",
            "Defence Minister A met Defence Minister B in Minsk on Friday. He set out a plan: keeping the"
            " disengagement arrangement, continuing de-escalation and marking the boundary. On Thursday his country"
            " refused to sign the document of the Shanghai Cooperation Organisation meeting.",
            True,
        ),
        # another body spelled out with a joining word, and a band that took the forerunner's name
        (
            "Observatory conference admits two new observers",
            "The Standing Conference of Observatories (SCO), founded in 2001, admitted two observers from"
            " Uzbekistan and Shanghai at its assembly on January 17.",
            False,
        ),
        (
            "'Shanghai Five' jazz quintet closes Minsk jazz weekend",
            "MINSK - A quintet calling itself the Shanghai Five closed the autumn jazz weekend on Saturday.",
            False,
        ),
        (
            "Shanghai Five leaders meet in Bishkek",
            "The Shanghai Five leaders met in Bishkek and signed a declaration.",
            True,
        ),
        # a run with a joining word is another name only where it is spelled out before "(SCO)"; a concert of
        # states is no band
        (
            "Energy talks",
            "Speaking at the Shangri-La Conference on Oil, the minister said SCO heads of government agreed on"
            " trade in Tashkent with Russia and China.",
            True,
        ),
        (
            "Shanghai Five to SCO",
            "How the Shanghai Five, acting in concert on border security, grew into a bloc.",
            True,
        ),
        # a travel story naming it once keeps out
        (
            "Minsk's old town reopens to visitors",
            "Tourists can again walk the old town this spring. Cafes and hotels are open. The city hosted the"
            " Shanghai Cooperation Organisation once.",
            False,
        ),
        # the SCO in the lead is its story, whatever other body is named
        (
            "Shanghai Cooperation Organisation and BRICS leaders meet in Kazan",
            "Leaders met in Kazan on Tuesday.",
            True,
        ),
    ],
)
def test_what_the_lead_tells_decides_the_story(title, content, keep):
    """Issue 18: reports of the Shanghai Five's summits that never named it were dropped at tagging, and a
    Russian report of a CIS summit naming the SCO once was kept."""
    assert classify(title=title, content=content).keep is keep


@pytest.mark.parametrize(
    ("title", "content", "keep"),
    [
        # (eighteenth corpus) an 'SCO' its parentheses spell out as something else, near 'members' or not
        (
            "Grocers add SCO lanes as losses linger",
            "Three grocers plan to add 2,000 SCO (self-checkout) units this year, a survey of members said. "
            "The SCO estate now handles a third of sales.",
            False,
        ),
        ("SCO (Scottish Chamber Orchestra) tours China", "The orchestra's members play in Beijing.", False),
        # (twentieth corpus) the name before its acronym, after a byline's capitals on the line before
        (
            "SCO admits two new clubs as full members",
            "By Tom Ashby\nThe Shanghai Cricket Organisation (SCO), the volunteer body that runs the city's amateur"
            " league, admitted two new clubs as full members on Saturday.",
            False,
        ),
        (
            "Leaders gather in Astana",
            "By Tom Ashby\nThe Shanghai Cooperation Organisation (SCO) opened its summit on Wednesday.",
            True,
        ),
        # parentheses that give the bloc's own names, or no expansion at all
        (
            "SCO members meet",
            "The SCO (Shanghai Cooperation Organisation) members met in Astana on Tuesday.",
            True,
        ),
        ("SCO members meet", "The SCO (formerly the Shanghai Five) members met in Astana.", True),
        ("SCO members meet", "The SCO (2001) members met in Astana.", True),
        # (the review's) parentheses of a clause, or naming the bloc's members and bodies
        ("Explainer: the SCO (and why it matters) meets in Astana", "Its members gather on Tuesday.", True),
        ("Modi skips SCO (in person) summit", "Members meet in Astana.", True),
        ("Iran set to join SCO (China-led security bloc)", "", True),
        ("Pakistan to host SCO (Council of Heads of Government) meeting", "", True),
        # the New York Times's 'S.C.O.', beside one naming of the bloc: two sentences name it
        (
            "In a provincial city, Putin hosts two summits",
            "UFA — For three days a city of refineries hosted leaders. The BRICS leaders met here on Wednesday. "
            "The Shanghai Cooperation Organization held its own meetings on Friday. On Friday, the S.C.O. "
            "agreed to begin admitting India and Pakistan.",
            True,
        ),
    ],
)
def test_an_acronym_spelled_out_as_something_else_is_no_sco(title, content, keep):
    """Issue 18 (eighteenth corpus, read after it was scored blind): "2,000 SCO (self-checkout) units" near
    "members" was kept; "the S.C.O. agreed" was no naming of the bloc."""
    assert classify(title=title, content=content).keep is keep
