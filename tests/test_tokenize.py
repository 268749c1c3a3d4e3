"""Tokens for BM25 and key terms: domain words and numbers whole, questions stripped to content."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from index import tokenize
from index.tokenize import key_terms, places, query_tokens, report_years, tokens, years


def test_domain_word_and_decimal_stay_whole() -> None:
    toks = tokens("截至目前，“消薄飞地”已实现满租，累计返利 932.7 万元。")
    assert "消薄飞地" in toks
    assert "932.7" in toks
    assert "932" not in toks and "7" not in toks
    assert "万元" in toks


def test_question_number_meets_document_number() -> None:
    doc = tokens("累计返利 932.7 万元")
    for question in ("消薄飞地返利932.7万元吗", "返利是 932.7 万元？", "返利 ９３２．７ 万元"):
        assert "932.7" in query_tokens(question)
        assert "932.7" in doc


def test_thousands_separator_and_trailing_zero_normalised() -> None:
    assert "1264.5" in tokens("共到位援建资金 1,264.50 万元")
    assert tokens("1264.5") == tokens("1,264.5")


def test_chinese_numerals_become_arabic() -> None:
    toks = tokens("实施协作项目四十六个")
    assert "46" in toks and "个" in toks
    assert "2022" in tokens("二〇二二年九月")
    assert "八八战略" in tokens("忠实践行“八八战略”")  # a numeral inside a name stays a name


def test_long_words_also_yield_their_parts() -> None:
    toks = tokens("建成“松阳-余姚山海协作产业园”")
    assert {"山海协作产业园", "山海协作", "产业园", "松阳", "余姚"} <= set(toks)
    assert {"消薄飞地", "消薄", "飞地"} <= set(tokens("消薄飞地"))
    assert {"内蒙古自治区", "内蒙古", "自治区"} <= set(tokens("内蒙古自治区"))


def test_punctuation_and_whitespace_dropped_latin_lowercased() -> None:
    toks = tokens("GDP 增长 5.5%，PM2.5 下降；Hello World！")
    assert toks == ["gdp", "增长", "5.5", "pm2.5", "下降", "hello", "world"]
    assert tokens("  ，。、“”（）  ") == []


@pytest.mark.parametrize(
    ("question", "dropped"),
    [
        ("请问消薄飞地累计返利多少？", {"请问", "多少", "？"}),
        ("余姚派出了多少技术人才呢", {"了", "多少", "呢"}),
        ("什么是山海协作", {"什么", "是"}),
        ("有哪些消费帮扶的做法吗", {"有", "哪些", "的", "吗"}),
        ("怎么推进乡村振兴", {"怎么"}),
        ("如何推进乡村振兴", {"如何"}),
        ("How much rebate has the enclave paid?", {"how", "much", "has", "the", "?"}),
    ],
)
def test_query_tokens_drop_stop_words(question: str, dropped: set[str]) -> None:
    toks = query_tokens(question)
    assert not dropped & set(toks)
    assert toks  # content words remain


def test_query_tokens_keep_content_words() -> None:
    assert query_tokens("请问消薄飞地累计返利多少？") == ["消薄飞地", "消薄", "飞地", "累计", "返利"]
    toks = query_tokens("余姚派出了多少技术人才")
    assert {"余姚", "派出", "技术人才"} <= set(toks)


def test_query_tokens_unique_and_english_aliases_add_chinese() -> None:
    toks = query_tokens("How much rebate has the Xiaobao enclave paid to Songyang?")
    assert {"rebate", "xiaobao", "enclave", "消薄飞地", "飞地", "松阳"} <= set(toks)
    assert len(toks) == len(set(toks))


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("消薄飞地累计返利多少？", ["消薄飞地"]),
        ("余姚派了多少技术人才到松阳？", ["余姚", "松阳"]),
        ("余姚到松阳山海协作援建资金到位多少", ["余姚", "松阳", "山海协作"]),
        ("松阳县的横樟村每年接待多少游客", ["松阳", "横樟村"]),
        ("2022年上半年规上工业总产值增长多少", ["2022年"]),
        ("2022 年上半年规上工业总产值增长多少", ["2022年"]),
        ("二〇二一年松阳农产品在余姚销售额多少", ["2021年", "松阳", "余姚"]),
        ("浙江省全省生产总值增长多少", ["浙江"]),
        ("松阳农产品在余姚的销售额是哪一年首次突破2000万元的？", ["松阳", "余姚"]),  # 2000万元 is no year
        ("内蒙古自治区粮食产量多少", ["内蒙古"]),
        ("深圳市对口支援新疆喀什投入多少资金", ["深圳", "对口支援", "新疆", "喀什"]),
        ("宁波和贵州的东西部协作情况", ["宁波", "贵州", "东西部协作"]),
        ("新疆维吾尔自治区喀什地区", ["新疆", "喀什"]),
        ("上海浦东新区生产总值", ["上海", "浦东新区"]),
        ("汤飞帆市长对什么作出批示", ["汤飞帆"]),
        ("省发改委收到了简报吗", ["省发改委"]),
        ("园区累计开发土地多少平方公里", []),
        ("新增养老床位多少张", []),  # jieba tags 养老 as a name
        ("新建改造农村公路多少公里", []),  # … and 新建 as a place
        ("全年新增城镇就业多少人", []),
        ("社会帮扶资金落实了多少", []),
        ("How many teachers did Yuyao send to Songyang in 2021?", ["余姚", "松阳", "2021年"]),
        ("How much rebate has the Xiaobao enclave paid?", ["消薄飞地", "飞地"]),
        ("What was Shenzhen's investment in Guangxi?", ["Shenzhen", "广西"]),
        ("How many companies are in the Industrial Park?", []),
        ("What is China's GDP growth?", []),
    ],
)
def test_key_terms(question: str, expected: list[str]) -> None:
    assert key_terms(question) == expected


def test_key_terms_never_generic_words() -> None:
    for question in ("目前工作情况怎么样", "累计多少项目", "全省企业资金多少", "全国城市乡村"):
        assert key_terms(question) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022年", [2022]),
        ("2022 年上半年", [2022]),
        ("二〇二二年", [2022]),
        ("一九八○年", [1980]),  # a white circle as zero, as the older reports write it
        ("What happened in 2022?", [2022]),
        ("（2022 第 10 期）", [2022]),
        ("2021, 2022 and 2023", [2021, 2022, 2023]),
        ("首次突破2000万元", []),
        ("2000 万元", []),
        ("增长20%", []),
        ("1264.5 万元", []),
    ],
)
def test_years(text: str, expected: list[int]) -> None:
    assert years(text) == expected


@pytest.mark.parametrize(
    ("text", "year_asked", "report"),
    [
        ("1975年的报告里说，跟我国有经贸往来的国家有多少个？", [], [1975]),
        ("According to the December 1964 report, how much did China owe the Soviet Union?", [], [1964]),
        ("As of the 1988 government work report, how many countries had relations with China?", [], [1988]),
        ("2024年政府工作报告里，2023年GDP增长多少？", [2023], [2024]),
        ("2024年GDP增长多少？", [2024], []),
        ("2025年浙江省政府工作报告", [2025], []),  # the province between: the year stays a year
    ],
)
def test_a_year_naming_a_report_is_no_year_asked(text: str, year_asked: list[int], report: list[int]) -> None:
    assert years(text) == year_asked and report_years(text) == report
    assert all(f"{y}年" not in key_terms(text) for y in report)


def test_places() -> None:
    assert places("在余姚中意启迪科技城建设“消薄飞地”") == ["余姚", "中意启迪科技城"]
    assert "大东坝镇" in places("确立松阳大东坝镇横樟村为乡村振兴示范点")
    assert places("全市城市建设取得新进展") == []


def test_loading_is_quiet_and_thread_safe(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(tokenize, "_vocab", None)  # load afresh, from four threads at once
    results: list[list[str]] = []

    def work() -> None:
        results.append(tokens("消薄飞地累计返利932.7万元"))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4 and all(r == results[0] for r in results)
    assert "消薄飞地" in results[0]
    assert capfd.readouterr().err == ""  # jieba's "Building prefix dict…" is silenced


def test_jieba_keeps_its_dictionary_cache_where_told(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(tokenize, "_vocab", None)
    monkeypatch.setattr(tokenize, "_cache_folder", None)
    tokenize.keep_cache_in(tmp_path / "words")  # a folder that does not exist yet
    assert "消薄飞地" in tokens("消薄飞地累计返利932.7万元")
    assert (tmp_path / "words" / "jieba.cache").is_file()


def test_copied_tag_table_tags_like_a_fresh_tagger() -> None:
    import jieba.posseg

    vocab = tokenize._make_vocab()
    pending = dict(vocab.cutter.user_word_tag_tab)  # the domain words' tags, merged by whichever tagger cuts first
    assert pending
    fresh = jieba.posseg.POSTokenizer(vocab.cutter)  # reads the dictionary's tags itself
    fresh.word_tag_tab.update(pending)
    text = "余姚市在松阳大东坝镇横樟村建设“消薄飞地”，汤飞帆市长作出批示，宁波支援合作工作简报报送市委办公厅。"
    assert [(w.word, w.flag) for w in vocab.tagger.cut(text)] == [(w.word, w.flag) for w in fresh.cut(text)]
    assert vocab.tagger.word_tag_tab == fresh.word_tag_tab  # the domain words' tags merged into both
    assert vocab.tagger.word_tag_tab is not jieba.posseg.dt.word_tag_tab  # the module's own table left alone


def test_kept_analyses_are_fresh_lists_that_a_caller_may_change() -> None:
    """query_tokens, key_terms and places keep their results (index/memo.py): a caller's change stays its own."""
    question, sentence = "余姚派出了多少技术人才？", "确立松阳大东坝镇横樟村为乡村振兴示范点"
    for analyse, text in ((query_tokens, question), (key_terms, question), (places, sentence)):
        first = analyse(text)
        expected = list(first)
        first.append("改")
        first.clear()
        assert analyse(text) == expected and expected


def test_years_of_a_long_run_of_spaces_cost_linear_time() -> None:
    # A report's year followed by spaces: five unbounded "\s*" in a row took 69 s on 400 spaces.
    started = time.process_time()
    for text in ("2022" + " " * 200_000 + "x", "2022 " * 50_000, "1975年" + " " * 200_000 + "的"):
        years(text)
        report_years(text)
    assert time.process_time() - started < 1.0
