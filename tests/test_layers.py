"""The architecture, as the imports draw it: layers in one direction, no circle,
and live delivery a leaf that knows no model (README, "Layout")."""
import ast
import os
import re

import pytest

from tests.conftest import ROOT

PACKAGE = os.path.join(ROOT, "chat")
# Each layer may import the layers after it, and none before it.
LAYERS = ["chat", "chat.pages", "chat.api", "chat.cli", "chat.scope chat.login chat.logins chat.limits", "chat.models",
          "chat.realtime", "chat.extensions chat.database chat.errors chat.security chat.params chat.markup chat.render chat.storage"]


def modules():
    """{module name: its parsed source} for every module of the package."""
    found = {}
    for folder, _, files in os.walk(PACKAGE):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                module = os.path.relpath(path, ROOT)[:-3].replace(os.sep, ".").removesuffix(".__init__")
                with open(path, encoding="utf-8") as file:
                    found[module] = ast.parse(file.read(), path)
    return found


MODULES = modules()


def resolve(name):
    """The package module that `name` (a module, or a name inside one) is."""
    while name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def imports(tree, module):
    """[(line, imported module, inside a function)] of chat's own modules."""
    found = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ImportFrom) and (child.module or "").startswith("chat"):
                names = [resolve(f"{child.module}.{alias.name}") for alias in child.names]
                found.extend((child.lineno, name, in_function) for name in names if name != module)
            elif isinstance(child, ast.Import):
                found.extend((child.lineno, resolve(a.name), in_function) for a in child.names if a.name.startswith("chat"))
            else:
                visit(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))
    visit(tree, False)
    return found


# A package's __init__ runs before any module inside it, so a module importing its
# own package (`from chat.api import bp`) draws no arrow of the design.
GRAPH = {module: {name for _, name, _ in imports(tree, module) if not module.startswith(name + ".")}
         for module, tree in MODULES.items()}


def layer(module):
    return max(i for i, names in enumerate(LAYERS) for name in names.split()
               if module == name or module.startswith(name + "."))


def test_no_module_of_the_package_imports_inside_a_function():
    deferred = [f"{module}:{line} {name}" for module, tree in MODULES.items()
                for line, name, in_function in imports(tree, module) if in_function]
    assert deferred == []


def test_no_module_reaches_itself_through_its_imports():
    def reaches(start):
        seen, todo = set(), list(GRAPH[start])
        while todo:
            module = todo.pop()
            if module not in seen:
                seen.add(module)
                todo.extend(GRAPH[module])
        return seen
    assert [module for module in MODULES if module in reaches(module)] == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_each_module_imports_only_its_own_layer_and_the_layers_below(module):
    upward = [name for name in GRAPH[module] if layer(name) < layer(module)]
    assert upward == []


def test_live_delivery_imports_no_model_and_only_broadcasts_imports_live_delivery():
    assert [m for m in MODULES if m.startswith("chat.realtime") and any(
        n.startswith("chat.models") for n in GRAPH[m])] == []
    assert [m for m in MODULES if m.startswith("chat.models") and any(
        n.startswith("chat.realtime") for n in GRAPH[m])] == ["chat.models.broadcasts"]


def test_every_blueprint_is_a_page_or_an_api_one():
    makers = [module for module, tree in MODULES.items()
              if re.search(r"\bBlueprint\(", ast.unparse(tree))]
    assert makers and all(m.startswith(("chat.pages.", "chat.api")) for m in makers), makers
