"""`/balance export 2026`: per person and type the opening, granted, used, expired, adjusted,
given back and closing amounts; overtime by kind of day and how it was settled — CSV files a
spreadsheet opens with the right columns."""

import csv
import io
from datetime import UTC, datetime

from skills.leave.models import LedgerEntry


def rows(sent, n):
    return list(csv.reader(io.StringIO(sent.message.files[n].content.decode("utf-8-sig"))))


async def test_the_year_for_payroll(chat):
    await chat.say("hana", "/leave grant @alice annual 5d", dm=True)
    await chat.say("alice", "/request leave dates:11-26..11-27 type:annual", dm=True)
    await chat.say("mike", "/approve 1", dm=True)
    await chat.say("alice", "/request overtime date:11-28 hours:3", dm=True)
    await chat.say("mike", "/approve 2", dm=True)
    await chat.set_time(datetime(2026, 11, 30, 1, 0, tzinfo=UTC))
    out = (await chat.say("hana", "/balance export 2026", dm=True))[0]
    # hana reads Chinese: the files' names, columns and words are hers
    assert out.text.startswith("📎 2026 年的假期与加班：")
    assert [f.name for f in out.message.files] == ["假期-2026.csv", "加班-2026.csv"]
    table = rows(out, 0)
    assert table[0] == [
        "人员", "假期类型", "单位", "期初", "发放", "使用", "过期", "调整", "退回", "期末",
    ]  # fmt: skip
    assert ["alice", "年假", "天", "0", "5", "-2", "0", "0", "0", "3"] in table
    assert ["alice", "调休假", "小时", "0", "3", "0", "0", "0", "0", "3"] in table
    overtime = rows(out, 1)
    assert overtime == [
        ["人员", "日期类型", "结算方式", "倍数", "申请数", "小时"],
        ["alice", "休息日", "调休", "1", "1", "3.00"],
    ]


async def test_only_hr_exports_and_a_bad_year_is_refused(chat):
    refused = (await chat.say("alice", "/balance export 2026", dm=True)).one().text
    assert refused.startswith("Only people with the hr role")
    bad = (await chat.say("hana", "/balance export 26", dm=True)).one().text
    assert bad.startswith("“26”不是年份") or bad.startswith("26 不是年份"), bad
    assert await chat.count(LedgerEntry) == 0
