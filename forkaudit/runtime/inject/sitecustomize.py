# forkaudit run: this folder is put first on PYTHONPATH so that every Python process started
# under `forkaudit run` imports this module at start-up. It loads the tracing hook
# (_forkaudit_trace_hook.py, beside it) on CPython 3.10+ on Linux, then runs the
# sitecustomize that would have run without forkaudit (the next one on sys.path), so the
# program's own start-up code still runs.
#
# Any Python may import this file (a Python 2 child of the traced program too): keep its
# syntax valid for all of them, and let nothing of ours escape into the program.
import os
import sys


def _forkaudit_start():
    # type: () -> None
    here = os.path.dirname(os.path.abspath(__file__))
    if sys.hexversion >= 0x030A0000 and sys.platform.startswith("linux"):
        try:
            import _forkaudit_trace_hook  # type: ignore[import-not-found,unused-ignore]

            _forkaudit_trace_hook.install()
        except Exception:
            pass
    # leave sys.path as it would be without us
    sys.path[:] = [p for p in sys.path if not _same_dir(p, here)]
    _chain(here)


def _same_dir(path, here):
    # type: (str, str) -> bool
    try:
        return os.path.realpath(path or ".") == os.path.realpath(here)
    except Exception:
        return False


def _chain(here):
    # type: (str) -> None
    """Run the next `sitecustomize` on sys.path as `sitecustomize` itself: its errors surface
    as they would without us (site.py reports them)."""
    paths = [p for p in sys.path if not _same_dir(p, here)]
    if sys.hexversion >= 0x03040000:
        # the import system's own modules, already loaded: importing importlib here would
        # add importlib and warnings to what the program finds in sys.modules
        external = sys.modules.get("_frozen_importlib_external")
        bootstrap = sys.modules.get("_frozen_importlib")
        finder = getattr(external, "PathFinder", None)
        if finder is None:  # pragma: no cover - not CPython
            import importlib.machinery

            finder = importlib.machinery.PathFinder
        spec = finder.find_spec("sitecustomize", paths)
        if spec is None or spec.loader is None:
            return
        make = getattr(bootstrap, "module_from_spec", None)
        if make is None:  # pragma: no cover - not CPython
            import importlib.util

            make = importlib.util.module_from_spec
        module = make(spec)
        sys.modules["sitecustomize"] = module
        spec.loader.exec_module(module)
    else:  # pragma: no cover - Python 2 and early 3
        import imp  # type: ignore[import-not-found,unused-ignore]

        try:
            found = imp.find_module("sitecustomize", paths)
        except ImportError:
            return
        try:
            sys.modules["sitecustomize"] = imp.load_module("sitecustomize", *found)  # type: ignore[arg-type,unused-ignore]
        finally:
            if found[0] is not None:
                found[0].close()


_forkaudit_start()
