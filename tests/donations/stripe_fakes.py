"""Local Stripe servers for tests: localstripe in a thread, and a tiny idempotency-key fake."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalStripe:
    """localstripe's aiohttp app served on 127.0.0.1 from a daemon thread, state in memory."""

    def __init__(self):
        from localstripe import resources, server

        # Its store pickles itself to /tmp on every write; tests keep it in memory only.
        resources.Store.dump_to_disk = lambda self: None
        self.server = server
        self.store = resources.store
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(ready,), daemon=True)
        self.thread.start()
        if not ready.wait(10):
            raise RuntimeError("localstripe did not start")

    def _run(self, ready: threading.Event) -> None:
        from aiohttp import web

        asyncio.set_event_loop(self.loop)
        runner = web.AppRunner(self.server.app, access_log=None)
        self.loop.run_until_complete(runner.setup())
        self.loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", self.port).start())
        ready.set()
        self.loop.run_forever()

    def register_webhook(self, url: str, secret: str) -> None:
        """Have localstripe deliver its events, signed with `secret`, to `url` (as Stripe does)."""
        from urllib.parse import urlencode
        from urllib.request import urlopen

        body = urlencode({"url": url, "secret": secret}).encode()
        endpoint = f"{self.url}/_config/webhooks/cordee"  # always http://127.0.0.1
        with urlopen(endpoint, data=body, timeout=5) as response:  # noqa: S310
            if response.status != 200:
                raise RuntimeError(f"localstripe refused the webhook endpoint: {response.status}")

    def flush(self) -> None:
        """Forget every object and every webhook endpoint registered by a previous test."""
        from localstripe import webhooks

        self.store.clear()
        webhooks._webhooks.clear()


_SERVER: LocalStripe | None = None


def localstripe_server() -> LocalStripe:
    """One localstripe per test process (its store and webhook list are module globals)."""
    global _SERVER
    if _SERVER is None:
        _SERVER = LocalStripe()
    _SERVER.flush()
    return _SERVER


def use_localstripe(settings, webhook_secret: str) -> LocalStripe:
    """Point the app's Stripe settings (pytest-django's `settings` fixture) at localstripe."""
    server = localstripe_server()
    settings.STRIPE_SECRET_KEY = "sk_test_cordee"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_cordee"
    settings.STRIPE_WEBHOOK_SECRET = webhook_secret
    settings.STRIPE_API_BASE = server.url
    settings.STRIPE_JS_URL = f"{server.url}/js.stripe.com/v3/"
    return server


def sign(payload: bytes, secret: str, *, timestamp: int | None = None) -> str:
    """A Stripe-Signature header, made the way Stripe makes it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def event_payload(event_id: str, event_type: str, obj: dict) -> bytes:
    return json.dumps(
        {"id": event_id, "object": "event", "type": event_type, "data": {"object": obj}}
    ).encode()


class IdempotencyFake:
    """A PaymentIntents endpoint that honours Idempotency-Key (localstripe ignores it)."""

    def __init__(self):
        self.by_key: dict[str, dict] = {}
        self.calls: list[str | None] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                self.rfile.read(length)
                key = self.headers.get("Idempotency-Key")
                fake.calls.append(key)
                if key not in fake.by_key:
                    n = len(fake.by_key) + 1
                    fake.by_key[key] = {
                        "id": f"pi_fake{n}",
                        "object": "payment_intent",
                        "client_secret": f"pi_fake{n}_secret_x",
                        "status": "requires_payment_method",
                        "amount": 1000,
                        "currency": "eur",
                        "metadata": {},
                    }
                body = json.dumps(fake.by_key[key]).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


class DisputeFake:
    """Stripe's `GET /v1/disputes/<id>` served from a dict (localstripe has no disputes).

    Tests set `fake.disputes[id] = {...}` to what Stripe would answer now; the app re-reads the
    dispute from here through the real SDK, as it does from Stripe.
    """

    def __init__(self):
        self.disputes: dict[str, dict] = {}
        self.reads: list[str] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                prefix = "/v1/disputes/"
                dispute_id = self.path[len(prefix) :] if self.path.startswith(prefix) else ""
                fake.reads.append(dispute_id)
                found = fake.disputes.get(dispute_id)
                if found is None:
                    status = 404
                    body = {"error": {"type": "invalid_request_error", "message": "No such"}}
                else:
                    status, body = 200, {"object": "dispute", "id": dispute_id, **found}
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
