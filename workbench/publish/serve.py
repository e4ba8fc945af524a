"""Serving a published app with Voila, standalone, safely and offline.

A published app folder is served by Voila's own server (``voila app.ipynb``), never by
the Jupyter server extension (``jupyter server`` / ``jupyter lab`` with
``/voila/render/...``), which would let any viewer open a notebook and run code.

What Voila 0.5 does by itself, standalone (read from ``voila/app.py``):

- the kernel websocket forwards only ``comm_open``, ``comm_close``, ``comm_msg``,
  ``comm_info_request``, ``kernel_info_request`` and ``shutdown_request`` (the
  ``allowed_message_types`` it gives its kernel manager; not configurable): an
  ``execute_request``, ``complete_request`` or ``inspect_request`` from a viewer is
  dropped with a warning in the server log and never answered;
- tracebacks are hidden (``VoilaConfiguration.show_tracebacks`` is ``False``) and cell
  sources are stripped (``strip_sources`` is ``True``);
- ``/voila/files/`` serves only ``png``/``jpg``/``gif``/``svg`` files under the
  notebook's folder.

What it does not do: its ``lab`` template links Font Awesome from ``cdn.jsdelivr.net``
(the page then works offline only without icons), a viewer may pick another installed
template with ``?template=`` (``classic`` and ``reveal`` link CDNs too), and there is
no Content-Security-Policy. Voila reads settings only from ``voila.py`` / ``voila.json``
in the folder it is *started from* and in the Jupyter config path, never from the
notebook's folder, and finds templates only in the Jupyter data path (a notebook's
``metadata.voila.template`` naming a template Voila cannot find breaks the page).

So :func:`write_serving_files` puts into the app folder a ``voila.py`` with the
settings below and a ``workbench`` template (the ``lab`` template without the CDN
links) under ``share/jupyter``; the ``voila.py`` adds that folder to ``JUPYTER_PATH``
so Voila finds the template. It takes effect when Voila is started from the app
folder (``cd APP && voila app.ipynb``) or with :func:`serve_command`'s argument list
(``workbench serve APP``), which names the folder's ``voila.py`` explicitly and works
from any folder.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from workbench.errors import WorkbenchError

#: The notebook a published app folder is served from.
APP_NOTEBOOK = "app.ipynb"
#: Voila's config file written into the app folder (Python: it must set JUPYTER_PATH).
CONFIG_FILE = "voila.py"
#: The template shipped with the app: Voila's ``lab`` template without CDN links.
TEMPLATE_NAME = "workbench"
#: Where the template lives inside the app folder (a Jupyter data directory).
DATA_DIR = Path("share") / "jupyter"
#: Voila's default port.
DEFAULT_PORT = 8866
#: Kernels started ahead, each with the app already run, so that this many viewers
#: arriving at once are each shown the app at once (a kernel idles at about 55 MB).
DEFAULT_POOL = 10
#: Seconds after a viewer takes a pooled kernel before a new one is started.
POOL_FILL_DELAY_S = 20.0

#: Browser policy for every page Voila serves: only this server's own scripts, styles,
#: fonts, images and websocket; no remote anything. Voila's inline bootstrap scripts
#: and widget styles need ``'unsafe-inline'``.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)

#: HTTP headers added to every response.
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}

#: The JupyterLab extensions the page loads (ipywidgets 8 under Voila 0.5).
EXTENSIONS = ("@jupyter-widgets/jupyterlab-manager", "@voila-dashboards/widgets-manager8")

#: Traitlets settings of the app's ``voila.py``: ``{section: {trait: value}}``.
VOILA_SETTINGS: dict[str, dict[str, object]] = {
    "VoilaConfiguration": {
        "template": TEMPLATE_NAME,
        # A viewer's ?template= could bring back a template that loads CDN assets.
        "allow_template_override": "NO",
        "allow_theme_override": "NOTEBOOK",
        "show_tracebacks": False,
        "strip_sources": True,
        # The page needs no file from the folder (charts are inline SVG, the kernel
        # reads the bundle itself): /voila/files/ answers 403 to everything.
        "file_allowlist": [],
        "file_denylist": [".*"],
        # Only the widget manager's JavaScript: not every lab extension installed in
        # the environment (plotly, anywidget, ...), which the app does not use.
        "extension_allowlist": list(EXTENSIONS),
    },
    "Voila": {
        "open_browser": False,
        "tornado_settings": {"headers": HEADERS},
    },
    # Kernels of viewers who left without closing the page are shut down.
    "MappingKernelManager": {
        "cull_idle_timeout": 1800,
        "cull_interval": 300,
        "cull_connected": False,
    },
}

_CONFIG_HEAD = '''\
"""Voila settings for this published Thread Workbench app (written by workbench publish).

Voila reads this file when it is started from this folder (``cd APP && voila app.ipynb``)
or told to (``workbench serve APP``). It makes the page offline (the ``{template}``
template under share/jupyter, a Content-Security-Policy) and serves no files.
Viewers cannot run code in any case: standalone Voila forwards only widget messages.
"""

import os
from pathlib import Path

_data = str(Path(__file__).resolve().parent / {data!r})
os.environ["JUPYTER_PATH"] = os.pathsep.join(
    p for p in [_data, os.environ.get("JUPYTER_PATH", "")] if p
)

c = get_config()  # noqa: F821 (traitlets provides get_config in config files)
'''

_TEMPLATE_CONF = {"base_template": "lab"}

_TEMPLATE_INDEX = """\
{#- Voila's lab template without the Font Awesome links to cdn.jsdelivr.net
    (written by workbench publish): the page loads nothing from other sites. -#}
{%- extends 'lab/index.html.j2' -%}
{% import "spinner.macro.html.j2" as spinner %}

{%- block notebook_css -%}
  {% if frontend == "voila" %}
    {{ resources.include_js("static/voila-style.js") }}
  {% endif %}
  {{ spinner.css() }}
  <style>
    /*Hide empty cells*/
    .jp-mod-noOutputs.jp-mod-noInput {
      display: none;
    }
  </style>
  {#- super.super(): nbconvert's lab styles, skipping Voila's block with the links. -#}
  {{ super.super() }}
{%- endblock notebook_css -%}
"""


def voila_config_text(settings: dict[str, dict[str, object]] | None = None, *,
                      pool: int = DEFAULT_POOL) -> str:  # fmt: skip
    """The text of the app folder's ``voila.py``.

    Parameters
    ----------
    settings
        ``{section: {trait: value}}``; default :data:`VOILA_SETTINGS`.
    pool
        Pre-heated kernels (Voila's ``preheat_kernel`` pool: the app is run in them
        before anyone asks, and each new viewer takes one); 0 starts a kernel per
        viewer on arrival.

    Returns
    -------
    str
        A traitlets Python config file (values written as JSON-compatible literals).
    """
    if pool < 0:
        raise WorkbenchError(f"the kernel pool cannot be negative ({pool})")
    settings = VOILA_SETTINGS if settings is None else settings
    lines = [_CONFIG_HEAD.format(template=TEMPLATE_NAME, data=DATA_DIR.as_posix())]
    for section, traits in settings.items():
        for trait, value in traits.items():
            lines.append(f"c.{section}.{trait} = {_literal(value)}")
    lines.append(f"c.VoilaConfiguration.preheat_kernel = {pool > 0!r}")
    lines.append(f"c.VoilaConfiguration.default_pool_size = {max(pool, 1)!r}")
    # A burst of viewers is shown the app before the pool is refilled (starting kernels
    # while their pages render would slow every page down).
    lines.append(f"c.VoilaKernelManager.fill_delay = {POOL_FILL_DELAY_S!r}")
    return "\n".join(lines) + "\n"


def _literal(value: object) -> str:
    """``value`` as Python source (``repr`` is valid for str, bool, int, list, dict)."""
    return repr(value)


def write_serving_files(out_dir: Path, *, pool: int = DEFAULT_POOL) -> None:
    """Write what serving needs into the app folder ``out_dir``.

    Writes ``out_dir/voila.py`` (:data:`VOILA_SETTINGS`) and the ``workbench``
    template under ``out_dir/share/jupyter/voila/templates/workbench/``. Existing
    copies are overwritten; nothing else in ``out_dir`` is touched.

    Parameters
    ----------
    out_dir
        The app folder (it is created when missing).
    pool
        Pre-heated kernels (see :func:`voila_config_text`).
    """
    out_dir = Path(out_dir)
    template_dir = out_dir / DATA_DIR / "voila" / "templates" / TEMPLATE_NAME
    template_dir.mkdir(parents=True, exist_ok=True)
    (template_dir / "conf.json").write_text(
        json.dumps(_TEMPLATE_CONF, indent=2) + "\n", encoding="utf-8"
    )
    (template_dir / "index.html.j2").write_text(_TEMPLATE_INDEX, encoding="utf-8")
    (out_dir / CONFIG_FILE).write_text(voila_config_text(pool=pool), encoding="utf-8")


def serve_command(out_dir: Path, port: int = DEFAULT_PORT, *, ip: str | None = None) -> list[str]:
    """The command that serves the app folder ``out_dir`` with Voila, standalone.

    It uses this Python's Voila and the folder's own ``voila.py`` (and not the
    user's Jupyter config), so it can be run from any folder.

    Parameters
    ----------
    out_dir
        A folder written by ``workbench publish``.
    port
        The port to listen on.
    ip
        The address to listen on; default Voila's (``localhost``). Serve on a public
        address only behind an authenticating proxy: Voila has no login.

    Returns
    -------
    list of str
        An argument list for :func:`subprocess.run` / :func:`os.execv`.

    Raises
    ------
    WorkbenchError
        When ``out_dir`` has no ``app.ipynb`` or no ``voila.py``, or ``port`` is out
        of range.
    """
    out_dir = Path(out_dir).resolve()
    notebook = out_dir / APP_NOTEBOOK
    if not notebook.is_file():
        raise WorkbenchError(
            f"{notebook} not found: serve a folder written by `workbench publish PROJECT "
            "OUT_DIR`"
        )
    if not (out_dir / CONFIG_FILE).is_file():
        raise WorkbenchError(
            f"{out_dir / CONFIG_FILE} not found: the app folder lacks its serving settings; "
            "publish it again with `workbench publish`"
        )
    if not 0 < port < 65536:
        raise WorkbenchError(f"port ({port}) must be between 1 and 65535")
    command = [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        "--no-browser",
        f"--port={port}",
        f"--Voila.config_file_paths={out_dir}",
    ]
    if ip is not None:
        command.append(f"--Voila.ip={ip}")
    return command
