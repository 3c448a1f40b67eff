"""The Python binding is a one-way stack (ARCHITECTURE.md): each module imports only modules
below it, no import hides inside a function, and `Array`'s methods are declared in class bodies,
never attached from outside."""
import ast
import os
import subprocess
import sys
from pathlib import Path

import ndmem
from ndmem._base import ArrayBase

PACKAGE = Path(ndmem.__file__).parent

# Bottom to top: loading and errors -> codes -> dtype -> what a handle knows -> making arrays ->
# views / ufuncs / reductions / files / pickles -> the Array class -> the package.
LAYERS = ["_ffi", "_lib", "_codes", "_dtype", "_base", "_create", "_dlpack", "_views", "_ufunc", "_reduce",
          "_file", "_pickle", "_memory", "_array", "_growable", "__init__", "__main__"]


def _tree(name):
    return ast.parse((PACKAGE / f"{name}.py").read_text(), filename=f"{name}.py")


def _package_imports(tree):
    """(node, module) for each `from . import x` / `from .x import y` in the tree."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                yield node, node.module
            else:
                for alias in node.names:
                    yield node, alias.name


def test_every_module_is_placed_in_the_stack():
    assert sorted(p.stem for p in PACKAGE.glob("*.py")) == sorted(LAYERS)


def test_imports_point_down_only():
    upward = []
    for rank, name in enumerate(LAYERS):
        for node, target in _package_imports(_tree(name)):
            if LAYERS.index(target) >= rank:
                upward.append(f"{name}.py:{node.lineno} imports {target}")
    assert upward == []


def test_no_import_inside_a_function_or_class():
    hidden = []
    for name in LAYERS:
        tree = _tree(name)
        for scope in ast.walk(tree):
            if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                hidden += [f"{name}.py:{n.lineno}" for n in ast.walk(scope)
                           if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert hidden == []


def test_classes_are_never_changed_from_outside_their_body():
    """No `Array.x = ...`, no `setattr(...)`: every method is where a reader looks for it."""
    attached = []
    for name in LAYERS:
        if name == "_ffi":  # generated ctypes declarations (restype/argtypes of functions)
            continue
        tree = _tree(name)
        own = {id(n): c.name for c in ast.walk(tree) if isinstance(c, ast.ClassDef)
               for n in ast.walk(c)}  # a class may set its own attributes in its body
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "setattr":
                attached.append(f"{name}.py:{node.lineno} setattr")
            targets = node.targets if isinstance(node, ast.Assign) else []
            for t in targets:
                if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) \
                        and t.value.id[:1].isupper() and own.get(id(node)) != t.value.id:
                    attached.append(f"{name}.py:{node.lineno} {t.value.id}.{t.attr}")
    assert attached == []


def test_array_is_the_class_the_lower_layers_make():
    assert ArrayBase._array_class is ndmem.Array
    x = ndmem.zeros((2, 3))
    for made in (x, x.T, x[0], x + 1, x.sum(axis=0), ndmem.asarray([1, 2]), x.copy(),
                 ndmem.reshape(x, 6)):
        assert type(made) is ndmem.Array


def test_numpy_operators_and_methods_are_declared():
    declared = set(vars(ndmem.Array)) | set(vars(ArrayBase))
    for name in ("__add__", "__radd__", "__iadd__", "__pow__", "__rshift__", "__neg__",
                 "__invert__", "__eq__", "__lt__", "__getitem__", "__setitem__", "sum", "mean",
                 "reshape", "transpose", "T", "copy", "astype", "flush", "__reduce_ex__",
                 "__array_interface__", "item", "tolist"):
        assert name in declared, name
    assert ndmem.Array.__hash__ is None


def test_numpy_is_optional():
    """Without NumPy, ndmem's own arrays work; a conversion that needs NumPy says so."""
    script = """
import sys
sys.modules["numpy"] = None  # as if NumPy were not installed
import ndmem
x = ndmem.arange(6).reshape(2, 3)
assert (x + 1).sum() == 21 and x.T[1, 0] == 1 and x.T.strides == (8, 24)
assert repr(x) == "ndmem.Array(shape=(2, 3), dtype=dtype('int64'))"
try:
    ndmem.asarray([1, 2])
except ImportError as e:
    assert "pip install numpy" in str(e)
else:
    raise AssertionError("no ImportError")
"""
    env = dict(os.environ, PYTHONPATH=str(PACKAGE.parent))
    subprocess.run([sys.executable, "-c", script], env=env, check=True)
