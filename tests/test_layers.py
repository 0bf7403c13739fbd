"""No import of a Groundswell module hides inside a function (where it would dodge the layer
order that `lint-imports` checks, see pyproject.toml and docs/architecture.md).

Two kinds are allowed, for a reason of their own:
- an `AppConfig.ready()` importing its own app's registration modules (system checks, Celery
  tasks, domain event subscribers): Django's app loading must come first;
- the console script, which starts `groundswell verify` without Django at all.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "groundswell"
ALLOWED = {("__main__.py", "main")}


def nested_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            name = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = child.name
            if function is not None and isinstance(child, ast.Import | ast.ImportFrom):
                modules = (
                    [child.module or ""]
                    if isinstance(child, ast.ImportFrom)
                    else [alias.name for alias in child.names]
                )
                if any(module.startswith("groundswell") for module in modules) and not (
                    (path.name == "apps.py" and function == "ready")
                    or (path.name, function) in ALLOWED
                ):
                    found.append(f"{path.relative_to(PACKAGE.parent)}:{child.lineno} in {function}")
            visit(child, name)

    visit(tree, None)
    return found


def test_no_groundswell_import_hides_in_a_function():
    modules = [path for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts]
    assert [found for path in sorted(modules) for found in nested_imports(path)] == []
