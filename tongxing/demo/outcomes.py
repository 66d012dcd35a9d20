"""Feedback forms: the outcome questionnaires returned after talks, consultations, peer
work and parenting sessions.
"""

from __future__ import annotations

from .base import GeneratorBase


class OutcomeRecords(GeneratorBase):
    def make_feedback(self):
        rng = self.rng
        peers = set(self.peers)
        out = []
        assessed = {pid for pid, _ in self.assessed}
        parent_clients = {c["client"] for c in self.cases if c["parent_case"]}
        for a in self.activities:
            k = a["kind"]
            if k == "education":
                if a.get("format") in ("publication", "media", "web", "souvenir"):
                    continue
                n = min(a["headcount"], rng.randint(3, 12))
                school = a.get("school")
                p_pos = 0.92 if school else 0.88
                for _ in range(n):
                    out.append({"activity": a["id"], "person": None, "school": school, "topic": "drug_harm",
                                "positive": rng.random() < p_pos})
                continue
            ppl = a["people"]
            if not ppl:
                continue
            if k == "consultation" and ppl[0] in assessed and rng.random() < 0.3:
                out.append({"activity": a["id"], "person": ppl[0], "school": None,
                            "topic": rng.choice(("drug_harm", "recovery")), "positive": rng.random() < 0.84})
            if peers.intersection(a["staff"]) and rng.random() < 0.3:
                for pid in ppl[:4]:
                    out.append({"activity": a["id"], "person": pid, "school": None,
                                "topic": rng.choice(("recovery", "drug_harm")), "positive": rng.random() < 0.83})
            if k in ("homemaker_service", "group_session") and rng.random() < 0.2:
                for pid in ppl:
                    if pid in parent_clients:
                        out.append({"activity": a["id"], "person": pid, "school": None, "topic": "parenting",
                                    "positive": rng.random() < 0.78})
                        out.append({"activity": a["id"], "person": pid, "school": None, "topic": "drug_use",
                                    "positive": rng.random() < 0.76})
        # Small documents: make sure every topic has at least one form.
        have = {f["topic"] for f in out}
        with_people = [a for a in self.activities if a["people"] and a["kind"] != "education"]
        parent_acts = [a for a in with_people if a["people"][0] in parent_clients] or with_people
        for topic in ("drug_harm", "recovery", "parenting", "drug_use"):
            if topic not in have and with_people:
                a = (parent_acts if topic in ("parenting", "drug_use") else with_people)[0]
                out.append({"activity": a["id"], "person": a["people"][0], "school": None, "topic": topic,
                            "positive": True})
        self.feedback = out
