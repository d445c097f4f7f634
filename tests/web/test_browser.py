"""End to end in real headless Chromium: the served page, clicked and typed into as a reader would."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from assistant.engine import Engine
from assistant.feedback import FeedbackStore

pytestmark = pytest.mark.browser

EARLY_WARNING = "区域组织在预警方面能做什么？"
FOLLOW_UP = "那非洲呢？"
TIMEOUT_MS = 60_000
DISLIKE = '#chat button[aria-label="踩"], #chat button[aria-label="Dislike"]'  # Gradio follows the browser locale


def ask(page: Any, question: str) -> None:
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")


def wait_for_answers(page: Any, count: int) -> Any:
    """The `count`-th answer once it has finished (its source list is only rendered at the end)."""
    answer = page.locator('#chat [data-testid="bot"]').nth(count - 1)
    answer.locator(".sources").wait_for(timeout=TIMEOUT_MS)
    return answer


def test_ask_click_a_citation_follow_up_and_dislike(
    page: Any, served: tuple[str, FeedbackStore], engine: Engine, contacted_hosts: set[str], artifacts: Path
) -> None:
    chat = page.locator("#chat")
    assert chat.get_by_text(EARLY_WARNING).is_visible(), "example questions show on an empty chat"
    assert chat.get_by_text("What does paragraph 30 say?").is_visible()
    assert "extractive · offline" in page.locator("#header").inner_text()

    ask(page, EARLY_WARNING)
    answer = wait_for_answers(page, 1)
    chips = answer.locator("a.cite")
    assert chips.count() >= 2
    chip = chips.nth(chips.count() - 1)
    number = int(chip.get_attribute("href").removeprefix("#para-"))
    chip.click()
    card = page.locator(f'#source-panel .source-card[data-paragraph="{number}"]')
    card.wait_for(timeout=TIMEOUT_MS)
    paragraph = engine.paragraph(number)
    assert paragraph.plain_text[:40] in card.inner_text()
    assert paragraph.section_title in card.inner_text()
    assert card.locator("mark").count() >= 1, "the supporting sentence is highlighted"

    ask(page, FOLLOW_UP)
    second = wait_for_answers(page, 2)
    assert second.locator("a.cite").count() >= 1

    page.locator(DISLIKE).last.click()
    page.locator("#feedback-note").get_by_text("已记录 👎").wait_for(timeout=TIMEOUT_MS)
    page.locator("#comment-row textarea").fill("没有提到次区域组织")
    page.locator("#comment-row button").click()
    page.locator("#feedback-note").get_by_text("评论已保存").wait_for(timeout=TIMEOUT_MS)
    page.screenshot(path=str(artifacts / "web-chat.png"), full_page=True)

    _, store = served
    with sqlite3.connect(store.path) as connection:
        rows = connection.execute(
            "SELECT source, rating, question, comment FROM feedback WHERE question = ?", (FOLLOW_UP,)
        ).fetchall()
    assert rows == [("web", -1, FOLLOW_UP, "没有提到次区域组织")]
    assert contacted_hosts == {served[0].split("/")[2]}, "nothing is fetched from outside the machine"


def test_show_in_context_and_export(page: Any, artifacts: Path) -> None:
    ask(page, "第30段讲了什么？")
    wait_for_answers(page, 1)
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        page.locator("#export").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert "第30段讲了什么？" in exported and "> **第30段**（五. 及时果断的反应）" in exported

    page.locator("#source-panel a.in-context").click()

    target = page.locator("#para-30")
    target.wait_for(state="visible", timeout=TIMEOUT_MS)
    page.wait_for_function("location.hash === '#para-30'", timeout=TIMEOUT_MS)
    assert target.is_visible() and target.bounding_box()["height"] > 0
    assert page.locator("#section-一").count() == 1, "every section and paragraph has an anchor"
    page.screenshot(path=str(artifacts / "web-report.png"))


def test_bad_input_gets_an_inline_message_and_english_labels(page: Any) -> None:
    page.locator("#question textarea").press("Enter")
    page.locator("#input-note").get_by_text("请输入问题。").wait_for(timeout=TIMEOUT_MS)
    assert page.locator(".toast-body").count() == 0, "no error toast"

    page.locator("#question textarea").fill("还没发送的问题")
    page.locator("#language").get_by_text("English").click()
    page.locator("#send").get_by_text("Send").wait_for(timeout=TIMEOUT_MS)
    assert page.locator("#question textarea").input_value() == "还没发送的问题", "relabelling keeps what is typed"
    assert page.locator("#new-conversation").inner_text().strip() == "New conversation"
    ask(page, "x" * 2100)
    page.locator("#input-note").get_by_text("the limit is").wait_for(timeout=TIMEOUT_MS)
    assert page.locator('#chat [data-testid="bot"]').count() == 0


def test_an_english_browser_gets_english_labels_without_asking(
    browser: Any, served: tuple[str, FeedbackStore], contacted_hosts: set[str]
) -> None:
    browser_context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="en-US")
    try:
        tab = browser_context.new_page()
        tab.on("request", lambda request: contacted_hosts.add(request.url.split("/")[2]))
        tab.goto(served[0])
        tab.locator("#send").get_by_text("Send").wait_for(timeout=TIMEOUT_MS)
        assert tab.locator("#language input[value='en']").is_checked()
        ask(tab, "What can regional organizations do for early warning?")
        answer = wait_for_answers(tab, 1)
        assert answer.locator(".sources").inner_text().startswith("Sources:")
        assert "The report is in Chinese" in answer.inner_text()
    finally:
        browser_context.close()
    assert contacted_hosts == {served[0].split("/")[2]}
