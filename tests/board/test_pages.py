"""The board's pages and forms over HTTP, on both databases: what a person sees, what each
change does (through the tools' operations, the person as actor), and what is refused."""

from __future__ import annotations

import html
import re

from task_tracker import operations
from tests.board.conftest import Board

HOSTILE = '<img src=x onerror="alert(1)">'


def test_the_board_shows_each_column_with_its_cards(board: Board) -> None:
    first = board.add("Write the parser", priority="high", tags=["core"], due_date="2020-01-01")
    board.add("Ship it", status="in_progress")
    done = board.add("Old work")
    board.run(operations.complete_task(actor="agent-1", task_id=done.id))
    sub = board.add("Part one", parent_id=first.id)
    board.run(operations.complete_task(actor="agent-1", task_id=sub.id))
    board.add("Part two", parent_id=first.id)
    blocker = board.add("Decide the format")
    board.run(operations.update_task(actor="agent-1", task_id=first.id, depends_on=[blocker.id]))
    page = board.client.get("/")
    assert page.status_code == 200
    columns = re.findall(r'<h2 id="h-(\w+)">[^<]+<span class="count">(\d+)</span>', page.text)
    assert columns == [
        ("pending", "3"),
        ("in_progress", "1"),
        ("in_review", "0"),
        ("complete", "2"),
        ("cancelled", "0"),
    ]
    card = page.text[page.text.index(f'id="card-{first.id}"') :].split("</article>")[0]
    assert "#1 Write the parser" in card
    assert 'class="progress" title="subtasks closed">1/2<' in card
    assert f'blocked by <a href="/task/{blocker.id}">#{blocker.id} Decide the format</a>' in card
    assert "due 2020-01-01 (overdue)" in card
    assert "<li>core</li>" in card


def test_every_text_is_escaped_and_markdown_is_sanitised(board: Board) -> None:
    task = board.add(
        HOSTILE,
        tags=["<b>tag</b>"],
        description="**bold** <script>alert(1)</script> [link](javascript:alert(1)) "
        "[ok](https://example.com)",
        project="<svg onload=alert(1)>",
        create_project=True,
    )
    board.run(operations.add_note(actor="<i>agent</i>", task_id=task.id, text=HOSTILE))
    for path in ("/", f"/task/{task.id}", "/activity"):
        text = board.client.get(path).text
        assert "<img" not in text and "<svg" not in text and "<script>alert" not in text, path
        assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in text, path
    shown = board.client.get(f"/task/{task.id}").text
    assert "<strong>bold</strong>" in shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown  # shown as text, never run
    assert 'href="javascript:' not in shown and "[link](javascript:alert(1))" in shown
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">ok</a>' in shown


def test_every_answer_carries_the_security_headers(board: Board) -> None:
    first = board.client.get("/")
    cookie = first.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "<script>" not in first.text and " on" + "click=" not in first.text
    for path in ("/", "/trash", "/activity", "/static/board.js", "/nowhere"):
        answer = board.client.get(path)
        policy = answer.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, path
        assert "unsafe-inline" not in policy
        assert answer.headers.get("x-content-type-options") == "nosniff", path
        assert answer.headers.get("referrer-policy") == "same-origin", path


def test_a_form_moves_a_task_and_history_names_the_person(board: Board) -> None:
    task = board.add("Move me")
    answer = board.post(f"/task/{task.id}/move", {"status": "in_progress", "version": "1"})
    assert answer.status_code == 303 and answer.headers["location"] == f"/task/{task.id}"
    moved = board.task(task.id)
    assert (moved.status, moved.version) == ("in_progress", 2)
    assert moved.history[0].actor == "pat"
    assert moved.history[0].changes == {"status": ["pending", "in_progress"]}


def test_a_drag_gets_the_new_card_as_json(board: Board) -> None:
    task = board.add("Drag me", tags=["ui"])
    answer = board.client.post(
        f"/task/{task.id}/move",
        data={"status": "complete", "version": "1"},
        headers={"X-CSRF-Token": board.csrf(), "Accept": "application/json"},
    )
    assert answer.status_code == 200
    card = answer.json()
    assert (card["id"], card["status"], card["version"], card["tags"]) == (
        task.id,
        "complete",
        2,
        ["ui"],
    )
    assert f'id="card-{task.id}"' in card["html"] and 'name="csrf" value=""' in card["html"]


def test_a_stale_edit_is_refused_shown_and_changes_nothing(board: Board) -> None:
    task = board.add("Original")
    board.run(
        operations.update_task(actor="agent-2", task_id=task.id, title="Changed by the agent")
    )
    answer = board.post(f"/task/{task.id}/edit", {"title": "Mine", "version": "1"})
    assert answer.status_code == 409
    text = html.unescape(answer.text)
    assert (
        f"Task #{task.id} was changed meanwhile (you saw version 1, it is now version 2); "
        "your change was not saved." in text
    )
    assert "version 2 by agent-2" in text and "title → Changed by the agent" in text
    kept = board.task(task.id)
    assert (kept.title, kept.version) == ("Changed by the agent", 2)


def test_a_stale_drag_gets_the_newer_card_and_nothing_is_lost(board: Board) -> None:
    task = board.add("Contested")
    board.run(operations.update_task(actor="agent-2", task_id=task.id, status="in_progress"))
    answer = board.client.post(
        f"/task/{task.id}/move",
        data={"status": "cancelled", "version": "1"},
        headers={"X-CSRF-Token": board.csrf(), "Accept": "application/json"},
    )
    assert answer.status_code == 409
    assert answer.json()["card"]["status"] == "in_progress"
    assert answer.json()["error"].startswith(f"Task #{task.id} was changed meanwhile")
    assert board.task(task.id).status == "in_progress"


def test_edit_note_claim_delete_restore_and_revert(board: Board) -> None:
    task = board.add("Full circle")
    edited = board.post(
        f"/task/{task.id}/edit",
        {
            "title": "Full circle, edited",
            "description": "now *with* words",
            "priority": "high",
            "tags": "a, b",
            "due_date": "2030-05-01",
            "version": "1",
        },
    )
    assert edited.status_code == 303
    after = board.task(task.id)
    assert (after.title, after.priority, after.tags, str(after.due_date), after.version) == (
        "Full circle, edited",
        "high",
        ["a", "b"],
        "2030-05-01",
        2,
    )
    assert board.post(f"/task/{task.id}/note", {"text": "looked at it"}).status_code == 303
    assert board.task(task.id).notes[0].text == "looked at it"
    assert board.task(task.id).notes[0].actor == "pat"
    left = board.post(f"/task/{task.id}/note", {"text": "stopped here", "kind": "handoff"})
    assert left.status_code == 303
    assert [(n.kind, n.text) for n in board.task(task.id).notes] == [
        ("handoff", "stopped here"),
        ("note", "looked at it"),
    ]
    assert '<span class="badge">handoff</span>' in board.client.get(f"/task/{task.id}").text
    assert board.post(f"/task/{task.id}/claim", {}).status_code == 303
    assert board.task(task.id).claimed_by == "pat"
    assert board.post(f"/task/{task.id}/claim", {"release": "1"}).status_code == 303
    assert board.task(task.id).claimed_by is None
    now = str(board.task(task.id).version)
    reverted = board.post(f"/task/{task.id}/revert", {"to_version": "1", "version": now})
    assert reverted.status_code == 303
    assert board.task(task.id).title == "Full circle"
    gone = board.post(
        f"/task/{task.id}/delete", {"version": str(board.task(task.id).version), "next": "/trash"}
    )
    assert gone.status_code == 303 and gone.headers["location"] == "/trash"
    trash = board.client.get("/trash").text
    assert f"#{task.id} Full circle" in trash and "<td>pat</td>" in trash
    assert board.post(f"/task/{task.id}/restore", {}).status_code == 303
    assert board.task(task.id).title == "Full circle"


def test_add_inline_with_a_bad_title_says_why_and_adds_nothing(board: Board) -> None:
    added = board.post("/task", {"title": "From the board", "priority": "low"})
    assert added.status_code == 303
    listed = board.run(operations.list_tasks())
    assert [(t.title, t.priority) for t in listed.tasks] == [("From the board", "low")]
    refused = board.post("/task", {"title": "x" * 201})
    assert refused.status_code == 400
    assert "title" in refused.text and "200" in refused.text
    assert board.run(operations.list_tasks()).total == 1


def test_writes_without_the_csrf_token_or_from_elsewhere_are_refused(board: Board) -> None:
    task = board.add("Guarded")
    board.csrf()  # a session exists: only the token is missing
    bare = board.client.post(f"/task/{task.id}/move", data={"status": "complete"})
    assert bare.status_code == 403 and "expired" in bare.text
    wrong = board.client.post(
        f"/task/{task.id}/move", data={"status": "complete", "csrf": "forged"}
    )
    assert wrong.status_code == 403
    other = board.post(
        f"/task/{task.id}/move",
        {"status": "complete"},
        headers={"Origin": "https://evil.example"},
    )
    assert other.status_code == 403
    cross = board.post(
        f"/task/{task.id}/move", {"status": "complete"}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert cross.status_code == 403
    assert board.task(task.id).status == "pending"


def test_the_local_board_answers_its_own_host_only(board: Board) -> None:
    rebound = board.client.get("/", headers={"Host": "attacker.example:8080"})
    assert rebound.status_code == 421


def test_the_redirect_after_a_change_stays_on_the_board(board: Board) -> None:
    task = board.add("Somewhere")
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        answer = board.post(f"/task/{task.id}/note", {"text": "n", "next": target})
        assert answer.headers["location"] == "/", target
    refused = board.post(f"/task/{task.id}/note", {"text": " ", "next": "javascript:alert(1)"})
    assert refused.status_code == 400
    assert 'href="javascript:' not in refused.text and '<a href="/">Back</a>' in refused.text


def test_the_read_only_board_has_no_write_controls_and_refuses_writes(
    read_only_board: Board,
) -> None:
    task = read_only_board.add("Look, don't touch")
    for path in ("/", f"/task/{task.id}", "/trash"):
        text = read_only_board.client.get(path).text
        assert 'method="post"' not in text, path
        assert "read-only" in text
    answer = read_only_board.post(f"/task/{task.id}/move", {"status": "complete"})
    assert answer.status_code == 403 and "read-only" in answer.text
    assert read_only_board.task(task.id).status == "pending"


def test_filters_narrow_the_columns(board: Board) -> None:
    board.add("In alpha", project="alpha", create_project=True, tags=["x"])
    board.add("In beta", project="beta", create_project=True)
    page = board.client.get("/", params={"project": "alpha"}).text
    assert "In alpha" in page and "In beta" not in page
    assert "In beta" in board.client.get("/", params={"project": "beta"}).text
    assert "In beta" not in board.client.get("/", params={"tag": "x"}).text
    held = board.add("Held by seven")
    board.run(operations.claim_task(actor="agent-7", task_id=held.id))
    by_holder = board.client.get("/", params={"holder": "agent-7"}).text
    assert "Held by seven" in by_holder and "In alpha" not in by_holder
    assert "held by <b>agent-7</b>" in by_holder
    filtered = board.client.get("/", params={"project": "alpha"}).text
    counts = re.findall(r'<h2 id="h-(\w+)">[^<]+<span class="count">([^<]+)</span>', filtered)
    assert counts == [
        ("pending", "1"),
        ("in_progress", "0"),
        ("in_review", "0"),
        ("complete", "0"),
        ("cancelled", "0"),
    ]
    unknown = board.client.get("/", params={"project": "gamma"})
    assert unknown.status_code == 400 and "gamma" in html.unescape(unknown.text)


def test_search_shows_hits_with_snippets(board: Board) -> None:
    board.add("Parser for dates", description="handles the leap day")
    board.add("Unrelated")
    page = board.client.get("/", params={"q": "leap"}).text
    assert "1 found for “leap”" in page
    assert "Parser for dates" in page.split('class="results"')[1].split("</section>")[0]


def test_the_activity_view_shows_holders_and_latest_changes(board: Board) -> None:
    task = board.add("Held one")
    board.run(operations.claim_task(actor="agent-7", task_id=task.id))
    text = board.client.get("/activity").text
    assert '<h2>agent-7 <span class="count">1</span></h2>' in text
    assert f"#{task.id} Held one</a> by <b>agent-1</b>" in text


def test_a_member_signs_in_and_the_token_never_shows(team_board: Board) -> None:
    client = team_board.client
    first = client.get("/board/", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/board/signin"
    wrong = client.post("/board/signin", data={"token": "guess"}, follow_redirects=False)
    assert wrong.status_code == 401 and "set-cookie" not in wrong.headers
    token = "alice-token-0123456789"
    signed = client.post("/board/signin", data={"token": token}, follow_redirects=False)
    assert signed.status_code == 303 and signed.headers["location"] == "/board/"
    cookie = signed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/board" in cookie
    assert token not in cookie
    page = client.get("/board/")
    assert page.status_code == 200 and token not in page.text and "alice" in page.text
    task = team_board.add("Team work")
    assert team_board.post(f"/task/{task.id}/claim", {}).status_code == 303
    assert team_board.task(task.id).claimed_by == "alice"


def test_a_tampered_session_is_not_a_session(team_board: Board) -> None:
    client = team_board.client
    client.post("/board/signin", data={"token": "bob-token-0123456789"})
    value = client.cookies["task_tracker_board"]
    session, name, expires, mac = value.split(".")
    forged = ".".join([session, "YWxpY2U", expires, mac])  # "alice" under bob's signature
    client.cookies.clear()
    client.cookies.set("task_tracker_board", forged, path="/board")
    answer = client.get("/board/", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/board/signin"


def test_more_pages_a_column_after_its_cursor(board: Board) -> None:
    for n in range(1, 8):
        done = board.add(f"Closed {n}")
        board.run(operations.complete_task(actor="agent-1", task_id=done.id))
    page = board.client.get("/").text
    complete = page.split('<div class="cards" data-status="complete">')[1].split("</section>")[0]
    assert re.findall(r"#(\d+) Closed", complete) == ["7", "6", "5", "4", "3"]
    more = re.search(r'href="(/column/complete\?cursor=[^"]+)"', complete)
    assert more is not None
    rest = board.client.get(html.unescape(more.group(1)))
    assert rest.status_code == 200
    assert re.findall(r"#(\d+) Closed", rest.text) == ["2", "1"]
    assert "/column/complete?cursor=" not in rest.text


def test_criteria_review_and_links_on_the_task_page(board: Board) -> None:
    origin = board.add("Origin")
    task = board.add(
        "Ship it",
        criteria=["tests pass", "docs <b>updated</b>"],
        review=True,
        repeat="weekly",
        discovered_from=origin.id,
    )
    page = board.client.get(f"/task/{task.id}").text
    assert "Repeats weekly." in page and "Needs review by another when done." in page
    assert f'Discovered from <a href="/task/{origin.id}">#{origin.id}</a>' in page
    assert "docs &lt;b&gt;updated&lt;/b&gt;" in page  # a criterion is text, never markup
    ticked = board.post(f"/task/{task.id}/check", {"checked": ["1", "2"], "version": "1"})
    assert ticked.status_code == 303
    assert [item.checked for item in board.task(task.id).criteria] == [True, True]
    board.run(operations.complete_task(actor="agent-1", task_id=task.id))
    page = board.client.get(f"/task/{task.id}").text
    assert "In review: <b>agent-1</b> finished it" in page and 'value="approve"' in page
    sent_back = board.post(f"/task/{task.id}/review", {"verdict": "reject", "note": "typo"})
    assert sent_back.status_code == 303
    shown = board.task(task.id)
    assert (shown.status, shown.notes[0].actor, shown.notes[0].text) == (
        "in_progress",
        "pat",
        "typo",
    )
    board.run(operations.complete_task(actor="agent-1", task_id=task.id))
    assert board.post(f"/task/{task.id}/review", {"verdict": "approve"}).status_code == 303
    assert board.task(task.id).status == "complete"
    columns = board.client.get("/").text
    assert '<h2 id="h-in_review">In review' in columns
