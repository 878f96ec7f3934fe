#!/usr/bin/env python3
"""tests/duckdb/rxnorm-tty.py: an export whose medicines are identified by RxNorm code alone, one
code of every term type of the shipped subset, and the flagged pairs docs/audit.md gives it
(issue 14 part 2).

    rxnorm-tty.py SUBSET_TSV OUT_DIR

SUBSET_TSV is data/rxnorm/rxnorm-subset.tsv (tty, rxcui, ingredients, name). For every term type
in it (IN, SCDC, SCD, SBD, GPCK, BPCK, RXTERMS) and every role below, the smallest code of that
type whose only ingredient is one of the role's ingredients becomes one patient, plus the SCDC
316049 (hydrochlorothiazide 25 MG, the code Synthea uses). A coding has a system and a code only:
no display, no text, so neither engine can identify it by name. Each patient's other resources
(coded by ingredient, TTY=IN) put it in exactly one indicator's numerator when, and only when,
the code is in the role's list. Writes OUT_DIR/export/*.ndjson and OUT_DIR/expected-flagged.ndjson
(sorted by patient id; one indicator each). Fails when a term type of the subset gets no patient.
"""
import json
import os
import sys

AS_OF = "2026-11-22"
RECENT = "2026-06-01"     # within 12 months of AS_OF
LONG_AGO = "2024-01-01"   # more than a year before AS_OF (long-term PPI)
RX = "http://www.nlm.nih.gov/research/umls/rxnorm"
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"

# RxNorm ingredient (TTY=IN) codes, as kb/medicines.yaml and kb/salts.yaml give them.
HCTZ, FUROSEMIDE, DIGOXIN = 5487, 4603, 3407
MG_OXIDE, RALTEGRAVIR = 6582, 719872
# role: (ingredients in the list docs/audit.md names, the indicator a code of the role flags)
ROLES = {
    # "loop and thiazide(-like) diuretics"; with digoxin -> diuretic-digoxin-no-mg-12m
    "loop-or-thiazide": ({HCTZ, FUROSEMIDE}, "diuretic-digoxin-no-mg-12m"),
    # "digoxin / cardiac glycosides"; with a thiazide -> the same
    "digoxin": ({DIGOXIN}, "diuretic-digoxin-no-mg-12m"),
    # "proton pump inhibitors": omeprazole, lansoprazole, esomeprazole, pantoprazole; dated
    # more than a year ago -> ppi-1y-no-mg-12m
    "ppi": ({7646, 17128, 283742, 40790}, "ppi-1y-no-mg-12m"),
    # timing interactions in kb/interactions.yaml: tetracyclines (doxycycline), fluoroquinolones
    # (ciprofloxacin); with magnesium oxide, no timing -> mg-chelator-no-timing
    "chelation-partner": ({3640, 2551}, "mg-chelator-no-timing"),
    # "pramipexole, ropinirole, rotigotine"; with RLS -> rls-dopamine-agonist
    "dopamine-agonist": ({746741, 72302, 616739}, "rls-dopamine-agonist"),
    # SSRIs (sertraline); with RLS -> rls-exacerbating-medicine
    "rls-exacerbating": ({36437}, "rls-exacerbating-medicine"),
    # magnesium salts (magnesium oxide); with raltegravir -> raltegravir-with-mg
    "magnesium": ({MG_OXIDE}, "raltegravir-with-mg"),
    # raltegravir; with magnesium oxide -> raltegravir-with-mg
    "raltegravir": ({RALTEGRAVIR}, "raltegravir-with-mg"),
}
HCTZ_SCDC = "316049"


def main():
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    subset, out = sys.argv[1:]
    rows = []
    with open(subset, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line.startswith("tty\t") or not line.strip():
                continue
            tty, rxcui, ings, _ = line.rstrip("\n").split("\t")
            rows.append((tty, int(rxcui), [int(i) for i in ings.split(",")] if ings else [int(rxcui)]))
    ttys = sorted({tty for tty, _, _ in rows})

    picks = []  # (patient id, tty, code, role)
    for tty in ttys:
        for role, (ingredients, _) in ROLES.items():
            codes = sorted(c for t, c, ings in rows if t == tty and len(ings) == 1 and ings[0] in ingredients)
            if codes:
                picks.append((f"tty-{tty}-{role}-{codes[0]}", tty, str(codes[0]), role))
    picks.append((f"tty-SCDC-synthea-hctz-{HCTZ_SCDC}", "SCDC", HCTZ_SCDC, "loop-or-thiazide"))
    missing = [t for t in ttys if not any(p[1] == t for p in picks)]
    if missing:
        sys.stderr.write(f"rxnorm-tty: no single-ingredient code of a role for term types {missing}\n")
        return 1

    lines = {"Patient": [], "MedicationRequest": [], "Condition": [], "Observation": []}
    counter = [0]

    def add(pid, resource):
        counter[0] += 1
        kind = resource.pop("resourceType")
        r = dict({"resourceType": kind, "id": f"{pid}.{counter[0]}"}, **resource)
        r["subject"] = {"reference": f"Patient/{pid}"}
        lines[kind].append(r)

    def med(pid, code, date=RECENT):
        add(pid, {"resourceType": "MedicationRequest", "status": "active", "intent": "order",
                  "medicationCodeableConcept": {"coding": [{"system": RX, "code": str(code)}]},
                  "authoredOn": f"{date}T09:00:00+00:00"})

    def rls_with_ferritin(pid):  # active RLS, ferritin 120 ng/mL this year: only the medicine can flag
        add(pid, {"resourceType": "Condition",
                  "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
                  "code": {"coding": [{"system": SNOMED, "code": "32914008"}]}})
        add(pid, {"resourceType": "Observation", "status": "final",
                  "code": {"coding": [{"system": LOINC, "code": "2276-4"}]},
                  "effectiveDateTime": f"{RECENT}T09:00:00+00:00",
                  "valueQuantity": {"value": 120, "unit": "ng/mL", "system": "http://unitsofmeasure.org", "code": "ng/mL"}})

    companions = {
        "loop-or-thiazide": lambda p: med(p, DIGOXIN),
        "digoxin": lambda p: med(p, HCTZ),
        "ppi": lambda p: None,
        "chelation-partner": lambda p: med(p, MG_OXIDE),
        "dopamine-agonist": rls_with_ferritin,
        "rls-exacerbating": rls_with_ferritin,
        "magnesium": lambda p: med(p, RALTEGRAVIR),
        "raltegravir": lambda p: med(p, MG_OXIDE),
    }
    expected = []
    for pid, tty, code, role in picks:
        lines["Patient"].append({"resourceType": "Patient", "id": pid, "birthDate": "1960-01-01"})
        med(pid, code, LONG_AGO if role == "ppi" else RECENT)
        companions[role](pid)
        expected.append({"patient": pid, "indicator": ROLES[role][1]})

    os.makedirs(os.path.join(out, "export"), exist_ok=True)
    for kind, items in lines.items():
        with open(os.path.join(out, "export", f"{kind}.ndjson"), "w", encoding="utf-8") as f:
            for r in items:
                f.write(json.dumps(r, separators=(",", ":")) + "\n")
    with open(os.path.join(out, "expected-flagged.ndjson"), "w", encoding="utf-8") as f:
        for e in sorted(expected, key=lambda e: e["patient"].encode()):
            f.write(json.dumps(e) + "\n")
    sys.stderr.write(f"rxnorm-tty: {len(picks)} patients, term types {', '.join(ttys)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
