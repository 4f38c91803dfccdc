"""HTML pieces shared by the reprs, the previews and the report: escaping, numbers, the style.

The style reads its colours from CSS variables that follow ``prefers-color-scheme`` and the
themes of JupyterLab / VS Code (their body attributes), so a preview is readable in light and
dark notebooks alike. Nothing refers to the network: no fonts, scripts or images by URL.
"""

from __future__ import annotations

import html
from typing import Any

__all__ = ["CSS", "esc", "fmt", "page", "shorten", "wrap"]


def esc(text: Any) -> str:
    """``text`` escaped for HTML/SVG text and attribute values."""
    return html.escape(str(text), quote=True)


def fmt(value: float, digits: int = 3) -> str:
    """A number for an SVG attribute: ``digits`` decimals, no trailing zeros.

    Pixels need 3 (a thousandth of a natural pixel); angles get 6, so a turned side of
    thousands of pixels still ends within a thousandth of a pixel.

    >>> fmt(12.5), fmt(3.0), fmt(-0.0001), fmt(1.8125, 6)
    ('12.5', '3', '0', '1.8125')
    """
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis.

    >>> shorten("abcdef", 4)
    'abc…'
    """
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


CSS = """
.pl-root{--pl-fg:#1f2328;--pl-muted:#656d76;--pl-bg:#ffffff;--pl-panel:#f6f8fa;
 --pl-border:#d0d7de;--pl-err:#cf222e;--pl-warn:#9a6700;--pl-mark:#0969da;
 font:13px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--pl-fg);}
@media (prefers-color-scheme:dark){.pl-root{--pl-fg:#e6edf3;--pl-muted:#9198a1;
 --pl-bg:#0d1117;--pl-panel:#161b22;--pl-border:#3d444d;--pl-err:#ff7b72;--pl-warn:#d29922;
 --pl-mark:#58a6ff;}}
body[data-jp-theme-light=false] .pl-root,body.vscode-dark .pl-root,
body.vscode-high-contrast .pl-root,.pl-dark .pl-root,.pl-root.pl-dark{--pl-fg:#e6edf3;
 --pl-muted:#9198a1;--pl-bg:#0d1117;--pl-panel:#161b22;--pl-border:#3d444d;--pl-err:#ff7b72;
 --pl-warn:#d29922;--pl-mark:#58a6ff;}
body[data-jp-theme-light=true] .pl-root,body.vscode-light .pl-root,.pl-light .pl-root,
.pl-root.pl-light{--pl-fg:#1f2328;--pl-muted:#656d76;--pl-bg:#ffffff;--pl-panel:#f6f8fa;
 --pl-border:#d0d7de;--pl-err:#cf222e;--pl-warn:#9a6700;--pl-mark:#0969da;}
.pl-root table{border-collapse:collapse;margin:4px 0;font-size:12px}
.pl-root th,.pl-root td{border:1px solid var(--pl-border);padding:2px 6px;text-align:left;
 vertical-align:top;color:var(--pl-fg);background:transparent}
.pl-root th{background:var(--pl-panel)}
.pl-root .pl-muted{color:var(--pl-muted)}
.pl-root .pl-err{color:var(--pl-err)} .pl-root .pl-warn{color:var(--pl-warn)}
.pl-root code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}
.pl-root .pl-swatch{display:inline-block;width:10px;height:10px;border-radius:2px;
 margin-right:4px;vertical-align:-1px;border:1px solid var(--pl-border)}
.pl-root .pl-task{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}
.pl-root .pl-object{max-width:100%}
.pl-root .pl-object-name{font-size:11px;color:var(--pl-muted)}
.pl-root .pl-side{min-width:160px;max-width:360px}
.pl-root svg.pl-image{display:block;background:var(--pl-panel);max-width:100%;height:auto}
.pl-root svg.pl-image text{font-family:system-ui,sans-serif;paint-order:stroke;
 stroke:#000;stroke-opacity:.7;stroke-linejoin:round}
.pl-root .pl-text{white-space:pre-wrap;max-height:24em;overflow:auto;padding:6px;
 border:1px solid var(--pl-border);background:var(--pl-panel);max-width:720px}
.pl-root .pl-span{border-radius:2px;padding:0 1px;color:var(--pl-fg)}
.pl-root .pl-span sup{font-size:9px;color:var(--pl-muted);margin-left:2px}
.pl-root .pl-problem{outline:2px dashed var(--pl-err);outline-offset:1px}
.pl-root svg.pl-timeline{display:block;max-width:100%;background:var(--pl-panel)}
.pl-root svg.pl-timeline text{fill:var(--pl-fg);font:10px system-ui,sans-serif}
.pl-root .pl-more{color:var(--pl-muted);font-style:italic}
"""


def wrap(body: str, *, style: bool = True) -> str:
    """``body`` inside the preview root element (and the style, once per output cell)."""
    css = f"<style>{CSS}</style>" if style else ""
    return f'{css}<div class="pl-root">{body}</div>'


def page(title: str, body: str, *, head: str = "") -> str:
    """A whole HTML document around a preview fragment (no external resources)."""
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{esc(title)}</title>{head}</head>"
        '<body style="margin:16px;background:Canvas;color:CanvasText;color-scheme:light dark">'
        f"{body}</body></html>\n"
    )
