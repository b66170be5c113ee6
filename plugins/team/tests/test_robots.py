"""Group-chat robots (R8.2.1): each provider's signature, checked by a local HTTP server on 127.0.0.1 as the
provider would; delivery by the job with retries and a failed state the sender sees; the action that sent the
message never waits on the robot."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import select

from core.notifications.models import Notification
from core.timeutil import utcnow
from plugins.team.models import RobotMessage
from plugins.team.services import robots

SECRET = "SEC0123456789abcdef"
WECOM_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"


class Robot(BaseHTTPRequestHandler):
    """Answers as the providers do: errcode/code 0 when the signature (or key) is right, an error otherwise."""

    received: list[dict]
    mode = "ok"

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        url = urlparse(self.path)
        query = parse_qs(url.query)
        self.server.received.append({"path": url.path, "query": query, "body": body})  # type: ignore[attr-defined]
        if self.server.mode == "slow":  # type: ignore[attr-defined]
            time.sleep(2.5)
        if self.server.mode == "error":  # type: ignore[attr-defined]
            self._answer(500, {"errcode": 1})
            return
        if url.path == "/dingtalk":
            stamp = query["timestamp"][0]
            expected = base64.b64encode(hmac.new(SECRET.encode(), f"{stamp}\n{SECRET}".encode(),
                                                 hashlib.sha256).digest()).decode()
            fresh = abs(int(stamp) - time.time() * 1000) < 3600_000
            ok = query["sign"][0] == expected and fresh
            self._answer(200, {"errcode": 0 if ok else 310000, "errmsg": "ok" if ok else "sign not match"})
        elif url.path == "/feishu":
            expected = base64.b64encode(hmac.new(f"{body['timestamp']}\n{SECRET}".encode(), b"",
                                                 hashlib.sha256).digest()).decode()
            ok = body.get("sign") == expected
            self._answer(200, {"code": 0 if ok else 19021, "msg": "success" if ok else "sign match fail"})
        elif url.path == "/cgi-bin/webhook/send":
            ok = query.get("key") == [WECOM_KEY]
            self._answer(200, {"errcode": 0 if ok else 93000, "errmsg": "ok" if ok else "invalid webhook url"})
        else:
            self._answer(404, {})

    def _answer(self, status: int, data: dict) -> None:
        payload = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            self.wfile.write(payload)


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Robot)
    httpd.received = []  # type: ignore[attr-defined]
    httpd.mode = "ok"  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def base(httpd: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{httpd.server_address[1]}"


def channel(db, people, httpd, provider, path, secret=SECRET, audience="all"):
    row = robots.create_channel(db.session, people["manager"], name=f"{provider} 群", provider=provider,
                                webhook_url=base(httpd) + path, secret=secret, audience=audience)
    db.session.commit()
    return row


def test_signatures_follow_the_providers_rules():
    # DingTalk: Base64(HmacSHA256(key=secret, "timestamp\nsecret")); Feishu: key "timestamp\nsecret", empty message.
    assert robots.dingtalk_sign(SECRET, 1700000000000) == base64.b64encode(
        hmac.new(SECRET.encode(), b"1700000000000\n" + SECRET.encode(), hashlib.sha256).digest()).decode()
    assert robots.feishu_sign(SECRET, 1700000000) == base64.b64encode(
        hmac.new(b"1700000000\n" + SECRET.encode(), b"", hashlib.sha256).digest()).decode()
    assert robots.dingtalk_sign(SECRET, 1) != robots.dingtalk_sign("other", 1)


@pytest.mark.parametrize("provider,path", [("dingtalk", "/dingtalk"), ("feishu", "/feishu"),
                                           ("wecom", f"/cgi-bin/webhook/send?key={WECOM_KEY}")])
def test_a_notice_reaches_each_providers_robot_signed(app, db, people, server, provider, path):
    from plugins.team.services import notices

    channel(db, people, server, provider, path, secret=SECRET if provider != "wecom" else None)
    notices.publish(db.session, people["manager"], title="放假通知", body="国庆放假七天。")
    db.session.commit()
    assert server.received == []  # publishing did not wait on the robot
    assert robots.send_due() == 1
    message = db.session.scalar(select(RobotMessage))
    assert message.state == "sent" and message.last_error is None
    assert "放假通知" in json.dumps(server.received[0]["body"], ensure_ascii=False)


def test_a_wrong_secret_is_refused_by_the_robot_and_retried(app, db, people, server, english):
    channel(db, people, server, "dingtalk", "/dingtalk", secret="wrong-secret")
    robots.queue_to(db.session, [robots_channel(db)], title="t", text="x", sender=people["manager"])
    db.session.commit()
    assert robots.send_due() == 0
    message = db.session.scalar(select(RobotMessage))
    assert message.state == "pending" and message.attempts == 1 and "310000" in message.last_error
    assert message.next_attempt_at > utcnow()


def robots_channel(db):
    from plugins.team.models import RobotChannel

    return db.session.scalar(select(RobotChannel))


def test_a_failing_robot_is_retried_then_shown_failed_to_the_sender(app, db, people, server, login_as):
    from core.settings import set_setting

    set_setting("team.robot_max_attempts", 3)
    server.mode = "error"
    channel(db, people, server, "feishu", "/feishu")
    robots.queue_to(db.session, [robots_channel(db)], title="周报", text="x", sender=people["manager"])
    db.session.commit()
    now = utcnow()
    for attempt in range(3):
        robots.send_due(now=now + timedelta(hours=2 * attempt))
    message = db.session.scalar(select(RobotMessage))
    assert message.state == "failed" and message.attempts == 3 and len(server.received) == 3
    told = db.session.scalar(select(Notification).where(Notification.recipient_id == people["manager"].id,
                                                        Notification.url == "/team/robots/messages"))
    assert told is not None
    page = login_as(people["manager"], on=app.test_client()).get("/team/robots/messages").get_data(as_text=True)
    assert "发送失败" in page and "重新发送" in page
    # Sent again from the page, to a robot that has recovered.
    server.mode = "ok"
    login_as(people["manager"], on=app.test_client()).post(f"/team/robots/messages/{message.id}/retry")
    assert robots.send_due() == 1


def test_a_robot_that_times_out_does_not_block_and_is_retried(app, db, people, server):
    from core.settings import set_setting

    set_setting("team.robot_timeout_seconds", 1)
    server.mode = "slow"
    channel(db, people, server, "wecom", f"/cgi-bin/webhook/send?key={WECOM_KEY}", secret=None)
    robots.queue_to(db.session, [robots_channel(db)], title="t", text="x", sender=people["manager"])
    db.session.commit()
    assert robots.send_due() == 0
    message = db.session.scalar(select(RobotMessage))
    assert message.state == "pending" and "Timeout" in message.last_error


def test_only_robot_managers_set_robots_up(app, people, login_as):
    rep = login_as(people["rep"], on=app.test_client())
    assert rep.get("/team/robots").status_code == 403
    assert rep.post("/team/robots", data={"name": "x"}).status_code == 403
    manager = login_as(people["manager"], on=app.test_client())
    answer = manager.post("/team/robots", data={"name": "群", "provider": "dingtalk", "webhook_url": "ftp://x",
                                                "audience": "all"})
    assert answer.status_code == 422 and "https://" in answer.get_data(as_text=True)


def test_a_won_deal_is_announced_to_the_team_robot_when_the_company_wants_it(app, db, people, server):
    from types import SimpleNamespace

    from core.settings import set_setting
    from plugins.team import hooks

    robots.create_channel(db.session, people["supervisor"], name="一组群", provider="wecom",
                          webhook_url=base(server) + f"/cgi-bin/webhook/send?key={WECOM_KEY}", secret=None,
                          audience="team")
    db.session.commit()
    deal = SimpleNamespace(title="年度采购", owner=people["rep"])
    hooks.deal_won(deal=deal, user=people["rep"])
    assert db.session.scalar(select(RobotMessage)) is None  # off by default
    set_setting("team.announce_won_deals", True)
    hooks.deal_won(deal=deal, user=people["rep"])
    db.session.commit()
    assert robots.send_due() == 1
    assert "年度采购" in json.dumps(server.received[0]["body"], ensure_ascii=False)


def test_the_jobs_are_registered(app):
    from core.jobs.runner import registered_jobs

    assert {"team.action_items", "team.escalate_issues", "team.robots", "team.suggest_awards",
            "team.expire_notices"} <= set(registered_jobs())
