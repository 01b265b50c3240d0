"""Conditions on earlier answers, written in XLSForm's ``relevant`` syntax, parsed and evaluated safely.

The same text is what the secretariat types in the admin and what an XLSForm's ``relevant`` column holds,
so importing and exporting a form keeps its conditions as they are. It is parsed by a tokenizer and a
recursive-descent parser into a small tree, and evaluated over a mapping of answers; nothing is ever
passed to ``eval``. Pure: no database, no Django.

The subset understood (anything else is refused with the position and the reason)::

    condition  := or_expr
    or_expr    := and_expr ("or" and_expr)*
    and_expr   := comparison ("and" comparison)*
    comparison := operand (("=" | "!=" | "<" | ">" | "<=" | ">=") operand)?
    operand    := "${" key "}" | 'text' | "text" | number | "(" or_expr ")"
                | "selected(" "${" key "}" "," 'choice' ")" | "count-selected(" "${" key "}" ")"
                | "not(" or_expr ")" | "true()" | "false()"

"is one of" is written ``${q} = 'a' or ${q} = 'b'``. Values follow XPath: an unanswered (or hidden)
question is the empty text; a comparison with a number compares numbers (the empty text is then no number:
``=``, ``<`` and ``>`` are false, ``!=`` is true); yes/no questions answer ``'yes'`` or ``'no'``; a
several-choices question is tested with ``selected()`` and ``count-selected()``.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, TypeAlias

from django.utils.translation import gettext as _

Value: TypeAlias = str | Decimal | dt.date | bool | list[str] | None
COMPARISONS = ("=", "!=", "<=", ">=", "<", ">")
FUNCTIONS = ("selected", "count-selected", "not", "true", "false")

TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<ref>\$\{(?P<key>[^}]*)\})
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<op>!=|<=|>=|=|<|>)
  | (?P<punct>[(),])
  | (?P<word>[A-Za-z_][A-Za-z0-9_-]*)
""", re.VERBOSE)


class ConditionError(ValueError):
    """A condition that cannot be read: the message says where and why, in words for the secretariat."""


@dataclass(frozen=True)
class Token:
    kind: str  # ref, string, number, op, punct, word, end
    text: str
    position: int  # 1-based character

    @property
    def shown(self) -> str:
        return "${" + self.text + "}" if self.kind == "ref" else self.text


# The tree ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Ref:
    key: str


@dataclass(frozen=True)
class Literal:
    value: str | Decimal | bool


@dataclass(frozen=True)
class Compare:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" / "or"
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    part: Node


@dataclass(frozen=True)
class Selected:
    key: str
    choice: str


@dataclass(frozen=True)
class CountSelected:
    key: str


Node: TypeAlias = Ref | Literal | Compare | BoolOp | Not | Selected | CountSelected


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = TOKEN.match(text, position)
        if match is None:
            raise ConditionError(_("Character %(position)d: “%(text)s” is not understood here.")
                                 % {"position": position + 1, "text": text[position:position + 12]})
        kind = match.lastgroup  # the outer group of ${key} closes last: "ref"
        assert kind is not None  # every alternative of the pattern is a named group
        if kind != "space":
            value = match.group("key") if kind == "ref" else match.group(0)
            tokens.append(Token(kind, value, position + 1))
        position = match.end()
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.index = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def take(self) -> Token:
        token = self.current
        self.index += 1
        return token

    def expect(self, kind: str, text: str | None = None) -> Token:
        token = self.current
        if token.kind != kind or (text is not None and token.text != text):
            wanted = f"“{text}”" if text else {"ref": _("a question such as ${key}"),
                                               "string": _("a quoted value")}.get(kind, kind)
            raise ConditionError(_("Character %(position)d: expected %(wanted)s, found “%(found)s”.")
                                 % {"position": token.position, "wanted": wanted, "found": token.shown or _("the end")})
        return self.take()

    def parse(self) -> Node:
        if self.current.kind == "end":
            raise ConditionError(_("The condition is empty."))
        node = self.or_expr()
        if self.current.kind != "end":
            token = self.current
            if token.kind == "word":
                raise ConditionError(_("Character %(position)d: “%(name)s” is not an operator the portal supports "
                                       "(it supports =, !=, <, >, <=, >=, and, or, not(), selected(), "
                                       "count-selected()).") % {"position": token.position, "name": token.text})
            raise ConditionError(_("Character %(position)d: “%(found)s” is not understood here; join conditions "
                                   "with “and” or “or”.") % {"position": token.position, "found": token.shown})
        return node

    def or_expr(self) -> Node:
        parts = [self.and_expr()]
        while self.current.kind == "word" and self.current.text == "or":
            self.take()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else BoolOp("or", tuple(parts))

    def and_expr(self) -> Node:
        parts = [self.comparison()]
        while self.current.kind == "word" and self.current.text == "and":
            self.take()
            parts.append(self.comparison())
        return parts[0] if len(parts) == 1 else BoolOp("and", tuple(parts))

    def comparison(self) -> Node:
        left = self.operand()
        if self.current.kind == "op":
            op = self.take().text
            return Compare(op, left, self.operand())
        return left

    def operand(self) -> Node:
        token = self.current
        if token.kind == "ref":
            self.take()
            if not token.text:
                raise ConditionError(_("Character %(position)d: ${} names no question.") % {"position": token.position})
            return Ref(token.text)
        if token.kind == "string":
            self.take()
            return Literal(token.text[1:-1])
        if token.kind == "number":
            self.take()
            return Literal(Decimal(token.text))
        if token.kind == "punct" and token.text == "(":
            self.take()
            node = self.or_expr()
            self.expect("punct", ")")
            return node
        if token.kind == "word":
            return self.function()
        raise ConditionError(_("Character %(position)d: expected a question such as ${key}, a value or a function, "
                               "found “%(found)s”.") % {"position": token.position, "found": token.shown or _("the end")})

    def function(self) -> Node:
        token = self.take()
        name = token.text
        if name not in FUNCTIONS:
            known = ", ".join(f"{f}()" for f in FUNCTIONS)
            raise ConditionError(_("Character %(position)d: “%(name)s” is not an operator or function the portal "
                                   "supports (it supports =, !=, <, >, <=, >=, and, or, %(known)s).")
                                 % {"position": token.position, "name": name, "known": known})
        self.expect("punct", "(")
        if name in ("true", "false"):
            self.expect("punct", ")")
            return Literal(name == "true")
        if name == "not":
            node = self.or_expr()
            self.expect("punct", ")")
            return Not(node)
        key = self.expect("ref").text
        if name == "count-selected":
            self.expect("punct", ")")
            return CountSelected(key)
        self.expect("punct", ",")
        choice = self.expect("string").text[1:-1]
        self.expect("punct", ")")
        return Selected(key, choice)


@functools.lru_cache(maxsize=2048)  # the trees are frozen; pages evaluate the same conditions at every request
def parse(text: str) -> Node:
    """The tree of `text`; raises ConditionError with the position and the reason."""
    return _Parser(text).parse()


def references(node: Node) -> list[str]:
    """The question keys a condition reads, in order of first use."""
    found: list[str] = []

    def walk(n: Node) -> None:
        if isinstance(n, (Ref, Selected, CountSelected)):
            if n.key not in found:
                found.append(n.key)
        elif isinstance(n, Compare):
            walk(n.left)
            walk(n.right)
        elif isinstance(n, BoolOp):
            for part in n.parts:
                walk(part)
        elif isinstance(n, Not):
            walk(n.part)

    walk(node)
    return found


def check(text: str, known: Iterable[str]) -> Node:
    """Parse `text` and check that every key it reads is among `known`; raises ConditionError naming the key."""
    node = parse(text)
    allowed = set(known)
    for key in references(node):
        if key not in allowed:
            raise ConditionError(_("“${%(key)s}” is not a question of an earlier page (keys you can use: %(keys)s).")
                                 % {"key": key, "keys": ", ".join(sorted(allowed)) or _("none")})
    return node


# Evaluation ----------------------------------------------------------------------------------------------

def _number(value: Value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, list):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return None if number.is_nan() else number  # "NaN" typed in a text answer: no number, as XPath has it


def _scalar(value: Value) -> str | Decimal | dt.date:
    """What a value compares as: a list (several choices) as its keys joined by spaces, as XPath sees it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return " ".join(value)
    return value


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq, "!=": operator.ne, "<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge,
}


def _compare(op: str, left: Value, right: Value) -> bool:
    a, b = _scalar(left), _scalar(right)
    if isinstance(a, dt.date) or isinstance(b, dt.date):
        return _compare_or_nan(op, _date(a), _date(b))
    if isinstance(a, Decimal) or isinstance(b, Decimal) or op in ("<", ">", "<=", ">="):
        return _compare_or_nan(op, _number(a), _number(b))
    return _OPERATORS[op](a, b)


def _compare_or_nan(op: str, a: Decimal | dt.date | None, b: Decimal | dt.date | None) -> bool:
    if a is None or b is None:  # NaN in XPath: only != is true
        return op == "!="
    return _OPERATORS[op](a, b)


def _truthy(value: Value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return value != 0
    if isinstance(value, list):
        return bool(value)
    return value not in (None, "")


def _value(node: Node, values: Mapping[str, Value]) -> Value:
    if isinstance(node, Ref):
        return values.get(node.key)
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, CountSelected):
        chosen = values.get(node.key)
        return Decimal(len(chosen) if isinstance(chosen, list) else int(chosen not in (None, "")))
    return evaluate(node, values)


def evaluate(node: Node, values: Mapping[str, Value]) -> bool:
    """Whether the condition holds for `values` (question key -> answer; missing keys are unanswered)."""
    if isinstance(node, BoolOp):
        results = (evaluate(part, values) for part in node.parts)
        return all(results) if node.op == "and" else any(results)
    if isinstance(node, Not):
        return not evaluate(node.part, values)
    if isinstance(node, Compare):
        return _compare(node.op, _value(node.left, values), _value(node.right, values))
    if isinstance(node, Selected):
        chosen = values.get(node.key)
        return node.choice in chosen if isinstance(chosen, list) else _scalar(chosen) == node.choice
    return _truthy(_value(node, values))


def holds(text: str, values: Mapping[str, Value]) -> bool:
    """Whether the condition `text` holds; an empty condition always holds."""
    return True if not text.strip() else evaluate(parse(text), values)


def describe(node: Node, labels: Mapping[str, str], choices: Mapping[str, Mapping[str, str]]) -> str:
    """The condition in words for the respondent ("“Joint procurement?” is “Yes”"), questions named by their
    label and choices by theirs."""
    def quoted(text: str) -> str:
        # Translators: a question's label or a choice quoted inside a sentence, with the language's quotation marks.
        return _("“%(text)s”") % {"text": text}

    def name(key: str) -> str:
        return quoted(labels.get(key, key))

    def value(n: Node, key: str | None) -> str:
        if isinstance(n, Literal) and isinstance(n.value, str):
            return quoted(choices.get(key or "", {}).get(n.value, n.value))
        if isinstance(n, Literal):
            return str(n.value).lower() if isinstance(n.value, bool) else f"{n.value}"
        return words(n)

    def words(n: Node) -> str:
        if isinstance(n, BoolOp):
            joined = f" {_('and') if n.op == 'and' else _('or')} "
            return joined.join(words(p) if not isinstance(p, BoolOp) else f"({words(p)})" for p in n.parts)
        if isinstance(n, Not):
            return _("not (%(condition)s)") % {"condition": words(n.part)}
        if isinstance(n, Selected):
            return _("%(question)s includes %(choice)s") % {"question": name(n.key),
                                                             "choice": value(Literal(n.choice), n.key)}
        if isinstance(n, CountSelected):
            return _("the number of choices in %(question)s") % {"question": name(n.key)}
        if isinstance(n, Ref):
            return name(n.key)
        if isinstance(n, Compare):
            key = n.left.key if isinstance(n.left, Ref) else n.right.key if isinstance(n.right, Ref) else None
            verbs = {"=": _("is"), "!=": _("is not"), "<": _("is less than"), ">": _("is more than"),
                     "<=": _("is at most"), ">=": _("is at least")}
            return f"{value(n.left, key)} {verbs[n.op]} {value(n.right, key)}"
        return value(n, None)

    return words(node)
