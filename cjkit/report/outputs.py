"""Where and how a report run writes: inside its run folder, privately, self-contained.

* Run and report names are single folder or file names (:func:`check_name`); the run folder
  is never a symbolic link and always lies inside the output root (:func:`run_folder`); no
  file is written through a symbolic link (:func:`check_target`).
* Files are readable by their owner only (0600, folders 0700) unless the run file asks for
  ``permissions: group`` or ``shared`` (:data:`PERMISSIONS`, :func:`apply_permissions`).
* Kernels talk to the runner over IPC sockets in a private folder, not over TCP on
  127.0.0.1, so no other local user can connect to a kernel and read its output, and a
  finished kernel is shut down without an interrupt (:func:`ipc_kernel_manager`).
* HTML reports load no script from a CDN (no require.js, MathJax or mermaid), so a report
  opens offline, and a ``$...$`` in a verbatim is never typeset (:func:`export_html`).

Examples
--------
>>> from cjkit.report.outputs import check_name
>>> check_name("demo_2025-06", "run")
'demo_2025-06'
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
from pathlib import Path

from cjkit.errors import CjkitError, ParameterError

#: IPC (Unix domain) sockets for kernels; ZeroMQ has no IPC transport on Windows, which keeps TCP
IPC = os.name != "nt"
#: permissions option of a run file -> (file mode, folder mode)
PERMISSIONS = {"private": (0o600, 0o700), "group": (0o640, 0o750), "shared": (0o644, 0o755)}
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")


def check_name(name, what: str = "run") -> str:
    """Refuse a run or report name that is not one plain folder or file name.

    Parameters
    ----------
    name : str
        The name.
    what : str
        What is named (for the message), e.g. ``"run"``.

    Returns
    -------
    str
        The name, unchanged.

    Raises
    ------
    ParameterError
        For path separators, ``..``, a leading dot or dash, or other characters.

    Examples
    --------
    >>> from cjkit.report.outputs import check_name
    >>> check_name("../../x", "run")
    Traceback (most recent call last):
    ...
    cjkit.errors.ParameterError: run name '../../x' is not allowed: use letters, digits, '_', '-' and '.', no '..', not starting with '.' or '-'
    """
    text = str(name)
    if not isinstance(name, str) or not _NAME.fullmatch(text) or ".." in text:
        raise ParameterError(what, text, message=(
            f"{what} name {text!r} is not allowed: use letters, digits, '_', '-' and '.', no '..', "
            "not starting with '.' or '-'"))
    return text


def check_target(path: Path) -> Path:
    """Refuse to write through a symbolic link (it could point at a source notebook or anywhere).

    Parameters
    ----------
    path : Path

    Returns
    -------
    Path

    Raises
    ------
    CjkitError
        If *path* is a symbolic link.

    Examples
    --------
    >>> from pathlib import Path
    >>> from cjkit.report.outputs import check_target
    >>> check_target(Path("no-such-file.html")).name
    'no-such-file.html'
    """
    if path.is_symlink():
        raise CjkitError(f"'{path}' is a symbolic link; cjkit does not write through links. Remove it and run again")
    return path


#: The files a report is delivered as, besides its folder of tables and figures.
REPORT_FILES = ("ipynb", "html", "pdf", "pptx")


def remove_report(out_dir: Path, name: str) -> bool:
    """Delete a report's files in *out_dir*: ``<name>.html``, ``.ipynb``, ``.pdf``, ``.pptx`` and the folder ``<name>/``.

    Links are removed, never followed; a name that is not a plain report name is left alone.

    Parameters
    ----------
    out_dir : Path
        The run folder.
    name : str
        The report name.

    Returns
    -------
    bool
        True when *name* is a report name (whether or not files existed).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from cjkit.report.outputs import remove_report
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "r__all.html").write_text("x")
    ...     print(remove_report(Path(tmp), "r__all"), list(Path(tmp).iterdir()), remove_report(Path(tmp), ".."))
    True [] False
    """
    try:
        check_name(name, "report")
    except ParameterError:
        return False
    for target in [out_dir / f"{name}.{ext}" for ext in REPORT_FILES] + [out_dir / name]:
        if target.is_symlink() or target.is_file():
            target.unlink()
        elif target.is_dir():
            shutil.rmtree(target)
    return True


def run_folder(root: Path, run: str, *, permissions: str = "private") -> Path:
    """Create (or reuse) the run folder ``root/run``: a real folder inside *root*, mode per *permissions*.

    Parameters
    ----------
    root : Path
        Output root (``reports/``).
    run : str
        Run name (checked with :func:`check_name`).
    permissions : {"private", "group", "shared"}

    Returns
    -------
    Path

    Raises
    ------
    ParameterError
        For a bad run name.
    CjkitError
        If the run folder is a symbolic link or resolves outside *root*.

    Examples
    --------
    >>> import tempfile, stat
    >>> from pathlib import Path
    >>> from cjkit.report.outputs import run_folder
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     folder = run_folder(Path(tmp), "demo")
    ...     print(folder.name, oct(stat.S_IMODE(folder.stat().st_mode)))
    demo 0o700
    """
    check_name(run, "run")
    root = Path(root)
    folder = root / run
    check_target(folder)
    folder_mode = PERMISSIONS[permissions][1]
    root.mkdir(parents=True, exist_ok=True)
    folder.mkdir(mode=folder_mode, exist_ok=True)
    if folder.resolve().parent != root.resolve():
        raise CjkitError(f"run folder '{folder}' resolves outside the output root '{root}'")
    os.chmod(folder, folder_mode)
    return folder


def apply_permissions(folder: Path, permissions: str = "private") -> None:
    """Set the modes of every file and folder below *folder* (links are neither followed nor changed).

    Parameters
    ----------
    folder : Path
    permissions : {"private", "group", "shared"}

    Examples
    --------
    >>> import tempfile, stat
    >>> from pathlib import Path
    >>> from cjkit.report.outputs import apply_permissions
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "a.html").write_text("x")
    ...     apply_permissions(Path(tmp))
    ...     print(oct(stat.S_IMODE((Path(tmp) / "a.html").stat().st_mode)))
    0o600
    """
    file_mode, folder_mode = PERMISSIONS[permissions]
    for base, dirs, files in os.walk(folder):
        for name in files + dirs:
            path = os.path.join(base, name)
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                continue
            os.chmod(path, folder_mode if stat.S_ISDIR(st.st_mode) else file_mode)
    os.chmod(folder, folder_mode)


@contextlib.contextmanager
def umask_for(permissions: str = "private"):
    """While active, new files and folders (also those of a kernel started inside) get the run's modes.

    Parameters
    ----------
    permissions : {"private", "group", "shared"}

    Examples
    --------
    >>> from cjkit.report.outputs import umask_for
    >>> with umask_for("private"):
    ...     pass
    """
    old = os.umask(0o777 & ~PERMISSIONS[permissions][1])
    try:
        yield
    finally:
        os.umask(old)


def ipc_kernel_manager(socket_dir):
    """A jupyter kernel-manager class whose kernels use IPC sockets in *socket_dir* instead of TCP.

    Parameters
    ----------
    socket_dir : str or Path
        A private folder (mode 0700); Unix socket paths are limited to about 100 characters.

    Returns
    -------
    type
        Subclass of ``jupyter_client.AsyncKernelManager`` for papermill's ``kernel_manager_class``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from cjkit.report.outputs import ipc_kernel_manager
    >>> with tempfile.TemporaryDirectory() as sockets:
    ...     km = ipc_kernel_manager(sockets)(kernel_name="python3")
    ...     print(km.transport, km.ip == str(Path(sockets) / "kernel"))
    ipc True
    """
    from jupyter_client.manager import AsyncKernelManager  # the notebook stack loads only for report runs
    from traitlets import default

    prefix = str(Path(socket_dir) / "kernel")

    class IPCKernelManager(AsyncKernelManager):
        @default("transport")
        def _default_transport(self):
            return "ipc"

        @default("ip")
        def _default_ip(self):
            return prefix

        async def _async_interrupt_kernel(self):
            # jupyter_client interrupts (SIGINT) every kernel before asking it to shut down; the
            # finished, idle kernel needs no interrupt, and ipykernel would print "KeyboardInterrupt
            # caught in kernel" on the console. Interrupts on a cell timeout are not affected.
            if not self.shutting_down:
                await super()._async_interrupt_kernel()

    return IPCKernelManager


# the lab template without its CDN scripts: require.js, MathJax (which would also typeset a
# '$...$' in a verbatim), mermaid and the widget manager
_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
"""
_REMOTE_SCRIPT = re.compile(r"<script\b[^>]*\bsrc\s*=\s*[\"']?\s*(https?:)?//[^>]*>\s*</script>", re.I)
_REMOTE_IMPORT = re.compile(r"import\s[^;\n]*?from\s*[\"'](https?:)?//[^\"']*[\"'];?", re.I)


_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S | re.I)


def report_title(book) -> str | None:
    """The first level-1 heading a report shows (an HTML ``<h1>`` output or a ``# `` Markdown line).

    Examples
    --------
    >>> import nbformat
    >>> from cjkit.report.outputs import report_title
    >>> book = nbformat.v4.new_notebook()
    >>> book.cells = [nbformat.v4.new_markdown_cell("# Zufriedenheit 2025\\n\\nText")]
    >>> report_title(book)
    'Zufriedenheit 2025'
    """
    import html

    for cell in book.cells:
        if cell.cell_type == "markdown":
            texts = [cell.source]
        else:
            texts = [str(v) for o in cell.get("outputs", []) for k, v in o.get("data", {}).items()
                     if k in ("text/html", "text/markdown")]
        for text in texts:
            m = _H1.search(text)
            line = next((ln[2:] for ln in text.splitlines() if ln.startswith("# ")), None)
            found = re.sub(r"<[^>]+>", "", m.group(1)) if m else line
            if found and found.strip():
                return " ".join(html.unescape(found).split())
    return None


def export_html(ipynb) -> str:
    """The executed notebook as a self-contained HTML page: code hidden, no remote scripts, no MathJax.

    Parameters
    ----------
    ipynb : str or Path
        The executed notebook.

    Returns
    -------
    str

    Examples
    --------
    >>> import tempfile, nbformat
    >>> from pathlib import Path
    >>> from cjkit.report.outputs import export_html
    >>> book = nbformat.v4.new_notebook()
    >>> book.cells = [nbformat.v4.new_markdown_cell("Preis $5 bis $10")]
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     nbformat.write(book, Path(tmp) / "r.ipynb")
    ...     page = export_html(Path(tmp) / "r.ipynb")
    >>> "cdnjs" in page or "MathJax.Hub" in page, "Preis $5 bis $10" in page
    (False, True)
    """
    import nbformat
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            extra_loaders=[DictLoader({"cjkit_report.html.j2": _TEMPLATE})],
                            template_file="cjkit_report.html.j2")
    book = nbformat.read(str(ipynb), as_version=4)
    # the browser tab and bookmarks show the report's own heading, not "Notebook"
    resources = {"metadata": {"name": report_title(book) or Path(ipynb).stem}}
    body, _ = exporter.from_notebook_node(book, resources=resources)
    # belt and braces: whatever a future template adds, no script is fetched from elsewhere
    return _REMOTE_IMPORT.sub("", _REMOTE_SCRIPT.sub("", body))
