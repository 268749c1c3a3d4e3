from index.segment import split_clauses, split_sentences


def _texts(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def test_splits_on_chinese_terminators() -> None:
    assert _texts("甲。乙！丙？丁；戊") == ["甲。", "乙！", "丙？", "丁；", "戊"]


def test_decimals_and_list_numbers_never_split() -> None:
    text = "累计返利 932.7 万元。1.医疗卫生方面。"
    assert _texts(text) == ["累计返利 932.7 万元。", "1.医疗卫生方面。"]


def test_closing_quotes_and_brackets_stay_with_their_sentence() -> None:
    text = "他说：“已实现满租。”随后离开。（注：数据截至九月。）完"
    assert _texts(text) == ["他说：“已实现满租。”", "随后离开。", "（注：数据截至九月。）", "完"]


def test_ellipsis_runs_are_one_end() -> None:
    assert _texts("等等……然后！？再说") == ["等等……", "然后！？", "再说"]


def test_offsets_are_absolute_and_trimmed() -> None:
    text = "  甲。 乙。"
    spans = split_sentences(text, offset=100)
    assert spans == [(102, 104), (105, 107)]


def test_punctuation_only_pieces_are_dropped() -> None:
    assert _texts("。。甲。") == ["甲。"]
    assert _texts("——") == []


def test_english_sentences_split_but_not_decimals() -> None:
    assert _texts("It rose 5.5 percent. Then it fell.") == ["It rose 5.5 percent.", "Then it fell."]


def test_clauses_split_after_marks_and_keep_thousands_together() -> None:
    text = "截至目前，园区累计开发土地 7.1 平方公里，投资 1,264.5 万元、入驻企业 65 家。"
    clauses = [text[a:b] for a, b in split_clauses(text)]
    assert clauses == ["截至目前，", "园区累计开发土地 7.1 平方公里，", "投资 1,264.5 万元、", "入驻企业 65 家。"]
