"""Plain-text tables that line up in a terminal with Chinese (wide) characters."""

import wcwidth


def width(text: str) -> int:
    """Columns the text takes in a terminal (a Chinese character two)."""
    return wcwidth.width(text)


def pad(text: str, size: int) -> str:
    return text + " " * max(0, size - width(text))


def render(header: list[str], rows: list[list[str]], max_width: int = 40) -> str:
    def clip(text: str) -> str:
        text = str(text)
        while width(text) > max_width:
            text = text[:-2] + "…"
        return text

    rows = [[clip(c) for c in row] for row in rows]
    sizes = [max(width(h), *(width(r[i]) for r in rows)) if rows else width(h) for i, h in enumerate(header)]
    lines = ["  ".join(pad(h, s) for h, s in zip(header, sizes)).rstrip()]
    lines.append("  ".join("-" * s for s in sizes))
    lines += ["  ".join(pad(c, s) for c, s in zip(r, sizes)).rstrip() for r in rows]
    return "\n".join(lines)
