"""What evaluation needs to know about a form, worked out once per form and cached on it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fieldsurvey.core.forms.model import Field, Form, Group, Repeat


@dataclass
class Plan:
    chains: dict[str, tuple[str, ...]] = field(default_factory=dict)  # name -> enclosing repeats
    calc_order: list[Field] = field(default_factory=list)  # dependencies first
    fields: dict[str, Field] = field(default_factory=dict)
    repeats: dict[str, Repeat] = field(default_factory=dict)
    has_relevance: bool = False


_CACHE: dict[int, tuple[Form, Plan]] = {}


def plan_for(form: Form) -> Plan:
    """The cached plan; keyed by identity because a Form is mutable and unhashable."""
    hit = _CACHE.get(id(form))
    if hit is not None and hit[0] is form:
        return hit[1]
    plan = _build(form)
    if len(_CACHE) > 64:
        _CACHE.clear()
    _CACHE[id(form)] = (form, plan)
    return plan


def _build(form: Form) -> Plan:
    plan = Plan()

    def walk(group: Group, chain: tuple[str, ...]) -> None:
        for node in group.children:
            plan.chains[node.name] = chain
            plan.has_relevance |= node.relevant is not None
            if isinstance(node, Repeat):
                plan.repeats[node.name] = node
                walk(node, (*chain, node.name))
            elif isinstance(node, Group):
                walk(node, chain)
            elif isinstance(node, Field):
                plan.fields[node.name] = node

    walk(form.root, ())
    plan.calc_order = _calc_order(plan.fields)
    return plan


def _calc_order(fields: dict[str, Field]) -> list[Field]:
    calcs = {n: f for n, f in fields.items() if f.calculation is not None}
    order: list[Field] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        for dep in sorted(calcs[name].calculation.references):  # type: ignore[union-attr]
            if dep in calcs:
                visit(dep)
        order.append(calcs[name])

    for name in calcs:
        visit(name)
    return order


def reference_scopes(
    top: dict[str, Any], chain: tuple[str, ...], rows: Mapping[str, dict[str, Any]]
) -> tuple[list[dict[str, Any]], bool]:
    """The rows a ``${name}`` reference reads, and whether they form a node set.

    *chain* is the name's enclosing repeats, outermost first; *rows* holds the current row of
    each repeat the expression is evaluated in. Inside its own repeat a reference means the same
    row; from outside it means every row, as XPath's node sets do (``sum(${x})``).
    """
    scopes = [top]
    multi = False
    for rep in chain:
        row = rows.get(rep)
        if row is not None:
            scopes = [row]
        else:
            scopes = [r for s in scopes for r in s.get(rep) or ()]
            multi = True
    return scopes, multi
