"""The shipped regulation is read clause by clause (core/regulation/REGULATION.md, a copy of the company's)."""

from core.regulation.parser import parent_ids, parse, parse_source


def test_every_clause_of_the_source_is_read_in_order():
    clauses = {c.clause_id: c for c in parse_source()}
    ids = list(clauses)
    assert ids[:4] == ["R1", "R1.1", "R1.2", "R1.3"]
    assert ids.index("R4.1.2") < ids.index("R4.2") < ids.index("R4.3")
    assert len([i for i in ids if i.count(".") == 0]) == 14  # chapters R1..R9 and R10..R14 beyond the source
    assert (clauses["R4.2"].title_zh, clauses["R4.2"].title_en) == ("考核周期", "Cycle")
    assert clauses["R4.2"].text_zh.startswith("績效考核周期為月度考核與年度考核相結合")
    assert clauses["R3.1.4"].title_zh == "背景調查"
    assert clauses["R5.2.1"].text_en.startswith("Classify customers by purchase frequency")
    assert (clauses["R2.1"].title_zh, clauses["R2.1"].title_en) == ("網絡銷售代表", "Sales representative")


def test_beyond_the_source_completes_r9_2_3_and_adds_clauses():
    clauses = {c.clause_id: c for c in parse_source()}
    assert clauses["R9.2.3"].text_zh.startswith("財務部門復審報銷單及其憑證,審核通過后予以支付")
    assert clauses["R9.2.3"].text_en.startswith("Finance re-reviews the claim and its receipts; once approved, the "
                                                 "claim is paid out (reimbursed)")
    assert clauses["R9.x"].title_en == "Over-budget control"
    assert clauses["R13"].title_en == "Record keeping"


def test_our_clauses_beyond_the_source_read_in_chinese_too():
    """The Chinese regulation page must not fall back to English for R9.x and R10-R14 (ours, English-only in
    the document), nor stop R9.2.3 where the source breaks off."""
    clauses = {c.clause_id: c for c in parse_source()}
    for clause_id in ("R9.x", "R10", "R11", "R12", "R13", "R14"):
        assert clauses[clause_id].title_zh and clauses[clause_id].text_zh, clause_id
    assert clauses["R13"].title_zh == "記錄保存"
    assert "予以支付" in clauses["R9.2.3"].text_zh


def test_the_documents_notes_about_its_source_are_not_clause_text():
    """REGULATION.md's notes ("[text ends]", "typical next chapter", bold marks) are for us, not the company; long
    items beyond the source wrap onto indented lines and are read whole."""
    clauses = parse_source()
    for clause in clauses:
        for text in (clause.title_zh, clause.title_en, clause.text_zh, clause.text_en):
            for note in ("[text ends]", "breaks off", "typical", "**", "usually"):
                assert note not in text, (clause.clause_id, note)
    by_id = {c.clause_id: c for c in clauses}
    assert by_id["R11"].text_en.startswith("Customer information is company property, visible only to those whose "
                                           "role and team allow it;")
    assert by_id["R11"].text_en.endswith("keep no more than needed.")
    assert (by_id["R10"].title_en, by_id["R14"].title_en) == ("Rewards and penalties", "Final provisions")


def test_a_small_document():
    text = "## 1. 總則 — General\n**R1.1 目的** 中文。\nPurpose: why.\n- R1.2.1 甲方:乙方 — Alpha: b\n"
    assert [(c.clause_id, c.title_zh, c.title_en, c.text_zh, c.text_en) for c in parse(text)] == [
        ("R1", "總則", "General", "", ""), ("R1.1", "目的", "Purpose", "中文。", "Why."),
        ("R1.2.1", "甲方", "Alpha", "乙方", "B")]


def test_parents():
    assert parent_ids("R5.2.1") == ["R5.2", "R5"]
    assert parent_ids("R5") == []
