"""KPI formulas: a small arithmetic language over named figures, never Python `eval`.

A formula is numbers, figure names (``lecture_attended``), ``+ - * /``, unary minus and
parentheses, e.g. ``consultations / lecture_attended`` (seed 004: the 107 target of 11%).
Python's parser reads the text into a tree, and only the node types above are accepted: a
call, attribute, subscript, comparison, power or any other construct is refused, so a
formula can compute nothing but arithmetic on the figures it names. Arithmetic is exact
(`Fraction`); a division by zero makes the KPI "not assessable" (None), not an error.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Collection, Mapping
from decimal import Decimal
from fractions import Fraction

__all__ = ["FormulaError", "evaluate", "met", "parse"]

MAX_LENGTH = 300
OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


class FormulaError(ValueError):
    pass


def parse(formula: str, names: Collection[str] | None = None) -> ast.expr:
    """The checked tree of `formula`; `names`, if given, are the figure names it may use."""
    if not formula or not formula.strip():
        raise FormulaError("公式不可空白 The formula is empty")
    if len(formula) > MAX_LENGTH:
        raise FormulaError(f"公式太長 The formula is longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(formula.strip(), mode="eval").body
    except SyntaxError as error:
        raise FormulaError(f"公式無法解讀 The formula cannot be read: {error.msg}") from None
    _check(tree, names)
    return tree


def _check(node: ast.AST, names: Collection[str] | None) -> None:
    if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
        _check(node.left, names)
        _check(node.right, names)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        _check(node.operand, names)
    elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
        pass
    elif isinstance(node, ast.Name):
        if names is not None and node.id not in names:
            raise FormulaError(f"未知的數字名稱 Unknown figure name: {node.id}")
    else:
        raise FormulaError(f"公式只可使用數字、名稱、+ - * / 及括號 Only numbers, figure names, + - * / and "
                           f"parentheses are allowed (found {type(node).__name__})")


def evaluate(formula: str, figures: Mapping[str, int | Decimal | Fraction]) -> Fraction | None:
    """The value of `formula` with `figures` substituted; None when it divides by zero."""
    tree = parse(formula, names=figures.keys())
    try:
        return _value(tree, figures)
    except ZeroDivisionError:
        return None


def _value(node: ast.AST, figures) -> Fraction:
    if isinstance(node, ast.BinOp):
        return OPERATORS[type(node.op)](_value(node.left, figures), _value(node.right, figures))
    if isinstance(node, ast.UnaryOp):
        operand = _value(node.operand, figures)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.Constant):
        return Fraction(str(node.value))  # via str: 0.11 is eleven hundredths, not the nearest float
    return Fraction(figures[node.id])


def met(achieved: Fraction | None, target: Decimal, comparison: str = "at_least") -> bool | None:
    """Whether `achieved` meets `target`; None when it cannot be assessed."""
    if achieved is None:
        return None
    if comparison == "at_most":
        return achieved <= Fraction(target)
    return achieved >= Fraction(target)
