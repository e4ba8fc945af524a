"""X / Twitter loaders: account archives, API v2 responses and twarc2 output.

Three formats are registered (importing this module registers them):

``x-archive``
    Files from an account archive's ``data`` folder: ``tweets.js`` (and
    ``tweets-part1.js`` ...), ``deleted-tweets.js``, read after their
    ``window.YTD.<name>.partN =`` prefix (a bare JSON array of ``{"tweet": ...}``
    records is read too). See :mod:`workbench.sources.twitter_archive`.
``x-api-v2``
    API v2 responses ``{"data", "includes", "errors", "meta"}``: one JSON document,
    or JSON lines with one page a line (``twarc2 search`` output) or one tweet a
    line with ``data`` as an object (filtered-stream captures, ``matching_rules``
    kept as ``attributes.matching_rules``). See :mod:`workbench.sources.twitter_api`.
``x-twarc-flat``
    ``twarc2 flatten`` output: one tweet a line with ``author`` (and referenced
    tweets) inlined. It loads to exactly the rows its unflattened page gives.

Rules common to all three
-------------------------
* Ids: ``comment_id`` is ``"x:<tweet id>"``; ``url`` is the tweet's permalink
  (``https://x.com/<user>/status/<id>``, or ``/i/web/status/<id>`` when the
  author is unknown).
* Text: X escapes ``&``, ``<`` and ``>`` as entities in archive ``full_text`` and
  in API v2 ``text``; they are decoded, and ``t.co`` links listed in
  ``entities.urls`` are replaced by their ``expanded_url``. ``text_raw`` keeps
  the text as exported. An API v2 ``note_tweet`` (a long tweet) gives the text
  in place of the truncated ``text``.
* Language: ``lang`` reduced to ISO 639-1; X's non-languages (``und``, ``zxx``,
  ``qme``, ``qam``, ``qst`` and other ``q*`` codes) become ``None``.
* Score: the like count (``favorite_count`` / ``public_metrics.like_count``).
* Retweets are kept as rows (they are in the capture) but marked
  ``attributes.is_retweet = True`` with ``attributes.retweeted_user`` (and
  ``retweeted_id`` where the format names the original). Their text is the
  retweet's own, usually cut off with ``…``.
* Threads: when the tweet has a ``conversation_id`` the thread is
  ``"x:<conversation_id>"`` and the tweet is the ``post`` of its thread exactly
  when its id equals it. Otherwise (archives never have one) a tweet that replies
  to nothing is its own thread; a reply's thread is found by following
  ``in_reply_to_status_id`` (archive) / ``referenced_tweets[replied_to]`` (API)
  through the tweets of the file: the root is the first tweet of the chain that
  replies to nothing, or, when the chain leaves the file, ``"x:<id of the missing
  tweet the chain's top replies to>"``. (API v2 files without ``conversation_id``
  are followed within one batch of ``batch_size`` rows.) ``parent_id`` is always
  the tweet replied to, whether or not it is in the file.

Archive specifics
-----------------
* Every number is a string; times look like ``Fri Mar 06 13:02:05 +0000 2026``.
* Archive tweets carry no author: the author is the archive owner, read from
  ``account.js`` in the same folder; without it ``author`` is ``None`` and the
  batch carries a warning.
* ``deleted-tweets.js`` records still hold their text: it is kept, with
  ``is_deleted = True`` and ``attributes.deleted_at`` (ISO 8601 UTC).
* ``note-tweet.js`` (full texts of long tweets) names no tweet id; when it sits
  next to ``tweets.js`` each note is matched to the tweet posted within two
  minutes of it whose text starts the same way (the nearest id wins) and gives
  that tweet its full text (``attributes.note_tweet_id``). Read on its own, its
  records are reported in ``skipped`` as ``note_tweet``.
* Other archive files (``like.js``, ``account.js``, ``tweet-headers.js``, ...)
  hold no tweets: their records are reported in ``skipped`` (``archive_like``,
  ``tweet_header``, ...) and a warning says nothing was imported.

API v2 specifics
----------------
* Author: ``author_id`` looked up in the page's ``includes.users`` (its
  ``username``); flattened lines carry ``author`` inline. ``attributes.author_id``
  keeps the stable numeric id.
* ``includes.tweets`` (tweets referenced by the capture: retweeted, quoted,
  replied-to originals) are **not** rows: they were not matched by the query or
  stream rule, and importing them would mix context into the sample. They are
  used only to name a retweet's original author; the rows point at them through
  ``parent_id``, ``attributes.retweeted_id`` and ``attributes.quoted_id``.
* ``errors[]`` entries (deleted, suspended, protected items) are reported in
  ``skipped`` as ``(reason, "<resource_type> <resource_id>: <detail>")``, the
  reason taken from the problem ``type`` (``resource_not_found``,
  ``not_authorized_for_resource``...) or else the ``title``.
* Edits: every version of an edited tweet is a tweet with its own id (replies and
  quotes point at the version they saw, and the API gives each version its own
  ``conversation_id``), so each version is its own row under its own id. The
  rows share ``attributes.edit_group`` (``"x:<original id>"``, the first of
  ``edit_history_tweet_ids``) and ``attributes.edit_history``; a version that
  was replaced by a later one has ``attributes.superseded_by`` (``"x:<latest
  id>"``), so keep ``superseded_by``-less rows to see only current texts.
* A tweet appearing twice in one file is kept once; the repeat is reported in
  ``skipped`` as ``duplicate``. A cut-off last line (an interrupted stream) is
  reported as ``truncated_last_line`` and the rest loads.
"""

from __future__ import annotations

from .twitter_api import XApiV2Loader, XTwarcFlatLoader
from .twitter_archive import XArchiveLoader

__all__ = ["XApiV2Loader", "XArchiveLoader", "XTwarcFlatLoader"]
