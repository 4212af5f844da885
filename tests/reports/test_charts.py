"""Charts are SVG drawn on the server (pygal), inlined without scripts; the pages' labels
cover every Decision 766 group, index and "missing" reason of domain.kpi."""

import xml.etree.ElementTree as ET

from motcua.domain import kpi
from motcua.reports import charts, figures

SVG = "{http://www.w3.org/2000/svg}"


def test_bar_chart_is_labelled_svg_without_script():
    svg = charts.bar_svg("Hồ sơ <nhận> & giải quyết", ["1/2026", "2/2026"], [3, 0])
    root = ET.fromstring(svg)  # noqa: S314  (our own chart)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("aria-label") == "Hồ sơ <nhận> & giải quyết"
    assert not list(root.iter(f"{SVG}script"))
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert {"1/2026", "2/2026", "3"} <= texts


def test_rate_chart_has_the_target_line_and_gaps():
    svg = charts.rate_svg("Tỷ lệ", ["a", "b", "c"], [50.0, None, 80.5], target=90,
                          target_label="Chỉ tiêu")  # fmt: skip
    root = ET.fromstring(svg)  # noqa: S314  (our own chart)
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert "Chỉ tiêu" in texts and "80,5%" in texts and "50,0%" in texts
    assert "<script" not in svg


def test_every_766_group_index_and_reason_has_a_label():
    for group in kpi.INDEX_766:
        assert group.key in figures.GROUP_LABELS
        for rule in group.indices:
            assert rule.key in figures.INDEX_LABELS
    score = kpi.score_766({})
    reasons = {part for g in score.groups for i in g.indices for part in i.missing.split("; ")}
    reasons |= {g.note for g in score.groups if g.note}
    assert reasons <= set(figures.MISSING)
    assert figures.percent(None) == "—" and figures.percent(kpi.ratio(6, 11)) == "54,5%"
