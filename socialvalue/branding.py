"""A council's brand colour: parsed and checked once, for the settings and the CSS build."""

import re

DEFAULT_BRAND_COLOUR = "#0b4f6c"
# White header text on the brand colour must meet WCAG 2.2 AA for normal text.
MINIMUM_CONTRAST = 4.5


def normalise_colour(value: str) -> str:
    """'#ABC' or '#aabbcc' -> '#aabbcc'; anything else raises ValueError."""
    value = (value or "").strip()
    if not re.fullmatch(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})", value):
        raise ValueError(f"a brand colour must be a hex colour like #0b4f6c, not {value!r}")
    value = value.lower()
    if len(value) == 4:
        value = "#" + "".join(c * 2 for c in value[1:])
    return value


def contrast_with_white(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


def checked_brand_colour(value: str | None) -> str:
    colour = normalise_colour(value or DEFAULT_BRAND_COLOUR)
    ratio = contrast_with_white(colour)
    if ratio < MINIMUM_CONTRAST:
        raise ValueError(
            f"brand colour {colour} has contrast {ratio:.1f}:1 with white text; "
            f"it needs at least {MINIMUM_CONTRAST}:1 (WCAG 2.2 AA). Choose a darker colour"
        )
    return colour
