"""Run as ``python -I -S layer_import_probe.py LAYER RUNTIME [APP.py ...]``: imports, with nothing on the path but the
stdlib, the layer and the runtime's SDK (in Lambda's order), every module of the layer's package and every handler."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import sys


def main(layer: str, runtime: str, handlers: list[str]) -> None:
    sys.path[:0] = [layer, runtime]
    package = importlib.import_module("edt_import")
    for module in pkgutil.walk_packages(package.__path__, "edt_import."):
        importlib.import_module(module.name)
    for number, path in enumerate(handlers):
        spec = importlib.util.spec_from_file_location(f"handler_{number}", path)
        assert spec is not None
        assert spec.loader is not None
        handler = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(handler)
        assert callable(handler.lambda_handler), path


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
