"""The Lambda layer as `sam build` makes it: what the handlers import is in it, built for the functions' platform,
and nothing of the tools (command line, generator, export sealing, the itslearning stand-in) is.

Builds with `.venv-sam/bin/sam` (`make sam`); where SAM is absent, runs the same recipe (`layers/common/Makefile`).
The target's wheels cannot load here (arm64), so the same recipe also builds for this machine, and a Python with
nothing but that layer and the runtime's SDK on its path imports every module and handler. pip downloads the
wheels: this test needs PyPI (or pip's cache).
"""

from __future__ import annotations

import ast
import importlib.util
import os
import platform
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from cfnlint.decode.cfn_yaml import load
from packaging.requirements import Requirement
from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "layers" / "common"
SAM_VENV = ROOT / ".venv-sam"
# What no Lambda runs: kept out of the layer.
TOOL_PACKAGES = ("cli", "generator")
FOREIGN_TOP_LEVEL = ("itslearning_standin", "moto", "pytest", "hypothesis", "tests", "functions", "infra")
# The python3.11 runtime runs on Amazon Linux 2 (glibc 2.26) and provides the AWS SDK.
RUNTIME_GLIBC_MINOR = 26
RUNTIME_PROVIDES = frozenset({"boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six"})
AWS_SDK = ("boto3", "botocore", "s3transfer")
# A layer and the functions using it share Lambda's 250 MB unzipped limit; the layer keeps most of it free.
LAYER_BUDGET_BYTES = 150 * 1024 * 1024
ARCHITECTURE_MACHINES = {"arm64": "aarch64", "x86_64": "x86_64"}


def _template() -> Any:
    return load(str(ROOT / "template.yaml"))


def _python_version(runtime: str) -> tuple[int, int]:
    major, minor = runtime.removeprefix("python").split(".")
    return int(major), int(minor)


@pytest.fixture(scope="module")
def target() -> tuple[tuple[int, int], str]:
    """The functions' Python version and machine, as template.yaml's Globals say."""
    function = _template()["Globals"]["Function"]
    (architecture,) = function["Architectures"]
    return _python_version(function["Runtime"]), ARCHITECTURE_MACHINES[architecture]


def _build(command: list[str], cwd: Path, python: Path) -> None:
    env = {**os.environ, "PYTHON": str(python), "SAM_CLI_TELEMETRY": "0"}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, f"layer build failed:\n{done.stdout}\n{done.stderr}"


def _recipe(artifacts: Path, *settings: str) -> list[str]:
    return ["make", "-C", str(SOURCE), "build-DomainLayer", f"ARTIFACTS_DIR={artifacts}", *settings]


@pytest.fixture(scope="module")
def layer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built layer's ``python/`` folder."""
    out = tmp_path_factory.mktemp("layer")
    sam = SAM_VENV / "bin" / "sam"
    if sam.exists():
        command = [str(sam), "build", "DomainLayer", "--template-file", str(ROOT / "template.yaml")]
        _build([*command, "--build-dir", str(out / "build")], out, SAM_VENV / "bin" / "python")
        return out / "build" / "DomainLayer" / "python"
    _build(_recipe(out / "DomainLayer"), out, Path(sys.executable))
    return out / "DomainLayer" / "python"


@pytest.fixture(scope="module")
def layer_for_this_machine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same recipe for this machine's platform and Python, so that the layer's modules can be imported here."""
    out = tmp_path_factory.mktemp("host-layer")
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    settings = (f"LAMBDA_PLATFORM=manylinux2014_{platform.machine()}", f"LAMBDA_PYTHON={version}")
    _build(_recipe(out, *settings), out, Path(sys.executable))
    return out / "python"


def _shipped_sources() -> dict[str, bytes]:
    package = SOURCE / "edt_import"
    return {
        path.relative_to(SOURCE).as_posix(): path.read_bytes()
        for path in sorted(package.rglob("*"))
        if path.is_file()
        and "__pycache__" not in path.parts
        and path.relative_to(package).parts[0] not in TOOL_PACKAGES
    }


def _imports(path: Path) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Each module ``path`` imports at run time, with the names taken from it (imports under TYPE_CHECKING skipped)."""
    tree = ast.parse(path.read_bytes(), filename=str(path))
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            pending.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            yield from ((alias.name, ()) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module, tuple(alias.name for alias in node.names)
        pending.extend(ast.iter_child_nodes(node))


def _module_file(root: Path, module: str) -> Path | None:
    base = root.joinpath(*module.split("."))
    return next((path for path in (base.with_suffix(".py"), base / "__init__.py") if path.is_file()), None)


def _top_level_names(layer: Path) -> set[str]:
    return {path.name.split(".")[0] for path in layer.iterdir() if not path.name.endswith(".dist-info")}


def _handlers() -> list[Path]:
    return sorted((ROOT / "functions").glob("*/app.py"))


def _unresolved(layer: Path) -> list[str]:
    """Every import of a handler or of a shipped module that the layer, the runtime and the stdlib cannot satisfy."""
    available = _top_level_names(layer) | RUNTIME_PROVIDES | set(sys.stdlib_module_names)
    files = _handlers() + sorted((layer / "edt_import").rglob("*.py"))
    missing: list[str] = []
    for path in files:
        for module, names in _imports(path):
            top = module.split(".")[0]
            if top == "edt_import":
                candidates = [module] if not names else [f"{module}.{name}" for name in names]
                found = [_module_file(layer, name) or _module_file(layer, module) for name in candidates]
                missing += [f"{path.parent.name}/{path.name}: {module}" for hit in found if hit is None]
            elif top not in available and _module_file(path.parent, top) is None:
                missing.append(f"{path.parent.name}/{path.name}: {top}")
    return missing


def test_layer_holds_every_module_the_handlers_and_the_package_import(layer: Path) -> None:
    # Given the layer as sam build makes it
    # When every import of the handlers and of the shipped package is resolved against it
    # Then the layer (or the runtime's SDK, or the stdlib) provides each one
    assert (layer / "edt_import" / "domain" / "container.py").is_file()
    assert _unresolved(layer) == []


def test_layer_holds_the_shipped_package_as_in_the_source_compiled_for_the_runtime(
    layer: Path, target: tuple[tuple[int, int], str]
) -> None:
    # Given the source of the package minus its tools
    shipped = _shipped_sources()
    # When the layer's copy is read
    built = {
        path.relative_to(layer).as_posix(): path.read_bytes()
        for path in sorted((layer / "edt_import").rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }
    # Then it is the same files, byte for byte: domain, adapters, use cases
    assert built == shipped
    assert {"domain", "adapters", "usecases"} <= {Path(name).parts[1] for name in built}
    # And each module carries its bytecode for the runtime's Python (/opt is read-only: it could not be cached there)
    (major, minor), _ = target
    for name in shipped:
        if name.endswith(".py"):
            module = layer / name
            assert (module.parent / "__pycache__" / f"{module.stem}.cpython-{major}{minor}.pyc").is_file(), name


def test_layer_holds_nothing_of_the_tools(layer: Path) -> None:
    # Given the layer as sam build makes it
    package = layer / "edt_import"
    # Then neither the command line nor the generator is in it, nor the stand-in or test tools
    assert [name for name in TOOL_PACKAGES if (package / name).exists()] == []
    assert sorted(_top_level_names(layer) & set(FOREIGN_TOP_LEVEL)) == []
    assert not (layer / "bin").exists()
    # And no shipped module seals an export or makes a key pair (those are the generator's)
    sources = "\n".join(path.read_text(encoding="utf-8") for path in package.rglob("*.py"))
    assert "def seal_container" not in sources
    assert "def generate_partner_key" not in sources
    # And it keeps most of Lambda's 250 MB unzipped room for the functions
    assert sum(path.stat().st_size for path in layer.rglob("*") if path.is_file()) < LAYER_BUDGET_BYTES


def test_layer_holds_the_whole_aws_sdk_or_none_of_it(layer: Path) -> None:
    # Given the layer as sam build makes it
    # When the AWS SDK's packages in it are listed
    held = [name for name in AWS_SDK if name in _top_level_names(layer)]
    # Then it holds all or none of them: the layer comes before the runtime on the path, so the runtime's boto3
    # would otherwise run over a botocore of another release (pynamodb and the X-Ray SDK require botocore)
    assert held in ([], list(AWS_SDK))


def _target_tags(version: tuple[int, int], machine: str) -> set[Tag]:
    platforms = [f"manylinux_2_{minor}_{machine}" for minor in range(RUNTIME_GLIBC_MINOR, 16, -1)]
    platforms.append(f"manylinux2014_{machine}")
    return set(cpython_tags(version, platforms=platforms)) | set(compatible_tags(version, platforms=platforms))


def _wheel_tags(dist_info: Path) -> set[Tag]:
    lines = (dist_info / "WHEEL").read_text(encoding="utf-8").splitlines()
    return {Tag(*line.removeprefix("Tag:").strip().split("-")) for line in lines if line.startswith("Tag:")}


def test_layer_requirements_are_built_for_the_functions_platform(
    layer: Path, target: tuple[tuple[int, int], str]
) -> None:
    # Given the layer's requirements and the functions' runtime and architecture
    version, machine = target
    lines = (SOURCE / "requirements.txt").read_text(encoding="utf-8").splitlines()
    required = {
        canonicalize_name(Requirement(line).name) for line in lines if line.strip() and not line.startswith("#")
    }
    # When the layer's installed distributions are read
    dists = {canonicalize_name(path.name.split("-")[0]): path for path in layer.glob("*.dist-info")}
    # Then every requirement is installed, each wheel runs on the target, each extension is built for its machine
    assert required <= set(dists), sorted(required - set(dists))
    acceptable = _target_tags(version, machine)
    assert {
        name: sorted(map(str, _wheel_tags(path))) for name, path in dists.items() if not _wheel_tags(path) & acceptable
    } == {}
    suffixes = (f".cpython-{version[0]}{version[1]}-{machine}-linux-gnu.so", ".abi3.so")
    extensions = list(layer.rglob("*.so"))
    assert extensions
    assert [str(path.relative_to(layer)) for path in extensions if not path.name.endswith(suffixes)] == []
    # And the time zone the calendar uses is in the layer's tzdata (the runtime has no system zone files)
    with (layer / "tzdata" / "zoneinfo" / "Europe" / "Paris").open("rb") as data:
        paris = ZoneInfo.from_file(data, key="Europe/Paris")
    assert datetime(2026, 1, 15, 12, tzinfo=paris).utcoffset() == timedelta(hours=1)
    assert datetime(2026, 7, 15, 12, tzinfo=paris).utcoffset() == timedelta(hours=2)


def _runtime_sdk(folder: Path) -> Path:
    """A folder holding only what the Lambda runtime provides (the SDK), as far as this environment has it."""
    folder.mkdir()
    for name in sorted(RUNTIME_PROVIDES):
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue
        source = Path(spec.origin)
        source = source.parent if source.name == "__init__.py" else source
        (folder / source.name).symlink_to(source)
    return folder


def test_layer_alone_imports_every_module_and_handler(layer_for_this_machine: Path, tmp_path: Path) -> None:
    # Given the layer built by the same recipe for this machine, and the SDK the runtime provides
    runtime = _runtime_sdk(tmp_path / "runtime")
    probe = [sys.executable, "-I", "-S", str(Path(__file__).with_name("layer_import_probe.py"))]
    command = [*probe, str(layer_for_this_machine), str(runtime), *map(str, _handlers())]
    # When a Python with nothing else on its path imports every module of the package and every handler
    env = {"PATH": os.environ.get("PATH", ""), "POWERTOOLS_TRACE_DISABLED": "true", "AWS_DEFAULT_REGION": "eu-west-3"}
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)
    # Then every import succeeds
    assert done.returncode == 0, done.stderr
