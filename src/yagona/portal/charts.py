"""Charts drawn on the server as inline SVG: no script, nothing fetched, no inline style
(the Content-Security-Policy allows none; SVG presentation attributes are not styles).
Each is an image with a name and a description (role img, title, desc) and stands beside
a table of the same figures, which is what a screen reader reads. Series differ by
pattern as well as colour, and the map's statuses by shape as well as colour."""

import math

from django.utils.html import format_html
from django.utils.safestring import mark_safe

INK, GRID, PAPER = "#0b0c0c", "#b1b4b6", "#f3f2f1"
BLUE, GREEN = "#1d70b8", "#00703c"
# Status colours (each at least 3:1 against the map's paper) and shapes (not colour alone).
STATUS_STYLE = {"received": ("#1d70b8", "circle"), "in_review": ("#a14100", "triangle"),
                "info_requested": ("#4c2c92", "diamond"), "answered": ("#00703c", "square"),
                "withdrawn": ("#383f43", "cross"), "merged": ("#383f43", "cross")}
SHAPES = {
    "circle": '<circle r="5"/>',
    "triangle": '<path d="M0,-6 L5.5,4 L-5.5,4 Z"/>',
    "diamond": '<path d="M0,-6 L6,0 L0,6 L-6,0 Z"/>',
    "square": '<rect x="-4.5" y="-4.5" width="9" height="9"/>',
    "cross": '<path d="M-5,-3 L-3,-5 L0,-2 L3,-5 L5,-3 L2,0 L5,3 L3,5 L0,2 L-3,5 L-5,3 '
             'L-2,0 Z"/>',
}


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _nice_top(value: float) -> float:
    """A round number at or above ``value`` for the axis: 1, 2, 2.5 or 5 times a power."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value)


def _labelled(key: str, title: str, description: str, width: int, height: int) -> str:
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-labelledby="{k}-title {k}-desc" xmlns="http://www.w3.org/2000/svg" '
        'font-family="system-ui, sans-serif" font-size="14">'
        '<title id="{k}-title">{t}</title><desc id="{k}-desc">{d}</desc>',
        w=width, h=height, k=key, t=title, d=description)


def bar_chart(key: str, title: str, description: str, labels: list[str], series: list,
              *, percent: bool = False, width: int = 640, height: int = 280) -> str:
    """Vertical bars grouped by label (a label's second line after a newline).
    ``series``: [(name, values, colour)], values None
    where there is nothing to show; the second series is hatched. The legend below names
    each series with its swatch."""
    left, right, top, bottom = 48, 8, 12, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _name, vs, _c in series for v in vs if v is not None]
    peak = 100 if percent else _nice_top(max(values, default=0))
    parts = [_labelled(key, title, description, width, height), "<defs>"]
    for index, (_name, _values, colour) in enumerate(series):
        parts.append(_fill_def(key, index, colour))
    parts.append("</defs>")
    for tick in range(5):
        value = peak * tick / 4
        y = top + plot_h - plot_h * tick / 4
        parts.append(format_html(
            '<line x1="{}" x2="{}" y1="{y}" y2="{y}" stroke="{}" stroke-width="1"/>'
            '<text x="{}" y="{}" text-anchor="end" fill="{}">{}{}</text>',
            left, width - right, GRID, left - 6, round(y + 4, 1), INK,
            _number(round(value, 1)), "%" if percent else "", y=round(y, 1)))
    slot = plot_w / max(len(labels), 1)
    bar = slot * 0.8 / max(len(series), 1)
    every = max(1, math.ceil(len(labels) / 12))
    for position, label in enumerate(labels):
        x0 = left + slot * position + slot * 0.1
        for index, (_name, vs, _colour) in enumerate(series):
            value = vs[position]
            if not value:
                continue
            h = plot_h * min(value, peak) / peak
            parts.append(format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="url(#{}-fill{})" '
                'stroke="{}" stroke-width="1"/>', round(x0 + bar * index, 1),
                round(top + plot_h - h, 1), round(bar, 1), round(h, 1), key, index, INK))
        if position % every == 0:
            middle = round(left + slot * (position + 0.5), 1)
            lines = "".join(format_html('<tspan x="{}" dy="{}">{}</tspan>', middle,
                                        "0" if number == 0 else "1.1em", line)
                            for number, line in enumerate(label.split("\n")))
            parts.append(format_html('<text y="{}" text-anchor="middle" fill="{}">{}</text>',
                                     height - bottom + 16, INK, mark_safe(lines)))  # noqa: S308
    parts.append(format_html('<line x1="{l}" x2="{r}" y1="{y}" y2="{y}" stroke="{c}"/>',
                             l=left, r=width - right, y=top + plot_h, c=INK))
    parts.append("</svg>")
    legend = "".join(format_html(
        '<li><svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true" '
        'focusable="false"><defs>{}</defs><rect x="1" y="1" width="16" height="16" '
        'fill="url(#{}-key-fill{})" stroke="{}"/></svg> {}</li>',
        _fill_def(f"{key}-key", index, colour), key, index, INK, name)
        for index, (name, _values, colour) in enumerate(series))
    return mark_safe("".join(parts) + f'<ul class="legend">{legend}</ul>')  # noqa: S308


def _fill_def(key: str, index: int, colour: str) -> str:
    """The fill of a series: plain for the first, hatched for the others."""
    if index == 0:
        return format_html('<pattern id="{}-fill0" width="8" height="8" '
                           'patternUnits="userSpaceOnUse"><rect width="8" height="8" '
                           'fill="{}"/></pattern>', key, colour)
    return format_html(
        '<pattern id="{}-fill{}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="{}"/>'
        '<rect width="2" height="6" fill="#ffffff"/></pattern>', key, index, colour)


def status_symbol(status: str, size: int = 18) -> str:
    """The map's mark of a status, for the legend (beside its name, which says it)."""
    colour, shape = STATUS_STYLE.get(status, (INK, "circle"))
    return format_html(
        '<svg width="{s}" height="{s}" viewBox="-9 -9 18 18" aria-hidden="true" '
        'focusable="false"><g fill="{}" stroke="#ffffff" stroke-width="1">{}</g></svg>',
        colour, mark_safe(SHAPES[shape]), s=size)  # noqa: S308 (our constants)


def scatter_map(key: str, title: str, description: str, bounds, points,
                width: int = 640) -> str:
    """Dots on the pack's map bounds ([west, south, east, north]), an equirectangular
    projection narrowed by the cosine of the middle latitude, with a graticule of whole
    degrees. ``points``: (latitude, longitude, status); those outside are left out."""
    west, south, east, north = (float(b) for b in bounds)
    squeeze = math.cos(math.radians((south + north) / 2))
    margin = 28
    plot_w = width - 2 * margin
    plot_h = plot_w * (north - south) / max((east - west) * squeeze, 1e-9)
    height = round(plot_h + 2 * margin)

    def x(lon):
        return round(margin + (lon - west) / (east - west) * plot_w, 1)

    def y(lat):
        return round(margin + (north - lat) / (north - south) * plot_h, 1)

    parts = [_labelled(key, title, description, width, height), "<defs>"]
    for status, (colour, shape) in STATUS_STYLE.items():
        parts.append(format_html('<g id="{}-{}" fill="{}" stroke="#ffffff" '
                                 'stroke-width="1">{}</g>', key, status, colour,
                                 mark_safe(SHAPES[shape])))  # noqa: S308
    parts.append("</defs>")
    parts.append(format_html('<rect x="{m}" y="{m}" width="{}" height="{}" fill="{}" '
                             'stroke="{}"/>', round(plot_w, 1), round(plot_h, 1), PAPER,
                             INK, m=margin))
    step = max(1, math.ceil(max(east - west, north - south) / 10))
    for lon in range(math.ceil(west), math.floor(east) + 1, step):
        parts.append(format_html(
            '<line x1="{x}" x2="{x}" y1="{}" y2="{}" stroke="{}"/><text x="{x}" y="{}" '
            'text-anchor="middle" fill="{}" font-size="11">{}°</text>', margin,
            round(margin + plot_h, 1), GRID, margin - 8, INK, lon, x=x(lon)))
    for lat in range(math.ceil(south), math.floor(north) + 1, step):
        parts.append(format_html(
            '<line x1="{}" x2="{}" y1="{y}" y2="{y}" stroke="{}"/><text x="{}" y="{}" '
            'text-anchor="end" fill="{}" font-size="11">{}°</text>', margin,
            round(margin + plot_w, 1), GRID, margin - 3, round(y(lat) + 4, 1), INK, lat,
            y=y(lat)))
    for lat, lon, status in points:
        if south <= lat <= north and west <= lon <= east:
            parts.append(format_html('<use href="#{}-{}" x="{}" y="{}"/>', key,
                                     status if status in STATUS_STYLE else "received",
                                     x(lon), y(lat)))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (built with format_html)
