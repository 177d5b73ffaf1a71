"""Local stand-ins for what leaves the machine, speaking the real protocols over HTTP on
127.0.0.1: Twilio's Messages API and an integrator's webhook receiver."""

import base64
import hashlib
import hmac
import json
import math
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

E164 = re.compile(r"^\+[1-9]\d{6,14}$")


class Recorder(ThreadingHTTPServer):
    def __init__(self, handler):
        super().__init__(("127.0.0.1", 0), handler)
        self.received: list[dict] = []
        self.failures_left = 0  # answer 500 to this many requests first
        self.delay_seconds = 0.0  # how long each answer takes (a slow provider)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


class TwilioHandler(BaseHTTPRequestHandler):
    """POST /2010-04-01/Accounts/<sid>/Messages.json, as Twilio checks it: basic auth with the
    account's SID and token, To/From/Body present, numbers in E.164 (whatsapp: prefix allowed);
    answers 201 with the message resource, or Twilio's error object."""

    server: "FakeTwilio"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        form = {key: values[0] for key, values in parse_qs(body).items()}
        self.server.received.append({"path": self.path, "form": form})
        time.sleep(self.server.delay_seconds)  # taken even if the sender is gone meanwhile
        if self.server.failures_left:
            self.server.failures_left -= 1
            return self.answer(500, {"code": 20500, "message": "Internal Server Error"})
        if not self.authorised():
            return None
        for field in ("To", "From", "Body"):
            if not form.get(field):
                return self.error(21604 if field == "To" else 21603, f"A '{field}' is required")
        if not E164.match(form["To"].removeprefix("whatsapp:")):
            return self.error(21211, f"The 'To' number {form['To']} is not a valid phone number.")
        message_sid = "SM" + uuid.uuid4().hex
        self.server.messages.insert(
            0, {"sid": message_sid, "to": form["To"], "from": form["From"], "body": form["Body"]}
        )
        self.answer(201, {"sid": message_sid, "status": "queued", "to": form["To"]})

    def do_GET(self):
        """The Messages list, newest first, filtered by To and From (Twilio's query names)."""
        path, _, query = self.path.partition("?")
        self.path = path
        if not self.authorised():
            return
        wanted = {key: values[0] for key, values in parse_qs(query).items()}
        messages = [
            message
            for message in self.server.messages
            if all(
                message[field.lower()] == wanted[field]
                for field in ("To", "From")
                if field in wanted
            )
        ]
        size = int(wanted.get("PageSize", 50))
        self.answer(200, {"messages": messages[:size], "page": 0, "page_size": size})

    def authorised(self) -> bool:
        sid, token = self.server.sid, self.server.token
        expected = "Basic " + base64.b64encode(f"{sid}:{token}".encode()).decode()
        if self.headers.get("Authorization") != expected:
            self.answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
            return False
        if self.path.partition("?")[0] != f"/2010-04-01/Accounts/{sid}/Messages.json":
            self.answer(404, {"code": 20404, "message": "Not found", "status": 404})
            return False
        return True

    def error(self, code: int, message: str):
        self.answer(400, {"code": code, "message": message, "status": 400})

    def answer(self, status: int, payload: dict):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


class FakeTwilio(Recorder):
    def __init__(self, sid: str = "AC" + "1" * 32, token: str = "test-auth-token"):
        self.sid, self.token = sid, token
        self.messages: list[dict] = []  # the ones it took, newest first
        super().__init__(TwilioHandler)


class ReceiverHandler(BaseHTTPRequestHandler):
    """An integrator's endpoint: it checks the HMAC signature before believing a body."""

    server: "WebhookReceiver"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        timestamp = self.headers.get("X-SmartQueue-Timestamp", "")
        given = self.headers.get("X-SmartQueue-Signature", "")
        digest = hmac.new(
            self.server.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
        ).hexdigest()
        valid = hmac.compare_digest(given, "sha256=" + digest)
        self.server.received.append(
            {
                "valid": valid,
                "event_id": self.headers.get("X-SmartQueue-Event-Id"),
                "body": json.loads(body or b"{}"),
            }
        )
        status = 500 if self.server.failures_left else (204 if valid else 401)
        self.server.failures_left = max(0, self.server.failures_left - 1)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class WebhookReceiver(Recorder):
    def __init__(self, secret: str):
        self.secret = secret
        super().__init__(ReceiverHandler)


class OsrmHandler(BaseHTTPRequestHandler):
    """GET /route/v1/<profile>/<lon>,<lat>;<lon>,<lat> as osrm-routed answers it: the route's
    duration from the server's `seconds_per_km` over the straight line (a stand-in network),
    "NoRoute" (HTTP 400) for points in `unreachable`, "InvalidUrl" for a malformed path."""

    server: "FakeOsrm"
    PATH = re.compile(
        r"^/route/v1/(\w+)/(-?\d+\.?\d*),(-?\d+\.?\d*);(-?\d+\.?\d*),(-?\d+\.?\d*)(\?.*)?$"
    )

    def do_GET(self):
        self.server.received.append({"path": self.path})
        time.sleep(self.server.delay_seconds)
        if self.server.failures_left:
            self.server.failures_left -= 1
            return self.answer(500, {"code": "InternalError"})
        match = self.PATH.match(self.path)
        if not match:
            return self.answer(400, {"code": "InvalidUrl", "message": "URL string malformed"})
        lon1, lat1, lon2, lat2 = (float(match.group(n)) for n in range(2, 6))
        if (lat2, lon2) in self.server.unreachable:
            return self.answer(400, {"code": "NoRoute", "message": "Impossible route"})
        km = math.dist((lat1, lon1), (lat2, lon2)) * 111
        duration = round(km * self.server.seconds_per_km, 1)
        route = {"duration": duration, "distance": round(km * 1000, 1), "legs": []}
        return self.answer(200, {"code": "Ok", "routes": [route], "waypoints": []})

    def answer(self, status: int, body: dict):
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (the slow-answer test): nothing to tell it

    def log_message(self, *args):
        pass


class FakeOsrm(Recorder):
    def __init__(self):
        super().__init__(OsrmHandler)
        self.seconds_per_km = 150.0
        self.unreachable: set[tuple[float, float]] = set()


class PushHandler(BaseHTTPRequestHandler):
    """A Web Push service (RFC 8030): POST /push/<subscription> with an encrypted body
    (Content-Encoding: aes128gcm), a TTL and a VAPID Authorization header; 201 Created, or
    the status set for that subscription (410 Gone for one that expired, 302 to test that no
    redirect is followed)."""

    server: "FakePushService"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        name = self.path.rsplit("/", 1)[-1]
        self.server.received.append(
            {"path": self.path, "headers": dict(self.headers), "body": body}
        )
        status = self.server.status_for.get(name, 201)
        self.send_response(status)
        if status == 302:
            self.send_header("Location", f"{self.server.url}/push/elsewhere")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class FakePushService(Recorder):
    def __init__(self):
        super().__init__(PushHandler)
        self.status_for: dict[str, int] = {}
