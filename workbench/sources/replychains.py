"""Small helpers shared by the X and Mastodon loaders: thread roots, languages, counts.

Platforms that export only one side of a conversation (an X account archive, a
Mastodon outbox) say which post each reply answers but not which thread it belongs
to. :func:`thread_roots` finds the root by following the reply links inside the
file: the root of a chain is the first post that answers nothing, or, when the chain
leaves the file, the id of the missing post it answers.
"""

from __future__ import annotations

from collections.abc import Mapping

#: Language values that say "no language" rather than naming one: Twitter's
#: ``und`` (undetermined), ``zxx`` (no linguistic content) and its private ``q*``
#: codes (``qme`` media only, ``qam`` mentions only, ``qht`` hashtags only,
#: ``qst`` very short text, ``qct`` cashtags only, ...).
_NO_LANGUAGE = frozenset(("und", "zxx", "mul", "mis"))
#: Deprecated two-letter codes some platforms still send, and their ISO 639-1 form.
_RENAMED = {"in": "id", "iw": "he", "ji": "yi", "jw": "jv", "mo": "ro"}


_INT64 = 2**63


def as_count(value: object, name: str) -> int | None:
    """Return a like/reply count as an int (``"12"`` and ``12.0`` accepted), or ``None``.

    Raises
    ------
    ValueError
        Naming the field and quoting the value, if it is not a whole number that
        fits a 64-bit column.
    """
    if value is None:
        return None
    number: object = value
    if isinstance(value, str):
        try:
            number = int(value.strip())
        except ValueError:
            number = None
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    if isinstance(number, int) and not isinstance(number, bool) and -_INT64 <= number < _INT64:
        return number
    raise ValueError(f"field {name!r} should be a whole number, found {value!r}")


def iso639_1(value: object) -> str | None:
    """Return the ISO 639-1 code in a platform language tag, or ``None``.

    ``"en"``, ``"en-GB"`` and ``"pt_BR"`` give ``"en"``/``"pt"``; Twitter's
    non-languages (``"und"``, ``"zxx"``, ``"qme"`` and the other ``q*`` codes) and
    three-letter codes without a two-letter form give ``None``.

    Examples
    --------
    >>> iso639_1("de"), iso639_1("qme"), iso639_1("zh-Hant"), iso639_1(None)
    ('de', None, 'zh', None)
    """
    if not isinstance(value, str) or not value:
        return None
    primary = value.replace("_", "-").split("-", 1)[0].strip().lower()
    if len(primary) != 2 or not primary.isalpha() or primary in _NO_LANGUAGE:
        return None
    return _RENAMED.get(primary, primary)


def thread_roots(parents: Mapping[str, str | None]) -> tuple[dict[str, str], list[str]]:
    """Find the thread root of every post from its reply link.

    Parameters
    ----------
    parents : mapping of str to str or None
        Every post in the file: its id -> the id of the post it replies to
        (``None`` for a post that replies to nothing).

    Returns
    -------
    roots : dict of str to str
        Post id -> id of its thread root: the top of its reply chain inside the
        file when that post replies to nothing, else the id of the missing post the
        top of the chain replies to.
    cycles : list of str
        Ids of posts whose reply chain loops back on itself (malformed data); each
        is treated as its own root.

    Examples
    --------
    >>> thread_roots({"a": None, "b": "a", "c": "b", "d": "zz"})[0]
    {'a': 'a', 'b': 'a', 'c': 'a', 'd': 'zz'}
    """
    roots: dict[str, str] = {}
    cycles: list[str] = []
    for start in parents:
        if start in roots:
            continue
        chain: list[str] = []
        seen: set[str] = set()
        node = start
        while True:
            if node in roots:
                root = roots[node]
                break
            if node in seen:  # a loop: a -> b -> a
                cycles.append(node)
                root = node
                break
            seen.add(node)
            chain.append(node)
            parent = parents[node]
            if parent is None:
                root = node
                break
            if parent not in parents:
                root = parent
                break
            node = parent
        for member in chain:
            roots[member] = root
    return roots, cycles
