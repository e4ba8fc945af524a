"""Write the Reddit thread and the Mastodon outbox / context in their real formats."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

from .corpus import mastodon as mcorpus
from .corpus import reddit as rcorpus
from .timeline import base36, iso, link_levels, number, parse_time, schedule, token, unit

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
        escaped = [html.escape(line, quote=False).replace("'", "&#39;").replace('"', "&quot;")
                   for line in lines]
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
    return {"kind": "Listing", "data": {"after": None, "dist": dist, "modhash": "",
                                        "geo_filter": "", "children": children, "before": None}}


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
            for n in range(entry["children"]):
                next_id += 2 + number("reddit-hidden", entry["index"], n, bits=6)
                entry["hidden"].append(base36(next_id))
    slug = _slug(rcorpus.POST_TITLE)
    permalink = f"/r/{rcorpus.SUBREDDIT}/comments/{POST_ID}/{slug}/"
    common = {"subreddit": rcorpus.SUBREDDIT, "subreddit_id": SUBREDDIT_ID,
              "subreddit_name_prefixed": f"r/{rcorpus.SUBREDDIT}", "subreddit_type": "public"}

    def fullname(author: str) -> str | None:
        return None if author == "[deleted]" else "t2_" + token("reddit-user", author, length=8,
                                                                alphabet="0123456789abcdefghijklmnopqrstuvwxyz")

    def thing(entry: dict[str, Any]) -> dict[str, Any]:
        parent = entries[entry["parent"]] if entry["parent"] is not None else None
        parent_id = f"t1_{parent['id']}" if parent else f"t3_{POST_ID}"
        depth = entry["level"] - 1
        if entry["type"] == "more":
            return {"kind": "more", "data": {"count": entry["count"], "name": f"t1_{entry['hidden'][0]}",
                                             "id": entry["hidden"][0], "parent_id": parent_id,
                                             "depth": depth, "children": entry["hidden"]}}
        if entry["type"] == "continue":
            return {"kind": "more", "data": {"count": 0, "name": "t1__", "id": "_",
                                             "parent_id": parent_id, "depth": depth, "children": []}}
        created = float(int(entry["time"].timestamp()))
        replies = [thing(entries[i]) for i in entry["children"]]
        score = entry.get("score", 1)
        edited = entry.get("edited")
        author = entry["author"]
        data = {
            "subreddit_id": SUBREDDIT_ID, "approved_at_utc": None, "author_is_blocked": False,
            "comment_type": None, "awarders": [], "mod_reason_by": None, "banned_by": None,
            "author_flair_type": "text", "total_awards_received": 0,
            "subreddit": rcorpus.SUBREDDIT,
            "author_flair_template_id": None, "likes": None,
            "replies": _listing(replies) if replies else "",
            "user_reports": [], "saved": False, "id": entry["id"], "banned_at_utc": None,
            "mod_reason_title": None, "gilded": 0, "archived": False,
            "collapsed_reason_code": "LOW_SCORE" if score <= -5 else None, "no_follow": score < 2,
            "author": author, "can_mod_post": False, "created_utc": created,
            "send_replies": True, "parent_id": parent_id, "score": score,
            "author_fullname": fullname(author), "approved_by": None, "mod_note": None,
            "all_awardings": [], "collapsed": score <= -5, "body": entry["text"],
            "edited": float(created + edited * 60) if edited else False,
            "top_awarded_type": None,
            "author_flair_css_class": None, "name": f"t1_{entry['id']}",
            "is_submitter": author == rcorpus.POST_AUTHOR, "downs": 0,
            "author_flair_richtext": [], "author_patreon_flair": False,
            "body_html": _markdown_html(entry["text"]), "removal_reason": None,
            "collapsed_reason": "comment score below threshold" if score <= -5 else None,
            "distinguished": entry.get("distinguished"), "associated_award": None,
            "stickied": entry.get("stickied", False), "author_premium": False,
            "can_gild": True, "gildings": {}, "unrepliable_reason": None,
            "author_flair_text_color": None, "score_hidden": False,
            "permalink": f"{permalink}{entry['id']}/", "subreddit_type": "public",
            "locked": False, "report_reasons": None, "created": created + CREATED_SHIFT,
            "author_flair_text": ("Verified: Riverside Community Health"
                                  if author == rcorpus.POST_AUTHOR else None),
            "treatment_tags": [], "link_id": f"t3_{POST_ID}",
            "subreddit_name_prefixed": common["subreddit_name_prefixed"],
            "controversiality": entry.get("controversiality", 0), "depth": depth,
            "author_flair_background_color": None, "collapsed_because_crowd_control": None,
            "mod_reports": [], "num_reports": None, "ups": score,
        }
        return {"kind": "t1", "data": data}

    top = [thing(e) for e in entries if e["parent"] is None]
    comments = [e for e in entries if e["type"] == "comment"]
    hidden = sum(e["count"] for e in entries if e["type"] == "more")
    post_created = float(int(post_time.timestamp()))
    post = {
        **common, "approved_at_utc": None, "selftext": rcorpus.POST_TEXT,
        "author_fullname": fullname(rcorpus.POST_AUTHOR), "saved": False, "mod_reason_title": None,
        "gilded": 0, "clicked": False, "title": rcorpus.POST_TITLE, "link_flair_richtext": [],
        "hidden": False, "pwls": 6, "link_flair_css_class": "news", "downs": 0,
        "hide_score": False, "name": f"t3_{POST_ID}", "quarantine": False,
        "link_flair_text_color": "dark", "upvote_ratio": 0.94, "author_flair_background_color": None,
        "ups": rcorpus.POST_SCORE, "total_awards_received": 0, "media_embed": {},
        "author_flair_template_id": None, "is_original_content": False, "user_reports": [],
        "secure_media": None, "is_reddit_media_domain": False, "is_meta": False, "category": None,
        "secure_media_embed": {}, "link_flair_text": "Local news", "can_mod_post": False,
        "score": rcorpus.POST_SCORE, "approved_by": None, "is_created_from_ads_ui": False,
        "author_premium": False, "thumbnail": "self",
        "edited": post_created + rcorpus.POST_EDITED_MINUTES * 60,
        "author_flair_css_class": None, "author_flair_richtext": [], "gildings": {},
        "content_categories": None, "is_self": True, "mod_note": None,
        "created": post_created + CREATED_SHIFT, "link_flair_type": "text", "wls": 6,
        "removed_by_category": None, "banned_by": None, "author_flair_type": "text",
        "domain": f"self.{rcorpus.SUBREDDIT}", "allow_live_comments": False,
        "selftext_html": "<!-- SC_OFF -->" + _markdown_html(rcorpus.POST_TEXT) + "<!-- SC_ON -->",
        "likes": None, "suggested_sort": None, "banned_at_utc": None, "view_count": None,
        "archived": False, "no_follow": False, "is_crosspostable": True, "pinned": False,
        "over_18": False, "all_awardings": [], "awarders": [], "media_only": False,
        "can_gild": False, "spoiler": False, "locked": False,
        "author_flair_text": "Verified: Riverside Community Health", "treatment_tags": [],
        "visited": False, "removed_by": None, "num_reports": None, "distinguished": None,
        "mod_reason_by": None, "removal_reason": None, "link_flair_background_color": "#0079d3",
        "id": POST_ID, "is_robot_indexable": True, "report_reasons": None,
        "author": rcorpus.POST_AUTHOR, "discussion_type": None,
        "num_comments": len(comments) + hidden + rcorpus.CONTINUE_HIDDEN,
        "send_replies": True, "contest_mode": False, "mod_reports": [],
        "author_patreon_flair": False, "author_flair_text_color": "dark", "permalink": permalink,
        "stickied": False, "url": f"https://www.reddit.com{permalink}", "subreddit_subscribers": 48213,
        "created_utc": post_created, "num_crossposts": 0, "media": None, "is_video": False,
    }
    document = [_listing([{"kind": "t3", "data": post}], dist=1), _listing(top)]
    counts = {
        "comments": len(comments),
        "top_level": sum(1 for e in comments if e["parent"] is None),
        "max_depth": max(e["level"] - 1 for e in comments),
        "deleted_body": sum(1 for e in comments if e["text"] == "[deleted]"),
        "removed_body": sum(1 for e in comments if e["text"] == "[removed]"),
        "deleted_author_kept_body": sum(1 for e in comments if e["author"] == "[deleted]"
                                        and e["text"] not in ("[deleted]", "[removed]")),
        "edited": sum(1 for e in comments if e.get("edited")),
        "more_stubs": sum(1 for e in entries if e["type"] == "more"),
        "more_hidden": hidden,
        "continue_stubs": sum(1 for e in entries if e["type"] == "continue"),
        "num_comments": post["num_comments"],
        "authors": len({e["author"] for e in comments if e["author"] != "[deleted]"}),
    }
    return document, counts


# ------------------------------------------------------------------------- Mastodon

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
_MENTION = re.compile(r"(?<![\w@/])@([A-Za-z0-9_]+)(?:@([A-Za-z0-9.-]+\.[a-z]+))?")
_HASHTAG = re.compile(r"(?<![\w&/])#([A-Za-z][A-Za-z0-9_]*)")
_URL = re.compile(r"https?://[^\s<]+[^\s<.,:;!?)\]'\"]")


def _account(acct: str) -> dict[str, Any]:
    username, _, domain = acct.partition("@")
    domain = domain or mcorpus.INSTANCE
    created = parse_time("2022-11-07T00:00:00.000Z") + timedelta(days=int(unit("acct", acct) * 1000))
    account_id = str((int(created.timestamp() * 1000) << 16) + number("acct-id", acct, bits=16))
    return {
        "id": account_id, "username": username, "acct": acct,
        "display_name": mcorpus.ACCOUNTS[acct], "locked": False, "bot": False,
        "discoverable": True, "group": False, "created_at": iso(created, millis=True), "note": "",
        "url": f"https://{domain}/@{username}", "uri": f"https://{domain}/users/{username}",
        "avatar": f"https://{mcorpus.INSTANCE}/avatars/original/missing.png",
        "avatar_static": f"https://{mcorpus.INSTANCE}/avatars/original/missing.png",
        "header": f"https://{mcorpus.INSTANCE}/headers/original/missing.png",
        "header_static": f"https://{mcorpus.INSTANCE}/headers/original/missing.png",
        "followers_count": 40 + number("followers", acct, bits=10),
        "following_count": 20 + number("following", acct, bits=9),
        "statuses_count": 50 + number("statuses", acct, bits=11),
        "last_status_at": "2026-04-30", "emojis": [], "fields": [],
    }


def _find_acct(username: str, domain: str | None) -> str | None:
    for acct in mcorpus.ACCOUNTS:
        name, _, host = acct.partition("@")
        if name.lower() == username.lower() and (domain is None or (host or mcorpus.INSTANCE) == domain):
            return acct
    return None


def _link(url: str) -> str:
    scheme, rest = url.split("://", 1)
    visible, tail = rest[:30], rest[30:]
    cls = "ellipsis" if tail else ""
    return (f'<a href="{html.escape(url)}" target="_blank" rel="nofollow noopener" translate="no">'
            f'<span class="invisible">{scheme}://</span><span class="{cls}">{html.escape(visible)}</span>'
            f'<span class="invisible">{html.escape(tail)}</span></a>')


def mastodon_html(text: str) -> tuple[str, list[str], list[str]]:
    """Render plain text as Mastodon does; return (HTML, mentioned accts, hashtags)."""
    mentions: list[str] = []
    tags: list[str] = []

    def inline(line: str) -> str:
        out, pos = [], 0
        pattern = re.compile(f"{_URL.pattern}|{_MENTION.pattern}|{_HASHTAG.pattern}")
        for match in pattern.finditer(line):
            out.append(html.escape(line[pos:match.start()]))
            token_text = match.group(0)
            if token_text.startswith("http"):
                out.append(_link(token_text))
            elif token_text.startswith("@") and (acct := _find_acct(match.group(1), match.group(2))):
                mentions.append(acct)
                account = _account(acct)
                out.append(f'<span class="h-card" translate="no"><a href="{account["url"]}" '
                           f'class="u-url mention">@<span>{account["username"]}</span></a></span>')
            elif token_text.startswith("#"):
                tags.append(match.group(3).lower())
                out.append(f'<a href="https://{mcorpus.INSTANCE}/tags/{match.group(3).lower()}" '
                           f'class="mention hashtag" rel="tag">#<span>{match.group(3)}</span></a>')
            else:
                out.append(html.escape(token_text))
            pos = match.end()
        out.append(html.escape(line[pos:]))
        return "".join(out)

    paragraphs = ["<br />".join(inline(line) for line in block.split("\n"))
                  for block in text.split("\n\n")]
    return "".join(f"<p>{p}</p>" for p in paragraphs), mentions, tags


def _status_id(moment: Any, key: object) -> str:
    return str((int(moment.timestamp() * 1000) << 16) + number("status", key, bits=16))


def build_mastodon() -> tuple[dict[str, Any], dict[str, Any], dict[str, int]]:
    """Return the outbox, the context response and their counts."""
    owner = _account(mcorpus.OWNER)
    launch_time = parse_time(mcorpus.LAUNCH_TIME)
    launch_id = _status_id(launch_time, "launch")
    launch_uri = f"{owner['uri']}/statuses/{launch_id}"
    entries = link_levels(mcorpus.THREAD)
    schedule(entries, launch_time, key="mastodon", spread=timedelta(days=3), max_delay_minutes=300)
    for entry in entries:
        entry["id"] = _status_id(entry["time"], ("thread", entry["index"]))
        account = _account(entry["author"])
        entry["account"] = account
        entry["uri"] = f"{account['uri']}/statuses/{entry['id']}"
        entry["url"] = f"{account['url']}/{entry['id']}"
    descendants = []
    for entry in entries:
        parent = entries[entry["parent"]] if entry["parent"] is not None else None
        content, mentions, tags = mastodon_html(entry["text"])
        descendants.append({
            "id": entry["id"], "created_at": iso(entry["time"], millis=True),
            "in_reply_to_id": parent["id"] if parent else launch_id,
            "in_reply_to_account_id": parent["account"]["id"] if parent else owner["id"],
            "sensitive": bool(entry.get("cw")), "spoiler_text": entry.get("cw", ""),
            "visibility": entry.get("visibility", "public"), "language": entry.get("lang", "en"),
            "uri": entry["uri"], "url": entry["url"], "replies_count": len(entry["children"]),
            "reblogs_count": entry.get("boosts", 0), "favourites_count": entry.get("likes", 0),
            "edited_at": None, "content": content, "reblog": None, "application": None,
            "account": entry["account"], "media_attachments": [],
            "mentions": [{"id": (a := _account(m))["id"], "username": a["username"],
                          "url": a["url"], "acct": m} for m in dict.fromkeys(mentions)],
            "tags": [{"name": t, "url": f"https://{mcorpus.INSTANCE}/tags/{t}"} for t in tags],
            "emojis": [], "card": None, "poll": None,
        })
    context = {"ancestors": [], "descendants": descendants}

    # the outbox: the owner's posts and boosts, plus its replies in the thread
    followers = f"{owner['uri']}/followers"
    items: list[tuple[Any, dict[str, Any]]] = []
    for number_, (when, text, options) in enumerate(mcorpus.POSTS):
        moment = parse_time(when)
        status_id = launch_id if options.get("key") == "launch" else _status_id(moment, ("post", number_))
        if "boost" in options:
            boosted = options["boost"]
            items.append((moment, {
                "id": f"{owner['uri']}/statuses/{status_id}/activity", "type": "Announce",
                "actor": owner["uri"], "published": iso(moment), "to": [PUBLIC],
                "cc": [boosted.split("/statuses/")[0], followers], "object": boosted}))
            continue
        items.append((moment, _create(owner, status_id, moment, text, options, None, followers)))
    replies_made = 0
    for entry in entries:
        if entry["author"] != mcorpus.OWNER:
            continue
        parent = entries[entry["parent"]] if entry["parent"] is not None else None
        in_reply_to = parent["uri"] if parent else launch_uri
        options = {k: entry[k] for k in ("cw", "lang", "visibility") if k in entry}
        items.append((entry["time"], _create(owner, entry["id"], entry["time"], entry["text"],
                                             options, in_reply_to, followers)))
        replies_made += 1
    items.sort(key=lambda pair: pair[0])
    ordered = [item for _, item in items]
    outbox = {
        "@context": ["https://www.w3.org/ns/activitystreams", {
            "ostatus": "http://ostatus.org#", "atomUri": "ostatus:atomUri",
            "inReplyToAtomUri": "ostatus:inReplyToAtomUri", "conversation": "ostatus:conversation",
            "sensitive": "as:sensitive", "toot": "http://joinmastodon.org/ns#",
            "Hashtag": "as:Hashtag"}],
        "id": "outbox.json", "type": "OrderedCollection",
        # real archives' totalItems often disagrees with the items present
        "totalItems": len(ordered) + 2, "orderedItems": ordered,
    }
    counts = {
        "outbox_items": len(ordered),
        "outbox_creates": sum(1 for i in ordered if i["type"] == "Create"),
        "outbox_announces": sum(1 for i in ordered if i["type"] == "Announce"),
        "outbox_replies": replies_made,
        "outbox_total_items_claimed": outbox["totalItems"],
        "context_descendants": len(descendants),
        "context_owner_statuses": sum(1 for e in entries if e["author"] == mcorpus.OWNER),
        "context_accounts": len({e["author"] for e in entries}),
        "context_max_depth": max(e["level"] for e in entries),
        "context_with_cw": sum(1 for d in descendants if d["spoiler_text"]),
    }
    return outbox, context, counts


def _create(owner: dict[str, Any], status_id: str, moment: Any, text: str,
            options: dict[str, Any], in_reply_to: str | None, followers: str) -> dict[str, Any]:
    content, mentions, tags = mastodon_html(text)
    uri = f"{owner['uri']}/statuses/{status_id}"
    mentioned = [_account(m)["uri"] for m in dict.fromkeys(mentions)]
    if options.get("visibility") == "unlisted":
        to, cc = [followers], [PUBLIC, *mentioned]
    else:
        to, cc = [PUBLIC], [followers, *mentioned]
    lang = options.get("lang", "en")
    note = {
        "id": uri, "type": "Note", "summary": options.get("cw"), "inReplyTo": in_reply_to,
        "published": iso(moment), "url": f"{owner['url']}/{status_id}",
        "attributedTo": owner["uri"], "to": to, "cc": cc, "sensitive": bool(options.get("cw")),
        "atomUri": uri, "inReplyToAtomUri": in_reply_to,
        "conversation": f"tag:{mcorpus.INSTANCE},2026-03-02:objectId="
                        f"{number('conv', in_reply_to or uri, bits=20)}:objectType=Conversation",
        "content": content, "contentMap": {lang: content}, "attachment": [],
        "tag": [{"type": "Mention", "href": _account(m)["uri"], "name": f"@{m}"}
                for m in dict.fromkeys(mentions)]
               + [{"type": "Hashtag", "href": f"https://{mcorpus.INSTANCE}/tags/{t}", "name": f"#{t}"}
                  for t in tags],
        "replies": {"id": f"{uri}/replies", "type": "Collection",
                    "first": {"type": "CollectionPage", "next": f"{uri}/replies?only_other_accounts=true&page=true",
                              "partOf": f"{uri}/replies", "items": []}},
    }
    return {"id": f"{uri}/activity", "type": "Create", "actor": owner["uri"],
            "published": iso(moment), "to": to, "cc": cc, "object": note}
