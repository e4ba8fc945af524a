"""fastText's language-identification model, evaluated a batch at a time with numpy.

fastText labels a line by averaging one 16-number input row per word and per
character n-gram of each word, then walking its label tree (hierarchical softmax)
with that average. Almost all of its time goes into hashing n-grams and summing
rows, over and over for the same common words. Here a word's rows are summed once
and kept (:class:`TokenTable`), a whole batch is tokenised with a few C-level
calls, and the tree is walked for every line of the batch at once.

The numbers are the model's own, read from the same ``.ftz`` file, and the steps
are fastText's (``Dictionary::getLine``, ``computeSubwords``, ``Model::
computeHidden``, ``HierarchicalSoftmaxLoss::dfs``); only the order in which floats
are added differs, which moves a score by about 1e-6. :func:`predict` therefore
reports, besides each line's label, whether the decision was close (within
:data:`MARGIN` of the threshold or of the runner-up label), so that the caller can
ask fastText itself about those lines and keep exactly its labels.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

_MAGIC, _VERSION = 793712314, 12
_LOSS_HS = 1
_EOS = b"</s>"
_LABEL = b"__label__"
_FNV_OFFSET, _FNV_PRIME = 2166136261, 16777619
#: Ends each line of a batch; fastText's separators never leave it inside a token.
_SENTINEL = b"\x00"
#: A decision closer than this (in log-probability) is left to fastText itself.
MARGIN = 1e-3
#: From this threshold up a label is looked for on one path of the tree only: a
#: leaf of probability one half or more lies where every branch is the likelier.
#: (fastText adds 1e-5 to each probability, so a label at 0.5 - 1e-5 still does.)
DESCEND_FROM = 0.5 - 1e-4


@lru_cache(maxsize=1)
def _blas() -> object:
    from threadpoolctl import ThreadpoolController  # installed with scikit-learn

    return ThreadpoolController()


class UnsupportedModel(ValueError):
    """The model file uses a feature this evaluator does not implement."""


class _Reader:
    """Sequential reads from the bytes of a model file."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.offset = 0

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from(fmt, self.data, self.offset)
        self.offset += struct.calcsize(fmt)
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        out = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.offset)
        self.offset += out.nbytes
        return out

    def word(self) -> bytes:
        end = self.data.index(b"\0", self.offset)
        word = self.data[self.offset : end]
        self.offset = end + 1
        return word


def _pq_centroids(reader: _Reader) -> tuple[np.ndarray, int, int, int]:
    """A product quantizer's centroids (``dim * 256`` floats) and its shape."""
    dim, nsubq, dsub, lastdsub = reader.take("<iiii")
    return reader.array("<f4", dim * 256), nsubq, dsub, lastdsub


def _matrix(reader: _Reader) -> np.ndarray:
    """Read a dense or product-quantized matrix and return it dense (float32)."""
    (quantized,) = reader.take("<?")
    if not quantized:
        rows, cols = reader.take("<qq")
        return reader.array("<f4", rows * cols).reshape(rows, cols).copy()
    (qnorm,) = reader.take("<?")
    rows, cols = reader.take("<qq")
    (codesize,) = reader.take("<i")
    codes = reader.array("u1", codesize)
    centroids, nsubq, dsub, lastdsub = _pq_centroids(reader)
    codes = codes.reshape(rows, nsubq)
    dense = np.empty((rows, cols), dtype=np.float32)
    for m in range(nsubq):  # ProductQuantizer::get_centroids
        width = lastdsub if m == nsubq - 1 else dsub
        table = centroids[m * 256 * dsub : m * 256 * dsub + 256 * width].reshape(256, width)
        dense[:, m * dsub : m * dsub + width] = table[codes[:, m]]
    if qnorm:
        norm_codes = reader.array("u1", rows)
        norms, *_ = _pq_centroids(reader)
        dense *= norms[norm_codes][:, None]  # alpha * c[n], in float32 as fastText
    return dense


def _tree(counts: list[int]) -> tuple[list[int], list[int]]:
    """The Huffman label tree of fastText (``buildTree``): each node's left and right child.

    Nodes below ``len(counts)`` are the leaves (labels, -1 children); the root is last.
    """
    osz = len(counts)
    count = [*counts, *([10**15] * (osz - 1))]
    left = [-1] * (2 * osz - 1)
    right = [-1] * (2 * osz - 1)
    leaf, node = osz - 1, osz
    for i in range(osz, 2 * osz - 1):
        mini = [0, 0]
        for j in range(2):
            if leaf >= 0 and count[leaf] < count[node]:
                mini[j] = leaf
                leaf -= 1
            else:
                mini[j] = node
                node += 1
        left[i], right[i] = mini
        count[i] = count[mini[0]] + count[mini[1]]
    return left, right


def _tree_levels(
    left: list[int], right: list[int]
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The tree as levels of (inner nodes, their left children, their right children)."""
    levels = []
    current = [len(left) - 1]
    while current:
        inner = [n for n in current if left[n] != -1]
        if not inner:
            break
        levels.append((np.array(inner), np.array([left[n] for n in inner]),
                       np.array([right[n] for n in inner])))
        current = [c for n in inner for c in (left[n], right[n])]
    return levels


@dataclass(frozen=True, eq=False)
class LidModel:
    """The parts of a supervised fastText model that labelling needs.

    Attributes
    ----------
    labels : tuple of str
        Label names without ``__label__``, in the model's order.
    words : dict of bytes to int
        In-vocabulary words (UTF-8) and their input rows.
    input : numpy.ndarray
        Every input row, dequantized (float32).
    pruned : numpy.ndarray or None
        For a quantized model whose n-gram buckets were pruned: each bucket's
        input row, or -1 for a bucket dropped (its n-grams add nothing).
    inner : numpy.ndarray
        Output rows of the label tree's inner nodes (float32).
    levels : list of tuple of numpy.ndarray
        The label tree, root first, as (inner nodes, left children, right children).
    left, right : numpy.ndarray
        Each inner node's children (inner node ``n`` at ``n - len(labels)``).
    """

    labels: tuple[str, ...]
    words: dict[bytes, int]
    nwords: int
    minn: int
    maxn: int
    bucket: int
    pruned: np.ndarray | None
    input: np.ndarray
    inner: np.ndarray
    levels: list[tuple[np.ndarray, np.ndarray, np.ndarray]]
    left: np.ndarray
    right: np.ndarray

    @property
    def dim(self) -> int:
        """Width of a row."""
        return int(self.input.shape[1])


def load_model(data: bytes) -> LidModel:
    """Read a supervised fastText model (``.bin`` or quantized ``.ftz``) from its bytes.

    Raises
    ------
    UnsupportedModel
        If the model is not a hierarchical-softmax classifier over single words
        (``wordNgrams`` 1), the only kind this evaluator implements.
    """
    reader = _Reader(data)
    magic, version = reader.take("<ii")
    if magic != _MAGIC or version != _VERSION:
        raise UnsupportedModel(f"not a fastText model of version {_VERSION} "
                               f"(magic {magic}, version {version})")
    (dim, _ws, _epoch, _min_count, _neg, word_ngrams, loss, _kind, bucket, minn, maxn,
     _lr_update) = reader.take("<12i")
    reader.take("<d")
    if loss != _LOSS_HS or word_ngrams != 1:
        raise UnsupportedModel(f"loss {loss} and wordNgrams {word_ngrams}; "
                               f"expected hierarchical softmax ({_LOSS_HS}) and 1")
    size, nwords, nlabels = reader.take("<iii")
    _ntokens, prune_size = reader.take("<qq")
    words: dict[bytes, int] = {}
    labels: list[str] = []
    counts: list[int] = []
    for index in range(size):
        word = reader.word()
        count, kind = reader.take("<qb")
        if kind == 0:
            words[word] = index
        else:
            labels.append(word[len(_LABEL):].decode("utf-8", "replace"))
            counts.append(count)
    pruned = None
    if prune_size >= 0:  # kept buckets only: bucket -> row, -1 where dropped (8 MB for 2M)
        pairs = reader.array("<i4", 2 * prune_size).reshape(-1, 2)
        pruned = np.full(bucket, -1, dtype=np.int32)
        pruned[pairs[:, 0]] = pairs[:, 1]
    inputs = _matrix(reader)
    output = _matrix(reader)
    if inputs.shape[1] != dim or output.shape[0] != nlabels or len(labels) != nlabels:
        raise UnsupportedModel(f"unexpected shapes {inputs.shape}, {output.shape}")
    left, right = _tree(counts)
    osz = len(counts)
    return LidModel(tuple(labels), words, nwords, minn, maxn, bucket, pruned,
                    inputs, output[: osz - 1].astype(np.float32), _tree_levels(left, right),
                    np.array(left[osz:], dtype=np.int64), np.array(right[osz:], dtype=np.int64))


def _ngram_ids(model: LidModel, tokens: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Input rows of the character n-grams of ``"<" + token + ">"`` (``computeSubwords``).

    Returns the row ids and, for each, the index of its token in ``tokens``.
    """
    buffer = _SENTINEL.join(b"<" + token + b">" for token in tokens) + _SENTINEL
    data = np.frombuffer(buffer, dtype=np.uint8)
    starts = np.flatnonzero((data & 0xC0) != 0x80)  # where each UTF-8 character begins
    separator = data[starts] == 0
    separators_before = np.concatenate(([0], np.cumsum(separator)))
    signed = data.astype(np.int8).astype(np.int32).astype(np.uint32)  # int8 as fastText
    ids, owners = [], []
    for n in range(max(model.minn, 1), model.maxn + 1):
        first = np.arange(max(len(starts) - n, 0))
        ok = separators_before[first + n] == separators_before[first]
        first = first[ok]
        begin = starts[first]
        length = starts[first + n] - begin
        digest = np.full(len(first), _FNV_OFFSET, dtype=np.uint32)
        last = len(data) - 1
        for step in range(int(length.max()) if len(length) else 0):
            byte = signed[np.minimum(begin + step, last)]
            digest = np.where(step < length, (digest ^ byte) * np.uint32(_FNV_PRIME), digest)
        hashed = (digest % np.uint32(model.bucket)).astype(np.int64)
        owner = separators_before[first]
        if model.pruned is not None:
            rows = model.pruned[hashed]
            found = rows >= 0
            hashed, owner = rows[found].astype(np.int64), owner[found]
        ids.append(model.nwords + hashed)
        owners.append(owner)
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(ids), np.concatenate(owners)


class _Index(dict):
    """Token to table row; an unknown token gets the next row and waits in ``pending``."""

    def __init__(self) -> None:
        super().__init__()
        self.pending: list[bytes] = []

    def __missing__(self, token: bytes) -> int:
        row = self[token] = len(self)
        self.pending.append(token)
        return row


class TokenTable:
    """Per token: the sum of its input rows and how many there are, computed once.

    Bounded: once ``capacity`` tokens are held the table starts again (between two
    calls of :meth:`rows`), so memory stays flat however many distinct words a file
    has.
    """

    def __init__(self, model: LidModel, capacity: int = 50_000) -> None:
        self.model = model
        self.capacity = capacity
        self._reset()

    def _reset(self) -> None:
        self.index = _Index()
        self.sums = np.zeros((1024, self.model.dim), dtype=np.float64)
        self.counts = np.zeros(1024, dtype=np.float64)
        # The sentinel ending each line stands for fastText's end-of-line word.
        self.index[_SENTINEL] = 0
        self.index.pending.clear()
        self.sums[0] = self.model.input[self.model.words[_EOS]]
        self.counts[0] = 1

    def _compute(self, tokens: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
        """Sum and count of input rows of each token (``Dictionary::addSubwords``)."""
        from scipy.sparse import csr_matrix

        model = self.model
        sums = np.zeros((len(tokens), model.dim), dtype=np.float64)
        counts = np.zeros(len(tokens), dtype=np.float64)
        position = np.array([i for i, t in enumerate(tokens) if not t.startswith(_LABEL)],
                            dtype=np.int64)  # a label is no word: it adds nothing
        if not len(position):
            return sums, counts
        words = [tokens[i] for i in position.tolist()]
        found = np.array([model.words.get(t, -1) for t in words], dtype=np.int64)
        known = found >= 0
        sums[position[known]] += model.input[found[known]]
        counts[position[known]] += 1
        ids, owners = _ngram_ids(model, words)
        # One row per token, a one for each of its n-grams: a product sums their rows.
        ngrams = csr_matrix((np.ones(len(ids)), (position[owners], ids)),
                            shape=(len(tokens), len(model.input)))  # fmt: skip
        sums += ngrams @ model.input
        counts += np.bincount(position[owners], minlength=len(tokens))
        return sums, counts

    def rows(self, tokens: list[bytes]) -> np.ndarray:
        """Table rows of ``tokens``, computing those not seen before."""
        if len(self.index) > self.capacity:
            self._reset()
        index = self.index
        rows = np.fromiter(map(index.__getitem__, tokens), dtype=np.int64, count=len(tokens))
        if index.pending:
            fresh, index.pending = index.pending, []
            size = len(index)
            if size > len(self.counts):
                grow = max(size, 2 * len(self.counts))
                self.sums = np.resize(self.sums, (grow, self.model.dim))
                self.counts = np.resize(self.counts, grow)
            self.sums[size - len(fresh) : size], self.counts[size - len(fresh) : size] = (
                self._compute(fresh))
        return rows


def _tokens(lines: list[str]) -> list[bytes]:
    """The words fastText reads in every line, each line ended by the sentinel.

    fastText splits on space, tab, newline, carriage return, vertical tab, form
    feed and NUL, and stops a line at a literal ``</s>``; text it cannot encode
    (a lone surrogate) becomes ``?`` as the caller's fallback makes it.
    """
    text = " \x00 ".join(lines)
    if text.count("\x00") != len(lines) - 1:  # a NUL inside a line separates words
        lines = [line.replace("\x00", " ") for line in lines]
        text = " \x00 ".join(lines)
    if "</s>" in text:
        cut = []
        for line in lines:
            words = line.encode("utf-8", "replace").split()
            if _EOS in words:
                line = b" ".join(words[: words.index(_EOS)]).decode("utf-8")
            cut.append(line)
        text = " \x00 ".join(cut)
    return (text + " \x00").encode("utf-8", "replace").split()


def _hidden(table: TokenTable, lines: list[str]) -> np.ndarray:
    """The averaged input rows of each line (``Model::computeHidden``), float32."""
    from scipy.sparse import csr_matrix

    rows = table.rows(_tokens(lines))
    ends = np.flatnonzero(rows == 0)  # the sentinel is row 0
    # One row per line, a one for each of its tokens: a product sums their rows.
    lines_by_tokens = csr_matrix(
        (np.ones(len(rows)), rows, np.concatenate(([0], ends + 1))),
        shape=(len(lines), len(table.index)),
    )
    size = len(table.index)
    sums = lines_by_tokens @ table.sums[:size]
    counts = lines_by_tokens @ table.counts[:size]
    return sums.astype(np.float32) * (1.0 / counts).astype(np.float32)[:, None]


def _log_branches(dots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The scores fastText gives the left and right branch of nodes, from their dot products."""
    right = np.float32(1) / (np.float32(1) + np.exp(-dots))
    tiny = np.float32(1e-5)
    return np.log((np.float32(1) - right) + tiny), np.log(right + tiny)


def _walk_all(model: LidModel, hidden: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every leaf's score: the best leaf and the runner-up's score, per line."""
    # float32, as fastText's dotRow rounds it; on one thread: the product is small,
    # and the other core is busy storing (BLAS threads waiting on it cost 8x more).
    with _blas().limit(limits=1, user_api="blas"):  # type: ignore[attr-defined]
        dots = model.inner @ hidden.T
    log_left, log_right = _log_branches(dots)
    osz = len(model.labels)
    lines = hidden.shape[0]
    score = np.zeros((2 * osz - 1, lines), dtype=np.float32)
    for nodes, lefts, rights in model.levels:  # root first, as the depth-first walk adds
        base = score[nodes]
        score[lefts] = base + log_left[nodes - osz]
        score[rights] = base + log_right[nodes - osz]
    leaves = score[:osz]
    best = leaves.argmax(axis=0)
    columns = np.arange(lines)
    top = leaves[best, columns]
    leaves[best, columns] = -np.inf
    return best, top, leaves.max(axis=0)


def _descend(model: LidModel, hidden: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Follow the likelier branch from the root: the one leaf that can reach p >= 0.5.

    A leaf's probability is the product of its branches' probabilities, so a leaf
    of probability at least one half lies where every branch has at least one half:
    on this path. Returns the leaf, its score and, per line, the highest score any
    branch left on the way could start from (its leaves score no more than that).
    """
    osz = len(model.labels)
    lines = hidden.shape[0]
    node = np.full(lines, 2 * osz - 2, dtype=np.int64)
    score = np.zeros(lines, dtype=np.float32)
    other = np.full(lines, -np.inf, dtype=np.float32)
    active = np.arange(lines)
    while len(active):
        inner = node[active] - osz
        dots = np.einsum("ij,ij->i", model.inner[inner], hidden[active])
        log_left, log_right = _log_branches(dots)
        go_right = log_right > log_left
        base = score[active]
        other[active] = np.maximum(other[active], base + np.where(go_right, log_left, log_right))
        score[active] = base + np.where(go_right, log_right, log_left)
        node[active] = np.where(go_right, model.right[inner], model.left[inner])
        active = active[node[active] >= osz]
    return node, score, other


def predict(
    table: TokenTable, lines: list[str], threshold: float
) -> tuple[list[int], np.ndarray]:
    """Top label of each line, as fastText's ``predict(line, 1, threshold)`` gives it.

    Parameters
    ----------
    table : TokenTable
        Token sums of the model (kept between calls).
    lines : list of str
        The lines; whitespace separates words as in fastText.
    threshold : float
        Lowest probability of a label that is reported. From
        :data:`DESCEND_FROM` up (the workbench's case) only the likelier branch
        at each node is followed (:func:`_descend`); below, every leaf is scored.

    Returns
    -------
    labels : list of int
        Index into ``table.model.labels`` per line, or -1 for no label.
    close : numpy.ndarray
        Indices of the lines whose decision was within :data:`MARGIN` (ask
        fastText about those).
    """
    model = table.model
    hidden = _hidden(table, lines)
    limit = np.float32(np.log(np.float32(threshold) + 1e-5))
    if threshold >= DESCEND_FROM:
        best, top, rest = _descend(model, hidden)
        # A branch left on the way that could hold a leaf at the threshold, or a
        # runner-up within MARGIN of the label, makes the call close (a leaf scores
        # at most 1e-5 a level above where its branch starts: far less than MARGIN).
        near_rest = rest >= limit - 3 * MARGIN
    else:
        best, top, rest = _walk_all(model, hidden)
        near_rest = (top >= limit - MARGIN) & (top - rest < MARGIN)
    labels = np.where(top >= limit, best, -1)
    close = np.flatnonzero((np.abs(top - limit) < MARGIN) | near_rest)
    return labels.tolist(), close
