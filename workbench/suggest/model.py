"""The suggestion model: how well each comment fits each code, from vectors alone.

Plain arrays in, plain arrays out (no project, no store): :class:`CodeScorer`
learns from the unit vectors of coded comments, a boolean label matrix and each
code's *description vectors* (its :func:`~workbench.coding.suggest.code_text` and
its examples, embedded), and scores any other vectors.

How it scores, in order of the evidence available:

1. **Cold start** (nothing coded yet): the cosine similarity between a comment
   and the code's description (label, definition, use-when and examples).
2. **Learned**: a logistic regression on the coded comments' vectors, with the
   description vectors as extra examples of their code (weight
   ``description_weight``), so a code's definition keeps counting while its coded
   examples are few and fades as they grow. Label co-occurrence picks the model:
   when no coded comment carries two of the codes, the codes behave as mutually
   exclusive and compete in one multinomial model (comments coded only with codes
   outside the set form an "other" class); otherwise each code gets its own
   one-vs-rest model, with the comments coded without it as its negatives.
3. **Calibrated** (from ``min_calibration`` coded comments on, 10 by default):
   the decision values are put on a probability scale by temperature scaling with
   per-code biases (one model per code: Platt scaling), fitted on cross-validated
   decision values of the coded comments.
4. **Prevalence-corrected**: coders' examples are not a random sample of the
   comments (they code what they are shown, or what suggestions bring up), so the
   share of each code among the uncoded comments is estimated by EM on their
   calibrated probabilities and the probabilities are adjusted to it
   (Saerens, Latinne & Decaestecker 2002; with calibration as in Alexandari,
   Kundaje & Shrikumar 2020). The coded examples enter the estimate as Dirichlet
   pseudo-counts, so a code coders have found is never estimated absent.

Within one code, steps 3 and 4 keep the order of comments of a one-vs-rest
model (they are monotone); they make the scores comparable across codes. What each
step does to agreement with real analysts' coding is measured in
``benchmarks/bench_suggest.py`` (results in ``benchmarks/README.md``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from workbench.coding.suggest import unit_rows
from workbench.errors import CodingError

#: The kinds of model :class:`CodeScorer` can end up with (``mode_``).
MODES = ("cold-start", "exclusive", "multi-label")


class SuggestError(CodingError):
    """Suggestions cannot be made as asked (a bad parameter, an unknown code)."""


@dataclass
class Calibration:
    """Temperature and per-class biases applied to decision values."""

    temperature: float = 1.0
    bias: np.ndarray | None = None


class CodeScorer:
    """Score comments for codes from coded examples and the codes' descriptions.

    Parameters
    ----------
    description_weight : float, default 1.0
        Weight of each description vector as an example of its code (0: ignore
        the descriptions once anything is coded).
    C : float, default 1.0
        Inverse L2 regularisation of the logistic regressions (on unit vectors).
    calibrate : bool, default True
        Calibrate on cross-validated decision values (needs ``min_calibration``
        coded comments).
    prevalence : bool, default True
        Adjust to each code's share among the ``pool`` given to :meth:`fit`.
    min_calibration : int, default 10
        Fewest coded comments for calibration and prevalence correction.
    folds : int, default 5
        Most cross-validation folds for the calibration.
    exclusive : bool, optional
        Treat the codes as mutually exclusive (one multinomial model) or not (one
        model per code); by default, exclusive when no coded comment has two.
    max_pool : int, default 5000
        Most pool comments the prevalence is estimated from (a seeded sample).
    random_state : int, default 0
        Seed of the fold assignment (the fit is otherwise deterministic).

    Attributes
    ----------
    mode_ : str
        ``"cold-start"``, ``"exclusive"`` or ``"multi-label"``.
    calibration_ : Calibration
    prevalence_ : ndarray or None
        Each code's estimated share among the pool's comments (learned modes).
    coded_prevalence_ : ndarray or None
        Each code's share among the coded comments.
    """

    def __init__(self, *, description_weight: float = 1.0, C: float = 1.0,  # noqa: N803
                 calibrate: bool = True, prevalence: bool = True, min_calibration: int = 10,
                 folds: int = 5, exclusive: bool | None = None, max_pool: int = 5000,
                 random_state: int = 0) -> None:  # fmt: skip
        self.description_weight = description_weight
        self.C = C
        self.calibrate = calibrate
        self.prevalence = prevalence
        self.min_calibration = min_calibration
        self.folds = folds
        self.exclusive = exclusive
        self.max_pool = max_pool
        self.random_state = random_state

    # -- fitting ----------------------------------------------------------------------

    def _validate(self) -> None:
        if not self.description_weight >= 0:
            raise SuggestError(f"description_weight ({self.description_weight}) must be >= 0")
        if not self.C > 0:
            raise SuggestError(f"C ({self.C}) must be > 0")
        if self.min_calibration < 4:
            raise SuggestError(f"min_calibration ({self.min_calibration}) must be >= 4")
        if self.folds < 2:
            raise SuggestError(f"folds ({self.folds}) must be >= 2")
        if self.max_pool < 100:
            raise SuggestError(f"max_pool ({self.max_pool}) must be >= 100")

    def fit(self, vectors: np.ndarray, labels: np.ndarray, descriptions: list[np.ndarray],
            pool: np.ndarray | None = None) -> CodeScorer:  # fmt: skip
        """Learn from coded comments.

        Parameters
        ----------
        vectors : ndarray, shape (n, d)
            Unit vectors of the coded comments (n may be 0).
        labels : ndarray of bool, shape (n, m)
            ``labels[i, j]``: comment ``i`` carries code ``j``. A row without any
            code is a comment coded only with codes outside the ``m``.
        descriptions : list of m ndarrays, each (k_j, d)
            Code ``j``'s description vectors; the first is its
            :func:`~workbench.coding.suggest.code_text`, the cold-start prototype.
        pool : ndarray, shape (N, d), optional
            Vectors of the uncoded comments, for the prevalence estimate.
        """
        self._validate()
        labels = np.asarray(labels, dtype=bool).reshape(len(vectors), len(descriptions))
        if any(len(d) == 0 for d in descriptions):
            raise SuggestError("every code needs at least one description vector")
        self.n_codes_ = len(descriptions)
        self.prototypes_ = unit_rows(np.stack([d[0] for d in descriptions]))
        self.coded_ = int(len(vectors))
        self.calibration_ = Calibration()
        self.prevalence_ = self.coded_prevalence_ = None
        self.models_: list = []
        if not labels.any():
            self.mode_ = "cold-start"
            return self
        vectors = unit_rows(vectors)
        exclusive = self.exclusive
        if exclusive is None:
            exclusive = bool(labels.sum(axis=1).max() <= 1)
        self.mode_ = "exclusive" if exclusive else "multi-label"
        if pool is not None and len(pool) > self.max_pool:
            rng = np.random.default_rng(self.random_state)
            pool = pool[np.sort(rng.choice(len(pool), self.max_pool, replace=False))]
        if self.mode_ == "exclusive":
            self._fit_exclusive(vectors, labels, descriptions, pool)
        else:
            self._fit_multilabel(vectors, labels, descriptions, pool)
        return self

    def _training_set(self, vectors: np.ndarray, targets: np.ndarray,
                      descriptions: list[np.ndarray], description_targets: list[int]
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
        """Coded vectors plus description vectors, with targets and sample weights."""
        extra = [d for d in descriptions]
        xs = [vectors, *[unit_rows(d) for d in extra]]
        ys = [targets, *[np.full(len(d), t) for d, t in zip(extra, description_targets,
                                                              strict=True)]]
        ws = [np.ones(len(vectors)), *[np.full(len(d), self.description_weight) for d in extra]]
        keep = np.concatenate(ws) > 0
        return np.concatenate(xs)[keep], np.concatenate(ys)[keep], np.concatenate(ws)[keep]

    def _folds(self, targets: np.ndarray) -> np.ndarray:
        """A fold number for each coded comment, stratified by target."""
        rng = np.random.default_rng(self.random_state)
        fold = np.zeros(len(targets), dtype=int)
        n = self._n_folds(targets)
        for value in np.unique(targets):
            where = np.flatnonzero(targets == value)
            rng.shuffle(where)
            fold[where] = (np.arange(len(where)) + rng.integers(n)) % n
        return fold

    def _n_folds(self, targets: np.ndarray) -> int:
        return int(min(self.folds, max(2, len(targets) // 4)))

    def _calibrated(self, n_coded: int) -> bool:
        return self.calibrate and n_coded >= self.min_calibration

    # -- exclusive codes: one multinomial model ----------------------------------------

    def _fit_exclusive(self, vectors: np.ndarray, labels: np.ndarray,
                       descriptions: list[np.ndarray],
                       pool: np.ndarray | None) -> None:  # fmt: skip
        m = self.n_codes_
        has_code = labels.any(axis=1)
        # With exclusive forced on co-occurring codes, a comment counts for its first one.
        targets = np.where(has_code, labels.argmax(axis=1), m)
        self.classes_ = m + 1 if (~has_code).any() else m
        x, y, w = self._training_set(vectors, targets, descriptions, list(range(m)))
        model = _logistic(self.C).fit(x, y, sample_weight=w)
        self.models_ = [model]
        counts = np.bincount(targets, minlength=self.classes_).astype(float)
        self.coded_prevalence_ = (counts / counts.sum())[:m]
        if self._calibrated(len(targets)):
            fold = self._folds(targets)
            logits = np.zeros((len(targets), self.classes_))
            for f in range(fold.max() + 1):
                train = fold != f
                cx = np.concatenate([vectors[train], x[len(vectors):]])
                cy = np.concatenate([targets[train], y[len(vectors):]])
                cw = np.concatenate([np.ones(train.sum()), w[len(vectors):]])
                fitted = _logistic(self.C).fit(cx, cy, sample_weight=cw)
                logits[~train] = _decision(fitted, vectors[~train], self.classes_)
            self.calibration_ = _fit_temperature(logits, targets)
            if self.prevalence and pool is not None and len(pool):
                pool = unit_rows(pool)
                found = counts > 0
                self._source = counts / counts.sum()
                self._target = _em_prevalence(
                    self._probabilities(pool, adjust=False, full=True), self._source, counts, found)
                self.prevalence_ = self._target[:m]

    # -- codes that co-occur: one model per code ---------------------------------------

    def _fit_multilabel(self, vectors: np.ndarray, labels: np.ndarray,
                        descriptions: list[np.ndarray],
                       pool: np.ndarray | None) -> None:  # fmt: skip
        m = self.n_codes_
        self.coded_prevalence_ = labels.mean(axis=0)
        self.classes_ = m
        calibrate = self._calibrated(len(vectors))
        for j in range(m):
            targets = labels[:, j].astype(int)
            x, y, w = self._training_set(vectors, targets, descriptions,
                                         [1 if i == j else 0 for i in range(m)])
            if len(np.unique(y)) < 2:
                self.models_.append(None)  # no negatives at all: cosine to its description
                continue
            model = _logistic(self.C).fit(x, y, sample_weight=w)
            platt = (1.0, 0.0)
            if calibrate and 0 < targets.sum() < len(targets):
                fold = self._folds(targets)
                values = np.zeros(len(targets))
                for f in range(fold.max() + 1):
                    train = fold != f
                    cx = np.concatenate([vectors[train], x[len(vectors):]])
                    cy = np.concatenate([targets[train], y[len(vectors):]])
                    cw = np.concatenate([np.ones(train.sum()), w[len(vectors):]])
                    if len(np.unique(cy)) == 2:
                        fitted = _logistic(self.C).fit(cx, cy, sample_weight=cw)
                        values[~train] = fitted.decision_function(vectors[~train])
                platt = _fit_platt(values, targets)
            self.models_.append((model, platt))
        if calibrate and self.prevalence and pool is not None and len(pool):
            probabilities = self._probabilities(unit_rows(pool), adjust=False)
            self._source = self.coded_prevalence_.copy()
            self._target = self._source.copy()
            for j in range(m):
                if self.models_[j] is not None and 0 < self._source[j] < 1:
                    self._target[j] = _em_binary(probabilities[:, j], self._source[j],
                                                 labels[:, j].sum(), len(labels))  # fmt: skip
            self.prevalence_ = self._target

    # -- scoring ----------------------------------------------------------------------

    def _probabilities(self, vectors: np.ndarray, *, adjust: bool = True,
                       full: bool = False) -> np.ndarray:  # fmt: skip
        if self.mode_ == "exclusive":
            cal = self.calibration_
            logits = _decision(self.models_[0], vectors, self.classes_) * cal.temperature
            if cal.bias is not None:
                logits = logits + cal.bias
            probabilities = _softmax(logits)
            if adjust and self.prevalence_ is not None:
                ratio = self._target / np.where(self._source > 0, self._source, 1)
                probabilities = probabilities * np.where(self._source > 0, ratio, 1.0)
                probabilities /= probabilities.sum(axis=1, keepdims=True)
            return probabilities if full else probabilities[:, : self.n_codes_]
        out = np.zeros((len(vectors), self.n_codes_))
        cosine = vectors @ self.prototypes_.T
        for j, fitted in enumerate(self.models_):
            if fitted is None:
                out[:, j] = cosine[:, j]
                continue
            model, (a, b) = fitted
            p = _sigmoid(model.decision_function(vectors) * a + b)
            if adjust and self.prevalence_ is not None and 0 < self._source[j] < 1:
                p = _shift_binary(p, self._source[j], self._target[j])
            out[:, j] = p
        return out

    def predict(self, vectors: np.ndarray) -> np.ndarray:
        """Scores, shape (n, m): cosine similarity (cold start) or probability."""
        vectors = unit_rows(vectors)
        if self.mode_ == "cold-start":
            return vectors @ self.prototypes_.T
        return self._probabilities(vectors)

    def uncertainty(self, vectors: np.ndarray) -> np.ndarray:
        """How unsure the model is about each comment (higher: ask a coder sooner).

        Exclusive codes: one minus the margin between the two likeliest codes;
        co-occurring codes (and cold start): the largest ``p (1 - p)`` over codes,
        with cosine scores first spread to 0..1 per code.
        """
        scores = self.predict(vectors)
        if self.mode_ == "exclusive" and scores.shape[1] > 1:
            top = np.sort(scores, axis=1)
            return 1.0 - (top[:, -1] - top[:, -2])
        if self.mode_ == "cold-start":
            low, high = scores.min(axis=0), scores.max(axis=0)
            scores = (scores - low) / np.where(high > low, high - low, 1)
        return (scores * (1 - scores)).max(axis=1)


# -- numerical helpers ----------------------------------------------------------------


def _logistic(C: float) -> Any:  # noqa: N803
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, max_iter=2000)


def _decision(model: Any, vectors: np.ndarray, classes: int) -> np.ndarray:
    """Decision values for every class (a class the fold lacked: the row's minimum)."""
    values = model.decision_function(vectors)
    if values.ndim == 1:
        values = np.stack([-values / 2, values / 2], axis=1)
    out = np.repeat(values.min(axis=1, keepdims=True), classes, axis=1)
    out[:, model.classes_] = values
    return out


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def _sigmoid(values: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(values, -50, 50)))


def _fit_temperature(logits: np.ndarray, targets: np.ndarray) -> Calibration:
    """Bias-corrected temperature scaling by maximum likelihood (a tiny L2 on biases)."""
    from scipy.optimize import minimize
    from scipy.special import log_softmax

    rows = np.arange(len(targets))
    k = logits.shape[1]

    def loss(p: np.ndarray) -> float:
        scaled = logits * np.exp(p[0]) + p[1:]
        return float(-log_softmax(scaled, axis=1)[rows, targets].mean() + 1e-3 * p[1:] @ p[1:])

    found = minimize(loss, np.zeros(1 + k), method="L-BFGS-B")
    return Calibration(float(np.exp(found.x[0])), found.x[1:].copy())


def _fit_platt(values: np.ndarray, targets: np.ndarray) -> tuple[float, float]:
    """Platt scaling ``sigmoid(a * value + b)`` by maximum likelihood."""
    from scipy.optimize import minimize

    y = targets.astype(float)

    def loss(p: np.ndarray) -> float:
        z = values * p[0] + p[1]
        return float(np.mean(np.logaddexp(0, z) - y * z))

    found = minimize(loss, np.array([1.0, 0.0]), method="L-BFGS-B")
    return float(found.x[0]), float(found.x[1])


def _em_prevalence(probabilities: np.ndarray, source: np.ndarray, counts: np.ndarray,
                   found: np.ndarray, iterations: int = 1000,
                   tolerance: float = 1e-7) -> np.ndarray:  # fmt: skip
    """Class shares among ``probabilities``' rows by EM, with coded counts as pseudo-counts.

    Classes not ``found`` among the coded comments keep their source share.
    """
    target = source.copy()
    free = found & (source > 0)
    for _ in range(iterations):
        ratio = np.where(free, target / np.where(source > 0, source, 1), 1.0)
        posterior = probabilities * ratio
        posterior /= posterior.sum(axis=1, keepdims=True)
        mass = posterior.sum(axis=0)[free] + counts[free]
        new = target.copy()
        new[free] = mass / mass.sum() * target[free].sum()
        if np.abs(new - target).max() < tolerance:
            return new
        target = new
    return target


def _shift_binary(p: np.ndarray, source: float, target: float) -> np.ndarray:
    up = p * target / source
    return up / (up + (1 - p) * (1 - target) / (1 - source))


def _em_binary(p: np.ndarray, source: float, positives: int, coded: int,
               iterations: int = 1000, tolerance: float = 1e-7) -> float:  # fmt: skip
    """A code's share among ``p``'s comments by EM, coded comments as pseudo-counts."""
    target = source
    for _ in range(iterations):
        new = (_shift_binary(p, source, target).sum() + positives) / (len(p) + coded)
        if abs(new - target) < tolerance:
            return float(new)
        target = new
    return float(target)
