"""A deterministic mutator over the public scenario file, for the import-fuzz test.

It keeps a small reference-closed part of the scenario (so each import is quick), then damages it
one way at a time: keys dropped or nulled, wrong types, huge numbers, NaN/Infinity, year-1 dates,
strings longer than their column, NUL characters, unpaired surrogates, 2,000-deep nesting,
duplicated ids, and values moved from elsewhere in the file.
"""

from __future__ import annotations

import copy
import json
import random

DEEP = "__DEEP__"


def small_document(doc, people=12, activities=40, each=10):
    """The scenario's unit with its first people and only the records that refer to what is kept."""
    out = {k: copy.deepcopy(v) for k, v in doc.items() if not isinstance(v, list)}
    for name in ("staff", "establishment", "schools", "workplaces", "groups", "trainings", "conversions",
                 "agreed_levels"):
        out[name] = copy.deepcopy(doc.get(name, []))
    kept = {p["id"] for p in doc["people"][:people]}
    out["people"] = copy.deepcopy(doc["people"][:people])
    cases = [c for c in doc["cases"] if c["client"] in kept and set(c.get("members", [])) <= kept]
    case_ids = {c["id"] for c in cases}
    out["cases"] = [c for c in copy.deepcopy(cases) if c.get("merged_into") in (None, *case_ids)]
    case_ids = {c["id"] for c in out["cases"]}
    out["involvements"] = [r for r in doc["involvements"] if r["case"] in case_ids][:each]
    out["collaborations"] = [r for r in doc["collaborations"] if r["case"] in case_ids][:each]
    out["referrals"] = [r for r in doc.get("referrals", [])
                        if r["person"] in kept and r.get("case") in (None, *case_ids)][:each]
    out["activities"] = [a for a in doc["activities"]
                         if set(a.get("people", [])) <= kept and a.get("case") in (None, *case_ids)][:activities]
    activity_ids = {a["id"] for a in out["activities"]}
    out["medical_assessments"] = [r for r in doc["medical_assessments"] if r["person"] in kept][:each]
    out["feedback"] = [r for r in doc["feedback"]
                       if r["activity"] in activity_ids and r.get("person") in (None, *kept)][:each]
    return copy.deepcopy(out)


def _nodes(value, path=()):
    """Every (container, key) pair in the document, so a mutation can land anywhere."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield value, k, (*path, k)
            yield from _nodes(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield value, i, (*path, i)
            yield from _nodes(v, (*path, i))


def _leaves(value):
    return [v for c, k, _ in _nodes(value) if not isinstance(v := c[k], dict | list)]


BAD_VALUES = [
    None, "", 2**64, 2**63 + 1, -1, 1.5, True, [], {}, float("nan"), float("inf"), float("-inf"),
    "0001-01-01", "0001-01-01T00:00", "9999-12-31T23:59", "2024-02-30", "\ud800", "x\x00y",
    "x" * 201, "碼" * 10_000, "psa", "group_session", DEEP,
]


def mutate(doc, rng: random.Random):
    """One damaged copy of `doc`, as the JSON text a user might hand to `tongxing import`."""
    doc = copy.deepcopy(doc)
    nodes = list(_nodes(doc))
    container, key, _ = rng.choice(nodes)
    how = rng.randrange(6)
    if how == 0 and isinstance(container, dict):
        del container[key]
    elif how == 1:
        container[key] = rng.choice(_leaves(doc))
    elif how == 2 and isinstance(container, list) and container:
        container.append(copy.deepcopy(rng.choice(container)))  # a duplicate record or id
    elif how == 3 and isinstance(container, dict):
        container[rng.choice(["organisation", "kind", "type", "id", "\ud800", "extra"])] = rng.choice(BAD_VALUES)
    else:
        container[key] = rng.choice(BAD_VALUES)
    text = json.dumps(doc, ensure_ascii=True, allow_nan=True)
    return text.replace(json.dumps(DEEP), "[" * 2000 + "]" * 2000)


def mutations(doc, count, seed=13):
    rng = random.Random(seed)
    small = small_document(doc)
    for _ in range(count):
        yield mutate(small, rng)
