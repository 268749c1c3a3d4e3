"""Golden-style tests of bot/render.py: Answer and index records in, exact Telegram HTML out."""

from __future__ import annotations

from fake_telegram import parse_html

from bot.render import (
    MESSAGE_LIMIT,
    cite_source,
    format_date,
    pack,
    render_answer,
    render_briefings,
    render_citation,
    render_context,
    render_more,
    render_progress,
    render_report,
    split_sentences,
    utf16_len,
)
from index.records import (
    Answer,
    BriefingInfo,
    BuildReport,
    Context,
    Figure,
    IndexInfo,
    Quote,
    Skipped,
    Source,
)

S10 = Source("a.txt", "宁波支援合作工作简报", "2022年第10期", "2022-09-20", ("一、", "（二）"),
             ("一、坚持产业引领", "（二）飞地经济引领消薄增收。"))
S11 = Source("b.txt", "宁波支援合作工作简报", "2022年第11期", "2022-10-20", ("二、",), ("二、坚持资源互补",))
C10 = "《宁波支援合作工作简报》2022年第10期（2022年9月20日）一、（二）"
C11 = "《宁波支援合作工作简报》2022年第11期（2022年10月20日）二、"
Q10 = Quote("截至目前，“消薄飞地”已实现满租，累计返利 932.7 万元。", 0, 28, 0.9, S10, C10)
Q11 = Quote("“消薄飞地”累计返利已超 1000 万元 <含分红> & 租金。", 0, 30, 0.5, S11, C11)
ANSWER = Answer("消薄飞地累计返利多少？", True, "累计返利 932.7 万元", Figure("932.7 万元", 9327000, "元"),
                (Q10, Q11), as_of="2022-09-20")


def test_answer_figure_first_then_quotes_in_the_library_order_with_citations() -> None:
    # The library orders quotes (newest briefing first among reports of the same thing); the bot keeps that.
    assert render_answer(ANSWER) == [
        "<b>932.7 万元</b>（截至 2022年9月20日）\n"
        "<blockquote>截至目前，“消薄飞地”已实现满租，<b>累计返利 932.7 万元</b>。</blockquote>\n"
        f"——{C10}\n\n"
        "<blockquote>“消薄飞地”累计返利已超 1000 万元 &lt;含分红&gt; &amp; 租金。</blockquote>\n"
        f"——{C11}"
    ]


def test_answer_without_figure_or_date_leads_with_the_short_answer() -> None:
    answer = Answer("园区怎么发展？", True, "依托余姚工业优势", None, (Q10,))
    assert render_answer(answer) == [
        "<b>依托余姚工业优势</b>\n"
        "<blockquote>截至目前，“消薄飞地”已实现满租，累计返利 932.7 万元。</blockquote>\n"
        f"——{C10}"
    ]


def test_not_found_lists_nearest_sections_and_escapes_the_question() -> None:
    answer = Answer("<b>渔业</b>产值？", False, None, None, (), nearest=(S10, S11))
    assert render_answer(answer) == [
        "未在已收录的简报中找到与“&lt;b&gt;渔业&lt;/b&gt;产值？”直接相关的内容。\n\n"
        "最接近的章节：\n"
        f"• {C10} 飞地经济引领消薄增收\n"
        f"• {C11} 坚持资源互补\n\n"
        "可以换个说法，或发送 /briefings 查看已收录的简报。"
    ]


def test_not_found_says_why_the_nearest_sentence_was_not_quoted() -> None:
    answer = Answer("2023年消薄飞地返利多少？", False, None, None, (), nearest=(S10,), refused_by="other year")
    [text] = render_answer(answer)
    assert text.startswith("未在已收录的简报中找到与“2023年消薄飞地返利多少？”直接相关的内容。"
                           "最接近的句子给出的是其他年份的数字。\n\n最接近的章节：\n")
    # a rule with nothing a reader can act on adds no sentence
    [silent] = render_answer(Answer("q", False, None, None, (), nearest=(S10,), refused_by="model"))
    assert silent.startswith("未在已收录的简报中找到与“q”直接相关的内容。\n\n最接近的章节：")


def test_not_found_truncates_a_long_question() -> None:
    [text] = render_answer(Answer("问" * 200, False, None, None, ()))
    assert "问" * 60 + "…”" in text and "问" * 61 not in text


def test_more_sources_shows_quotes_beyond_the_first_three() -> None:
    quotes = (Q10, Q10, Q10, Q11)
    answer = Answer("q", True, None, None, quotes)
    assert render_more(answer) == [
        "<b>更多出处</b>\n"
        f"<blockquote>“消薄飞地”累计返利已超 1000 万元 &lt;含分红&gt; &amp; 租金。</blockquote>\n——{C11}"
    ]
    assert render_more(ANSWER) == ["没有更多出处了。"]


def test_citation_block_is_ready_to_paste() -> None:
    assert render_citation(ANSWER) == [
        "<b>引用格式</b>（点按代码块即可复制）\n"
        "<pre>“截至目前，“消薄飞地”已实现满租，累计返利 932.7 万元。”\n"
        "出处：宁波支援合作工作简报[R]. 2022年第10期, 2022-09-20: 一、（二）.\n\n"
        "““消薄飞地”累计返利已超 1000 万元 &lt;含分红&gt; &amp; 租金。”\n"
        "出处：宁波支援合作工作简报[R]. 2022年第11期, 2022-10-20: 二.</pre>"
    ]


def test_context_marks_the_quote_bold_and_underlined() -> None:
    paragraph = ("（二）飞地经济引领消薄增收。截至目前，“消薄飞地”已实现满租，累计返利 932.7 万元。"
                 "同时，推进<产业飞地>。")
    start = paragraph.index("截至")
    end = paragraph.index("。同时")
    assert render_context(Context(paragraph, start, end, S10)) == [
        "<b>上下文</b>\n"
        "（二）飞地经济引领消薄增收。<b><u>截至目前，“消薄飞地”已实现满租，累计返利 932.7 万元</u></b>。"
        "同时，推进&lt;产业飞地&gt;。\n"
        f"——{C10}"
    ]


def test_briefings_newest_first() -> None:
    info = IndexInfo("p", "m", 384, "2024-01-01T00:00:00Z", 2, 10, 10, (
        BriefingInfo("a.txt", "宁波支援合作工作简报", "2022年第10期", "2022-09-20", 6),
        BriefingInfo("b.txt", "宁波支援合作工作简报", "2022年第11期", "2022-10-20", 4),
    ))
    assert render_briefings(info) == [
        "<b>已收录 2 份简报</b>（新的在前）：\n"
        "• 《宁波支援合作工作简报》2022年第11期（2022年10月20日） — 4 句\n"
        "• 《宁波支援合作工作简报》2022年第10期（2022年9月20日） — 6 句"
    ]
    assert render_briefings(IndexInfo("p", "m", 384, "t", 0, 0, 0)) == ["目前还没有收录任何简报。"]


def test_rebuild_report_and_progress() -> None:
    report = BuildReport(2, 1, (Skipped("坏<1>.pdf", "PDF has no extractable text"),), 300, 300, 120, 3.25)
    assert render_report(report) == [
        "<b>索引已更新</b>\n"
        "文件：3（新读取 2，沿用 1）\n"
        "句子：300，新计算向量：120\n"
        "用时：3.2 秒\n\n"
        "<b>未能读取（已跳过）：</b>\n"
        "• 坏&lt;1&gt;.pdf：PDF has no extractable text"
    ]
    assert render_progress("embed", 3, 10) == "正在重建索引…\n计算向量：3/10"


def test_pack_splits_at_sentence_ends_and_closes_tags_in_each_part() -> None:
    segments = [("第一句。第二句很长很长。第三句！", ("blockquote",)), ("\n——出处", ())]
    assert pack(segments, limit=40) == [
        "<blockquote>第一句。第二句很长很长。</blockquote>",
        "<blockquote>第三句！</blockquote>\n——出处",
    ]


def test_pack_never_cuts_an_entity_and_loses_nothing() -> None:
    text = "A&B<C>“引号”。" * 700 + "没有标点的长句" * 900
    parts = pack([(text, ("blockquote",)), ("尾", ("b", "u"))])
    assert len(parts) > 2
    assert all(utf16_len(part) <= MESSAGE_LIMIT for part in parts)
    assert "".join(parse_html(part) for part in parts) == text + "尾"


def test_emoji_count_twice_towards_the_limit() -> None:
    parts = pack([("😀" * 3000, ())], limit=4000)
    assert [utf16_len(part) for part in parts] == [4000, 2000]


def test_small_helpers() -> None:
    assert format_date("2022-09-20") == "2022年9月20日"
    assert format_date("2022年") == "2022年"
    assert format_date(None) == ""
    assert cite_source(S10) == C10
    assert cite_source(Source("x", "简报", None, None, ())) == "《简报》"
    assert split_sentences("一。”二！\n\n三") == ["一。”", "二！\n\n", "三"]


def test_answer_with_history_adds_one_line_per_earlier_issue() -> None:
    from index.records import PastFigure

    past = PastFigure(Figure("932.7 万元", 9327000.0, "元", 23, 31), "2022-09-20", Q10)
    answer = Answer("消薄飞地累计返利多少？", True, "累计返利已超 1000 万元", Figure("1000 万元", 1e7, "元"),
                    (Q11,), as_of="2022-10-20", history=(past,))
    [html] = render_answer(answer)
    parse_html(html)
    assert html.endswith("\n\n<b>此前各期：</b>\n2022年第10期（9月20日）：932.7 万元")
