"""Write the YouTube pages, the X search pages, the Facebook file and the survey CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timedelta
from typing import Any

from .corpus import facebook as fcorpus
from .corpus import survey as scorpus
from .corpus import x as xcorpus
from .corpus import youtube as ycorpus
from .timeline import escape_html, iso, link_levels, number, parse_time, schedule, token, unit

# -------------------------------------------------------------------------- YouTube

THREADS_PER_PAGE = 16
DUPLICATED = 2  # page 2 starts with the last items of page 1 (new comments arrived)
_TIMESTAMP = re.compile(r"(?<![\d:])(\d{1,2}):([0-5]\d)(?![\d:])")
_URL = re.compile(r"https?://[^\s<]+[^\s<.,:;!?)\]'\"]")
_HANDLE = re.compile(r"^@[A-Za-z0-9_.-]+")


def _channel_id(handle: str) -> str:
    return "UC" + token("yt-channel", handle, length=22)


def youtube_html(text: str) -> str:
    """Render a comment as the API's ``textDisplay``: entities, links and ``<br>``."""
    out = []
    for line in text.split("\n"):
        pieces, pos = [], 0
        pattern = re.compile(f"{_URL.pattern}|{_TIMESTAMP.pattern}|{_HANDLE.pattern}")
        for match in pattern.finditer(line):
            pieces.append(escape_html(line[pos : match.start()]))
            found = match.group(0)
            if found.startswith("http"):
                pieces.append(f'<a href="{escape_html(found)}">{escape_html(found)}</a>')
            elif found.startswith("@"):
                pieces.append(
                    f'<a href="http://www.youtube.com/channel/{_channel_id(found)}">'
                    f"{escape_html(found)}</a>"
                )
            else:
                seconds = int(match.group(1)) * 60 + int(match.group(2))
                pieces.append(
                    f'<a href="https://www.youtube.com/watch?v={ycorpus.VIDEO_ID}'
                    f'&amp;t={seconds}">{found}</a>'
                )
            pos = match.end()
        pieces.append(escape_html(line[pos:]))
        out.append("".join(pieces))
    return "<br>".join(out)


def _youtube_comment(entry: dict[str, Any], comment_id: str, parent_id: str | None) -> dict:
    author = entry["author"]
    published = entry["time"].replace(microsecond=0)
    updated = published + timedelta(minutes=entry.get("edited", 0))
    snippet: dict[str, Any] = {
        "channelId": _channel_id(ycorpus.CHANNEL),
        "videoId": ycorpus.VIDEO_ID,
        "textDisplay": youtube_html(entry["text"]),
        "textOriginal": entry["text"],
    }
    if parent_id:
        snippet["parentId"] = parent_id
    snippet.update(
        {
            "authorDisplayName": author,
            "authorProfileImageUrl": "https://yt3.ggpht.com/ytc/"
            + token("yt-avatar", author, length=40)
            + "=s48-c-k-c0x00ffffff-no-rj",
            "authorChannelUrl": f"http://www.youtube.com/{author}",
            "authorChannelId": {"value": _channel_id(author)},
            "canRate": True,
            "viewerRating": "none",
            "likeCount": entry.get("likes", 0),
            "publishedAt": iso(published),
            "updatedAt": iso(updated),
        }
    )
    return {
        "kind": "youtube#comment",
        "etag": token("yt-etag", comment_id, length=27),
        "id": comment_id,
        "snippet": snippet,
    }


def build_youtube() -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Return the two ``commentThreads`` pages and their counts."""
    video_time = parse_time(ycorpus.VIDEO_PUBLISHED)
    flat = [entry for thread in ycorpus.THREADS for entry in thread]
    entries = link_levels(flat)
    schedule(entries, video_time, key="youtube", spread=timedelta(days=54), max_delay_minutes=900)
    items = []
    for rank, top in enumerate(e for e in entries if e["parent"] is None):
        prefix = ("Ugw", "Ugx", "Ugy", "Ugz")[number("yt-prefix", rank, bits=2)]
        thread_id = prefix + token("yt-thread", rank, length=16) + "4AaABAg"
        replies = [entries[i] for i in top["children"]]
        reply_items = [
            _youtube_comment(
                r, f"{thread_id}.A" + token("yt-reply", r["index"], length=21), thread_id
            )
            for r in reversed(replies)  # newest first, as the API lists them
        ]
        item = {
            "kind": "youtube#commentThread",
            "etag": token("yt-etag-thread", thread_id, length=27),
            "id": thread_id,
            "snippet": {
                "channelId": _channel_id(ycorpus.CHANNEL),
                "videoId": ycorpus.VIDEO_ID,
                "topLevelComment": _youtube_comment(top, thread_id, None),
                "canReply": True,
                "totalReplyCount": top.get("total_replies", len(replies)),
                "isPublic": True,
            },
        }
        if reply_items:
            item["replies"] = {"comments": reply_items}
        items.append((top["time"], item))
    items.sort(key=lambda pair: pair[0], reverse=True)  # order=time: newest first
    ordered = [item for _, item in items]
    page1 = ordered[:THREADS_PER_PAGE]
    page2 = ordered[THREADS_PER_PAGE - DUPLICATED :]
    next_token = token("yt-page", 2, length=112)

    def page(page_items: list[dict], token_: str | None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "kind": "youtube#commentThreadListResponse",
            "etag": token("yt-etag-page", token_, length=27),
        }
        if token_:
            body["nextPageToken"] = token_
        body["pageInfo"] = {"totalResults": len(page_items), "resultsPerPage": THREADS_PER_PAGE}
        body["items"] = page_items
        return body

    replies_written = sum(len(t) - 1 for t in ycorpus.THREADS)
    counts = {
        "threads": len(ordered),
        "comments": len(flat),
        "top_level": len(ordered),
        "replies": replies_written,
        "page1_threads": len(page1),
        "page2_threads": len(page2),
        "duplicated_threads": DUPLICATED,
        "items_with_duplicates": sum(
            1 + len(i.get("replies", {}).get("comments", [])) for i in page1 + page2
        ),
        "replies_not_returned": sum(
            t[0].get("total_replies", len(t) - 1) - (len(t) - 1) for t in ycorpus.THREADS
        ),
        "edited": sum(1 for e in flat if e.get("edited")),
        "owner_replies": sum(1 for e in flat if e["author"] == ycorpus.CHANNEL),
    }
    return [page(page1, next_token), page(page2, None)], counts


# -------------------------------------------------------------------------------- X

TWITTER_EPOCH_MS = 1288834974657


def _tweet_id(moment: datetime, key: object) -> str:
    ms = int(moment.timestamp() * 1000)
    return str(((ms - TWITTER_EPOCH_MS) << 22) | number("tweet-worker", key, bits=22))


def _user_id(username: str) -> str:
    if number("user-age", username, bits=2) == 0:  # an old account: short id
        return str(20_000_000 + number("user-id", username, bits=28))
    return str(1_200_000_000_000_000_000 + number("user-id", username, bits=58))


def _escape_x(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def build_x() -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Return the twarc2 search pages (one dict per line) and their counts."""
    tweets: dict[str, dict[str, Any]] = {}  # every tweet that exists, by id
    deleted: dict[str, str] = {}  # tweet id -> author username
    authors: dict[str, str] = {}  # tweet id -> author username
    root_ids: list[str] = []
    for number_, (when, author, text, replies, options) in enumerate(xcorpus.CONVERSATIONS):
        root_time = parse_time(when)
        root_id = _tweet_id(root_time, ("root", number_))
        root_ids.append(root_id)
        entries = link_levels(replies)
        schedule(
            entries, root_time, key=f"x{number_}", spread=timedelta(days=2.5), max_delay_minutes=240
        )
        tweets[root_id] = _tweet(root_id, author, text, root_time, root_id, None, None, options)
        authors[root_id] = author
        mentions = {root_id: []}
        for entry in entries:
            entry["id"] = _tweet_id(entry["time"], (number_, entry["index"]))
            parent_id = entries[entry["parent"]]["id"] if entry["parent"] is not None else root_id
            parent_author = authors[parent_id]
            chain = ([] if parent_author == entry["author"] else [parent_author]) + mentions[
                parent_id
            ]
            chain = [u for u in dict.fromkeys(chain) if u != entry["author"]][:3]
            mentions[entry["id"]] = chain
            authors[entry["id"]] = entry["author"]
            if entry.get("deleted"):
                deleted[entry["id"]] = entry["author"]
                continue
            body = " ".join(f"@{u}" for u in chain) + (" " if chain else "") + entry["text"]
            tweets[entry["id"]] = _tweet(
                entry["id"],
                entry["author"],
                body,
                entry["time"],
                root_id,
                parent_id,
                parent_author,
                entry,
            )
        for entry in entries:
            if entry["id"] in tweets:
                tweets[entry["id"]]["public_metrics"]["reply_count"] = len(entry["children"])
        tweets[root_id]["public_metrics"]["reply_count"] = sum(
            1 for e in entries if e["parent"] is None
        )
    for when, username, retweeted in xcorpus.RETWEETS:
        original_id = root_ids[retweeted]
        original = tweets[original_id]
        moment = parse_time(when)
        tweet_id = _tweet_id(moment, ("rt", username))
        text = "RT @" + xcorpus.OWNER + ": " + original["text"]
        if len(text) > 140:
            text = text[:139] + "…"
        tweet = _tweet(tweet_id, username, text, moment, tweet_id, None, None, {}, escaped=True)
        tweet["public_metrics"]["retweet_count"] = original["public_metrics"]["retweet_count"]
        tweet["referenced_tweets"] = [{"type": "retweeted", "id": original_id}]
        tweets[tweet_id] = tweet
    for number_, (when, username, text, quoted, options) in enumerate(xcorpus.STANDALONE):
        moment = parse_time(when)
        tweet_id = _tweet_id(moment, ("standalone", number_))
        if quoted is not None:
            text += " https://t.co/" + token("tco", number_, length=10)
        tweet = _tweet(tweet_id, username, text, moment, tweet_id, None, None, options)
        if quoted is not None:
            tweet["referenced_tweets"] = [{"type": "quoted", "id": root_ids[quoted]}]
        tweets[tweet_id] = tweet
    ordered = sorted(tweets.values(), key=lambda t: int(t["id"]), reverse=True)
    half = (len(ordered) + 1) // 2
    pages = [ordered[:half], ordered[half:]]
    lines = []
    for page_number, page in enumerate(pages):
        user_names: dict[str, None] = {}
        included: dict[str, dict[str, Any]] = {}
        errors = []
        for tweet in page:
            user_names[_username(tweet["author_id"])] = None
            for ref in tweet.get("referenced_tweets", []):
                if ref["id"] in tweets:
                    included[ref["id"]] = tweets[ref["id"]]
                    user_names[_username(tweets[ref["id"]]["author_id"])] = None
                elif ref["id"] in deleted and all(e["resource_id"] != ref["id"] for e in errors):
                    errors.append(
                        {
                            "value": ref["id"],
                            "detail": "Could not find tweet with referenced_tweets.id: "
                            f"[{ref['id']}].",
                            "title": "Not Found Error",
                            "resource_type": "tweet",
                            "parameter": "referenced_tweets.id",
                            "resource_id": ref["id"],
                            "type": "https://api.twitter.com/2/problems/resource-not-found",
                        }
                    )
            if "in_reply_to_user_id" in tweet:
                user_names[_username(tweet["in_reply_to_user_id"])] = None
        body: dict[str, Any] = {
            "data": page,
            "includes": {
                "users": [_user(u) for u in user_names],
                "tweets": list(included.values()),
            },
        }
        if errors:
            body["errors"] = errors
        meta: dict[str, Any] = {
            "newest_id": page[0]["id"],
            "oldest_id": page[-1]["id"],
            "result_count": len(page),
        }
        if page_number + 1 < len(pages):
            meta["next_token"] = token(
                "x-next", page_number, length=45, alphabet="0123456789abcdefghijklmnopqrstuvwxyz"
            )
        body["meta"] = meta
        body["__twarc"] = {
            "url": "https://api.twitter.com/2/tweets/search/all?expansions=author_id%2C"
            "in_reply_to_user_id%2Creferenced_tweets.id%2Creferenced_tweets.id.author_id"
            "&tweet.fields=author_id%2Cconversation_id%2Ccreated_at%2Cedit_history_tweet_ids"
            "%2Cin_reply_to_user_id%2Clang%2Cpublic_metrics%2Creferenced_tweets%2Creply_settings"
            "&user.fields=created_at%2Cname%2Cusername&max_results=100"
            "&start_time=2026-02-25T00%3A00%3A00Z&end_time=2026-05-01T00%3A00%3A00Z"
            "&query=%40RiversideCHT+OR+from%3ARiversideCHT+OR+%23RiversideUTC"
            + (f"&next_token={lines[-1]['meta']['next_token']}" if lines else ""),
            "version": "2.14.0",
            "retrieved_at": f"2026-05-01T10:1{page_number}:0{3 + page_number}+00:00",
        }
        lines.append(body)
    counts = {
        "pages": len(lines),
        "tweets": len(ordered),
        "page_sizes": [len(p) for p in pages],
        "conversations": len(xcorpus.CONVERSATIONS),
        "replies": sum(
            1
            for t in ordered
            if any(r["type"] == "replied_to" for r in t.get("referenced_tweets", []))
        ),
        "retweets": len(xcorpus.RETWEETS),
        "quotes": sum(1 for s in xcorpus.STANDALONE if s[3] is not None),
        "deleted": len(deleted),
        "edited": sum(1 for t in ordered if len(t["edit_history_tweet_ids"]) > 1),
        "users": len({t["author_id"] for t in ordered}),
        "non_english": sum(1 for t in ordered if t["lang"] != "en"),
    }
    return lines, counts


_USERNAMES = {_user_id(name): name for name in xcorpus.USERS}


def _username(user_id: str) -> str:
    return _USERNAMES[user_id]


def _user(username: str) -> dict[str, Any]:
    created = parse_time("2010-06-01T00:00:00.000Z") + timedelta(
        days=int(unit("x-user", username) * 5000)
    )
    return {
        "id": _user_id(username),
        "name": xcorpus.USERS[username],
        "username": username,
        "created_at": iso(created, millis=True),
    }


def _tweet(
    tweet_id: str,
    author: str,
    text: str,
    moment: datetime,
    conversation_id: str,
    parent_id: str | None,
    parent_author: str | None,
    options: dict[str, Any],
    *,
    escaped: bool = False,
) -> dict[str, Any]:
    history = [tweet_id]
    if options.get("edited"):
        first = moment - timedelta(minutes=options["edited"])
        history = [_tweet_id(first, ("before-edit", tweet_id)), tweet_id]
    likes = options.get("likes", 0)
    tweet: dict[str, Any] = {
        "edit_history_tweet_ids": history,
        "conversation_id": conversation_id,
        "author_id": _user_id(author),
        "reply_settings": "everyone",
        "public_metrics": {
            "retweet_count": options.get("rts", 0),
            "reply_count": 0,
            "like_count": likes,
            "quote_count": options.get("quotes", 0),
            "bookmark_count": likes // 9,
            "impression_count": 40 + likes * (12 + number("imp", tweet_id, bits=4)),
        },
        "lang": options.get("lang", "en"),
        "id": tweet_id,
        "created_at": iso(moment.replace(microsecond=0), millis=True),
        "possibly_sensitive": False,
        "text": text if escaped else _escape_x(text),
    }
    if parent_id:
        tweet["referenced_tweets"] = [{"type": "replied_to", "id": parent_id}]
        tweet["in_reply_to_user_id"] = _user_id(parent_author or author)
    return tweet


# ------------------------------------------------------------------------- Facebook


def _latin1_mojibake(value: Any) -> Any:
    """Turn every string into its UTF-8 bytes read as Latin-1, as Facebook's export does."""
    if isinstance(value, str):
        return value.encode("utf-8").decode("latin-1")
    if isinstance(value, list):
        return [_latin1_mojibake(v) for v in value]
    if isinstance(value, dict):
        return {k: _latin1_mojibake(v) for k, v in value.items()}
    return value


def build_facebook() -> tuple[str, dict[str, int]]:
    """Return the ``comments.json`` text (with Facebook's mojibake) and its counts."""
    entries = []
    for when, target, text, group in fcorpus.COMMENTS:
        stamp = int(parse_time(when).timestamp())
        verb = "replied to" if target.endswith("comment") else "commented on"
        comment: dict[str, Any] = {"timestamp": stamp, "comment": text, "author": fcorpus.OWNER}
        if group:
            comment["group"] = group
        entry: dict[str, Any] = {"timestamp": stamp, "data": [{"comment": comment}]}
        if text.startswith("Done mine"):  # shared the survey link with the comment
            entry["attachments"] = [
                {
                    "data": [
                        {
                            "external_context": {
                                "url": "https://riversidehealth.example/have-your-say"
                            }
                        }
                    ]
                }
            ]
        entry["title"] = f"{fcorpus.OWNER} {verb} {target}."
        entries.append(entry)
    entries.sort(key=lambda e: e["timestamp"], reverse=True)  # newest first, as exported
    document = {"comments_v2": _latin1_mojibake(entries)}
    text = json.dumps(document, indent=2, ensure_ascii=True)
    counts = {
        "comments": len(entries),
        "in_groups": sum(1 for _, _, _, g in fcorpus.COMMENTS if g),
        "replies": sum(1 for _, t, _, _ in fcorpus.COMMENTS if t.endswith("comment")),
        "non_ascii": sum(1 for _, _, c, _ in fcorpus.COMMENTS if not c.isascii()),
        "with_attachments": sum(1 for e in entries if "attachments" in e),
    }
    return text + "\n", counts


# ---------------------------------------------------------------------------- Survey

FILLERS = {"n/a", "nothing", "-", "."}  # answers with no content at all


def build_survey() -> tuple[bytes, dict[str, int]]:
    """Return the survey CSV bytes (UTF-8 BOM, CRLF rows) and its counts."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(scorpus.COLUMNS)
    writer.writerows(scorpus.ROWS)
    improve = scorpus.COLUMNS.index("What could we improve?")
    counts = {
        "rows": len(scorpus.ROWS),
        "multiline_answers": sum(1 for r in scorpus.ROWS if "\n" in r[improve]),
        "filler_answers": sum(1 for r in scorpus.ROWS if r[improve].strip().lower() in FILLERS),
        "day_first_dates": sum(1 for r in scorpus.ROWS if "/" in r[1]),
        "iso_dates": sum(1 for r in scorpus.ROWS if "-" in r[1]),
        "anonymous_or_blank": sum(1 for r in scorpus.ROWS if r[2] in ("", "Anonymous")),
        "non_english": sum(1 for r in scorpus.ROWS if r[0] in scorpus.NON_ENGLISH),
    }
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8"), counts
