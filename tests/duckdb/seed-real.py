#!/usr/bin/env python3
"""tests/duckdb/seed-real.py: a real Synthea export, as Synthea wrote it, plus seeded copies of
some of its patients, so that every indicator of docs/audit.md has patients on both sides.

    seed-real.py SOURCE_DIR OUT_DIR CODELISTS_CSV

1. Every file of SOURCE_DIR (*.ndjson, *.ndjson.gz) is copied to OUT_DIR byte for byte: the real
   patients stay in the run, unseeded.
2. For each indicator, two living real patients are copied (new ids `seed-<indicator>-num` and
   `seed-<indicator>-den`): their Patient resource and every resource naming them, with new
   resource ids (`<seed id>.<old id>`) and `subject` pointing at the copy, nothing else changed.
   Resources are then ADDED to each copy (never removed or edited) to put the `-num` copy in the
   indicator's numerator and the `-den` copy in its denominator only, as docs/audit.md defines
   them (the comments below say which part of the definition each addition meets).
3. Two deceased copies (`seed-deceased-date`, a copy of a real patient who died, and
   `seed-deceased-flag`, a living one given `deceasedBoolean: true` in place of any
   deceasedDateTime) get the additions of the diuretic-digoxin numerator: they must be flagged by
   neither engine (docs/audit.md "Who is in the population").
All seeded lines go to OUT_DIR/seeded.ndjson. Medicines are coded as Synthea codes them: RxNorm
products, and hydrochlorothiazide as the clinical drug component (SCDC) 316049, in the code lists
since issue 14 part 2 (data/rxnorm). One hydrochlorothiazide has no coding at all, only a text, as
hand-entered medicines in real exports do: only text identification finds it. Deterministic: the
same input gives the same bytes.
"""
import gzip
import json
import os
import shutil
import sys

AS_OF = "2026-11-22"
RECENT = "2026-06-01"     # within 12 months of AS_OF
LONG_AGO = "2024-01-01"   # more than a year before AS_OF (long-term PPI)
RX = "http://www.nlm.nih.gov/research/umls/rxnorm"
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"

# RxNorm codes and the code list each must be in (checked against CODELISTS).
MEDICINES = {
    "magnesium": ("1001679", "magnesium oxide 400 MG Oral Tablet", "magnesium"),
    "alendronate": ("1248077", "alendronic acid 70 MG Oral Tablet", "chelation-partner"),
    "raltegravir": ("1235588", "raltegravir 400 MG Oral Tablet", "raltegravir"),
    "iron": ("1095421", "ferrous sulfate 325 MG Oral Tablet", "iron"),
    "sertraline": ("208149", "sertraline 50 MG Oral Tablet", "rls-exacerbating"),
    "pramipexole": ("1114479", "pramipexole 0.25 MG Oral Tablet", "dopamine-agonist"),
    "omeprazole": ("1291986", "omeprazole 20 MG Delayed Release Oral Capsule", "ppi"),
    "digoxin": ("197604", "Digoxin 0.125 MG Oral Tablet", "digoxin"),
    # The SCDC (clinical drug component) Synthea uses for hydrochlorothiazide.
    "hctz": ("316049", "Hydrochlorothiazide 25 MG", "loop-or-thiazide"),
}
# A hydrochlorothiazide with no coding: identified by its text only.
HCTZ_TEXT = "Hydrochlorothiazide 25 MG Oral Tablet"
RLS = ("32914008", "Restless legs syndrome (disorder)")
LABS = {
    "egfr": ("33914-3", "Glomerular filtration rate/1.73 sq M.predicted", "mL/min/{1.73_m2}"),
    "ferritin": ("2276-4", "Ferritin [Mass/volume] in Serum or Plasma", "ng/mL"),
    "magnesium": ("19123-9", "Magnesium [Mass/volume] in Serum or Plasma", "mg/dL"),
}


def read_lines(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def main():
    if len(sys.argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    src, out, codelists = sys.argv[1:]
    os.makedirs(out, exist_ok=True)
    in_list = set()
    with open(codelists, encoding="utf-8") as f:
        for row in f.read().splitlines()[1:]:
            name, system, code = row.split(",")
            in_list.add((name, system, code))
    for key, (code, _, name) in MEDICINES.items():
        if (name, RX, code) not in in_list:
            sys.stderr.write(f"seed-real: RxNorm {code} ({key}) is not in list {name}\n")
            return 1

    files = sorted(n for n in os.listdir(src) if n.endswith(".ndjson") or n.endswith(".ndjson.gz"))
    patients, by_subject = {}, {}
    for name in files:
        shutil.copyfile(os.path.join(src, name), os.path.join(out, name))
        for line in read_lines(os.path.join(src, name)):
            r = json.loads(line)
            if r.get("resourceType") == "Patient":
                patients[r["id"]] = r
                continue
            ref = (r.get("subject") or {}).get("reference", "")
            if ref.startswith("Patient/"):
                by_subject.setdefault(ref[len("Patient/"):], []).append(r)
    living = sorted(p for p, r in patients.items() if "deceasedDateTime" not in r and not r.get("deceasedBoolean"))
    dead = sorted(p for p, r in patients.items() if "deceasedDateTime" in r or r.get("deceasedBoolean"))
    if len(living) < 2:
        sys.stderr.write("seed-real: fewer than 2 living patients to copy\n")
        return 1

    seeded = []
    counter = [0]

    def copy_patient(source_id, new_id, patch=None):
        p = json.loads(json.dumps(patients[source_id]))
        p["id"] = new_id
        if patch:
            patch(p)
        seeded.append(p)
        for r in by_subject.get(source_id, []):
            c = json.loads(json.dumps(r))
            c["id"] = f"{new_id}.{r.get('id', '')}"
            c["subject"] = dict(c["subject"], reference=f"Patient/{new_id}")
            seeded.append(c)

    def add(pid, resource):
        counter[0] += 1
        resource = dict({"resourceType": resource.pop("resourceType"), "id": f"{pid}.added-{counter[0]}"}, **resource)
        resource["subject"] = {"reference": f"Patient/{pid}"}
        seeded.append(resource)

    def med(pid, key, date=RECENT, status="active", dosage_text=None):
        code, display, _ = MEDICINES[key]
        r = {"resourceType": "MedicationRequest", "status": status, "intent": "order",
             "medicationCodeableConcept": {"coding": [{"system": RX, "code": code, "display": display}], "text": display},
             "authoredOn": f"{date}T09:00:00+00:00"}
        if dosage_text:
            r["dosageInstruction"] = [{"sequence": 1, "text": dosage_text}]
        add(pid, r)

    def hctz_text(pid):  # no coding: a text that names the medicine, nothing else
        add(pid, {"resourceType": "MedicationRequest", "status": "active", "intent": "order",
                  "medicationCodeableConcept": {"text": HCTZ_TEXT},
                  "authoredOn": f"{RECENT}T09:00:00+00:00"})

    def lab(pid, key, value, date=RECENT):
        code, display, unit = LABS[key]
        add(pid, {"resourceType": "Observation", "status": "final",
                  "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "laboratory"}]}],
                  "code": {"coding": [{"system": LOINC, "code": code, "display": display}], "text": display},
                  "effectiveDateTime": f"{date}T09:00:00+00:00",
                  "valueQuantity": {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit}})

    def rls(pid):
        code, display = RLS
        add(pid, {"resourceType": "Condition",
                  "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
                  "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "confirmed"}]},
                  "code": {"coding": [{"system": SNOMED, "code": code, "display": display}], "text": display},
                  "onsetDateTime": "2020-01-01T09:00:00+00:00"})

    # indicator -> (numerator additions, denominator-only additions), from docs/audit.md "Indicators".
    plans = {
        # 1: active magnesium; numerator: latest eGFR < 30.
        "mg-egfr-below-30": (lambda p: (med(p, "magnesium"), lab(p, "egfr", 24)),
                             lambda p: (med(p, "magnesium"), lab(p, "egfr", 75))),
        # 2: active magnesium and partner; numerator: no timing instruction on them.
        "mg-chelator-no-timing": (lambda p: (med(p, "magnesium"), med(p, "alendronate")),
                                  lambda p: (med(p, "magnesium"), med(p, "alendronate", dosage_text="Take 2 hours apart from magnesium"))),
        # 3: active raltegravir; numerator: an active magnesium medicine.
        "raltegravir-with-mg": (lambda p: (med(p, "raltegravir"), med(p, "magnesium")),
                                lambda p: med(p, "raltegravir")),
        # 4: active RLS; numerator: no ferritin within 12 months.
        "rls-no-ferritin-12m": (lambda p: rls(p),
                                lambda p: (rls(p), lab(p, "ferritin", 120))),
        # 5: active RLS; numerator: ferritin <= 75 within 12 months and no iron therapy.
        "rls-low-iron-untreated": (lambda p: (rls(p), lab(p, "ferritin", 40)),
                                   lambda p: (rls(p), lab(p, "ferritin", 40), med(p, "iron"))),
        # 6: active RLS; numerator: an active RLS-exacerbating medicine.
        "rls-exacerbating-medicine": (lambda p: (rls(p), lab(p, "ferritin", 120), med(p, "sertraline")),
                                      lambda p: (rls(p), lab(p, "ferritin", 120))),
        # 7: active RLS; numerator: an active dopamine agonist.
        "rls-dopamine-agonist": (lambda p: (rls(p), lab(p, "ferritin", 120), med(p, "pramipexole")),
                                 lambda p: (rls(p), lab(p, "ferritin", 120))),
        # 8: active PPI dated <= D - 1 year; numerator: no serum magnesium within 12 months.
        "ppi-1y-no-mg-12m": (lambda p: med(p, "omeprazole", date=LONG_AGO),
                             lambda p: (med(p, "omeprazole", date=LONG_AGO), lab(p, "magnesium", 2.0))),
        # 9: active loop/thiazide and digoxin; numerator: no serum magnesium within 12 months.
        # The numerator's thiazide is the SCDC 316049 (by code); the denominator's has only a text.
        "diuretic-digoxin-no-mg-12m": (lambda p: (med(p, "hctz"), med(p, "digoxin")),
                                       lambda p: (hctz_text(p), med(p, "digoxin"), lab(p, "magnesium", 2.0))),
    }
    at = 0
    for indicator, (numerator, denominator) in plans.items():
        for suffix, plan in (("num", numerator), ("den", denominator)):
            pid = f"seed-{indicator}-{suffix}"
            copy_patient(living[at % len(living)], pid)
            at += 1
            plan(pid)
    # Deceased: the diuretic-digoxin numerator's additions, and still in no denominator.
    if dead:
        copy_patient(dead[0], "seed-deceased-date")
        med("seed-deceased-date", "hctz")
        med("seed-deceased-date", "digoxin")

    def flag(p):
        p.pop("deceasedDateTime", None)
        p["deceasedBoolean"] = True
    copy_patient(living[at % len(living)], "seed-deceased-flag", flag)
    hctz_text("seed-deceased-flag")
    med("seed-deceased-flag", "digoxin")

    with open(os.path.join(out, "seeded.ndjson"), "w", encoding="utf-8") as f:
        for r in seeded:
            f.write(json.dumps(r, separators=(",", ":"), ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
