"""Read ``template.yaml`` and resolve the intrinsic functions the local stack needs (Ref, Sub, GetAtt, Join)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from cfnlint.decode import cfn_yaml
from msgspec import Struct, field

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
_SUB = re.compile(r"\$\{([^}!]+)\}")


class Template(Struct):
    resources: dict[str, dict[str, Any]]
    parameters: dict[str, str]
    globals_env: dict[str, Any]
    pseudo: dict[str, str]
    refs: dict[str, str] = field(default_factory=dict)  # logical id -> what Ref gives
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)  # (logical id, attribute) -> value

    def of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {name: r for name, r in self.resources.items() if r["Type"] == resource_type}

    def resolve(self, value: Any) -> Any:
        """``value`` with every intrinsic function replaced by the local stack's physical values."""
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if not isinstance(value, Mapping):
            return value
        if len(value) == 1:
            ((name, argument),) = value.items()
            function = self._functions().get(str(name))
            if function is not None:
                return function(argument)
        return {str(k): self.resolve(v) for k, v in value.items()}

    def _functions(self) -> dict[str, Callable[[Any], Any]]:
        return {
            "Ref": lambda a: self._ref(str(a)),
            "Fn::GetAtt": self._get_att,
            "Fn::Sub": self._sub,
            "Fn::Join": self._join,
        }

    def _get_att(self, argument: Any) -> str:
        logical, attribute = argument if isinstance(argument, list) else str(argument).split(".", 1)
        return self.attributes[(logical, attribute)]

    def _join(self, argument: Any) -> str:
        separator, items = argument
        return str(separator).join(str(self.resolve(item)) for item in items)

    def _ref(self, name: str) -> str:
        for table in (self.pseudo, self.parameters, self.refs):
            if name in table:
                return table[name]
        raise KeyError(f"Ref to {name}, which the local stack has not created yet")

    def _sub(self, argument: Any) -> str:
        text, variables = (argument, {}) if isinstance(argument, str) else (argument[0], argument[1])

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return str(self.resolve(variables[name]))
            if "." in name and not name.startswith("AWS::"):
                logical, attribute = name.split(".", 1)
                return self.attributes[(logical, attribute)]
            return self._ref(name)

        return _SUB.sub(replace, str(text))


def load_template(parameters: Mapping[str, str], pseudo: Mapping[str, str], path: Path = TEMPLATE) -> Template:
    raw = cfn_yaml.load(str(path))
    values = {name: str(spec.get("Default", "")) for name, spec in raw.get("Parameters", {}).items()}
    values.update(parameters)
    env = dict(raw.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {}))
    return Template(resources=dict(raw["Resources"]), parameters=values, globals_env=env, pseudo=dict(pseudo))
