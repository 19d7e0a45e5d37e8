"""environment.yml (conda) and pyproject.toml must declare the same dependencies."""
import re
import tomllib

import yaml


def _name_spec(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req)
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject(root):
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    pip_deps = dict(_name_spec(r) for r in project["dependencies"] + project["optional-dependencies"]["test"])
    env = yaml.safe_load((root / "environment.yml").read_text())
    conda = dict(_name_spec(d) for d in env["dependencies"] if isinstance(d, str) and not d.startswith(("python=", "pip")))
    assert conda == pip_deps, {"only in conda": set(conda.items()) - set(pip_deps.items()),
                               "only in pyproject": set(pip_deps.items()) - set(conda.items())}
    python = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python=")]
    assert python == ["python=3.11"] and project["requires-python"] == ">=3.11"
