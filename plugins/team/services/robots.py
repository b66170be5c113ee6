"""Group-chat robots of WeCom, DingTalk and Feishu (R8.2.1): each provider's signature rule, a queue of messages
that a job delivers with retries, and a failed state the sender sees. Queuing never waits on the network, so a
robot that times out or answers an error never blocks the action that sent the message."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import time
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlparse

import requests
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from core.extensions import db
from core.timeutil import utcnow
from plugins.team.models import AUDIENCES, PROVIDERS, RobotChannel, RobotMessage
from plugins.team.services import TeamError

log = logging.getLogger(__name__)

RETRY_SECONDS = 60
MAX_BACKOFF_SECONDS = 3600
LEASE_SECONDS = 300
BATCH = 20


# ---------------------------------------------------------------------------------------------------- signatures


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk: Base64(HMAC-SHA256(key=secret, message="timestamp\\nsecret")), sent URL-encoded in the URL."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu: Base64(HMAC-SHA256(key="timestamp\\nsecret", message="")), sent in the JSON body."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def build_request(channel: RobotChannel, title: str, text: str, url: str | None,
                  now: float | None = None) -> tuple[str, dict[str, Any]]:
    """(URL, JSON body) of one message to ``channel``, signed as its provider requires."""
    now = time.time() if now is None else now
    content = f"{title}\n{text}" + (f"\n{url}" if url else "")
    if channel.provider == "dingtalk":
        target = channel.webhook_url
        if channel.secret:
            stamp = int(now * 1000)
            separator = "&" if "?" in target else "?"
            target += f"{separator}timestamp={stamp}&sign={quote(dingtalk_sign(channel.secret, stamp), safe='')}"
        return target, {"msgtype": "text", "text": {"content": content}}
    if channel.provider == "feishu":
        body: dict[str, Any] = {"msg_type": "text", "content": {"text": content}}
        if channel.secret:
            stamp = int(now)
            body.update(timestamp=str(stamp), sign=feishu_sign(channel.secret, stamp))
        return channel.webhook_url, body
    # WeCom group robots authenticate by the key in the webhook URL itself.
    return channel.webhook_url, {"msgtype": "text", "text": {"content": content}}


def answer_error(provider: str, response: requests.Response) -> str | None:
    """None if the provider accepted the message, else what went wrong (HTTP status or its error code)."""
    if response.status_code >= 400:
        return f"HTTP {response.status_code}"
    try:
        data = response.json()
    except ValueError:
        return "not a JSON answer"
    if not isinstance(data, dict):
        return "not a JSON object"
    code = data.get("code", data.get("StatusCode")) if provider == "feishu" else data.get("errcode")
    if code not in (0, None) or (provider != "feishu" and code is None):
        message = data.get("msg") or data.get("errmsg") or ""
        return f"error {code}: {message}"[:500]
    return None


# ---------------------------------------------------------------------------------------------------- channels


def check_channel(provider: str, webhook_url: str, audience: str, department_id: int | None) -> None:
    if provider not in PROVIDERS:
        raise TeamError(_l("Choose a provider."), "provider")
    parsed = urlparse((webhook_url or "").strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise TeamError(_l("Enter the robot's webhook address, starting with https://."), "webhook_url")
    if audience not in AUDIENCES:
        raise TeamError(_l("Choose who the robot's group is."), "audience")
    if audience == "department" and not department_id:
        raise TeamError(_l("Choose the department."), "department_id")


def create_channel(session: Any, user: Any, *, name: str, provider: str, webhook_url: str, secret: str | None,
                   audience: str, department_id: int | None = None) -> RobotChannel:
    check_channel(provider, webhook_url, audience, department_id)
    channel = RobotChannel(name=name.strip(), provider=provider, webhook_url=webhook_url.strip(),
                           secret=(secret or "").strip() or None, audience=audience,
                           department_id=department_id if audience == "department" else None,
                           team_leader_id=user.id if audience == "team" else None)
    session.add(channel)
    session.flush()
    return channel


def queue(session: Any, *, audience: str, department_id: int | None, team_leader_id: int | None, title: str,
          text: str, url: str | None = None, sender: Any = None) -> list[RobotMessage]:
    """Queue a message for the robots of exactly this audience (in the caller's transaction)."""
    stmt = select(RobotChannel).where(RobotChannel.active, RobotChannel.audience == audience)
    if audience == "department":
        stmt = stmt.where(RobotChannel.department_id == department_id)
    elif audience == "team":
        stmt = stmt.where(RobotChannel.team_leader_id == team_leader_id)
    return queue_to(session, list(session.scalars(stmt)), title=title, text=text, url=url, sender=sender)


def queue_to(session: Any, channels: list[RobotChannel], *, title: str, text: str, url: str | None = None,
             sender: Any = None) -> list[RobotMessage]:
    messages = [RobotMessage(channel_id=c.id, sender_id=getattr(sender, "id", None), title=str(title)[:200],
                             text=str(text), url=url, next_attempt_at=utcnow()) for c in channels]
    session.add_all(messages)
    session.flush()
    return messages


# ---------------------------------------------------------------------------------------------------- delivery


def backoff(attempts: int) -> int:
    return min(RETRY_SECONDS * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS)


def _claim(now: datetime) -> list[int]:
    """Lease up to BATCH due messages; a conditional UPDATE per message, so two workers never send one twice."""
    due = db.session.scalars(
        select(RobotMessage.id).where(RobotMessage.state == "pending", RobotMessage.next_attempt_at <= now,
                                      or_(RobotMessage.locked_until.is_(None), RobotMessage.locked_until < now))
        .order_by(RobotMessage.next_attempt_at).limit(BATCH)).all()
    claimed = []
    for message_id in due:
        result = db.session.execute(
            update(RobotMessage).where(RobotMessage.id == message_id, RobotMessage.state == "pending",
                                       or_(RobotMessage.locked_until.is_(None), RobotMessage.locked_until < now))
            .values(locked_until=now + timedelta(seconds=LEASE_SECONDS)))
        if result.rowcount == 1:
            claimed.append(message_id)
    db.session.commit()
    return claimed


def deliver(message: RobotMessage, timeout: float) -> str | None:
    """Post one message; None on success, else the error (never raises)."""
    url, body = build_request(message.channel, message.title, message.text, message.url)
    try:
        response = requests.post(url, json=body, timeout=timeout)
    except requests.RequestException as exc:
        return f"{type(exc).__name__}: {exc}"[:500]
    return answer_error(message.channel.provider, response)


def send_due(now: datetime | None = None) -> int:
    """Deliver the due messages; returns how many went out. Each outcome is committed on its own."""
    from core.notifications.service import notify
    from core.settings import get_setting

    now = now or utcnow()
    timeout = max(1, int(get_setting("team.robot_timeout_seconds") or 5))
    max_attempts = max(1, int(get_setting("team.robot_max_attempts") or 5))
    sent = 0
    for message_id in _claim(now):
        message = db.session.get(RobotMessage, message_id)
        if message is None:
            continue
        error = deliver(message, timeout) if message.channel.active else "the channel is switched off"
        message.attempts += 1
        message.locked_until = None
        if error is None:
            message.state, message.sent_at, message.next_attempt_at, message.last_error = "sent", utcnow(), None, None
            sent += 1
        else:
            message.last_error = error
            if message.attempts >= max_attempts:
                message.state, message.next_attempt_at = "failed", None
                if message.sender_id:
                    from core.identity.models import User

                    sender = db.session.get(User, message.sender_id)
                    if sender is not None:
                        notify(sender, _l("The group robot %(channel)s could not deliver \"%(title)s\"."),
                               "/team/robots/messages", channel=message.channel.name, title=message.title)
            else:
                message.next_attempt_at = now + timedelta(seconds=backoff(message.attempts))
            log.warning("robot message %s to channel %s: %s", message.id, message.channel_id, error)
        db.session.commit()
    return sent


def retry(session: Any, message: RobotMessage) -> None:
    """Send a failed message again (the sender asks from the messages page)."""
    if message.state != "failed":
        raise TeamError(_l("Only a failed message can be sent again."))
    message.state, message.attempts, message.next_attempt_at, message.last_error = "pending", 0, utcnow(), None
    session.flush()
