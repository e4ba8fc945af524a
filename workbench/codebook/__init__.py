"""The codebook: a versioned tree of codes (themes) and every revision of it.

:mod:`~workbench.codebook.model` (the codes), :mod:`~workbench.codebook.yamlfile`
(YAML files, edited round-trip), :mod:`~workbench.codebook.revisions` (planned
revisions), :mod:`~workbench.codebook.service` (a project's codebook).
"""
