"""Findings of a coded project: what the themes are, how common, where, when and in whose words.

``compute(project, codebook_version)`` gathers them (:class:`Findings`): theme
counts (comments and distinct authors, by platform, thread and period), theme ×
theme co-occurrence, trends, the cluster × theme crosstab, representative quotes,
agreement figures and a methods record generated from the store. The charts are
functions of data (:mod:`workbench.viewer.charts`), the same in notebooks and in
the published app. Findings are private: :mod:`workbench.publish` turns them into
an anonymised bundle.
"""

from workbench.findings.build import Findings, compute

__all__ = ["Findings", "compute"]
