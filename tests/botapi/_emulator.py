"""A local Telegram Bot API server for tests and benchmarks, speaking the real API over HTTP.

The bot under test (python-telegram-bot, or anything else) is pointed at ``emulator.base_url``
and cannot tell it from Telegram for the methods the project uses. The test side drives simulated
people (``emulator.user(...)``, ``emulator.forum(...)``) that write, tap buttons and read what
the bot sent them, and injects Telegram's failures (429 with ``retry_after``, a blocked bot,
timeouts).

The server runs on its own event loop in a background thread, so synchronous tests and separate
bot processes can use it alike. Every public method of :class:`BotApiEmulator` is thread-safe.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import secrets
import socket
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any, Callable

from aiohttp import ClientSession, ClientTimeout, web

from ._markup import EntityParseError, parse, utf16_len

log = logging.getLogger(__name__)

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64  # bytes

# fields that arrive JSON-encoded in form bodies (python-telegram-bot posts form data)
_JSON_FIELDS = {
    "reply_markup", "entities", "caption_entities", "allowed_updates", "commands", "scope",
    "reply_parameters", "link_preview_options", "media",
}
_INT_FIELDS = {
    "chat_id", "from_chat_id", "message_id", "offset", "limit", "timeout", "message_thread_id",
    "cache_time", "icon_color", "user_id", "max_connections", "duration",
}
_BOOL_FIELDS = {"show_alert", "drop_pending_updates", "disable_notification", "protect_content"}


class ApiError(Exception):
    """An error the Bot API returns: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after

    def body(self) -> dict:
        body: dict = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(text: str) -> ApiError:
    return ApiError(400, f"Bad Request: {text}")


@dataclass
class Fault:
    """A failure to return instead of running ``method`` (``None``: any method), ``times`` times."""

    method: str | None
    error: ApiError | None = None
    delay: float = 0.0  # seconds to wait before answering (a slow or hanging server)
    times: int = 1
    chat_id: int | None = None


@dataclass
class Call:
    """One request the bot made, as the emulator understood it."""

    method: str
    params: dict
    at: float
    status: int = 200


@dataclass
class Topic:
    chat_id: int
    thread_id: int
    name: str
    icon_color: int = 7322096
    closed: bool = False
    deleted: bool = False


@dataclass
class Sent:
    """A message in a chat, as it currently is (edits applied), with its history."""

    data: dict  # the Message JSON as Telegram would return it
    from_bot: bool
    at: float
    edits: list[dict] = field(default_factory=list)
    deleted: bool = False

    @property
    def message_id(self) -> int:
        return int(self.data["message_id"])

    @property
    def chat_id(self) -> int:
        return int(self.data["chat"]["id"])

    @property
    def thread_id(self) -> int | None:
        return self.data.get("message_thread_id")

    @property
    def text(self) -> str:
        return self.data.get("text") or self.data.get("caption") or ""

    @property
    def entities(self) -> list[dict]:
        return self.data.get("entities") or self.data.get("caption_entities") or []

    @property
    def kind(self) -> str:
        for key in ("text", "photo", "document", "voice", "sticker", "video", "audio"):
            if key in self.data:
                return key
        return "service"

    @property
    def buttons(self) -> list[list[dict]]:
        """Rows of inline buttons (dicts with ``text`` and ``callback_data`` or ``url``)."""
        return list((self.data.get("reply_markup") or {}).get("inline_keyboard") or [])

    def button(self, text_contains: str) -> dict:
        for row in self.buttons:
            for b in row:
                if text_contains in b["text"]:
                    return b
        raise KeyError(f"no button containing {text_contains!r} in {[b['text'] for r in self.buttons for b in r]}")

    def entity_texts(self, kind: str) -> list[str]:
        """The text under each entity of ``kind`` (offsets are UTF-16)."""
        raw = self.text.encode("utf-16-le")
        return [raw[e["offset"] * 2:(e["offset"] + e["length"]) * 2].decode("utf-16-le") for e in self.entities if e["type"] == kind]


class BotApiEmulator:
    """One bot (``token``) and the people and groups it talks with."""

    def __init__(
        self,
        token: str = "123456:TEST-token-for-the-emulator",
        *,
        username: str = "medaliyah_test_bot",
        first_name: str = "MedAliyah",
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_user = {"id": self.bot_id, "is_bot": True, "first_name": first_name, "username": username}
        self.host, self._port = host, port
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._update_ids = itertools.count(1)
        self._updates: deque[dict] = deque()
        self._message_ids: dict[int, itertools.count] = defaultdict(lambda: itertools.count(1))
        self.messages: dict[int, list[Sent]] = defaultdict(list)  # chat id -> every message, in order
        self.calls: list[Call] = []
        self.chats: dict[int, dict] = {}
        self.people: dict[int, dict] = {}
        self.members: dict[int, set[int]] = {}  # group id -> member user ids (unset: everyone is)
        self.blocked: set[int] = set()
        self.topics: dict[tuple[int, int], Topic] = {}
        self._thread_ids = itertools.count(100)
        self.commands: dict[tuple[str, str], list[dict]] = {}  # (scope type, language) -> commands
        self.callback_answers: dict[str, dict] = {}
        self._callbacks: dict[str, tuple[int, float]] = {}  # query id -> (user id, sent at)
        self.chat_actions: list[tuple[int, str]] = []
        self.files: dict[str, tuple[bytes, str, str]] = {}  # file_id -> (content, file name, mime)
        self.webhook: dict | None = None
        self.faults: list[Fault] = []
        self.flood_limit: tuple[int, float] | None = None  # (messages, per seconds) per chat, else 429
        self._recent_sends: dict[int, deque[float]] = defaultdict(deque)
        self.delivered_at: dict[int, float] = {}  # update id -> when getUpdates/webhook handed it over
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup: asyncio.Event | None = None
        self._poller: asyncio.Future | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    # --- lifecycle -------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        """What ``ApplicationBuilder().base_url()`` takes (the token is appended by the client)."""
        return f"http://{self.host}:{self._port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self.host}:{self._port}/file/bot"

    def start(self) -> "BotApiEmulator":
        if not self._port:
            with socket.socket() as s:
                s.bind((self.host, 0))
                self._port = s.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, name="botapi-emulator", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the Bot API emulator did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    def __enter__(self) -> "BotApiEmulator":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def _shutdown(self) -> None:
        self._webhook_task.cancel()
        try:
            await self._webhook_task
        except asyncio.CancelledError:
            pass
        if self._poller is not None and not self._poller.done():
            self._poller.set_result("stopping")
        assert self._runner is not None
        await self._runner.cleanup()

    def _serve(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        self._wakeup = asyncio.Event()
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.*}", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        loop.run_until_complete(self._runner.setup())
        loop.run_until_complete(web.TCPSite(self._runner, self.host, self._port).start())
        self._webhook_task = loop.create_task(self._deliver_webhooks())
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.close()

    # --- the test side: people, groups, faults ----------------------------------------------

    def user(
        self, user_id: int | None = None, first_name: str = "Doctor", *, language_code: str | None = "en",
        last_name: str | None = None, username: str | None = None,
    ) -> "Person":
        with self._lock:
            uid = user_id or 10_000 + len(self.people) + 1
            person = {"id": uid, "is_bot": False, "first_name": first_name}
            if last_name:
                person["last_name"] = last_name
            if username:
                person["username"] = username
            if language_code:
                person["language_code"] = language_code
            self.people[uid] = person
            chat = {"id": uid, "type": "private", "first_name": first_name}
            if last_name:
                chat["last_name"] = last_name
            if username:
                chat["username"] = username
            self.chats[uid] = chat
            return Person(self, person)

    def group(self, chat_id: int = -1001234567890, title: str = "Advisors", *, forum: bool = True) -> "Group":
        with self._lock:
            chat = {"id": chat_id, "type": "supergroup" if chat_id < -1_000_000_000_000 or forum else "group", "title": title}
            if forum:
                chat["is_forum"] = True
            self.chats[chat_id] = chat
            return Group(self, chat)

    def block(self, chat_id: int) -> None:
        """The user blocked the bot: every send to them is refused with 403."""
        with self._lock:
            self.blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        with self._lock:
            self.blocked.discard(chat_id)

    def fail(
        self, method: str | None, code: int = 429, description: str | None = None, *, retry_after: int | None = None,
        times: int = 1, delay: float = 0.0, chat_id: int | None = None,
    ) -> Fault:
        """Make the next ``times`` calls of ``method`` fail (429 defaults to ``retry_after`` 1)."""
        if code == 429:
            retry_after = 1 if retry_after is None else retry_after
            description = description or f"Too Many Requests: retry after {retry_after}"
        error = ApiError(code, description or "Internal Server Error", retry_after) if code else None
        fault = Fault(method, error, delay, times, chat_id)
        with self._lock:
            self.faults.append(fault)
        return fault

    def slow(self, method: str | None, seconds: float, times: int = 1) -> Fault:
        """Answer the next ``times`` calls of ``method`` only after ``seconds`` (a client timeout)."""
        return self.fail(method, 0, delay=seconds, times=times)

    # --- the test side: reading ------------------------------------------------------------

    def sent_to(self, chat_id: int, thread_id: int | None = None) -> list[Sent]:
        """What the bot sent in a chat (and topic), oldest first, edits applied."""
        with self._lock:
            return [
                m for m in self.messages.get(chat_id, [])
                if m.from_bot and not m.deleted and (thread_id is None or m.thread_id == thread_id)
            ]

    def calls_of(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, condition: Callable[[], Any], timeout: float = 15.0, what: str = "the condition") -> Any:
        """Block until ``condition()`` is truthy (re-checked whenever the bot calls the API)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                value = condition()
                if value:
                    return value
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
                self._changed.wait(min(left, 0.5))

    def pending_updates(self) -> int:
        with self._lock:
            return len(self._updates)

    # --- injecting updates ------------------------------------------------------------------

    def _new_message(self, chat_id: int, sender: dict | None, content: dict, thread_id: int | None = None) -> dict:
        with self._lock:
            message: dict = {
                "message_id": next(self._message_ids[chat_id]),
                "date": int(time.time()),
                "chat": dict(self.chats[chat_id]),
            }
            if sender is not None:
                message["from"] = dict(sender)
            if thread_id is not None:
                message["message_thread_id"] = thread_id
                message["is_topic_message"] = True
            message.update(content)
            return message

    def push_update(self, kind: str, payload: dict) -> int:
        with self._lock:
            update_id = next(self._update_ids)
            self._updates.append({"update_id": update_id, kind: payload})
            self._changed.notify_all()
        if self._loop is not None and self._wakeup is not None:
            self._loop.call_soon_threadsafe(self._wakeup.set)
        return update_id

    def _record(self, message: dict, from_bot: bool) -> Sent:
        with self._lock:
            sent = Sent(message, from_bot, time.monotonic())
            self.messages[int(message["chat"]["id"])].append(sent)
            self._changed.notify_all()
            return sent

    def find(self, chat_id: int, message_id: int) -> Sent | None:
        with self._lock:
            return next((m for m in self.messages.get(chat_id, []) if m.message_id == message_id and not m.deleted), None)

    def store_file(self, content: bytes, file_name: str, mime: str) -> dict:
        file_id = "F" + secrets.token_hex(12)
        unique = "U" + secrets.token_hex(6)
        with self._lock:
            self.files[file_id] = (content, file_name, mime)
        return {"file_id": file_id, "file_unique_id": unique, "file_size": len(content)}

    # --- HTTP -------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").body(), status=401)
        try:
            params = await self._params(request)
        except ApiError as exc:
            return web.json_response(exc.body(), status=exc.code)
        call = Call(method, params, time.monotonic())
        with self._lock:
            self.calls.append(call)
        fault = self._take_fault(method, params)
        if fault is not None:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.error is not None:
                call.status = fault.error.code
                self._notify()
                return web.json_response(fault.error.body(), status=fault.error.code)
        handler = getattr(self, "_m_" + method.lower(), None)
        if handler is None:
            call.status = 404
            return web.json_response(ApiError(404, "Not Found").body(), status=404)
        try:
            result = handler(params)
            if asyncio.iscoroutine(result):
                result = await result
        except ApiError as exc:
            call.status = exc.code
            self._notify()
            return web.json_response(exc.body(), status=exc.code)
        except (KeyError, ValueError, TypeError) as exc:
            call.status = 400
            self._notify()
            detail = f"{exc.args[0]} is required" if isinstance(exc, KeyError) else str(exc)
            return web.json_response(bad_request(detail).body(), status=400)
        self._notify()
        return web.json_response({"ok": True, "result": result})

    def _notify(self) -> None:
        with self._changed:
            self._changed.notify_all()

    async def _params(self, request: web.Request) -> dict:
        params: dict[str, Any] = dict(request.query)
        ctype = request.content_type
        if request.can_read_body:
            if ctype == "application/json":
                try:
                    params.update(await request.json())
                except json.JSONDecodeError:
                    raise bad_request("can't parse JSON encoded request parameters") from None
            elif ctype == "multipart/form-data":
                reader = await request.multipart()
                async for part in reader:
                    if part.filename:
                        content = await part.read()
                        params["__file__" + part.name] = (content, part.filename, part.headers.get("Content-Type", "application/octet-stream"))
                    else:
                        params[part.name] = await part.text()
            else:
                params.update(await request.post())
        normalised: dict[str, Any] = {}
        for key, value in params.items():
            if isinstance(value, str):
                if key in _JSON_FIELDS:
                    try:
                        value = json.loads(value)
                    except json.JSONDecodeError:
                        raise bad_request(f"can't parse {key} JSON object") from None
                elif key in _INT_FIELDS:
                    try:
                        value = int(value)
                    except ValueError:
                        if key == "chat_id":
                            raise bad_request("chat not found") from None
                        raise bad_request(f"invalid {key} specified") from None
                elif key in _BOOL_FIELDS:
                    value = value.lower() in ("true", "1")
            normalised[key] = value
        return normalised

    def _take_fault(self, method: str, params: dict) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.times > 0 and (fault.method is None or fault.method == method) and (
                    fault.chat_id is None or params.get("chat_id") == fault.chat_id
                ):
                    fault.times -= 1
                    if fault.times == 0:
                        self.faults.remove(fault)
                    return fault
        return None

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        file_id = request.match_info["path"].split("/")[-1]
        with self._lock:
            entry = self.files.get(file_id)
        if entry is None:
            return web.Response(status=404)
        return web.Response(body=entry[0], content_type=entry[2])

    # --- methods: the bot itself and updates --------------------------------------------------

    def _m_getme(self, params: dict) -> dict:
        return {**self.bot_user, "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}

    def _m_logout(self, params: dict) -> bool:
        return True

    def _m_close(self, params: dict) -> bool:
        return True

    async def _m_getupdates(self, params: dict) -> list[dict]:
        with self._lock:
            if self.webhook is not None:
                raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first")
        # A newer long poll ends the previous one, as on Telegram (the old one gets 409).
        previous = self._poller
        if previous is not None and not previous.done():
            previous.set_result("conflict")
        me: asyncio.Future = asyncio.get_running_loop().create_future()
        self._poller = me
        offset = int(params.get("offset") or 0)
        limit = max(1, min(100, int(params.get("limit") or 100)))
        timeout = max(0, int(params.get("timeout") or 0))
        allowed = params.get("allowed_updates") or []
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                if offset:
                    while self._updates and self._updates[0]["update_id"] < offset:
                        self._updates.popleft()
                batch = [u for u in self._updates if not allowed or any(k in allowed for k in u if k != "update_id")][:limit]
                if batch or time.monotonic() >= deadline:
                    now = time.monotonic()
                    for u in batch:
                        self.delivered_at.setdefault(u["update_id"], now)
                    if self._poller is me:
                        self._poller = None
                    return batch
            assert self._wakeup is not None
            self._wakeup.clear()
            waiter = asyncio.ensure_future(self._wakeup.wait())
            done, _ = await asyncio.wait({waiter, me}, timeout=max(0.0, deadline - time.monotonic()), return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            if me.done():
                raise ApiError(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running")

    def _m_setwebhook(self, params: dict) -> bool:
        url = str(params.get("url") or "")
        with self._lock:
            if not url:
                self.webhook = None
                return True
            if not url.startswith(("http://", "https://")):
                raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
            self.webhook = {"url": url, "secret_token": params.get("secret_token")}
            if params.get("drop_pending_updates"):
                self._updates.clear()
        if self._loop is not None and self._wakeup is not None:
            self._loop.call_soon_threadsafe(self._wakeup.set)
        return True

    def _m_deletewebhook(self, params: dict) -> bool:
        with self._lock:
            self.webhook = None
            if params.get("drop_pending_updates"):
                self._updates.clear()
        return True

    def _m_getwebhookinfo(self, params: dict) -> dict:
        with self._lock:
            return {"url": (self.webhook or {}).get("url", ""), "has_custom_certificate": False, "pending_update_count": len(self._updates)}

    async def _deliver_webhooks(self) -> None:
        """While a webhook is set, POST each pending update to it, in order, until it is accepted."""
        async with ClientSession(timeout=ClientTimeout(total=10)) as session:
            while True:
                with self._lock:
                    hook = self.webhook
                    update = self._updates[0] if (hook and self._updates) else None
                if update is None:
                    assert self._wakeup is not None
                    self._wakeup.clear()
                    try:
                        await asyncio.wait_for(self._wakeup.wait(), 0.5)
                    except asyncio.TimeoutError:
                        pass
                    continue
                headers = {}
                if hook.get("secret_token"):
                    headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
                try:
                    self.delivered_at.setdefault(update["update_id"], time.monotonic())
                    async with session.post(hook["url"], json=update, headers=headers) as response:
                        ok = response.status < 300
                except Exception:  # the bot's server is not up yet or went away: retry later
                    ok = False
                if ok:
                    with self._lock:
                        if self._updates and self._updates[0] is update:
                            self._updates.popleft()
                else:
                    await asyncio.sleep(0.2)

    # --- methods: sending -----------------------------------------------------------------

    def _chat(self, params: dict, key: str = "chat_id") -> dict:
        chat_id = params[key]
        with self._lock:
            chat = self.chats.get(int(chat_id)) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _check_can_send(self, chat: dict, params: dict) -> int | None:
        chat_id = chat["id"]
        with self._lock:
            if chat_id in self.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if self.flood_limit is not None:
                count, per = self.flood_limit
                now = time.monotonic()
                recent = self._recent_sends[chat_id]
                while recent and now - recent[0] > per:
                    recent.popleft()
                if len(recent) >= count:
                    retry = max(1, int(per - (now - recent[0]) + 0.999))
                    raise ApiError(429, f"Too Many Requests: retry after {retry}", retry)
                recent.append(now)
        thread_id = params.get("message_thread_id")
        if thread_id is not None and chat.get("is_forum"):
            with self._lock:
                topic = self.topics.get((chat_id, int(thread_id)))
            if topic is None or topic.deleted:
                raise bad_request("message thread not found")
            if topic.closed:
                raise bad_request("TOPIC_CLOSED")
            return int(thread_id)
        return None

    @staticmethod
    def _check_markup(params: dict) -> dict | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is None:
            return markup  # reply keyboards, force reply: not used by the project, passed through
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request("can't parse inline keyboard markup JSON object")
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise bad_request("can't parse inline keyboard button: Text must be non-empty")
                actions = [k for k in ("callback_data", "url", "switch_inline_query", "login_url", "web_app", "pay", "copy_text") if k in button]
                if not actions:
                    raise bad_request("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
                if "callback_data" in button and not (1 <= len(str(button["callback_data"]).encode("utf-8")) <= MAX_CALLBACK_DATA):
                    raise bad_request("BUTTON_DATA_INVALID")
                if "url" in button and not str(button["url"]).startswith(("http://", "https://", "tg://")):
                    raise bad_request("BUTTON_URL_INVALID")
        return markup

    @staticmethod
    def _text(params: dict, key: str, limit: int, entities_key: str, required: bool = True) -> tuple[str, list[dict]]:
        raw = params.get(key)
        if raw is None and not required:
            return "", []
        try:
            text, entities = parse(str(raw or ""), params.get("parse_mode"), params.get(entities_key))
        except EntityParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
        if required and not text.strip():
            raise bad_request("message text is empty")
        if utf16_len(text) > limit:
            raise bad_request("message is too long" if key == "text" else "message caption is too long")
        return text, [e.as_json() for e in entities]

    def _bot_message(self, chat: dict, params: dict, content: dict) -> dict:
        thread_id = self._check_can_send(chat, params)
        markup = self._check_markup(params)
        message = self._new_message(chat["id"], self.bot_user, content, thread_id)
        if markup is not None:
            message["reply_markup"] = markup
        self._record(message, from_bot=True)
        return message

    def _m_sendmessage(self, params: dict) -> dict:
        chat = self._chat(params)
        text, entities = self._text(params, "text", MAX_TEXT, "entities")
        content: dict = {"text": text}
        if entities:
            content["entities"] = entities
        return self._bot_message(chat, params, content)

    def _media(self, params: dict, field_name: str) -> dict:
        upload = params.get("__file__" + field_name)
        if upload is not None:
            content, name, mime = upload
            return {**self.store_file(content, name, mime), "file_name": name, "mime_type": mime}
        file_id = params.get(field_name)
        if not isinstance(file_id, str) or not file_id:
            raise bad_request(f"there is no {field_name} in the request")
        if file_id.startswith("attach://"):
            raise bad_request("wrong HTTP URL specified")
        with self._lock:
            known = self.files.get(file_id)
        if known is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return {"file_id": file_id, "file_unique_id": "U" + file_id[-8:], "file_size": len(known[0])}

    def _send_media(self, params: dict, kind: str) -> dict:
        chat = self._chat(params)
        media = self._media(params, kind)
        caption, entities = self._text(params, "caption", MAX_CAPTION, "caption_entities", required=False)
        if kind == "photo":
            content: dict = {"photo": [{**media, "width": 800, "height": 600}]}
            content["photo"][0].pop("file_name", None)
            content["photo"][0].pop("mime_type", None)
        elif kind == "voice":
            content = {"voice": {**media, "duration": int(params.get("duration") or 1), "mime_type": "audio/ogg"}}
            content["voice"].pop("file_name", None)
        else:
            content = {kind: media}
        if caption:
            content["caption"] = caption
            if entities:
                content["caption_entities"] = entities
        return self._bot_message(chat, params, content)

    def _m_sendphoto(self, params: dict) -> dict:
        return self._send_media(params, "photo")

    def _m_senddocument(self, params: dict) -> dict:
        return self._send_media(params, "document")

    def _m_sendvoice(self, params: dict) -> dict:
        return self._send_media(params, "voice")

    def _m_copymessage(self, params: dict) -> dict:
        chat = self._chat(params)
        source_chat = self._chat(params, "from_chat_id")
        original = self.find(source_chat["id"], int(params["message_id"]))
        if original is None:
            raise bad_request("message to copy not found")
        content = {k: v for k, v in original.data.items() if k in ("text", "entities", "photo", "document", "voice", "sticker", "caption", "caption_entities", "video", "audio")}
        if not content:
            raise bad_request("message can't be copied")
        if "caption" in params:
            caption, entities = self._text(params, "caption", MAX_CAPTION, "caption_entities", required=False)
            content["caption"] = caption
            content.pop("caption_entities", None)
            if entities:
                content["caption_entities"] = entities
        message = self._bot_message(chat, params, content)
        return {"message_id": message["message_id"]}

    def _m_sendchataction(self, params: dict) -> bool:
        chat = self._chat(params)
        action = params["action"]
        if action not in ("typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice", "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note"):
            raise bad_request("wrong parameter action in request")
        if chat["id"] in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        with self._lock:
            self.chat_actions.append((chat["id"], action))
        return True

    # --- methods: changing what was sent ---------------------------------------------------

    def _editable(self, params: dict) -> Sent:
        chat = self._chat(params)
        message = self.find(chat["id"], int(params["message_id"]))
        if message is None:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        if chat["id"] in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return message

    def _m_editmessagetext(self, params: dict) -> dict:
        message = self._editable(params)
        if "text" not in message.data:
            raise bad_request("there is no text in the message to edit")
        text, entities = self._text(params, "text", MAX_TEXT, "entities")
        markup = self._check_markup(params)
        new = {**message.data, "text": text, "edit_date": int(time.time())}
        new.pop("entities", None)
        if entities:
            new["entities"] = entities
        new.pop("reply_markup", None)
        if markup is not None:
            new["reply_markup"] = markup
        return self._apply_edit(message, new)

    def _m_editmessagereplymarkup(self, params: dict) -> dict:
        message = self._editable(params)
        markup = self._check_markup(params)
        new = {**message.data, "edit_date": int(time.time())}
        new.pop("reply_markup", None)
        if markup is not None and markup.get("inline_keyboard") != []:
            new["reply_markup"] = markup
        return self._apply_edit(message, new)

    def _apply_edit(self, message: Sent, new: dict) -> dict:
        def same(a: dict, b: dict) -> bool:
            keys = ("text", "entities", "reply_markup", "caption")
            return all(a.get(k) == b.get(k) for k in keys)

        with self._lock:
            if same(message.data, new):
                raise bad_request("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
            message.edits.append(message.data)
            message.data = new
            self._changed.notify_all()
        return new

    def _m_deletemessage(self, params: dict) -> bool:
        chat = self._chat(params)
        message = self.find(chat["id"], int(params["message_id"]))
        if message is None:
            raise bad_request("message to delete not found")
        with self._lock:
            message.deleted = True
        return True

    def _m_answercallbackquery(self, params: dict) -> bool:
        query_id = str(params["callback_query_id"])
        with self._lock:
            known = self._callbacks.pop(query_id, None)
            if known is None or time.monotonic() - known[1] > 15 * 60:
                raise bad_request("query is too old and response timeout expired or query ID is invalid")
            if len(str(params.get("text") or "")) > 200:
                raise bad_request("MESSAGE_TOO_LONG")
            self.callback_answers[query_id] = params
        return True

    # --- methods: commands, chats, members ---------------------------------------------------

    def _m_setmycommands(self, params: dict) -> bool:
        commands = params["commands"]
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for c in commands:
            name, description = str(c.get("command", "")), str(c.get("description", ""))
            if not (1 <= len(name) <= 32) or not all(ch.islower() or ch.isdigit() or ch == "_" for ch in name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not (1 <= len(description) <= 256):
                raise bad_request("command description is empty" if not description else "BOT_COMMAND_DESCRIPTION_INVALID")
        language = str(params.get("language_code") or "")
        if language and (len(language) != 2 or not language.isalpha()):
            raise bad_request("invalid language code specified")
        scope = (params.get("scope") or {}).get("type", "default")
        with self._lock:
            self.commands[(scope, language)] = commands
        return True

    def _m_getmycommands(self, params: dict) -> list[dict]:
        scope = (params.get("scope") or {}).get("type", "default")
        with self._lock:
            return self.commands.get((scope, str(params.get("language_code") or "")), [])

    def _m_deletemycommands(self, params: dict) -> bool:
        scope = (params.get("scope") or {}).get("type", "default")
        with self._lock:
            self.commands.pop((scope, str(params.get("language_code") or "")), None)
        return True

    def _m_getchat(self, params: dict) -> dict:
        chat = self._chat(params)
        return {**chat, "accent_color_id": 0, "max_reaction_count": 11}

    def _m_getchatmember(self, params: dict) -> dict:
        chat = self._chat(params)
        user_id = int(params["user_id"])
        with self._lock:
            person = self.people.get(user_id) or (self.bot_user if user_id == self.bot_id else None)
            members = self.members.get(chat["id"])
        if person is None:
            raise bad_request("PARTICIPANT_ID_INVALID")
        if chat["type"] == "private":
            status = "member"
        elif user_id == self.bot_id:
            return {"status": "administrator", "user": person, "can_be_edited": False, "is_anonymous": False, "can_manage_chat": True,
                    "can_delete_messages": True, "can_manage_video_chats": False, "can_restrict_members": False, "can_promote_members": False,
                    "can_change_info": False, "can_invite_users": True, "can_post_stories": False, "can_edit_stories": False,
                    "can_delete_stories": False, "can_manage_topics": True}
        else:
            status = "member" if members is None or user_id in members else "left"
        return {"status": status, "user": person}

    def _m_getfile(self, params: dict) -> dict:
        file_id = str(params["file_id"])
        with self._lock:
            entry = self.files.get(file_id)
        if entry is None:
            raise bad_request("invalid file_id")
        return {"file_id": file_id, "file_unique_id": "U" + file_id[-8:], "file_size": len(entry[0]), "file_path": f"documents/{file_id}"}

    # --- methods: forum topics ----------------------------------------------------------------

    def _forum(self, params: dict) -> dict:
        chat = self._chat(params)
        if not chat.get("is_forum"):
            raise bad_request("the chat is not a forum")
        return chat

    def _topic(self, params: dict) -> Topic:
        chat = self._forum(params)
        with self._lock:
            topic = self.topics.get((chat["id"], int(params["message_thread_id"])))
        if topic is None or topic.deleted:
            raise bad_request("TOPIC_ID_INVALID")
        return topic

    def _service(self, chat: dict, thread_id: int, content: dict) -> None:
        message = self._new_message(chat["id"], self.bot_user, content, thread_id)
        self._record(message, from_bot=True)

    def _m_createforumtopic(self, params: dict) -> dict:
        chat = self._forum(params)
        name = str(params.get("name") or "")
        if not 1 <= len(name) <= 128:
            raise bad_request("TOPIC_TITLE_EMPTY" if not name else "TOPIC_TITLE_INVALID")
        with self._lock:
            thread_id = next(self._thread_ids)
            topic = Topic(chat["id"], thread_id, name, int(params.get("icon_color") or 7322096))
            self.topics[(chat["id"], thread_id)] = topic
        self._service(chat, thread_id, {"forum_topic_created": {"name": name, "icon_color": topic.icon_color}})
        return {"message_thread_id": thread_id, "name": name, "icon_color": topic.icon_color}

    def _m_editforumtopic(self, params: dict) -> bool:
        topic = self._topic(params)
        chat = self._forum(params)
        if params.get("name"):
            name = str(params["name"])
            if len(name) > 128:
                raise bad_request("TOPIC_TITLE_INVALID")
            if name == topic.name:
                raise bad_request("TOPIC_NOT_MODIFIED")
            topic.name = name
        self._service(chat, topic.thread_id, {"forum_topic_edited": {"name": topic.name}})
        return True

    def _m_closeforumtopic(self, params: dict) -> bool:
        topic = self._topic(params)
        if topic.closed:
            raise bad_request("TOPIC_NOT_MODIFIED")
        topic.closed = True
        self._service(self._forum(params), topic.thread_id, {"forum_topic_closed": {}})
        return True

    def _m_reopenforumtopic(self, params: dict) -> bool:
        topic = self._topic(params)
        if not topic.closed:
            raise bad_request("TOPIC_NOT_MODIFIED")
        topic.closed = False
        self._service(self._forum(params), topic.thread_id, {"forum_topic_reopened": {}})
        return True

    def _m_deleteforumtopic(self, params: dict) -> bool:
        topic = self._topic(params)
        with self._lock:
            topic.deleted = True
            for message in self.messages.get(topic.chat_id, []):
                if message.thread_id == topic.thread_id:
                    message.deleted = True
        return True


class Person:
    """A simulated Telegram user: writes to the bot in private, taps buttons, reads replies."""

    def __init__(self, emulator: BotApiEmulator, user: dict) -> None:
        self.emulator, self.user = emulator, user
        self.last_update_id: int | None = None  # of the last thing this person sent

    @property
    def id(self) -> int:
        return int(self.user["id"])

    @property
    def chat_id(self) -> int:
        return self.id

    def set_language_code(self, code: str | None) -> None:
        with self.emulator._lock:
            if code:
                self.user["language_code"] = code
            else:
                self.user.pop("language_code", None)

    def _send(self, content: dict, chat_id: int | None = None, thread_id: int | None = None) -> dict:
        message = self.emulator._new_message(chat_id or self.chat_id, self.user, content, thread_id)
        self.emulator._record(message, from_bot=False)
        self.last_update_id = self.emulator.push_update("message", message)
        return message

    def send(self, text: str, *, chat_id: int | None = None, thread_id: int | None = None) -> dict:
        """A text message; a leading /command gets its ``bot_command`` entity, as in Telegram."""
        content: dict = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
        return self._send(content, chat_id, thread_id)

    def voice(self, seconds: int = 3, *, chat_id: int | None = None, thread_id: int | None = None) -> dict:
        media = self.emulator.store_file(b"OggS" + b"\0" * 200, "voice.ogg", "audio/ogg")
        return self._send({"voice": {**media, "duration": seconds, "mime_type": "audio/ogg"}}, chat_id, thread_id)

    def photo(self, caption: str | None = None, *, chat_id: int | None = None, thread_id: int | None = None) -> dict:
        media = self.emulator.store_file(b"\xff\xd8\xff" + b"\0" * 500, "photo.jpg", "image/jpeg")
        content: dict = {"photo": [{**media, "width": 90, "height": 67}, {**media, "width": 1280, "height": 960}]}
        if caption:
            content["caption"] = caption
        return self._send(content, chat_id, thread_id)

    def document(self, file_name: str = "diploma.pdf", *, chat_id: int | None = None, thread_id: int | None = None) -> dict:
        media = self.emulator.store_file(b"%PDF-1.4\n" + b"\0" * 300, file_name, "application/pdf")
        return self._send({"document": {**media, "file_name": file_name, "mime_type": "application/pdf"}}, chat_id, thread_id)

    def sticker(self, emoji: str = "👍", *, chat_id: int | None = None) -> dict:
        media = self.emulator.store_file(b"RIFF" + b"\0" * 100, "sticker.webp", "image/webp")
        return self._send({"sticker": {**media, "type": "regular", "width": 512, "height": 512, "is_animated": False, "is_video": False, "emoji": emoji}}, chat_id)

    def edit(self, message: dict, new_text: str) -> dict:
        """Edit one of this person's own messages: the bot gets an ``edited_message`` update."""
        found = self.emulator.find(int(message["chat"]["id"]), int(message["message_id"]))
        if found is None or found.from_bot:
            raise ValueError("only a message this person sent can be edited")
        edited = {**found.data, "text": new_text, "edit_date": int(time.time())}
        with self.emulator._lock:
            found.edits.append(found.data)
            found.data = edited
        self.emulator.push_update("edited_message", edited)
        return edited

    def press(self, message: Sent, button_text: str) -> str:
        """Tap an inline button of a bot message; returns the callback query id."""
        button = message.button(button_text)
        if "callback_data" not in button:
            raise ValueError(f"button {button_text!r} opens a URL; nothing reaches the bot")
        query_id = str(secrets.randbelow(10**18))
        with self.emulator._lock:
            self.emulator._callbacks[query_id] = (self.id, time.monotonic())
            current = dict(message.data)
        query = {
            "id": query_id, "from": dict(self.user), "message": current,
            "chat_instance": str(abs(hash((self.id, message.chat_id)))), "data": button["callback_data"],
        }
        self.emulator.push_update("callback_query", query)
        return query_id

    # reading

    def received(self) -> list[Sent]:
        """What the bot sent this person (private chat), oldest first."""
        return self.emulator.sent_to(self.chat_id)

    def wait_for_replies(self, count: int, timeout: float = 20.0, after: int = 0) -> list[Sent]:
        """Wait until the bot sent at least ``count`` messages here beyond the first ``after``."""
        return self.emulator.wait_for(
            lambda: (lambda got: got[after:] if len(got) - after >= count else None)(self.received()),
            timeout, f"{count} message(s) from the bot to {self.user['first_name']} (after {after})",
        )

    def wait_for_text(self, needle: str, timeout: float = 20.0) -> Sent:
        return self.emulator.wait_for(
            lambda: next((m for m in reversed(self.received()) if needle in m.text), None),
            timeout, f"a message containing {needle!r} to {self.user['first_name']}",
        )

    def callback_answered(self, query_id: str, timeout: float = 10.0) -> dict:
        return self.emulator.wait_for(lambda: self.emulator.callback_answers.get(query_id), timeout, "answerCallbackQuery")


class Group:
    """A group or forum supergroup the bot is in (the advisors' group of the handoff)."""

    def __init__(self, emulator: BotApiEmulator, chat: dict) -> None:
        self.emulator, self.chat = emulator, chat

    @property
    def id(self) -> int:
        return int(self.chat["id"])

    def add(self, person: Person) -> None:
        with self.emulator._lock:
            self.emulator.members.setdefault(self.id, set()).add(person.id)

    def create_topic(self, name: str) -> Topic:
        """A topic opened by a person (the bot creates its own with createForumTopic)."""
        with self.emulator._lock:
            thread_id = next(self.emulator._thread_ids)
            topic = Topic(self.id, thread_id, name)
            self.emulator.topics[(self.id, thread_id)] = topic
        return topic

    def topic(self, thread_id: int) -> Topic:
        return self.emulator.topics[(self.id, thread_id)]

    def topics(self) -> list[Topic]:
        with self.emulator._lock:
            return [t for (chat_id, _), t in self.emulator.topics.items() if chat_id == self.id]

    def sent(self, thread_id: int | None = None) -> list[Sent]:
        return self.emulator.sent_to(self.id, thread_id)

    def say(self, person: Person, text: str, thread_id: int | None = None) -> dict:
        """``person`` writes in the group (in a topic when ``thread_id`` is given)."""
        return person.send(text, chat_id=self.id, thread_id=thread_id)


__all__ = ["ApiError", "BotApiEmulator", "Call", "Fault", "Group", "Person", "Sent", "Topic"]
