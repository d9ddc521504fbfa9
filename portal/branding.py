"""A company's brand colour as a small stylesheet: the site's CSP forbids inline styles.

The colour replaces the primary colour of the site. It is made dark enough for white text on
it (4.5:1, WCAG AA) whatever the officer chose, and lighter and darker shades are derived.
"""

from __future__ import annotations

MIN_CONTRAST_ON_WHITE = 4.5


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in rgb)


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_on_white(rgb: tuple[float, float, float]) -> float:
    return 1.05 / (_luminance(rgb) + 0.05)


def _mix(rgb, other, share: float) -> tuple[float, float, float]:
    return tuple(c + (o - c) * share for c, o in zip(rgb, other, strict=True))


def readable(hex_colour: str) -> str:
    """The colour, darkened in small steps until white text on it reads at 4.5:1."""
    rgb = _rgb(hex_colour)
    while contrast_on_white(rgb) < MIN_CONTRAST_ON_WHITE:
        rgb = _mix(rgb, (0, 0, 0), 0.05)
    return _hex(rgb)


def brand_stylesheet(hex_colour: str) -> str:
    primary = readable(hex_colour)
    rgb = _rgb(primary)
    dark = _hex(_mix(rgb, (0, 0, 0), 0.3))
    soft = _hex(_mix(rgb, (255, 255, 255), 0.88))
    return (
        ":root {\n"
        f"  --c-primary: {primary};\n"
        f"  --c-primary-dark: {dark};\n"
        f"  --c-primary-soft: {soft};\n"
        "}\n"
    )
