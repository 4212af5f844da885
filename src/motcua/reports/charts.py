"""Charts drawn on the server as SVG with pygal (decisions/0008-charts.md), inlined in pages.

pygal embeds a small configuration script in every chart for its optional tooltips; the pages
run no JavaScript, so it is removed, and the chart gets `role="img"` and a label. Every chart
on a page is paired with a table of the same numbers (the accessible alternative).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pygal
from django.utils.safestring import SafeString, mark_safe
from pygal.style import Style

_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})

STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1d2733",
    foreground_strong="#1d2733",
    foreground_subtle="#d8dee6",
    colors=("#0b5cab", "#067647", "#b54708", "#b42318"),
    font_family='system-ui, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", Arial, sans-serif',
    label_font_size=12,
    major_label_font_size=12,
    value_font_size=11,
    title_font_size=15,
    legend_font_size=12,
)


def _config(title: str, labels: Sequence[str]) -> dict:
    return {
        "title": title,
        "style": STYLE,
        "js": [],
        "disable_xml_declaration": True,
        "width": 640,
        "height": 300,
        "show_legend": False,
        "x_label_rotation": 0 if len(labels) <= 8 else 40,
        "print_values": True,
        "margin": 12,
        "margin_right": 36,
    }


def _inline(chart: pygal.graph.graph.Graph, label: str) -> SafeString:
    svg = chart.render(is_unicode=True)
    svg = _COMMENT.sub("", _SCRIPT.sub("", svg))
    label = label.translate(_ESCAPES)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" focusable="false" ', 1)
    return mark_safe(svg)  # noqa: S308  (pygal's own markup; the label is escaped above)


def bar_svg(title: str, labels: Sequence[str], values: Sequence[int]) -> SafeString:
    """A column chart of counts (e.g. dossiers received per week)."""
    chart = pygal.Bar(**_config(title, labels), value_formatter=lambda v: f"{v:,.0f}")
    chart.x_labels = list(labels)
    chart.add(title, list(values))
    return _inline(chart, title)


def rate_svg(
    title: str, labels: Sequence[str], percents: Sequence[float | None], *,
    target: float | None = None, target_label: str = "",
) -> SafeString:  # fmt: skip
    """A line chart of a rate in percent (None: no dossier in that period), 0–100, with the
    target as a dashed line when there is one."""
    config = _config(title, labels) | {"range": (0, 100), "show_legend": target is not None}
    chart = pygal.Line(
        **config, value_formatter=lambda v: f"{v:.1f}%".replace(".", ","), allow_interruptions=True
    )
    chart.x_labels = list(labels)
    chart.add(title, list(percents))
    if target is not None:
        chart.add(
            target_label, [target] * len(labels),
            stroke_style={"dasharray": "6, 4", "width": 2}, show_dots=False, print_values=False,
        )  # fmt: skip
    return _inline(chart, title)
