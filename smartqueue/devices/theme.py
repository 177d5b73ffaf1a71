"""A display's colours: the organisation chooses a background and an accent; the text and the
quieter shades are worked out here so that every pair stays readable from across the lobby
(WCAG contrast, the same arithmetic axe checks)."""

LIGHT_TEXT = "#f5f7fa"
DARK_TEXT = "#111827"
READABLE = 4.5  # WCAG AA for normal text: the accent is also used for small counts


def rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def hex_of(red: float, green: float, blue: float) -> str:
    return "#" + "".join(f"{round(part):02x}" for part in (red, green, blue))


def luminance(colour: str) -> float:
    def linear(part: int) -> float:
        c = part / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(part) for part in rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_on(background: str) -> str:
    """Off-white or near-black, whichever reads better; on a mid-grey, pure white or black
    (one of those two always reaches 4.5)."""
    for light, dark in ((LIGHT_TEXT, DARK_TEXT), ("#ffffff", "#000000")):
        best = max((light, dark), key=lambda text: contrast(text, background))
        if contrast(best, background) >= READABLE:
            return best
    return best


def mix(colour: str, other: str, share: float) -> str:
    """`share` of colour, the rest of other."""
    pairs = zip(rgb(colour), rgb(other), strict=True)
    return hex_of(*(a * share + b * (1 - share) for a, b in pairs))


def muted(text: str, background: str) -> str:
    """The headings' quieter shade: as faint as it can be while still readable."""
    for share in (0.65, 0.75, 0.85):
        shade = mix(text, background, share)
        if contrast(shade, background) >= READABLE:
            return shade
    return text


def panel(text: str, background: str) -> str:
    """The header band: a touch lighter (or darker) than the background, text still readable."""
    band = mix(text, background, 0.07)
    return band if contrast(text, band) >= READABLE else background


def css_variables(background: str, accent: str) -> str:
    """The display's custom properties, for the page's style attribute (both colours were
    checked by the settings form: #rrggbb)."""
    text = text_on(background)
    values = {
        "--display-bg": background,
        "--display-fg": text,
        "--display-muted": muted(text, background),
        "--display-panel": panel(text, background),
        "--display-line": mix(text, background, 0.18),
        "--display-accent": accent,
        "--display-on-accent": text_on(accent),
    }
    return "; ".join(f"{name}: {value}" for name, value in values.items())
