"""Serves the embeddable widget (`/widget.js`) and a demo county page that embeds it with the one tag."""

import hashlib
import html
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

WIDGET_DIR = Path(__file__).with_name("widget")


@lru_cache
def widget_script() -> tuple[bytes, str]:
    """The script and its ETag: counties' pages revalidate it cheaply instead of refetching."""
    body = (WIDGET_DIR / "widget.js").read_bytes()
    return body, '"' + hashlib.sha256(body).hexdigest()[:16] + '"'


def embed_tag(origin: str, county: str, lang: str = "auto", color: str = "#0b5a8a") -> str:
    """The one line a county web editor pastes into their page."""
    a = {k: html.escape(v, quote=True) for k, v in dict(origin=origin, county=county, lang=lang, color=color).items()}
    return (f'<script src="{a["origin"]}/widget.js" data-api="{a["origin"]}" data-county="{a["county"]}" '
            f'data-lang="{a["lang"]}" data-color="{a["color"]}" defer></script>')


def create_router(demo_county: str) -> APIRouter:
    router = APIRouter(tags=["widget"])

    @router.get("/widget.js", include_in_schema=False)
    def widget(request: Request) -> Response:
        body, etag = widget_script()
        headers = {"ETag": etag, "Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"}
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        return Response(body, media_type="text/javascript; charset=utf-8", headers=headers)

    @router.get("/demo", response_class=HTMLResponse, include_in_schema=False)
    def demo(request: Request, county: str | None = None) -> HTMLResponse:
        name = (county or demo_county).strip()[:60] or demo_county
        tag = embed_tag(str(request.base_url).rstrip("/"), name)
        page = (WIDGET_DIR / "demo.html").read_text(encoding="utf-8")
        page = page.replace("{{COUNTY}}", html.escape(name)).replace("{{TAG_ESCAPED}}", html.escape(tag)).replace("{{TAG}}", tag)
        return HTMLResponse(page, headers={"Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                                                                    "img-src 'self' data:; frame-ancestors 'none'"})

    return router
