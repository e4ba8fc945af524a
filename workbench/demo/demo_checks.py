"""Read the demo data files back, independently of the builder, and check them.

Checks: every file parses; ids are unique per file (except the YouTube threads
deliberately repeated across pages); every parent reference resolves (except
Reddit's ``more`` / "continue this thread" stubs and the one deleted tweet the X
API reports in ``errors``); replies come after their parents; and the counts
agree with what the builder reported (and so with the README).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any


def _time(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _unique(ids: list[str], where: str, problems: list[str]) -> None:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            problems.append(f"{where}: id {item!r} appears twice")
        seen.add(item)


def check_reddit(path: Path, problems: list[str]) -> dict[str, Any]:
    """Check the Reddit thread; return what it holds."""
    post_listing, comments_listing = json.loads(path.read_text("utf-8"))
    post = post_listing["data"]["children"][0]["data"]
    times = {f"t3_{post['id']}": post["created_utc"]}
    depths = {f"t3_{post['id']}": -1}
    found = {
        "comments": 0,
        "more_stubs": 0,
        "more_hidden": 0,
        "continue_stubs": 0,
        "deleted_body": 0,
        "removed_body": 0,
        "max_depth": 0,
    }
    ids: list[str] = []

    def walk(children: list[dict[str, Any]], where: str) -> None:
        for n, child in enumerate(children):
            data, here = child["data"], f"{where}[{n}]"
            if data["parent_id"] not in times:
                problems.append(f"{path.name} {here}: parent {data['parent_id']} not found")
                continue
            if data.get("depth", depths[data["parent_id"]] + 1) != depths[data["parent_id"]] + 1:
                problems.append(f"{path.name} {here}: depth {data['depth']} does not follow parent")
            if child["kind"] == "more":
                if data["id"] == "_":
                    found["continue_stubs"] += 1
                else:
                    found["more_stubs"] += 1
                    found["more_hidden"] += data["count"]
                    ids.extend(data["children"])
                continue
            ids.append(data["id"])
            found["comments"] += 1
            found["deleted_body"] += data["body"] == "[deleted]"
            found["removed_body"] += data["body"] == "[removed]"
            found["max_depth"] = max(found["max_depth"], data["depth"])
            if data["link_id"] != f"t3_{post['id']}":
                problems.append(f"{path.name} {here}: link_id {data['link_id']}")
            if data["created_utc"] <= times[data["parent_id"]]:
                problems.append(f"{path.name} {here}: reply is not after its parent")
            times[data["name"]] = data["created_utc"]
            depths[data["name"]] = data["depth"]
            if data["replies"]:
                walk(data["replies"]["data"]["children"], f"{here}.data.replies.data.children")

    walk(comments_listing["data"]["children"], "$[1].data.children")
    _unique(ids + [post["id"]], path.name, problems)
    hidden = post["num_comments"] - found["comments"] - found["more_hidden"]
    if hidden < 0:
        problems.append(f"{path.name}: num_comments {post['num_comments']} is too small")
    return found


def check_mastodon(outbox_path: Path, context_path: Path, problems: list[str]) -> dict[str, Any]:
    """Check the outbox and the context response together."""
    outbox = json.loads(outbox_path.read_text("utf-8"))
    context = json.loads(context_path.read_text("utf-8"))
    items = outbox["orderedItems"]
    _unique([i["id"] for i in items], outbox_path.name, problems)
    notes = {i["object"]["id"]: i["object"] for i in items if i["type"] == "Create"}
    statuses = context["ancestors"] + context["descendants"]
    _unique([s["id"] for s in statuses], context_path.name, problems)
    by_id = {s["id"]: s for s in statuses}
    by_uri = {s["uri"]: s for s in statuses}
    roots = {s["in_reply_to_id"] for s in statuses} - set(by_id)
    if len(roots) != 1:
        problems.append(
            f"{context_path.name}: expected one thread root outside the file, got {roots}"
        )
    root_uri = next((uri for uri in notes if uri.rsplit("/", 1)[-1] in roots), None)
    if root_uri is None:
        problems.append(f"{context_path.name}: the thread root {roots} is not in the outbox")
    times = {s["id"]: _time(s["created_at"]) for s in statuses}
    if root_uri:
        times[root_uri.rsplit("/", 1)[-1]] = _time(notes[root_uri]["published"])
    for n, status in enumerate(context["descendants"]):
        parent = status["in_reply_to_id"]
        if parent in times and times[status["id"]] <= times[parent]:
            problems.append(
                f"{context_path.name} $.descendants[{n}]: reply is not after its parent"
            )
    for uri, note in notes.items():
        target = note["inReplyTo"]
        if target and target not in by_uri and target not in notes:
            problems.append(f"{outbox_path.name}: {uri} replies to unknown {target}")
        if uri in by_uri and by_uri[uri]["content"] != note["content"]:
            problems.append(f"{outbox_path.name}: {uri} differs from the context copy")
    unique = set(notes) | set(by_uri)
    return {
        "comments": len(unique),
        "outbox_items": len(items),
        "context_descendants": len(context["descendants"]),
    }


def check_youtube(paths: list[Path], problems: list[str]) -> dict[str, Any]:
    """Check the commentThreads pages."""
    thread_ids: list[str] = []
    comments: dict[str, Any] = {}
    for path in paths:
        page = json.loads(path.read_text("utf-8"))
        ids = []
        for n, item in enumerate(page["items"]):
            thread_ids.append(item["id"])
            top = item["snippet"]["topLevelComment"]
            ids.append(top["id"])
            comments[top["id"]] = top
            for reply in item.get("replies", {}).get("comments", []):
                ids.append(reply["id"])
                comments[reply["id"]] = reply
                if reply["snippet"]["parentId"] != item["id"]:
                    problems.append(
                        f"{path.name} $.items[{n}]: reply {reply['id']} has another parent"
                    )
                if _time(reply["snippet"]["publishedAt"]) <= _time(top["snippet"]["publishedAt"]):
                    problems.append(f"{path.name} $.items[{n}]: reply before its comment")
        _unique(ids, path.name, problems)
    duplicated = len(thread_ids) - len(set(thread_ids))
    return {
        "comments": len(comments),
        "threads": len(set(thread_ids)),
        "duplicated_threads": duplicated,
    }


def check_x(path: Path, problems: list[str]) -> dict[str, Any]:
    """Check the twarc2 pages."""
    pages = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    tweets = [t for page in pages for t in page["data"]]
    _unique([t["id"] for t in tweets], path.name, problems)
    known = {t["id"]: t for t in tweets}
    for page in pages:
        known.update({t["id"]: t for t in page["includes"].get("tweets", [])})
    missing = {e["resource_id"] for page in pages for e in page.get("errors", [])}
    for line, page in enumerate(pages, 1):
        users = {u["id"] for u in page["includes"]["users"]}
        for n, tweet in enumerate(page["data"]):
            where = f"{path.name} line {line} $.data[{n}]"
            if tweet["author_id"] not in users:
                problems.append(f"{where}: author {tweet['author_id']} not in includes.users")
            if tweet["conversation_id"] not in known:
                problems.append(f"{where}: conversation {tweet['conversation_id']} not found")
            for ref in tweet.get("referenced_tweets", []):
                if ref["id"] in known:
                    if _time(known[ref["id"]]["created_at"]) >= _time(tweet["created_at"]):
                        problems.append(f"{where}: refers to a later tweet")
                elif ref["id"] not in missing:
                    problems.append(
                        f"{where}: {ref['type']} {ref['id']} neither present nor in errors"
                    )
    return {"comments": len(tweets), "deleted": len(missing)}


def check_facebook(path: Path, problems: list[str]) -> dict[str, Any]:
    """Check the Facebook file and its mojibake."""
    raw = path.read_bytes()
    if not raw.isascii():
        problems.append(f"{path.name}: Facebook writes every non-ASCII byte as \\u00XX")
    entries = json.loads(raw)["comments_v2"]
    for n, entry in enumerate(entries):
        text = entry["data"][0]["comment"]["comment"]
        try:
            text.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            problems.append(f"{path.name} $.comments_v2[{n}]: text is not UTF-8 read as Latin-1")
    return {"comments": len(entries)}


def check_survey(path: Path, problems: list[str]) -> dict[str, Any]:
    """Check the survey CSV."""
    raw = path.read_bytes()
    if not raw.startswith(b"\xef\xbb\xbf"):
        problems.append(f"{path.name}: no UTF-8 BOM")
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, body = rows[0], rows[1:]
    if any(len(row) != len(header) for row in body):
        problems.append(f"{path.name}: a row has the wrong number of cells")
    _unique([row[0] for row in body], path.name, problems)
    if text.count("\r\n") != len(rows):
        problems.append(f"{path.name}: rows must end with CRLF (and only rows)")
    return {"comments": len(body)}


def check_folder(folder: Path) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """Check every demo file in ``folder``; return (problems, counts found)."""
    problems: list[str] = []
    found = {
        "reddit": check_reddit(folder / "reddit_thread.json", problems),
        "mastodon": check_mastodon(
            folder / "mastodon_outbox.json", folder / "mastodon_context.json", problems
        ),
        "youtube": check_youtube(
            [
                folder / "youtube_comment_threads_page1.json",
                folder / "youtube_comment_threads_page2.json",
            ],
            problems,
        ),
        "x": check_x(folder / "x_api_v2_replies.jsonl", problems),
        "facebook": check_facebook(folder / "facebook_comments.json", problems),
        "survey": check_survey(folder / "consultation_survey.csv", problems),
    }
    return problems, found


def compare_counts(built: dict[str, dict[str, Any]], found: dict[str, dict[str, Any]]) -> list[str]:
    """List the counts where the builder (and README) and the files disagree."""
    pairs = {
        "reddit": {k: k for k in found["reddit"]},
        "mastodon": {"outbox_items": "outbox_items", "context_descendants": "context_descendants"},
        "youtube": {
            "comments": "comments",
            "threads": "threads",
            "duplicated_threads": "duplicated_threads",
        },
        "x": {"comments": "tweets", "deleted": "deleted"},
        "facebook": {"comments": "comments"},
        "survey": {"comments": "rows"},
    }
    out = []
    for platform, keys in pairs.items():
        for found_key, built_key in keys.items():
            if found[platform][found_key] != built[platform][built_key]:
                out.append(
                    f"{platform} {found_key}: files have {found[platform][found_key]}, "
                    f"builder says {built[platform][built_key]}"
                )
    return out
