"""Coding: applying a codebook's codes to comments (codings, memos, exchange)."""
