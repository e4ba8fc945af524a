"""The published app's code: reads a findings bundle and shows it (Voila or a file).

Standard library and ipywidgets only, with relative imports: the publisher copies
this package into the app folder (``OUT_DIR/viewer/``), so a server needs no
workbench, no torch and no access to the private project to show the app.
"""
