"""Every built-in skill's main scenario, played by people who read Simplified Chinese, in a chat
whose language is Chinese: nothing they read is left in English.

Each scenario plays what a skill's page in docs/ and the README lead with — the main commands, a
button or two, an error or two, its help, its CSV export and the clockin chart — and collects
everything the bot gave those people: each state of every message (text, card fields, the
footer, button labels), file names, every CSV cell and every text drawn on a chart. The checker
then looks for English words in it. What is not an English word, and so may stay:

- a command as typed, with the words the commands take (``/task list chat open``, ``due:``,
  ``!high``, ``--ack``): the vocabulary comes from the registry of the skills in the scenario;
- mentions (``@alice``), URLs, and the data the test put in itself (person handles, team
  and place names from the config, role names as the config writes them);
- the few tokens in :data:`ALLOWED`.

The same checker then reads every Chinese text of the core and the built-in skills, so a text no
scenario reaches is held to it too.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import get_args

import pytest
import yaml
from babel.numbers import list_currencies
from PIL import ImageDraw
from pydantic import BaseModel

from bot.adapter import DeliveryFailed
from bot.app import Bot
from bot.config.models import Config
from bot.markup import Span
from bot.memory import Sent
from bot.testing import Harness
from skills.admin import skill as admin
from skills.approvals import skill as approvals
from skills.clockin import skill as clockin
from skills.help import skill as help_skill
from skills.quiet_hours import skill as quiet
from skills.receipts import skill as receipts
from skills.tasks import skill as tasks
from tests.skills.test_receipts import join

ROOT = Path(__file__).parent.parent.parent

# Not English words, though written in Latin letters: file types, product names, VIP, which
# Chinese writes so too, and English named in its own language where languages are offered
# (``en (English)、zh (中文)``), as language menus do.
ALLOWED = frozenset(
    {"CSV", "csv", "PNG", "png", "VIP", "Slack", "Telegram", "Deskmate", "English"}
    | set(list_currencies())  # ISO 4217 codes (CNY) are a spreadsheet's currency column
)

_URL = re.compile(r"https?://\S+|t\.me/\S+")
_MENTION = re.compile(r"@[\w.-]+")
_WORD = re.compile(r"[A-Za-z]+")
_CODE = re.compile(r"`([^`]*)`")
_STOPS = "\u3000-\u303f\uff00-\uffef\u2018-\u201f"  # Chinese punctuation, quotes
_COMMAND = re.compile(r"(?<![\w/])/([a-z][\w-]*)")
# what follows a command on its line, up to Chinese punctuation or a code span
_ARGUMENTS = re.compile(rf"(?: +[^\s{_STOPS}`]+)*")


@dataclass
class Checker:
    """Finds English words in a text read by someone whose language is Chinese. Commands and
    code spans (`` `hold` ``: what to type) may hold the words people type: the commands'
    vocabulary and the config's keys; the rest of the text only :data:`ALLOWED` and ``data``."""

    commands: frozenset[str]  # first words of the commands: task, quiet, …
    typed: frozenset[str]  # commands' words, choices and options; the config's keys
    data: frozenset[str] = frozenset()  # what the test itself wrote: handles, teams, places

    @classmethod
    def of(cls, bot: Bot, data: Iterable[str] = ()) -> Checker:
        registry = bot.registry
        typed = _keys(Config) | {
            k for s in registry.skills.values() if s.config for k in _keys(s.config)
        }
        for spec in registry.commands.values():
            typed.update(spec.name.split())
            if isinstance(spec.usage, str):  # a usage the skill wrote: its syntax, as typed
                typed.update(_WORD.findall(spec.usage))
            for param in spec.params:
                typed.update(param.choices)
                typed.update(_WORD.findall(param.option or ""))
        typed.update(registry.skills)  # a skill's section of the config: skills.<name>
        firsts = frozenset(name.split()[0] for name in registry.commands)
        data = {w for d in [*data, *registry.roles()] for w in _WORD.findall(d)}
        return cls(firsts, frozenset(typed | data | ALLOWED), frozenset(data | ALLOWED))

    def english(self, text: str) -> list[str]:
        text = _MENTION.sub(" ", _URL.sub(" ", text))
        typed = _CODE.findall(text)
        text = _CODE.sub(" ", text)
        rest, at = [], 0
        for command in _COMMAND.finditer(text):
            if command.start() < at or command.group(1).lower() not in self.commands:
                continue  # in a command already; not a command (a path, a fraction): text
            arguments = _ARGUMENTS.match(text, command.end())
            assert arguments is not None
            rest.append(text[at : command.start()])
            typed.append(text[command.start() : arguments.end()])
            at = arguments.end()
        rest.append(text[at:])
        found = [w for part in typed for w in _WORD.findall(part) if w not in self.typed]
        return found + [w for part in rest for w in _WORD.findall(part) if w not in self.data]


def _keys(model: type[BaseModel]) -> set[str]:
    """Every key of a config section, nested sections' too (``people``, ``roles``, …)."""
    keys: set[str] = set()
    for name, info in model.model_fields.items():
        keys.update(_WORD.findall(info.alias or name))
        stack = [info.annotation]
        while stack:
            tp = stack.pop()
            if isinstance(tp, type) and issubclass(tp, BaseModel) and tp is not model:
                keys |= _keys(tp)
            stack += list(get_args(tp))
    return keys


def marked(spans: list[Span]) -> str:
    """Spans as plain text, code spans in backticks (what to type, as the chat shows it)."""
    return "".join(f"`{s.text}`" if s.code else s.text for s in spans) if spans else ""


@dataclass
class Read:
    """One thing a person read: what it was and where."""

    where: str
    part: str  # text, field, button, file name, CSV, chart
    text: str


@dataclass
class Reader:
    """Everything the bot showed, each state of each message as it was sent or edited."""

    seen: list[Read] = field(default_factory=list)

    def __call__(self, sent: Sent, edited: bool) -> None:
        m = sent.message
        where = sent.where + (" (edited)" if edited else "")
        self.seen.append(Read(where, "text", marked(m.text)))
        for label, value in m.fields:
            self.seen += [Read(where, "field", label), Read(where, "field", marked(value))]
        self.seen.append(Read(where, "context", marked(m.context)))
        self.seen += [Read(where, "button", b.label) for b in m.buttons]
        for f in m.files:
            self.seen.append(Read(where, "file name", f.name))
            if f.name.endswith(".csv"):
                rows = csv.reader(io.StringIO(f.content.decode("utf-8-sig")))
                self.seen += [Read(where, f"CSV {f.name}", cell) for row in rows for cell in row]

    def texts(self, part: str) -> list[str]:
        return [r.text for r in self.seen if r.part.startswith(part)]


@pytest.fixture
def reader() -> Reader:
    return Reader()


@pytest.fixture
def drawn(monkeypatch) -> list[str]:
    """Every text drawn on a chart."""
    texts: list[str] = []
    draw_text = ImageDraw.ImageDraw.text

    def spy(self, xy, text, *args, **kwargs):
        texts.append(text)
        return draw_text(self, xy, text, *args, **kwargs)

    monkeypatch.setattr(ImageDraw.ImageDraw, "text", spy)
    return texts


def assert_chinese(chat: Harness, reader: Reader, drawn: Iterable[str] = (), **data: str) -> None:
    """No English word in what was read; ``data`` names what the test wrote."""
    checker = Checker.of(chat.bot, [*PEOPLE_DATA, *data.values()])
    seen = [*reader.seen, *(Read("chart", "chart", text) for text in drawn)]
    found: dict[str, list[str]] = {}
    for read in seen:
        if words := checker.english(read.text):
            found[f"[{read.where}] {read.part}: {read.text}"] = words
    assert not found, "English words:\n" + "\n".join(f"{w} in {t}" for t, w in found.items())


# Monday 23 Nov 2026 10:00 in Shanghai. Everyone reads Chinese: the org's language is zh, so is
# the chat's, and nobody chose another.
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
PEOPLE = """
org: {timezone: Asia/Shanghai, language: zh}
people:
  - {id: mike, name: 王明, team: eng, roles: [admin]}
  - {id: lena, name: 李娜, team: eng}
  - {id: alice, name: 张丽, team: eng}
  - {id: bob, name: 刘波, team: eng}
  - {id: carol, name: 陈可, team: ops}
teams:
  eng: {leads: [lena]}
"""
PEOPLE_DATA = ("mike", "lena", "alice", "bob", "carol", "eng", "ops")


async def started(deskmate, reader: Reader, *skills, config: str = PEOPLE, start=START) -> Harness:
    """A harness whose every message, as sent and as edited, the reader reads."""
    chat = await deskmate(*skills, config=config, start=start)
    chat.adapter.on_send = reader
    return chat


# --- the checker itself -----------------------------------------------------------------------


async def test_the_checker_finds_english_words_but_not_commands_mentions_or_data(deskmate):
    chat = await deskmate(tasks, quiet, config=PEOPLE, start=START)
    check = Checker.of(chat.bot, ["eng"]).english
    found = check("分配任务：/task add @bob Ship the slides due:fri")
    assert found == ["Ship", "the", "slides", "fri"]
    assert check("本群有 3 个：/task list chat open — 其中 1 个是你创建的") == []
    assert check("用法：/task add [@某人…] [<标题…>] [due:<日期>] [!high|urgent]") == []
    assert check("@alice 的 eng 团队，见 https://example.com/a?b=c 或 CSV 文件") == []
    assert check("状态: open") == ["open"]  # a command's word outside a command is English
    found = check("截止时间 `due:周五` — /quiet set 19:00-09:00。Welcome back")
    assert found == ["Welcome", "back"]
    assert check("模式：“loud”不是 `hold`、`silent` 之一") == ["loud"]  # typed by the test
    assert check("团队取自配置中成员的 `team:` 字段 (`people:`)") == []  # config keys
    assert check("/unknown words here") == ["unknown", "words", "here"]


# Names the texts' examples use, as the shipped config has them (a team, people, a role, a flow,
# its fields and a choice), and what people type that is not a word (am/pm, currency codes), and
# the label of Telegram's own Start button. In a chat, the config's own names stand instead.
EXAMPLES = "eng alice bob boss lead role leave dates type reason annual am pm CNY USD EUR Start"
BUILT_IN = (tasks, quiet, receipts, clockin, approvals, admin)
CATALOGS = [
    Path("bot/locales/zh.yaml"),
    *(Path(f"skills/{s.name}/locales/zh.yaml") for s in (help_skill, *BUILT_IN)),
]


@pytest.mark.parametrize("catalog", CATALOGS, ids=str)
async def test_every_chinese_text_reads_in_chinese(deskmate, catalog):
    """What no scenario reaches too: every Chinese text of the core and the built-in skills, its
    placeholders aside, has no English word outside a command or a code span."""
    chat = await deskmate(*BUILT_IN, config=PEOPLE, start=START)
    check = Checker.of(chat.bot, EXAMPLES.split()).english
    texts = yaml.safe_load((ROOT / catalog).read_text(encoding="utf-8")).values()
    found = {t: words for t in texts if (words := check(_TYPED.sub(" ", t)))}
    assert not found, "\n".join(f"{w} in {t}" for t, w in found.items())


# placeholders, and the console's transcript format quoted as typed in its errors
# ('name (dm): text', '~ +2h'): only those quotes, not the words anywhere else
_TYPED = re.compile(r"\{\w*\}|'(?:name|~)[^']*'")


def test_every_parameter_has_a_name_to_translate():
    """Errors and usages name a parameter by its label, in the reader's language; without one
    they fall back to its name in the code (``notice_id``). A flag's choice (``!high``) never
    needs one: it matches or it is not that flag."""
    unnamed = [
        f"/{command.name} {param.name}"
        for s in (help_skill, *BUILT_IN)
        for command in s.commands
        for param in command.params
        if param.human is None and not (param.prefix and param.kind == "choice")
    ]
    assert unnamed == []


# --- the scenarios ------------------------------------------------------------------------------


async def test_help_in_chinese(deskmate, reader):
    chat = await started(deskmate, reader, tasks, quiet, receipts, clockin, admin)
    await chat.say("alice", "/help")
    await chat.say("alice", "/help task")
    await chat.say("alice", "/help quiet")
    await chat.say("alice", "/help notice")
    await chat.say("alice", "/help attendance")
    await chat.say("alice", "/help deskmate")
    await chat.say("alice", "/help taks")  # did you mean
    await chat.say("alice", "/help nothing")
    await chat.say("alice", "/taks list")
    await chat.say("alice", "/task frob")
    await chat.say("alice", "/task")
    assert_chinese(chat, reader, typed="taks nothing")


async def test_admin_in_chinese(deskmate, reader, monkeypatch):
    chat = await started(deskmate, reader, admin, receipts)
    await join(chat, "mike", "lena", "alice", "bob", "carol")
    await chat.say("mike", "/deskmate outbox")
    await chat.say("alice", "/deskmate outbox")  # not an admin
    await chat.say("mike", "/deskmate lang")
    await chat.say("mike", "/deskmate lang klingon")
    await chat.say("mike", "/deskmate lang zh")
    await chat.say("mike", "/deskmate lang default")
    await chat.say("mike", "/deskmate lang zh", dm=True)

    async def refused(to, message, **kw):  # the chat is gone
        raise DeliveryFailed("channel_not_found", permanent=True)

    monkeypatch.setattr(chat.adapter, "send", refused)
    await chat.say("mike", "/notice 明天放假 --ack --every 10m --times 1")
    await chat.advance("30m")
    monkeypatch.undo()
    out = await chat.say("mike", "/deskmate outbox")
    assert "最近的失败" in out.text
    assert_chinese(chat, reader, reason="channel_not_found", typed="klingon")


async def test_tasks_in_chinese(deskmate, reader):
    chat = await started(deskmate, reader, tasks)
    await chat.say("mike", "/task add @alice @bob 写季度报告 due:周五 !high cc:@carol")
    await chat.press("alice", "开始")
    await chat.say("bob", "/task done 1 已发给董事会")
    await chat.say("mike", "/task nudge 1")
    listed = await chat.say("alice", "/task list mine open 本周")  # as /help task shows it
    assert listed.one().text.startswith("📋 你的任务（待处理）：1")
    await chat.say("mike", "/task show 1")
    await chat.say("mike", "/task edit 1 due:下周一 +@carol")
    for n in range(11):  # more than a list shows: the rest come as a CSV file
        await chat.say("lena", f"/task add @alice 第{n + 1}件事 due:明天")
    await chat.say("alice", "/task list mine all")
    await chat.say("alice", "/task list chat open")
    await chat.say("mike", "/task add @alice 写周报 due:昨天")  # in the past
    await chat.say("mike", "/task start 一")  # not a number
    await chat.say("mike", "/task add @nobody 写周报")
    await chat.say("mike", "/task add")
    await chat.say("carol", "/task cancel 1")  # not hers
    await chat.say("mike", "/task show 99")
    await chat.advance("1d9h")  # Tue 19:00: reminders before the due time and when it passed
    await chat.press("alice", "完成")
    await chat.say("mike", "/task close 1 够了")
    await chat.say("mike", "/task report")
    report = await chat.say("mike", "/task report 本月 team:eng")
    assert report.one().message.files[0].name == "任务-2026-11-01-2026-11-30.csv"
    await chat.say("mike", "/task report week team:nope")
    assert reader.texts("CSV")
    assert_chinese(chat, reader, typed="nope")


async def test_quiet_hours_in_chinese(deskmate, reader):
    chat = await started(deskmate, reader, quiet, tasks)
    await chat.say("bob", "/quiet")
    await chat.say("bob", "/quiet set 19:00-09:00")
    await chat.say("bob", "/quiet days 周六,周日")
    assert (await chat.say("bob", "/quiet break 30分钟")).one().text.startswith("☕ 休息到")
    await chat.say("alice", "/task add @bob 看一下合同")  # held: bob is on a break
    await chat.say("alice", "/task add @bob 回电话")
    await chat.say("bob", "/quiet")
    await chat.say("bob", "/quiet back")  # the digest comes
    await chat.say("bob", "/quiet back")  # not on a break
    await chat.say("bob", "/quiet mode silent")
    await chat.say("bob", "/quiet mode hold")
    await chat.say("bob", "/quiet vip add @mike")
    await chat.say("bob", "/quiet vip list")
    await chat.say("bob", "/quiet vip remove @mike")
    await chat.say("bob", "/quiet days 无")
    await chat.say("bob", "/quiet days 周六,周日")
    await chat.say("bob", "/quiet off")
    await chat.say("bob", "/quiet on")
    await chat.say("bob", "/quiet set 25:00")
    await chat.say("bob", "/quiet break 1天")  # longer than a break may be
    await chat.say("bob", "/quiet days 周八")
    await chat.say("bob", "/quiet mode loud")
    await chat.say("bob", "/quiet vip add")
    await chat.advance("10h")  # off work at 19:00: held until 09:00
    await chat.say("alice", "/task add @bob 明早处理")
    await chat.advance("14h")
    assert any("你不在时" in t for t in reader.texts("text"))
    assert_chinese(chat, reader, typed="loud")


async def test_receipts_in_chinese(deskmate, reader):
    many = "".join(f"  - {{id: p{n:02}, name: 员工{n}, team: ops}}\n" for n in range(20))
    chat = await started(
        deskmate, reader, receipts, config=PEOPLE.replace("teams:", many + "teams:")
    )
    await join(chat, "mike", "lena", "alice", "bob", "carol")
    await chat.say("mike", "/notice 会议改到15:00，3号会议室 --ack")
    await chat.press("alice", "收到 ✓")
    await chat.press("alice", "收到 ✓")  # again
    await chat.say("bob", "/notice ack 1")
    await chat.say("mike", "/notice status 1")
    await chat.say("mike", "/notice list")
    await chat.say("mike", "/notice remind 1")
    await chat.say("lena", "/notice team:ops --ack by:17:00 填写问卷")  # a lead: to a team
    await chat.say("lena", "/notice status 2")  # more than twenty: a CSV
    posted = await chat.say("mike", "/notice @alice @bob --ack --every 30分钟 --times 2 签署新制度")
    assert posted[0].text.startswith("📢 #3 来自 @mike")
    await chat.say("mike", "/notice 咖啡机修好了")  # an announcement
    await chat.say("alice", "/notice status 1")  # not hers to see
    await chat.say("mike", "/notice status 99")
    await chat.say("mike", "/notice status 4")  # no receipts
    await chat.say("mike", "/notice --every 1m 测试")  # without --ack
    await chat.say("alice", "/notice --ack 大家签到")  # may not ask for receipts
    await chat.advance("8h")  # reminders, the deadline, re-pings, then the chat is told
    await chat.press("carol", "收到 ✓")
    await chat.say("mike", "/notice close 1")
    assert reader.texts("CSV")
    # "lead" is a role as the config writes it (skills.receipts.post_roles)
    assert_chinese(chat, reader, people="p", roles="lead")


CLOCKIN = (
    PEOPLE.replace(
        "teams:", "  - {id: dave, name: 赵德, team: eng}\n  - {id: root, roles: [admin]}\nteams:"
    )
    + """
skills:
  clockin:
    schedules:
      office: {start: "09:00", end: "18:00", grace: 10m}
    teams: {eng: office}
    geofences: [{name: 总部, lat: 31.2304, lon: 121.4737, radius_m: 300}]
    summaries: [{chat: "console:general", at: "09:30", teams: [eng]}]
"""
)
DECEMBER = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # Tue 1 Dec 09:00 in Shanghai


async def test_clockin_in_chinese(deskmate, reader, drawn):
    chat = await started(deskmate, reader, clockin, config=CLOCKIN, start=DECEMBER)
    await chat.say("alice", "/in")
    await chat.say("alice", "/in")  # again
    await chat.say("mike", "/in field 客户总部，浦东")
    await chat.say("lena", "/in remote")
    await chat.share_location("carol", 31.2305, 121.4738)  # at 总部
    await chat.share_location("eve", 100, 0)  # not on Earth
    await chat.say("dave", "/out")  # not in yet: asked first
    await chat.press("dave", "仍然记录下班")
    await chat.advance("1h")  # the reminder to clock in, the daily summary
    await chat.say("bob", "/in 火车晚点")  # late
    await chat.advance("8h")
    await chat.say("alice", "/out")
    await chat.say("bob", "/out")
    await chat.advance("1h")  # the reminder to clock out
    await chat.say("alice", "/attendance")
    await chat.say("lena", "/attendance today")
    await chat.say("lena", "/attendance month team:eng")
    await chat.say("alice", "/attendance month")
    await chat.say("alice", "/attendance chart")
    export = await chat.say("root", "/attendance export", dm=True)
    assert export.one().message.files[0].name == "考勤-2026-12.csv"
    await chat.say("alice", "/attendance month 2026-13")
    await chat.say("alice", "/attendance export 2027-01")
    await chat.say("bob", "/attendance @alice")  # not his to see
    await chat.say("lena", "/attendance month team:nope")
    await chat.advance("1d")  # the next day: the day before is settled
    assert reader.texts("CSV")
    assert drawn
    assert_chinese(chat, reader, drawn, people="dave root eve", schedule="office", typed="nope")


async def test_a_file_the_group_reads_is_in_the_groups_language(deskmate, reader):
    """mike reads English, the group and alice Chinese: a report posted there, its CSV file too,
    is in Chinese; the one he asks for in his DM is in English."""
    config = (
        PEOPLE.replace("language: zh}", "language: en}")
        .replace("{id: alice,", "{id: alice, language: zh,")
        .replace("teams:", 'chats:\n  "console:general": {language: zh}\nteams:')
    )
    chat = await started(deskmate, reader, tasks, config=config)
    await chat.say("mike", "/task add @alice 写季度报告")
    in_group = (await chat.say("mike", "/task report")).one()
    assert in_group.text.startswith("📊 11月23日周一 至 11月29日周日 的任务")
    assert in_group.message.files[0].name == "任务-2026-11-23-2026-11-29.csv"
    assert_chinese(chat, reader)
    in_dm = (await chat.say("mike", "/task report", dm=True)).one()
    assert in_dm.message.files[0].name == "tasks-2026-11-23-2026-11-29.csv"
    header = in_dm.message.files[0].content.decode("utf-8-sig").splitlines()[0]
    assert header == "person,name,assigned,done,done_late,open_late,completion_rate"


APPROVALS = (
    PEOPLE.replace(
        "{id: mike, name: 王明, team: eng, roles: [admin]}", "{id: mike, name: 王明, team: eng}"
    )
    .replace(
        "{id: alice, name: 张丽, team: eng}", "{id: alice, name: 张丽, team: eng, manager: mike}"
    )
    .replace("{id: bob, name: 刘波, team: eng}", "{id: bob, name: 刘波, team: eng, manager: mike}")
    .replace(
        "teams:", "  - {id: hana, name: 韩娜, roles: [hr]}\n  - {id: root, roles: [admin]}\nteams:"
    )
    + """
skills:
  approvals:
    flows:
      leave:
        title: {en: Leave, zh: 请假}
        fields:
          dates: {type: date_range, max: 30}
          type: {type: choice, choices: [annual, sick, personal]}
          reason: {type: text, required: false}
        steps:
          - {name: {en: Manager, zh: 直属上级}, approvers: [manager]}
          - {name: {en: HR, zh: 人事}, approvers: ["role:hr"], when: "days > 3"}
        cc: [carol]
        remind_after: 4h
      expense:
        title: {en: Expense, zh: 报销}
        fields:
          amount: {type: money, max: 50000}
          item: {type: text}
        steps:
          - {approvers: [lead]}
"""
)


async def test_approvals_in_chinese(deskmate, reader):
    chat = await started(deskmate, reader, approvals, config=APPROVALS)
    await chat.say("alice", "/request")
    await chat.say("alice", "/request leave")
    await chat.say("alice", '/request leave dates:12-01..12-05 type:annual reason:"家里有事"')
    await chat.say("alice", "/request leave dates:12-03..12-01 type:年假")  # backwards
    await chat.say("alice", "/request leave dates:12-07")  # no type
    await chat.say("alice", "/request vacation")
    await chat.say("mike", "/approvals", dm=True)
    await chat.press("mike", "同意")
    await chat.say("hana", "/reject 1")  # no reason
    await chat.press("hana", "拒绝")
    await chat.say("hana", "/reject 1 与发布周冲突")
    await chat.say("bob", "/request expense 120 打车去机场")
    await chat.say("lena", "/approve 2 好的")
    await chat.say("bob", "/request expense 99 午饭")
    await chat.say("bob", "/request withdraw 3")
    await chat.say("alice", "/approvals mine", dm=True)
    await chat.say("alice", "/request show 1", dm=True)
    await chat.say("mike", "/approvals delegate @bob until:12-10")
    await chat.say("mike", "/approvals delegate off")
    await chat.say("alice", "/approve 2")  # not hers to decide
    await chat.say("root", "/approvals export 本月", dm=True)
    await chat.say("alice", "/help request")
    await chat.say("alice", "/help approvals")
    await chat.advance("5h")
    assert reader.texts("CSV")
    # the flows, their fields and choices as the config names them (and people type them);
    # approvers as the config writes them (role:hr)
    flows = "leave expense dates type reason amount item annual sick personal role"
    assert_chinese(chat, reader, people="hana root", flows=flows, typed="vacation")
