"""The ``mastodon-api`` loader: REST API ``Status`` entities, and thread helpers.

See :mod:`workbench.sources.mastodon` for the rules (ids, authors, parents outside
the file, context responses, boosts, gaps).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from workbench.errors import RecordError

from .base import Batch, LoadOptions, Sample, register
from .fields import Fields, describe
from .fileio import read_json_document
from .replychains import as_count, iso639_1, thread_roots
from .text import html_to_text

PLATFORM = "mastodon"
_VISIBILITY = {"private": "followers-only"}
_REFETCH = "Save the API response again; if the file was edited, restore that value"


def set_threads(
    rows: list[dict[str, Any]],
    keys: list[str],
    parents: dict[str, str | None],
    key_to_id: dict[str, str],
    missing_prefix: str,
    warnings: list[str],
    path: Path,
) -> None:
    """Fill ``thread_id`` (and fix ``kind``) of rows from their reply links.

    Parameters
    ----------
    rows : list of dict
        Loader rows.
    keys : list of str
        The key of each row, in the same order (outbox: URI; API: local id).
    parents : dict of str to str or None
        Key -> key of its parent, for every row and any virtual link added.
    key_to_id : dict of str to str
        Key -> ``comment_id`` for keys that are rows.
    missing_prefix : str
        Prefix turning the key of a root that is not a row into an id.
    warnings : list of str
        Receives a note about reply loops.
    path : Path
        The file, for the note.
    """
    roots, cycles = thread_roots(parents)
    if cycles:
        warnings.append(
            f"{path.name}: the reply links of {len(cycles)} status(es) loop back "
            "on themselves; each was made the root of its thread"
        )
    for key, row in zip(keys, rows, strict=True):
        root = roots[key]
        row["thread_id"] = key_to_id.get(root) or f"{missing_prefix}{root}"
        if root == key:
            row["kind"], row["parent_id"] = "post", None


def _depths(links: dict[str, str | None]) -> dict[str, int]:
    """Return the depth of every key whose reply chain reaches a root through ``links``."""
    depths: dict[str, int] = {}
    for start in links:
        chain: list[str] = []
        node: str | None = start
        base: int | None = None
        while node is not None and node in links and node not in depths:
            if node in chain:  # a loop
                break
            chain.append(node)
            node = links[node]
        if node is None:
            base = -1
        elif node in depths:
            base = depths[node]
        if base is None:
            continue
        for key in reversed(chain):
            base += 1
            depths[key] = base
    return depths


def _text(fields: Fields, key: str) -> str | None:
    """A text field of a status; ``None`` when absent, null or empty."""
    value = fields.obj.get(key)
    if value is None or isinstance(value, str):
        return value or None
    raise fields.error(key, f"should be text, found {describe(value)}", _REFETCH)


def _local_id(fields: Fields, key: str, *, required: bool = False) -> str | None:
    """A server-local id: text or, as some clients write it, a whole number."""
    value = fields.obj.get(key)
    if value is None or value == "":
        if required:
            raise fields.error(key, "is missing", _REFETCH)
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise fields.error(key, f"should be an id (text), found {describe(value)}", _REFETCH)


def _count(fields: Fields, key: str) -> int | None:
    return as_count(fields.int(key), key)


def _author(account: Fields | None, uri: str) -> str | None:
    """``"@user@host"`` from a status's ``account`` (host from ``account.url``)."""
    if account is None:
        return None
    acct = _text(account, "acct") or _text(account, "username")
    if acct is None:
        return None
    acct = acct.lstrip("@")
    if "@" in acct:
        return f"@{acct}"
    home = _text(account, "url")
    host = urlsplit(home or uri).netloc
    return f"@{acct}@{host}" if host else f"@{acct}"


def _status_row(status: Fields) -> tuple[dict[str, Any], str, str | None]:
    """Return a status as a row, its local id and its ``in_reply_to_id``.

    Raises
    ------
    RecordError
        Naming the field, if a value the row needs is missing or of the wrong type.
    """
    local_id = _local_id(status, "id", required=True)
    assert local_id is not None
    uri = _text(status, "uri") or _text(status, "url")
    if uri is None:
        raise status.error("uri", "is missing (and so is 'url')", _REFETCH)
    content = _text(status, "content") or ""
    reply_to = _local_id(status, "in_reply_to_id")
    attributes: dict[str, Any] = {"local_id": local_id}
    if visibility := _text(status, "visibility"):
        attributes["visibility"] = _VISIBILITY.get(visibility, visibility)
    if spoiler := _text(status, "spoiler_text"):
        attributes["content_warning"] = spoiler
    if status.bool("sensitive"):
        attributes["sensitive"] = True
    if edited := _text(status, "edited_at"):
        status.time("edited_at")
        attributes["edited_at"] = edited
    for name in ("replies_count", "reblogs_count"):
        if (count := _count(status, name)) is not None:
            attributes[name] = count
    if attachments := status.list("media_attachments"):
        attributes["attachments"] = len(attachments)
    _local_id(status, "in_reply_to_account_id")  # read by _note_home
    return (
        {
            "comment_id": f"mastodon:{uri}",
            "platform": PLATFORM,
            "thread_id": None,
            "parent_id": None,
            "kind": "comment" if reply_to else "post",
            "author": _author(status.child("account", required=False), uri),
            "created_at": status.time("created_at"),
            "text": html_to_text(content),
            "text_raw": content,
            "score": _count(status, "favourites_count"),
            "url": _text(status, "url") or uri,
            "lang": iso639_1(_text(status, "language")),
            "is_deleted": False,
            "attributes": attributes,
        },
        local_id,
        reply_to,
    )


def _note_home(
    status: Any, local_id: str, home_bases: dict[str, str], reply_accounts: dict[str, str]
) -> None:
    """Remember where local accounts' statuses live, to name parents outside the file.

    A status fetched from its own server has a URI ending in ``/statuses/<its id>``;
    then every status of that account is ``<prefix>/statuses/<id>``, so a reply to
    such an account's status that is not in the file still gets the parent's real
    id (the one an outbox export of that account uses) instead of a local one.
    """
    account = status.get("account")
    uri = status.get("uri")
    reply_account = status.get("in_reply_to_account_id")
    if reply_account is not None:
        reply_accounts[local_id] = str(reply_account)
    if not isinstance(account, dict) or not isinstance(uri, str):
        return
    suffix = f"/statuses/{local_id}"
    acct = account.get("acct")
    if isinstance(acct, str) and "@" not in acct and uri.endswith(suffix):
        home_bases[str(account.get("id"))] = uri[: -len(suffix)]


def _statuses(document: Any, path: Path) -> tuple[list[tuple[Any, str]], bool, int]:
    """Return the statuses of an API document with their JSON paths.

    Returns the ``(status, path)`` pairs, whether the document is a context response,
    and how many of the pairs are ancestors.
    """
    if isinstance(document, list):
        return [(s, f"$[{i}]") for i, s in enumerate(document)], False, 0
    if not isinstance(document, dict):
        raise RecordError(
            path,
            f"expected a status, a list of statuses or a context, found {describe(document)}",
            record="$",
        )
    if "ancestors" in document or "descendants" in document:
        found: list[tuple[Any, str]] = []
        ancestors = 0
        for key in ("ancestors", "status", "descendants"):
            value = document.get(key)
            if value is None:
                continue
            if key == "status":
                found.append((value, "$.status"))
                continue
            if not isinstance(value, list):
                raise RecordError(
                    path,
                    f"field {key!r} should be a list, found {describe(value)}",
                    record=f"$.{key}",
                )
            found.extend((s, f"$.{key}[{i}]") for i, s in enumerate(value))
            if key == "ancestors":
                ancestors = len(value)
        return found, True, ancestors
    if isinstance(document.get("statuses"), list):
        return [(s, f"$.statuses[{i}]") for i, s in enumerate(document["statuses"])], False, 0
    if "id" in document and ("content" in document or "uri" in document):
        return [(document, "$")], False, 0
    raise RecordError(
        path,
        f"is not a Mastodon status, list of statuses or context; its keys are "
        f"{sorted(document)[:8]}",
        record="$",
        hint="Save the response of /api/v1/statuses/:id, /context or a timeline",
    )


@register
class MastodonApiLoader:
    """Mastodon REST API statuses: one, a list, or a ``/context`` response."""

    name: ClassVar[str] = "mastodon-api"
    platform: ClassVar[str] = PLATFORM
    description: ClassVar[str] = (
        "Mastodon REST API Status entities: a status, a JSON array of statuses, or a "
        "statuses/:id/context response {ancestors, descendants}"
    )

    def sniff(self, sample: Sample) -> float:
        """Recognise Status entities by their characteristic fields."""
        head = sample.head.lstrip()
        if not head.startswith(("{", "[")):
            return 0.0
        if '"ancestors"' in head and '"descendants"' in head:
            return 0.9
        if '"in_reply_to_id"' in head and '"account"' in head and '"uri"' in head:
            return 0.9
        return 0.0

    def load(self, path: Path, options: LoadOptions) -> Iterator[Batch]:
        """Yield the document's statuses as one batch."""
        statuses, is_context, n_ancestors = _statuses(read_json_document(path), path)
        batch = Batch()
        keys: list[str] = []
        parents: dict[str, str | None] = {}
        ids: dict[str, str] = {}
        ancestor_keys: list[str] = []
        home_bases: dict[str, str] = {}  # local account id -> its statuses' URI prefix
        reply_accounts: dict[str, str] = {}  # local status id -> account it replies to
        for number, (status, where) in enumerate(statuses):
            if isinstance(status, dict) and status.get("reblog"):
                boosted = status["reblog"]
                reference = (
                    boosted.get("uri") or boosted.get("url") if isinstance(boosted, dict) else None
                )
                batch.skipped.append(("boost", str(reference or status.get("uri") or where)))
                continue
            try:
                row, local_id, reply_to = _status_row(Fields(status, path, where))
            except (LookupError, TypeError, ValueError, AttributeError) as exc:
                raise RecordError(
                    path, f"could not be read as a status ({exc})", record=where
                ) from None
            if local_id in parents:
                batch.skipped.append(("duplicate", row["comment_id"]))
                continue
            if is_context and number < n_ancestors:
                ancestor_keys.append(local_id)
            keys.append(local_id)
            parents[local_id] = reply_to
            ids[local_id] = row["comment_id"]
            batch.rows.append(row)
            _note_home(status, local_id, home_bases, reply_accounts)
        resolved = dict(ids)
        for row, key in zip(batch.rows, keys, strict=True):
            reply_to = parents[key]
            if reply_to is not None:
                if reply_to not in resolved:
                    base = home_bases.get(reply_accounts.get(key, ""))
                    if base is not None:
                        resolved[reply_to] = f"mastodon:{base}/statuses/{reply_to}"
                row["parent_id"] = resolved.get(reply_to) or f"mastodon:local:{reply_to}"
                if reply_to not in ids:
                    row["attributes"]["in_reply_to_id"] = reply_to
        links = dict(parents)
        if is_context:
            missing = {
                p
                for k, p in parents.items()
                if p is not None and p not in parents and k not in ancestor_keys
            }
            if len(missing) == 1 and ancestor_keys:
                links[missing.pop()] = ancestor_keys[-1]
        set_threads(batch.rows, keys, links, resolved, "mastodon:local:", batch.warnings, path)
        if len(links) > len(parents):  # the focal status bridges ancestors and descendants
            depths = _depths(links)
            for row, key in zip(batch.rows, keys, strict=True):
                row["depth"] = depths.get(key)
        children = Counter(row["parent_id"] for row in batch.rows)
        for row in batch.rows:
            expected = row["attributes"].get("replies_count") or 0
            if expected > children[row["comment_id"]]:
                batch.gaps.append(
                    {
                        "platform": PLATFORM,
                        "thread_id": row["thread_id"],
                        "parent_id": row["comment_id"],
                        "kind": "more",
                        "count": expected - children[row["comment_id"]],
                        "children": [],
                    }
                )
        yield batch
