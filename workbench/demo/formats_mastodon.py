"""Write the Mastodon outbox (ActivityPub) and the ``statuses/:id/context`` response."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from .corpus import mastodon as mcorpus
from .timeline import (
    escape_html,
    iso,
    link_levels,
    number,
    parse_time,
    schedule,
    unit,
)

# ------------------------------------------------------------------------- Mastodon

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
_MENTION = re.compile(r"(?<![\w@/])@([A-Za-z0-9_]+)(?:@([A-Za-z0-9.-]+\.[a-z]+))?")
_HASHTAG = re.compile(r"(?<![\w&/])#([A-Za-z][A-Za-z0-9_]*)")
_URL = re.compile(r"https?://[^\s<]+[^\s<.,:;!?)\]'\"]")


def _account(acct: str) -> dict[str, Any]:
    username, _, domain = acct.partition("@")
    domain = domain or mcorpus.INSTANCE
    created = parse_time("2022-11-07T00:00:00.000Z") + timedelta(
        days=int(unit("acct", acct) * 1000)
    )
    account_id = str((int(created.timestamp() * 1000) << 16) + number("acct-id", acct, bits=16))
    return {
        "id": account_id,
        "username": username,
        "acct": acct,
        "display_name": mcorpus.ACCOUNTS[acct],
        "locked": False,
        "bot": False,
        "discoverable": True,
        "group": False,
        "created_at": iso(created, millis=True),
        "note": "",
        "url": f"https://{domain}/@{username}",
        "uri": f"https://{domain}/users/{username}",
        "avatar": f"https://{mcorpus.INSTANCE}/avatars/original/missing.png",
        "avatar_static": f"https://{mcorpus.INSTANCE}/avatars/original/missing.png",
        "header": f"https://{mcorpus.INSTANCE}/headers/original/missing.png",
        "header_static": f"https://{mcorpus.INSTANCE}/headers/original/missing.png",
        "followers_count": 40 + number("followers", acct, bits=10),
        "following_count": 20 + number("following", acct, bits=9),
        "statuses_count": 50 + number("statuses", acct, bits=11),
        "last_status_at": "2026-04-30",
        "emojis": [],
        "fields": [],
    }


def _find_acct(username: str, domain: str | None) -> str | None:
    for acct in mcorpus.ACCOUNTS:
        name, _, host = acct.partition("@")
        if name.lower() == username.lower() and (
            domain is None or (host or mcorpus.INSTANCE) == domain
        ):
            return acct
    return None


def _link(url: str) -> str:
    scheme, rest = url.split("://", 1)
    visible, tail = rest[:30], rest[30:]
    cls = "ellipsis" if tail else ""
    return (
        f'<a href="{escape_html(url)}" target="_blank" rel="nofollow noopener" translate="no">'
        f'<span class="invisible">{scheme}://</span>'
        f'<span class="{cls}">{escape_html(visible)}</span>'
        f'<span class="invisible">{escape_html(tail)}</span></a>'
    )


def mastodon_html(text: str) -> tuple[str, list[str], list[str]]:
    """Render plain text as Mastodon does; return (HTML, mentioned accts, hashtags)."""
    mentions: list[str] = []
    tags: list[str] = []

    def inline(line: str) -> str:
        out, pos = [], 0
        pattern = re.compile(f"{_URL.pattern}|{_MENTION.pattern}|{_HASHTAG.pattern}")
        for match in pattern.finditer(line):
            out.append(escape_html(line[pos : match.start()]))
            token_text = match.group(0)
            if token_text.startswith("http"):
                out.append(_link(token_text))
            elif token_text.startswith("@") and (
                acct := _find_acct(match.group(1), match.group(2))
            ):
                mentions.append(acct)
                account = _account(acct)
                out.append(
                    f'<span class="h-card" translate="no"><a href="{account["url"]}" '
                    f'class="u-url mention">@<span>{account["username"]}</span></a></span>'
                )
            elif token_text.startswith("#"):
                tags.append(match.group(3).lower())
                out.append(
                    f'<a href="https://{mcorpus.INSTANCE}/tags/{match.group(3).lower()}" '
                    f'class="mention hashtag" rel="tag">#<span>{match.group(3)}</span></a>'
                )
            else:
                out.append(escape_html(token_text))
            pos = match.end()
        out.append(escape_html(line[pos:]))
        return "".join(out)

    paragraphs = [
        "<br />".join(inline(line) for line in block.split("\n")) for block in text.split("\n\n")
    ]
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
        descendants.append(
            {
                "id": entry["id"],
                "created_at": iso(entry["time"], millis=True),
                "in_reply_to_id": parent["id"] if parent else launch_id,
                "in_reply_to_account_id": parent["account"]["id"] if parent else owner["id"],
                "sensitive": bool(entry.get("cw")),
                "spoiler_text": entry.get("cw", ""),
                "visibility": entry.get("visibility", "public"),
                "language": entry.get("lang", "en"),
                "uri": entry["uri"],
                "url": entry["url"],
                "replies_count": len(entry["children"]),
                "reblogs_count": entry.get("boosts", 0),
                "favourites_count": entry.get("likes", 0),
                "edited_at": None,
                "content": content,
                "reblog": None,
                "application": None,
                "account": entry["account"],
                "media_attachments": [],
                "mentions": [
                    {
                        "id": (a := _account(m))["id"],
                        "username": a["username"],
                        "url": a["url"],
                        "acct": m,
                    }
                    for m in dict.fromkeys(mentions)
                ],
                "tags": [{"name": t, "url": f"https://{mcorpus.INSTANCE}/tags/{t}"} for t in tags],
                "emojis": [],
                "card": None,
                "poll": None,
            }
        )
    context = {"ancestors": [], "descendants": descendants}

    # the outbox: the owner's posts and boosts, plus its replies in the thread
    followers = f"{owner['uri']}/followers"
    items: list[tuple[Any, dict[str, Any]]] = []
    for number_, (when, text, options) in enumerate(mcorpus.POSTS):
        moment = parse_time(when)
        status_id = (
            launch_id if options.get("key") == "launch" else _status_id(moment, ("post", number_))
        )
        if "boost" in options:
            boosted = options["boost"]
            items.append(
                (
                    moment,
                    {
                        "id": f"{owner['uri']}/statuses/{status_id}/activity",
                        "type": "Announce",
                        "actor": owner["uri"],
                        "published": iso(moment),
                        "to": [PUBLIC],
                        "cc": [boosted.split("/statuses/")[0], followers],
                        "object": boosted,
                    },
                )
            )
            continue
        items.append((moment, _create(owner, status_id, moment, text, options, None, followers)))
    replies_made = 0
    for entry in entries:
        if entry["author"] != mcorpus.OWNER:
            continue
        parent = entries[entry["parent"]] if entry["parent"] is not None else None
        in_reply_to = parent["uri"] if parent else launch_uri
        options = {k: entry[k] for k in ("cw", "lang", "visibility") if k in entry}
        items.append(
            (
                entry["time"],
                _create(
                    owner,
                    entry["id"],
                    entry["time"],
                    entry["text"],
                    options,
                    in_reply_to,
                    followers,
                ),
            )
        )
        replies_made += 1
    items.sort(key=lambda pair: pair[0])
    ordered = [item for _, item in items]
    outbox = {
        "@context": [
            "https://www.w3.org/ns/activitystreams",
            {
                "ostatus": "http://ostatus.org#",
                "atomUri": "ostatus:atomUri",
                "inReplyToAtomUri": "ostatus:inReplyToAtomUri",
                "conversation": "ostatus:conversation",
                "sensitive": "as:sensitive",
                "toot": "http://joinmastodon.org/ns#",
                "Hashtag": "as:Hashtag",
            },
        ],
        "id": "outbox.json",
        "type": "OrderedCollection",
        # real archives' totalItems often disagrees with the items present
        "totalItems": len(ordered) + 2,
        "orderedItems": ordered,
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


def _create(
    owner: dict[str, Any],
    status_id: str,
    moment: Any,
    text: str,
    options: dict[str, Any],
    in_reply_to: str | None,
    followers: str,
) -> dict[str, Any]:
    content, mentions, tags = mastodon_html(text)
    uri = f"{owner['uri']}/statuses/{status_id}"
    mentioned = [_account(m)["uri"] for m in dict.fromkeys(mentions)]
    if options.get("visibility") == "unlisted":
        to, cc = [followers], [PUBLIC, *mentioned]
    else:
        to, cc = [PUBLIC], [followers, *mentioned]
    lang = options.get("lang", "en")
    note = {
        "id": uri,
        "type": "Note",
        "summary": options.get("cw"),
        "inReplyTo": in_reply_to,
        "published": iso(moment),
        "url": f"{owner['url']}/{status_id}",
        "attributedTo": owner["uri"],
        "to": to,
        "cc": cc,
        "sensitive": bool(options.get("cw")),
        "atomUri": uri,
        "inReplyToAtomUri": in_reply_to,
        "conversation": f"tag:{mcorpus.INSTANCE},2026-03-02:objectId="
        f"{number('conv', in_reply_to or uri, bits=20)}:objectType=Conversation",
        "content": content,
        "contentMap": {lang: content},
        "attachment": [],
        "tag": [
            {"type": "Mention", "href": _account(m)["uri"], "name": f"@{m}"}
            for m in dict.fromkeys(mentions)
        ]
        + [
            {"type": "Hashtag", "href": f"https://{mcorpus.INSTANCE}/tags/{t}", "name": f"#{t}"}
            for t in tags
        ],
        "replies": {
            "id": f"{uri}/replies",
            "type": "Collection",
            "first": {
                "type": "CollectionPage",
                "next": f"{uri}/replies?only_other_accounts=true&page=true",
                "partOf": f"{uri}/replies",
                "items": [],
            },
        },
    }
    return {
        "id": f"{uri}/activity",
        "type": "Create",
        "actor": owner["uri"],
        "published": iso(moment),
        "to": to,
        "cc": cc,
        "object": note,
    }
