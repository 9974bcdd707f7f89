"""docs/rules.md, written from the rule registry and the shipped policy files.

Every rule, what it checks, its parameters, and each shipped policy's values and citations: the
page is generated, and a test compares it with this output, so it cannot fall behind the code.
Regenerate it with ``python -m desktop832.app.policy_docs docs/rules.md``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..domain.policy import RULE_DOCS, RULE_PARAMS, RULE_TITLES, Policy, kind_of
from ..domain.policy_files import discover
from ..paths import shipped_policies_dir


def _value(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "、".join(f"{k.value} {v:%Y-%m-%d}" for k, v in value.items()) or "—"
    if isinstance(value, tuple):
        if value and isinstance(value[0], tuple):
            return "、".join(f"{d:%Y-%m-%d} {s}%" for d, s in value)
        return "、".join(getattr(v, "value", str(v)) for v in value) or "（空）"
    if hasattr(value, "strftime"):
        return f"{value:%Y-%m-%d}"
    return str(getattr(value, "value", value))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(policies: dict[str, Policy]) -> str:
    ordered = sorted(policies.values(), key=lambda p: (p.year, p.specificity, p.id))
    out = [
        "# Rules",
        "",
        "Generated from the rule registry and the shipped policy files (`resources/policies/`); a test",
        "keeps this page equal to what the code says. Parameters are set in a policy file's `[rules.ID]`",
        "table (see `policy-format.md`). “—” under a policy: the rule is not in that policy.",
        "",
        "Shipped policies: " + "、".join(f"`{p.id}`（{p.name}）" for p in ordered) + "。",
        "",
    ]
    for rule_id, params in RULE_PARAMS.items():
        out += [f"## `{rule_id}` {RULE_TITLES.get(rule_id, '')}", "", RULE_DOCS.get(rule_id, ""), ""]
        if params:
            out += ["| parameter | type | required | default | in the policy's year | meaning |", "| --- | --- | --- | --- | --- | --- |"]
            for name, spec in params.items():
                out.append(
                    f"| `{name}` | {_cell(kind_of(spec.check))} | {'yes' if spec.required else 'no'} | "
                    f"{_cell(_value(spec.default))} | {'yes' if spec.in_year else ''} | {_cell(spec.doc)} |"
                )
            out.append("")
        else:
            out += ["No parameters.", ""]
        out += ["| policy | values | citation | set by |", "| --- | --- | --- | --- |"]
        for policy in ordered:
            rule = policy.rule(rule_id)
            if rule is None:
                out.append(f"| `{policy.id}` | — | — | — |")
                continue
            values = "；".join(f"`{k}` = {_value(v)}" for k, v in rule.params.items()) or "—"
            severity = f"；severity = {rule.severity.name.lower()}" if rule.severity else ""
            setter = "this file" if rule.policy_id == policy.id else f"`{rule.policy_id}`"
            out.append(f"| `{policy.id}` | {_cell(values + severity)} | {_cell(rule.citation)} | {setter} |")
        out.append("")
    return "\n".join(out)


def shipped() -> dict[str, Policy]:
    found, errors = discover([shipped_policies_dir()])
    if errors:
        raise SystemExit("\n".join(map(str, errors)))
    return found


def main(argv: list[str]) -> int:
    text = render(shipped())
    if argv:
        Path(argv[0]).write_text(text, "utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
