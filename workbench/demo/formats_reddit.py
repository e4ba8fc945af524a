"""Write the Reddit thread ``.json`` (``[post Listing, comments Listing]``)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from .corpus import reddit as rcorpus
from .timeline import (
    base36,
    escape_html,
    link_levels,
    number,
    parse_time,
    schedule,
    token,
)

# --------------------------------------------------------------------------- Reddit

SUBREDDIT_ID = "t5_2u8k4q"
POST_ID = "1j2rk7m"
FIRST_COMMENT_ID = int("mhb0000", 36)
CREATED_SHIFT = 28800.0  # Reddit's legacy ``created`` is ``created_utc`` + 8 h


def _markdown_html(text: str) -> str:
    """Render the little markdown the corpus uses the way Reddit's ``body_html`` does."""
    blocks = []
    for block in text.split("\n\n"):
        lines = block.split("\n")
        escaped = [escape_html(line) for line in lines]
        escaped = [re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", line) for line in escaped]
        escaped = [re.sub(r"(?<![*\w])\*(?!\s)(.+?)\*", r"<em>\1</em>", line) for line in escaped]
        if all(line.startswith("<em>") is False and line.startswith("* ") for line in lines):
            items = "\n".join(f"<li>{line[2:]}</li>" for line in escaped)
            blocks.append(f"<ul>\n{items}\n</ul>")
        elif all(re.match(r"\d+\. ", line) for line in lines):
            items = "\n".join(f"<li>{line.split('. ', 1)[1]}</li>" for line in escaped)
            blocks.append(f"<ol>\n{items}\n</ol>")
        else:
            blocks.append("<p>" + "\n".join(escaped) + "</p>")
    return '<div class="md">' + "\n\n".join(blocks) + "\n</div>"


def _slug(title: str) -> str:
    words = re.sub(r"[^a-z0-9 ]", "", title.lower()).split()
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > 50:
            break
        slug = f"{slug}_{word}" if slug else word
    return slug


def _listing(children: list[dict[str, Any]], *, dist: int | None = None) -> dict[str, Any]:
    return {
        "kind": "Listing",
        "data": {
            "after": None,
            "dist": dist,
            "modhash": "",
            "geo_filter": "",
            "children": children,
            "before": None,
        },
    }


def build_reddit() -> tuple[list[Any], dict[str, int]]:
    """Return the thread document and its counts."""
    post_time = parse_time(rcorpus.POST_TIME)
    entries = link_levels(rcorpus.COMMENTS)
    schedule(entries, post_time, key="reddit", spread=timedelta(days=9))
    # ids follow posting order, as Reddit's do
    next_id = FIRST_COMMENT_ID
    for entry in sorted(entries, key=lambda e: (e["time"], e["index"])):
        next_id += 3 + number("reddit-id", entry["index"], bits=9)
        entry["id"] = base36(next_id)
        if entry["type"] == "more":
            entry["hidden"] = []
            for n in range(entry["listed"]):
                next_id += 2 + number("reddit-hidden", entry["index"], n, bits=6)
                entry["hidden"].append(base36(next_id))
    slug = _slug(rcorpus.POST_TITLE)
    permalink = f"/r/{rcorpus.SUBREDDIT}/comments/{POST_ID}/{slug}/"
    common = {
        "subreddit": rcorpus.SUBREDDIT,
        "subreddit_id": SUBREDDIT_ID,
        "subreddit_name_prefixed": f"r/{rcorpus.SUBREDDIT}",
        "subreddit_type": "public",
    }

    def fullname(author: str) -> str | None:
        return (
            None
            if author == "[deleted]"
            else "t2_"
            + token(
                "reddit-user", author, length=8, alphabet="0123456789abcdefghijklmnopqrstuvwxyz"
            )
        )

    def thing(entry: dict[str, Any]) -> dict[str, Any]:
        parent = entries[entry["parent"]] if entry["parent"] is not None else None
        parent_id = f"t1_{parent['id']}" if parent else f"t3_{POST_ID}"
        depth = entry["level"] - 1
        if entry["type"] == "more":
            return {
                "kind": "more",
                "data": {
                    "count": entry["count"],
                    "name": f"t1_{entry['hidden'][0]}",
                    "id": entry["hidden"][0],
                    "parent_id": parent_id,
                    "depth": depth,
                    "children": entry["hidden"],
                },
            }
        if entry["type"] == "continue":
            return {
                "kind": "more",
                "data": {
                    "count": 0,
                    "name": "t1__",
                    "id": "_",
                    "parent_id": parent_id,
                    "depth": depth,
                    "children": [],
                },
            }
        created = float(int(entry["time"].timestamp()))
        replies = [thing(entries[i]) for i in entry["children"]]
        score = entry.get("score", 1)
        edited = entry.get("edited")
        author = entry["author"]
        data = {
            "subreddit_id": SUBREDDIT_ID,
            "approved_at_utc": None,
            "author_is_blocked": False,
            "comment_type": None,
            "awarders": [],
            "mod_reason_by": None,
            "banned_by": None,
            "author_flair_type": "text",
            "total_awards_received": 0,
            "subreddit": rcorpus.SUBREDDIT,
            "author_flair_template_id": None,
            "likes": None,
            "replies": _listing(replies) if replies else "",
            "user_reports": [],
            "saved": False,
            "id": entry["id"],
            "banned_at_utc": None,
            "mod_reason_title": None,
            "gilded": 0,
            "archived": False,
            "collapsed_reason_code": "LOW_SCORE" if score <= -5 else None,
            "no_follow": score < 2,
            "author": author,
            "can_mod_post": False,
            "created_utc": created,
            "send_replies": True,
            "parent_id": parent_id,
            "score": score,
            "author_fullname": fullname(author),
            "approved_by": None,
            "mod_note": None,
            "all_awardings": [],
            "collapsed": score <= -5,
            "body": entry["text"],
            "edited": float(created + edited * 60) if edited else False,
            "top_awarded_type": None,
            "author_flair_css_class": None,
            "name": f"t1_{entry['id']}",
            "is_submitter": author == rcorpus.POST_AUTHOR,
            "downs": 0,
            "author_flair_richtext": [],
            "author_patreon_flair": False,
            "body_html": _markdown_html(entry["text"]),
            "removal_reason": None,
            "collapsed_reason": "comment score below threshold" if score <= -5 else None,
            "distinguished": entry.get("distinguished"),
            "associated_award": None,
            "stickied": entry.get("stickied", False),
            "author_premium": False,
            "can_gild": True,
            "gildings": {},
            "unrepliable_reason": None,
            "author_flair_text_color": None,
            "score_hidden": False,
            "permalink": f"{permalink}{entry['id']}/",
            "subreddit_type": "public",
            "locked": False,
            "report_reasons": None,
            "created": created + CREATED_SHIFT,
            "author_flair_text": (
                "Verified: Riverside Community Health" if author == rcorpus.POST_AUTHOR else None
            ),
            "treatment_tags": [],
            "link_id": f"t3_{POST_ID}",
            "subreddit_name_prefixed": common["subreddit_name_prefixed"],
            "controversiality": entry.get("controversiality", 0),
            "depth": depth,
            "author_flair_background_color": None,
            "collapsed_because_crowd_control": None,
            "mod_reports": [],
            "num_reports": None,
            "ups": score,
        }
        return {"kind": "t1", "data": data}

    top = [thing(e) for e in entries if e["parent"] is None]
    comments = [e for e in entries if e["type"] == "comment"]
    hidden = sum(e["count"] for e in entries if e["type"] == "more")
    post_created = float(int(post_time.timestamp()))
    post = {
        **common,
        "approved_at_utc": None,
        "selftext": rcorpus.POST_TEXT,
        "author_fullname": fullname(rcorpus.POST_AUTHOR),
        "saved": False,
        "mod_reason_title": None,
        "gilded": 0,
        "clicked": False,
        "title": rcorpus.POST_TITLE,
        "link_flair_richtext": [],
        "hidden": False,
        "pwls": 6,
        "link_flair_css_class": "news",
        "downs": 0,
        "hide_score": False,
        "name": f"t3_{POST_ID}",
        "quarantine": False,
        "link_flair_text_color": "dark",
        "upvote_ratio": 0.94,
        "author_flair_background_color": None,
        "ups": rcorpus.POST_SCORE,
        "total_awards_received": 0,
        "media_embed": {},
        "author_flair_template_id": None,
        "is_original_content": False,
        "user_reports": [],
        "secure_media": None,
        "is_reddit_media_domain": False,
        "is_meta": False,
        "category": None,
        "secure_media_embed": {},
        "link_flair_text": "Local news",
        "can_mod_post": False,
        "score": rcorpus.POST_SCORE,
        "approved_by": None,
        "is_created_from_ads_ui": False,
        "author_premium": False,
        "thumbnail": "self",
        "edited": post_created + rcorpus.POST_EDITED_MINUTES * 60,
        "author_flair_css_class": None,
        "author_flair_richtext": [],
        "gildings": {},
        "content_categories": None,
        "is_self": True,
        "mod_note": None,
        "created": post_created + CREATED_SHIFT,
        "link_flair_type": "text",
        "wls": 6,
        "removed_by_category": None,
        "banned_by": None,
        "author_flair_type": "text",
        "domain": f"self.{rcorpus.SUBREDDIT}",
        "allow_live_comments": False,
        "selftext_html": "<!-- SC_OFF -->" + _markdown_html(rcorpus.POST_TEXT) + "<!-- SC_ON -->",
        "likes": None,
        "suggested_sort": None,
        "banned_at_utc": None,
        "view_count": None,
        "archived": False,
        "no_follow": False,
        "is_crosspostable": True,
        "pinned": False,
        "over_18": False,
        "all_awardings": [],
        "awarders": [],
        "media_only": False,
        "can_gild": False,
        "spoiler": False,
        "locked": False,
        "author_flair_text": "Verified: Riverside Community Health",
        "treatment_tags": [],
        "visited": False,
        "removed_by": None,
        "num_reports": None,
        "distinguished": None,
        "mod_reason_by": None,
        "removal_reason": None,
        "link_flair_background_color": "#0079d3",
        "id": POST_ID,
        "is_robot_indexable": True,
        "report_reasons": None,
        "author": rcorpus.POST_AUTHOR,
        "discussion_type": None,
        "num_comments": len(comments) + hidden + rcorpus.CONTINUE_HIDDEN,
        "send_replies": True,
        "contest_mode": False,
        "mod_reports": [],
        "author_patreon_flair": False,
        "author_flair_text_color": "dark",
        "permalink": permalink,
        "stickied": False,
        "url": f"https://www.reddit.com{permalink}",
        "subreddit_subscribers": 48213,
        "created_utc": post_created,
        "num_crossposts": 0,
        "media": None,
        "is_video": False,
    }
    document = [_listing([{"kind": "t3", "data": post}], dist=1), _listing(top)]
    counts = {
        "comments": len(comments),
        "top_level": sum(1 for e in comments if e["parent"] is None),
        "max_depth": max(e["level"] - 1 for e in comments),
        "deleted_body": sum(1 for e in comments if e["text"] == "[deleted]"),
        "removed_body": sum(1 for e in comments if e["text"] == "[removed]"),
        "deleted_author_kept_body": sum(
            1
            for e in comments
            if e["author"] == "[deleted]" and e["text"] not in ("[deleted]", "[removed]")
        ),
        "edited": sum(1 for e in comments if e.get("edited")),
        "more_stubs": sum(1 for e in entries if e["type"] == "more"),
        "more_hidden": hidden,
        "continue_stubs": sum(1 for e in entries if e["type"] == "continue"),
        "num_comments": post["num_comments"],
        "authors": len({e["author"] for e in comments if e["author"] != "[deleted]"}),
    }
    return document, counts
