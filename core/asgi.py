"""Two steps of raw ASGI middleware that reads a request body before the app does: read it (bounded), then hand
the app a `receive` that gives the same body again."""


async def read_body(receive, limit: int) -> bytes | None:
    """The whole request body, or None once it passes `limit` bytes (the rest is never read into memory)."""
    body, more = b"", True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        body += message.get("body", b"")
        more = message.get("more_body", False)
        if len(body) > limit:
            return None
    return body


def replaying(body: bytes, receive):
    """A `receive` that first delivers `body` whole, then whatever the connection sends next (a disconnect)."""
    delivered = False

    async def replay():
        nonlocal delivered
        if delivered:
            return await receive()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
