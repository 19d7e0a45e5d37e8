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


def _pins(root) -> dict[str, str]:
    lines = (root / "constraints.txt").read_text(encoding="utf-8").splitlines()
    return dict(_name_spec(line.replace("==", " ")) for line in lines if "==" in line)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text))


def test_constraints_pin_every_dependency_at_or_above_its_floor(root):
    """The floors in pyproject are the major.minor of the pinned (tested) versions: never untested, never above."""
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    pins = _pins(root)
    assert "cjkit" not in pins, "constraints.txt must not pin the package itself"
    for req in project["dependencies"] + project["optional-dependencies"]["test"]:
        name, spec = _name_spec(req)
        assert name in pins, f"{name} is a dependency but not pinned in constraints.txt"
        assert spec.startswith(">="), f"{name}: declare a floor (>=), the pin lives in constraints.txt"
        floor, pinned = _version(spec[2:]), _version(pins[name])
        assert floor == pinned[:len(floor)], f"{name}: floor {spec} but the suite runs {pins[name]}"


def test_make_install_uses_the_constraints(root):
    makefile = (root / "Makefile").read_text(encoding="utf-8")
    assert '-c constraints.txt -e ".[test]"' in makefile
