"""Publishing: the advisory committee's app folder (bundle, notebook, serving)."""
