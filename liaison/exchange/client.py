"""Talking to a peer over HTTP: identity, feed pages, receipts and pings (signed requests)."""

from __future__ import annotations

import functools
import json
import ssl
from typing import Any

import httpx

from liaison.exchange.envelope import EnvelopeError, strict_json
from liaison.exchange.models import Peer
from liaison.exchange.services.inbox import MAX_FEED_BYTES
from liaison.exchange.services.signing import sign_request

USER_AGENT = "liaison-federation/1"


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The verifying TLS context of every peer client of this process: loading the CA bundle
    for each new client took more CPU than a sync cycle's own work (about 20 ms a time)."""
    return httpx.create_ssl_context()


class PeerUnreachable(Exception):
    """The peer could not be reached or answered with an error; the message says which."""


def _limited(response: httpx.Response, limit: int) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise PeerUnreachable(f"answer over {limit} bytes; refused")
        chunks.append(chunk)
    return b"".join(chunks)


def fetch_identity(url: str, timeout: float = 15) -> dict[str, Any]:
    target = url.rstrip("/") + "/federation/v1/identity"
    try:
        with (
            httpx.Client(
                timeout=timeout, headers={"User-Agent": USER_AGENT}, verify=tls_context()
            ) as http,
            http.stream("GET", target) as response,
        ):
            body = _limited(response, 1024 * 1024)
            if response.status_code != 200:
                raise PeerUnreachable(f"{target} answered HTTP {response.status_code}")
    except httpx.HTTPError as exc:
        raise PeerUnreachable(f"cannot reach {target}: {exc or type(exc).__name__}") from exc
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise PeerUnreachable(f"{target} did not answer with JSON") from exc
    if not isinstance(data, dict):
        raise PeerUnreachable(f"{target} did not answer with a JSON object")
    return data


class PeerClient:
    def __init__(self, peer: Peer, timeout: float = 60) -> None:
        self.peer = peer
        self.http = httpx.Client(
            timeout=timeout, headers={"User-Agent": USER_AGENT}, verify=tls_context()
        )

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> PeerClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, method: str, path: str, body: bytes = b"", limit: int = 1024 * 1024) -> bytes:
        headers = sign_request(method, path, body, self.peer.node_id)
        if body:
            headers["Content-Type"] = "application/json"
        url = self.peer.url.rstrip("/") + path
        try:
            with self.http.stream(method, url, content=body or None, headers=headers) as response:
                data = _limited(response, limit)
                if response.status_code != 200:
                    raise PeerUnreachable(_error_text(response.status_code, data, path))
                return data
        except httpx.HTTPError as exc:
            raise PeerUnreachable(
                f"cannot reach {self.peer.url}: {exc or type(exc).__name__}"
            ) from exc

    def feed(self, after: int, limit: int) -> dict[str, Any]:
        raw = self._call(
            "GET", f"/federation/v1/feed?after={after}&limit={limit}", limit=MAX_FEED_BYTES
        )
        try:
            page = strict_json(raw, "feed page")
        except EnvelopeError as exc:
            raise PeerUnreachable(f"feed page refused: {exc}") from exc
        return check_page(page, after)

    def receipt(self, token: str) -> dict[str, Any]:
        raw = self._call("POST", "/federation/v1/receipts", json.dumps({"receipt": token}).encode())
        return json.loads(raw)  # type: ignore[no-any-return]

    def ping(self) -> None:
        self._call("POST", "/federation/v1/ping", b"{}")


def _error_text(status: int, data: bytes, path: str) -> str:
    try:
        body = json.loads(data)
        return f"{path} refused (HTTP {status}): {body.get('error')}: {body.get('detail')}"
    except (ValueError, AttributeError):
        return f"{path} answered HTTP {status}"


def check_page(page: Any, after: int) -> dict[str, Any]:
    """A feed page must be {"items": [{"seq": int, "jws": str}…] increasing, "more": bool}."""
    if not isinstance(page, dict) or not isinstance(page.get("items"), list):
        raise PeerUnreachable("feed page refused: not an object with a list of items")
    last = after
    for item in page["items"]:
        if (
            not isinstance(item, dict)
            or type(item.get("seq")) is not int
            or not isinstance(item.get("jws"), str)
        ):
            raise PeerUnreachable("feed page refused: an item is not {seq, jws}")
        if item["seq"] <= last:
            raise PeerUnreachable(
                "feed page refused: items are not in increasing order after the cursor"
            )
        last = item["seq"]
    if not isinstance(page.get("more"), bool):
        raise PeerUnreachable("feed page refused: 'more' must be true or false")
    return page
