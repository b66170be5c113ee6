"""PDF reports: a Jinja template rendered to HTML, then printed by WeasyPrint with a CJK font embedded.

Chinese must print without empty boxes on a machine with no internet (DESIGN.md "Who uses it"), so the font is a
local file found through fontconfig or the Debian package paths and declared with @font-face: WeasyPrint then
embeds (a subset of) it in every PDF.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import current_app, render_template

#: The family name the print stylesheet uses; templates/pdf/base.html sets it on the whole page.
CJK_FAMILY = "NetSales CJK"

#: fonts-wqy-microhei first (installed by `make`), then fonts-noto-cjk.
FONT_FAMILIES = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Serif CJK SC")
KNOWN_FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
)


class FontNotFoundError(RuntimeError):
    """No CJK font is installed, so a PDF would print Chinese as empty boxes."""


def _fontconfig_match(family: str) -> Path | None:
    """The file fontconfig has for ``family`` if it really is that family (fc-match always answers something)."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        out = subprocess.run([fc_match, "-f", "%{family}\n%{file}", f"{family}:lang=zh-cn"],
                             capture_output=True, text=True, timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    families, _, file = out.partition("\n")
    if family.lower() in families.lower() and file and Path(file).is_file():
        return Path(file)
    return None


@lru_cache(maxsize=1)
def find_cjk_font() -> Path:
    """The CJK font file to embed. Raises FontNotFoundError saying what to install."""
    for family in FONT_FAMILIES:
        found = _fontconfig_match(family)
        if found:
            return found
    for candidate in KNOWN_FONT_FILES:
        if Path(candidate).is_file():
            return Path(candidate)
    raise FontNotFoundError(
        "No CJK font found for PDF reports. Install one, e.g. `apt-get install fonts-wqy-microhei` "
        "(or fonts-noto-cjk), then restart NetSales."
    )


def font_face_css() -> str:
    """The @font-face rule that makes WeasyPrint embed the CJK font."""
    return (f'@font-face {{ font-family: "{CJK_FAMILY}"; src: url("{find_cjk_font().as_uri()}"); }}\n'
            f'html {{ font-family: "{CJK_FAMILY}", sans-serif; }}\n')


def _allowed_roots() -> list[Path]:
    roots = [Path(current_app.static_folder or ""), Path(current_app.instance_path), find_cjk_font().parent]
    engine = current_app.extensions["netsales"]
    for name in engine.loaded_names():
        package_dir = engine.plugins[name].package_dir
        if package_dir is not None:
            roots.append(package_dir / "static")
    return [root.resolve() for root in roots]


def _url_fetcher(roots: list[Path]) -> Any:
    """Let a report load only data: URLs and files under the app's static, instance and font folders."""
    from core.pdf_worker import restricted_fetcher

    return restricted_fetcher(roots)


def company_header() -> dict[str, Any]:
    """Company name and logo for the print header, from the settings core.company_name and the uploaded logo."""
    from core.settings import get_setting
    from core.settings.logo import company_logo_path

    logo = company_logo_path()
    return {"company_name": get_setting("core.company_name") or current_app.config.get("COMPANY_NAME", ""),
            "company_logo": logo.resolve().as_uri() if logo else None}


def render_html(template: str, **context: Any) -> str:
    """The HTML a report prints (useful for previews and tests)."""
    context = {**company_header(), **context}
    return render_template(template, **context)


def render_pdf(template: str, **context: Any) -> bytes:
    """Render ``template`` (which extends "pdf/base.html") with ``context`` and print it to PDF bytes.

    The HTML is rendered here (it needs the app, the request and the locale); WeasyPrint prints it in this process's
    PDF worker process (core.pdf_worker), so that the other threads of this process keep the GIL meanwhile.

    Raises FontNotFoundError when no CJK font is installed, core.pdf_worker.PdfWorkerError when the PDF process dies
    or takes longer than PDF_TIMEOUT_SECONDS."""
    from core.pdf_worker import DEFAULT_NICE, DEFAULT_PROCESSES, DEFAULT_TIMEOUT_SECONDS, PrintJob, print_pdf

    job = PrintJob(html=render_html(template, **context), stylesheet=font_face_css(),
                   base_url=Path(current_app.static_folder or ".").as_uri() + "/",
                   roots=tuple(str(root) for root in _allowed_roots()))
    config = current_app.config
    return print_pdf(job, processes=int(config.get("PDF_WORKER_PROCESSES", DEFAULT_PROCESSES)),
                     timeout=float(config.get("PDF_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS)),
                     nice=int(config.get("PDF_WORKER_NICE", DEFAULT_NICE)))
