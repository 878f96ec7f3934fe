#!/usr/bin/env python3
"""Writes tests/trial_vectors/*.json: personal-trial diaries with expected numbers.

Run once by hand (python3 tests/trial/compute_expected.py); the files are committed and the
C++ is checked against them by willis_trial_vector_runner. This script shares no code with
willis and uses only the Python standard library:

- means and differences are exact rational arithmetic (fractions.Fraction) on the diary values;
- sleep efficiency is 100 x sum(TST) / sum(TIB) per phase (sources: carney2012: weekly SE = mean TST /
  mean TIB), with TIB = bed -> out of bed and TST = bed -> final wake - SOL - WASO;
- Welch's t and the Welch-Satterthwaite df come from the textbook formulas, and the two-sided p
  from integrating the Student-t density numerically (composite Simpson, 200000 panels on
  [0, |t|]) -- a different method from willis's incomplete-beta continued fraction;
- the 95 % interval is the moving-block bootstrap as specified in src/core/trial.h (splitmix64,
  seed 0x77696c6c6973, 4-day blocks, 4000 replicates, baseline series drawn before treatment
  series, type-7 quantiles). A bootstrap cannot be done by hand, so this is a second,
  independent implementation of that specification: agreement to 1e-9 shows both follow it.
"""
import datetime as dt
import json
import math
import os
from fractions import Fraction

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "trial_vectors")
MASK = (1 << 64) - 1
SEED = 0x77696C6C6973
BLOCK = 4
REPLICATES = 4000


# ---------------------------------------------------------------- statistics (reference)

class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, bound):
        threshold = (2**64 - bound) % bound
        while True:
            value = self.next()
            if value >= threshold:
                return value % bound


def bootstrap_ci(baseline, treatment):
    """baseline/treatment: lists of series; each series a list of (numerator, denominator)."""
    rng = SplitMix64(SEED)

    def resample(group):
        num = 0.0
        den = 0.0
        for series in group:
            n = len(series)
            if n == 0:
                continue
            block = min(BLOCK, n)
            starts = n - block + 1
            taken = 0
            while taken < n:
                start = rng.below(starts)
                offset = 0
                while offset < block and taken < n:
                    num += series[start + offset][0]
                    den += series[start + offset][1]
                    offset += 1
                    taken += 1
        return num / den

    diffs = []
    for _ in range(REPLICATES):
        b = resample(baseline)
        t = resample(treatment)
        diffs.append(t - b)
    diffs.sort()

    def quantile(p):
        h = (len(diffs) - 1) * p
        lo = math.floor(h)
        hi = min(lo + 1, len(diffs) - 1)
        return diffs[lo] + (h - lo) * (diffs[hi] - diffs[lo])

    return [quantile(0.025), quantile(0.975)]


def t_pdf(x, df):
    log_c = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    return math.exp(log_c - (df + 1) / 2 * math.log1p(x * x / df))


def two_sided_p(t, df, panels=200000):
    a, b = 0.0, abs(t)
    h = (b - a) / panels
    total = t_pdf(a, df) + t_pdf(b, df)
    for i in range(1, panels):
        total += (4 if i % 2 else 2) * t_pdf(a + i * h, df)
    return 1 - 2 * total * h / 3


def welch(treatment, baseline):
    n1, n2 = len(treatment), len(baseline)
    m1 = Fraction(sum(treatment)) / n1
    m2 = Fraction(sum(baseline)) / n2
    v1 = sum((Fraction(x) - m1) ** 2 for x in treatment) / (n1 - 1)
    v2 = sum((Fraction(x) - m2) ** 2 for x in baseline) / (n2 - 1)
    q1, q2 = v1 / n1, v2 / n2
    t = float(m1 - m2) / math.sqrt(float(q1 + q2))
    df = float((q1 + q2) ** 2 / (q1 * q1 / (n1 - 1) + q2 * q2 / (n2 - 1)))
    return {"t": t, "df": df, "p": two_sided_p(t, df)}


# ---------------------------------------------------------------- diary construction

def d(text):
    return dt.date.fromisoformat(text)


def hm(minutes):
    minutes %= 1440
    return "%02d:%02d" % (minutes // 60, minutes % 60)


def night(index, sol_base, waso_base, quality_base):
    """Sleep items for one night: small fixed wobbles so that no two phases are flat."""
    bed = 23 * 60 + 10 + (index % 3) * 10
    sol = sol_base + [0, 5, -5, 10, -10][index % 5]
    waso = waso_base + [5, -5, 0, 10, -10, 0, 5][index % 7]
    wake = 6 * 60 + 50 + (index % 2) * 10
    out = wake + 15
    quality = max(1, min(5, quality_base + [0, 1, 0, -1, 0][index % 5]))
    return {"bed": hm(bed), "sol_min": sol, "waso_min": waso, "wake": hm(wake),
            "out_of_bed": hm(out), "sleep_quality": quality}


COLUMNS = ["date", "rls", "sleep_quality", "bed", "sol_min", "waso_min", "wake", "out_of_bed",
           "magnesium_mg", "side_effects"]


def build_phase(start, rls_values, sleep, magnesium_mg, side_effects=None):
    """rls_values: one per day, None = day not logged at all."""
    rows = []
    side_effects = side_effects or {}
    for offset, rls in enumerate(rls_values):
        if rls is None:
            continue
        date = start + dt.timedelta(days=offset)
        items = night(offset, *sleep)
        rows.append({"date": date.isoformat(), "rls": rls, **items,
                     "magnesium_mg": magnesium_mg,
                     "side_effects": side_effects.get(offset, "none")})
    return rows


def minutes(text):
    h, m = text.split(":")
    return int(h) * 60 + int(m)


def se_observation(row):
    tib = (minutes(row["out_of_bed"]) - minutes(row["bed"])) % 1440
    tst = (minutes(row["wake"]) - minutes(row["bed"])) % 1440 - row["sol_min"] - row["waso_min"]
    return (100 * tst, tib)


# ---------------------------------------------------------------- analysis (reference)

def phases_of(plan):
    a1 = d(plan["baseline_start"])
    b1 = d(plan["treatment_start"])
    weeks = plan.get("treatment_weeks", 8)
    b1_end = b1 + dt.timedelta(days=7 * weeks)
    phases = [("baseline", a1, b1), ("treatment", b1, b1_end)]
    if plan["design"] == "abab":
        a2_end = b1_end + dt.timedelta(days=7 * plan.get("withdrawal_weeks", 2))
        phases += [("withdrawal", b1_end, a2_end),
                   ("retreatment", a2_end, a2_end + dt.timedelta(days=7 * weeks))]
    return phases


def windows(plan, today):
    """Analysed windows, assuming every phase has ended before `today` (true for all vectors)."""
    out = []
    for kind, start, end in phases_of(plan):
        assert end <= today, "vectors analyse finished phases only"
        if kind in ("treatment", "retreatment"):
            start = max(start, end - dt.timedelta(days=28))
        out.append((kind, start, end))
    return out


# What each primary outcome is judged against (kb/rules.yaml and src/core/trial.h, sources: irls-mcic-abstract, edinger2021-thresholds):
# the reduction RLS needs is willis's stated 2-point default; sleep efficiency 10 %, sleep onset
# 20 min (AASM 2021 review thresholds); sleep quality has none (the interval alone decides).
OUTCOMES = {
    "rls_severity": {"id": "rls_severity", "threshold": 2, "lower_better": True},
    "sleep_onset": {"id": "sleep_onset_latency", "threshold": 20, "lower_better": True},
    "sleep_efficiency": {"id": "sleep_efficiency", "threshold": 10, "lower_better": False},
    "sleep_quality": {"id": "sleep_quality", "threshold": 0, "lower_better": False},
}


def analyse(plan, rows, today, threshold=2):
    chosen = OUTCOMES[plan.get("primary", "rls_severity")]
    picks = {"rls_severity": (lambda r: r["rls"], False),
             "sleep_efficiency": (se_observation, True),
             "sleep_onset_latency": (lambda r: r["sol_min"], False),
             "sleep_quality": (lambda r: r["sleep_quality"], False)}
    by_date = {row["date"]: row for row in rows}
    wins = windows(plan, today)
    result = {"windows": []}

    def series(start, end, pick):
        values = []
        day = start
        while day < end:
            row = by_date.get(day.isoformat())
            if row is not None:
                values.append(pick(row))
            day += dt.timedelta(days=1)
        return values

    reasons = []
    for kind, start, end in wins:
        expected = (end - start).days
        logged = len(series(start, end, lambda r: r["rls"]))
        minimum = 21 if kind in ("treatment", "retreatment") else 7
        if logged < minimum:
            reasons.append("%s: %d logged < %d" % (kind, logged, minimum))
        elif expected - logged > 0.30 * expected:
            reasons.append("%s: %d of %d missing > 30 %%" % (kind, expected - logged, expected))
        result["windows"].append({"phase": kind, "start": start.isoformat(),
                                  "end_exclusive": end.isoformat(), "expected": expected,
                                  "logged": logged})

    def outcome(pick, ratio=False):
        base = [series(s, e, pick) for k, s, e in wins if k in ("baseline", "withdrawal")]
        treat = [series(s, e, pick) for k, s, e in wins if k in ("treatment", "retreatment")]
        if ratio:
            b_num = sum(Fraction(o[0]) for s in base for o in s)
            b_den = sum(Fraction(o[1]) for s in base for o in s)
            t_num = sum(Fraction(o[0]) for s in treat for o in s)
            t_den = sum(Fraction(o[1]) for s in treat for o in s)
            bm, tm = b_num / b_den, t_num / t_den
            obs_b, obs_t = base, treat
            daily_b = [Fraction(o[0]) / o[1] for s in base for o in s]
            daily_t = [Fraction(o[0]) / o[1] for s in treat for o in s]
        else:
            flat_b = [v for s in base for v in s]
            flat_t = [v for s in treat for v in s]
            bm = Fraction(sum(flat_b), len(flat_b))
            tm = Fraction(sum(flat_t), len(flat_t))
            obs_b = [[(v, 1) for v in s] for s in base]
            obs_t = [[(v, 1) for v in s] for s in treat]
            daily_b, daily_t = flat_b, flat_t
        out = {"baseline_mean": float(bm), "treatment_mean": float(tm),
               "difference": float(tm - bm),
               "baseline_days": sum(len(s) for s in base),
               "treatment_days": sum(len(s) for s in treat),
               "exact": {"baseline_mean": str(bm), "treatment_mean": str(tm),
                         "difference": str(tm - bm)}}
        out["ci95"] = bootstrap_ci(obs_b, obs_t)
        out["welch"] = welch(daily_t, daily_b)
        return out, base, treat

    pick, ratio = picks[chosen["id"]]
    primary, base, treat = outcome(pick, ratio)
    if chosen["id"] != "rls_severity":
        primary["outcome"] = chosen["id"]
    secondary = {name: outcome(p, ratio=r)[0] for name, (p, r) in picks.items() if name != chosen["id"]}
    threshold = chosen["threshold"]
    lower = chosen["lower_better"]
    if reasons:
        verdict = "insufficient-data"
        for key in ("ci95", "welch"):
            primary.pop(key)
        secondary = {}
    else:
        diff, ci = primary["difference"], primary["ci95"]
        gain = -diff if lower else diff
        good = ci[1] < 0 if lower else ci[0] > 0
        bad = ci[0] > 0 if lower else ci[1] < 0
        if gain >= threshold - 1e-9 and good:
            verdict = "improved"
        elif -gain >= threshold - 1e-9 and bad:
            verdict = "worse"
        else:
            verdict = "no-clear-change"
        if plan["design"] == "abab" and verdict == "improved":
            # replication: each magnesium window's mean below the phase before it
            means = []
            for (kind, s, e), ser in zip(wins, [series(s, e, pick) for _, s, e in wins]):
                if ratio:
                    means.append(Fraction(sum(o[0] for o in ser)) / sum(o[1] for o in ser))
                else:
                    means.append(Fraction(sum(ser), len(ser)))
            better = (lambda on, off: on < off) if lower else (lambda on, off: on > off)
            if not (better(means[1], means[0]) and better(means[3], means[2])):
                verdict = "no-clear-change"
            result["phase_means"] = [float(m) for m in means]
        for name, sec in secondary.items():
            thr = {"sleep_efficiency": 10, "sleep_onset_latency": 20, "sleep_quality": 0,
                   "rls_severity": 2}[name]
            lower_better = name in ("sleep_onset_latency", "rls_severity")
            gain = -sec["difference"] if lower_better else sec["difference"]
            lo, hi = sec["ci95"]
            good = hi < 0 if lower_better else lo > 0
            bad = lo > 0 if lower_better else hi < 0
            if gain >= thr - 1e-9 and good:
                sec["assessment"] = "improved"
            elif -gain >= thr - 1e-9 and bad:
                sec["assessment"] = "worse"
            else:
                sec["assessment"] = "no-clear-change"
    result.update({"verdict": verdict, "primary": primary, "secondary": secondary,
                   "reasons": reasons})
    return result


# ---------------------------------------------------------------- the cases

def case_rows(plan, phase_specs):
    rows = []
    for (kind, start, _end), spec in zip(phases_of(plan), phase_specs):
        rows += build_phase(start, *spec)
    return rows


def write(name, title, notes, plan, today, rows, tags, notes_include=None):
    analysis = analyse(plan, rows, d(today))
    expect = {"verdict": analysis["verdict"], "primary": analysis["primary"]}
    if analysis["secondary"]:
        expect["secondary"] = analysis["secondary"]
    if analysis["reasons"]:
        expect["reasons_count"] = len(analysis["reasons"])
    expect["notes_include"] = notes_include or ["placebo", "Regression to the mean", "ferritin", "What next"]
    how = ("Expected numbers computed by tests/trial/compute_expected.py (Python standard "
           "library only, no willis code): means and differences exactly with fractions "
           "(exact values under expect.primary.exact), Welch t/df by formula and p by Simpson "
           "integration of the t density, the 95 % interval by an independent implementation of "
           "the moving-block bootstrap specified in src/core/trial.h. Windows analysed: " +
           "; ".join("%s %s..%s (%d expected, %d logged)" % (w["phase"], w["start"],
                                                            w["end_exclusive"], w["expected"],
                                                            w["logged"])
                     for w in analysis["windows"]) + ".")
    if analysis["reasons"]:
        how += " Insufficient because: " + "; ".join(analysis["reasons"]) + "."
    if "phase_means" in analysis:
        how += " Phase RLS means (A1, B1 window, A2, B2 window): " + ", ".join(
            "%.4f" % m for m in analysis["phase_means"]) + "."
    doc = {
        "format": "willis.trial-vector/1",
        "title": title,
        "reference": ["issue 3", "sources: carney2012", "kb/evidence.yaml (each entry's sources)", "sources: abbasi2012, nielsen2010, mahpitre2021", "sources: irls-mcic-abstract, edinger2021-thresholds"],
        "notes": notes + " " + how,
        "tags": tags,
        "tolerance": {"mean": 1e-9, "ci95": 1e-9, "welch_t": 1e-9, "welch_df": 1e-9,
                      "welch_p": 1e-8},
        "input": {"today": today, "plan": plan, "columns": COLUMNS,
                  "rows": [[row[c] for c in COLUMNS] for row in rows]},
        "expect": expect,
    }
    # one diary row per line keeps the files readable
    rows_json = "[\n" + ",\n".join("      " + json.dumps(r, ensure_ascii=False)
                                   for r in doc["input"]["rows"]) + "\n    ]"
    doc["input"]["rows"] = "@@ROWS@@"
    text = json.dumps(doc, indent=2, ensure_ascii=False).replace('"@@ROWS@@"', rows_json)
    with open(os.path.join(OUT, name + ".json"), "w", encoding="utf-8") as f:
        f.write(text + "\n")
    print(name, analysis["verdict"], analysis["primary"]["difference"],
          analysis["primary"].get("ci95"))


def main():
    os.makedirs(OUT, exist_ok=True)
    ab = {"design": "ab", "baseline_start": "2026-01-05", "treatment_start": "2026-01-19",
          "treatment_weeks": 8}
    N = None

    # 1. Clear improvement.
    base = [6, 7, 6, 5, 7, 8, 6, N, 7, 6, 5, 6, 7, 6]
    early = [6, 6, 5, 6, 5, 5, 6, 5, 4, 5, 5, 4, 5, 4, 4, 5, 4, 4, 3, 4, 4, N, 4, 3, 4, 3, 4, 3]
    late = [3, 4, 3, 3, 2, 3, 4, 3, N, 3, 2, 3, 3, 4, 3, 2, 3, 3, 2, 3, N, 3, 4, 3, 2, 3, 3, 3]
    rows = case_rows(ab, [(base, (40, 55, 2), 0),
                          (early + late, (25, 35, 3), 300, {3: "loose_stools:mild",
                                                            10: "loose_stools:moderate"})])
    write("clear-improvement", "AB trial: RLS severity falls by about 3.4 points",
          "Baseline mean 82/13; the last 4 weeks of magnesium average under 3: a drop of more "
          "than the 2-point threshold with a 95 % interval well below 0, so the verdict is "
          "improved. Sleep also improves (SOL about 15 min shorter).",
          ab, "2026-03-16", rows, ["ab", "improved"])

    # 2. No change.
    base = [5, 6, 4, 5, 6, 5, 4, 6, 5, 5, 6, 4, 5, 5]
    treat = [5, 4, 6, 5, 5, 6, 4, 5, 6, 5, 4, 5, 5, 6, 5, 4, 5, 6, 5, 5, 4, 6, 5, 5, 4, 5, 6, 5]
    late = [5, 5, 4, 6, 5, 4, 5, 6, 5, N, 4, 5, 6, 5, 4, 5, 5, 6, 4, 5, 5, 4, 6, 5, 5, 4, 5, 6]
    rows = case_rows(ab, [(base, (30, 40, 3), 0), (treat + late, (30, 40, 3), 250)])
    write("no-change", "AB trial: symptoms the same on magnesium",
          "Both phases average about 5 points; the difference is near 0 and its interval "
          "straddles 0, so the verdict is no-clear-change.",
          ab, "2026-03-16", rows, ["ab", "no-clear-change"])

    # 3. Worsening.
    base = [4, 3, 4, 5, 4, 3, 4, 4, 5, 3, 4, 4, 3, 4]
    treat = [4, 5, 4, 5, 5, 6, 5, 5, 6, 5, 6, 6, 5, 6, 6, 7, 6, 6, 7, 6, 7, 6, 7, 7, 6, 7, 7, 6]
    late = [7, 7, 6, 8, 7, 7, 6, 7, 8, 7, 7, 6, 7, 8, 7, 7, 6, 7, 7, 8, 7, 6, 7, 7, 8, 7, 7, 7]
    rows = case_rows(ab, [(base, (30, 30, 3), 0), (treat + late, (35, 45, 2), 400)])
    write("worsening", "AB trial: RLS severity rises by about 3 points on magnesium",
          "The last 4 weeks average about 7 against a baseline near 3.9: a rise of more than 2 "
          "points with an interval above 0, so the verdict is worse.",
          ab, "2026-03-16", rows, ["ab", "worse"])

    # 4. Too little data: 5 baseline days and 18 of the last 28 treatment days.
    base = [6, N, N, 7, N, 6, N, N, 5, N, N, 7, N, N]
    treat = [5] * 28
    late = [3, N, 4, 3, N, 3, 2, N, 3, 4, N, 3, 3, N, 2, 3, N, 4, 3, N, 3, 3, N, 2, 3, N, 3, 4]
    rows = case_rows(ab, [(base, (40, 50, 2), 0), (treat + late, (25, 30, 3), 300)])
    write("too-little-data", "AB trial: 5 baseline days and 18 treatment-window days logged",
          "Fewer than 7 baseline days and fewer than 21 days in the last 4 weeks of treatment: "
          "the verdict must be insufficient-data whatever the means say (both reasons given).",
          ab, "2026-03-16", rows, ["ab", "insufficient-data"])

    # 5. Missing more than 30 % of the baseline although 9 days (>= 7) are logged.
    base = [6, 7, N, 6, N, 7, 6, N, 7, N, 6, 7, N, 6]
    late = [3] * 28
    rows = case_rows(ab, [(base, (40, 50, 2), 0), ([4] * 28 + late, (25, 30, 3), 300)])
    write("missing-over-30-percent", "AB trial: 5 of 14 baseline days missing (35.7 %)",
          "9 logged baseline days pass the 7-day minimum, but 5 of 14 missing is more than "
          "30 %, so the verdict is insufficient-data.",
          ab, "2026-03-16", rows, ["ab", "insufficient-data", "boundary"])

    # 6. Exactly the threshold: baseline mean 5 (70/14), last 4 weeks mean 3 (84/28).
    base = [5, 6, 4, 5, 5, 6, 4, 5, 5, 6, 4, 5, 5, 5]
    late = [3, 4, 2, 3, 3, 4, 2, 3, 3, 3, 4, 2, 3, 3, 3, 4, 2, 3, 3, 3, 3, 4, 2, 3, 3, 3, 3, 3]
    assert sum(base) == 70 and sum(late) == 84
    rows = case_rows(ab, [(base, (30, 40, 3), 0), ([4] * 28 + late, (30, 40, 3), 300)])
    write("threshold-exactly-2", "AB trial: a drop of exactly 2.0 points counts as improved",
          "The threshold is 'a reduction of at least 2 points': 3 - 5 = -2 exactly, and the "
          "interval excludes 0, so the verdict is improved (boundary case).",
          ab, "2026-03-16", rows, ["ab", "improved", "boundary"])

    # 7. Just under the threshold: last 4 weeks 87/28 = 3.107 -> -1.893.
    late = [3, 4, 3, 3, 3, 4, 2, 3, 3, 3, 4, 3, 3, 3, 3, 4, 2, 3, 3, 3, 3, 4, 3, 3, 2, 3, 4, 3]
    assert sum(late) == 87
    rows = case_rows(ab, [(base, (30, 40, 3), 0), ([4] * 28 + late, (30, 40, 3), 300)])
    write("threshold-just-below", "AB trial: a clear but smaller drop (-1.89) is no-clear-change",
          "The interval excludes 0 but the drop is under 2 points, so the verdict is "
          "no-clear-change, and a note says the change is real but below the threshold.",
          ab, "2026-03-16", rows, ["ab", "no-clear-change", "boundary"])

    # 8. ABAB with replication.
    abab = {"design": "abab", "baseline_start": "2026-01-05", "treatment_start": "2026-01-19",
            "treatment_weeks": 6, "withdrawal_weeks": 2}
    a1 = [6, 7, 7, 6, 6, 7, 8, 6, 7, 6, 6, 7, 7, 6]
    b1 = [6, 5, 5, 5, 4, 5, 4, 4, 5, 4, 4, 4, 4, 3] + \
         [4, 3, 4, 3, 3, 4, 3, 4, 3, 3, N, 4, 3, 3, 4, 3, 3, 4, 3, 3, 4, 3, 4, 3, 3, 4, 3, 3]
    a2 = [4, 5, 5, 6, 6, 6, 7, 6, 6, 7, 6, 6, 7, 6]
    b2 = [6, 5, 5, 4, 4, 4, 4, 3, 4, 3, 3, 4, 3, 3] + \
         [3, 3, 4, 3, 3, 2, 3, 3, 4, 3, 3, 3, 2, 3, 3, 4, 3, 3, 3, 2, 3, 3, N, 3, 4, 3, 3, 3]
    rows = case_rows(abab, [(a1, (40, 50, 2), 0), (b1, (25, 30, 3), 300),
                            (a2, (35, 45, 2), 0), (b2, (25, 30, 3), 300)])
    write("abab-replicated", "ABAB trial: better on magnesium, worse off it, better again",
          "A1 and A2 (whole phases) are pooled against the last 4 weeks of B1 and B2. The pooled "
          "drop is over 3 points with an interval below 0, and each magnesium window is below "
          "the phase before it, so the verdict is improved.",
          abab, "2026-04-27", rows, ["abab", "improved"])

    # 9. ABAB where the effect does not come back: B2 not below A2.
    a2 = [3, 4, 3, 3, 4, 3, 3, 3, 4, 3, 3, 3, 4, 3]
    b2 = [3] * 14 + [4, 3, 3, 4, 3, 4, 3, 3, 4, 3, 3, 4, 3, 3, 4, 3, 3, 4, 3, 4, 3, 3, 4, 3, 3, 4, 3, 3]
    a1 = [8, 8, 9, 8, 7, 8, 8, 9, 8, 8, 7, 8, 9, 8]
    rows = case_rows(abab, [(a1, (40, 50, 2), 0), (b1, (25, 30, 3), 300),
                            (a2, (25, 30, 3), 0), (b2, (25, 30, 3), 300)])
    write("abab-not-replicated", "ABAB trial: symptoms stay low after stopping magnesium",
          "Symptoms fell in B1 and did not return in A2; B2 is not below A2. The pooled drop "
          "is over 2 points, but the improvement did not repeat, so the verdict is "
          "no-clear-change (it may be placebo, regression to the mean or a lasting effect).",
          abab, "2026-04-27", rows, ["abab", "no-clear-change"])


def sleep_cases():
    """Issue 15: trials judged on sleep (willis trial start --primary ...)."""
    N = None
    sleep_notes = ["placebo", "Regression to the mean", "What next", "This trial is judged on"]
    plan = {"design": "ab", "baseline_start": "2026-01-05", "treatment_start": "2026-01-19",
            "treatment_weeks": 8, "primary": "sleep_onset"}
    def low(n):  # RLS 0-1 (no RLS to speak of), varied so its own Welch test is defined
        return [(i * 7 // 3) % 2 for i in range(n)]
    rls = low(14)
    # 10. Sleep onset: baseline SOL around 50 min, last 4 weeks around 22 min (drop > 20).
    rows = case_rows(plan, [(rls, (50, 40, 2), 0),
                            (low(28) + [0, 1, N, 0] + low(24), (22, 35, 3), 300)])
    write("sleep-onset-improved", "Primary sleep onset: about 28 minutes faster to fall asleep -> improved",
          "Judged on sleep onset latency (issue 15): a fall of at least 20 minutes (AASM 2021 review "
          "threshold, P) with a 95 % interval below 0 is improved. RLS is 0 throughout (no RLS).",
          plan, "2026-03-16", rows, ["ab", "sleep", "sleep_onset", "improved"], sleep_notes)
    # 11. Sleep onset: a real but small fall (about 10 min) -> no-clear-change.
    rows = case_rows(plan, [(rls, (40, 40, 3), 0), (low(56), (30, 40, 3), 300)])
    write("sleep-onset-small-change", "Primary sleep onset: 10 minutes faster, under the 20-minute threshold",
          "The interval excludes 0 but the fall is under 20 minutes, so the verdict is no-clear-change.",
          plan, "2026-03-16", rows, ["ab", "sleep", "sleep_onset", "no-clear-change"], sleep_notes)
    # 12. Sleep efficiency: SOL and WASO fall a lot, SE rises by more than 10 points.
    plan_se = dict(plan, primary="sleep_efficiency")
    rows = case_rows(plan_se, [(rls, (50, 70, 2), 0), (low(56), (15, 20, 3), 300)])
    write("sleep-efficiency-improved", "Primary sleep efficiency: rises by more than 10 points -> improved",
          "Sleep efficiency per phase is 100 x sum(TST) / sum(TIB) (sources: carney2012); a rise of at least 10 "
          "points (AASM 2021 review threshold, P) with the interval above 0 is improved.",
          plan_se, "2026-03-16", rows, ["ab", "sleep", "sleep_efficiency", "improved"], sleep_notes)
    # 13. Sleep quality: 2 -> 4 on the 1-5 scale; no threshold, the interval decides.
    plan_q = dict(plan, primary="sleep_quality")
    rows = case_rows(plan_q, [(rls, (30, 30, 2), 0), (low(56), (30, 30, 4), 300)])
    write("sleep-quality-improved", "Primary sleep quality: 2 -> about 4 (1-5), interval above 0 -> improved",
          "Sleep quality has no established threshold, so an interval above 0 decides.",
          plan_q, "2026-03-16", rows, ["ab", "sleep", "sleep_quality", "improved"], sleep_notes)
    # 14. Sleep quality worse on magnesium.
    rows = case_rows(plan_q, [(rls, (30, 30, 4), 0), (low(56), (30, 30, 2), 300)])
    write("sleep-quality-worse", "Primary sleep quality: 4 -> about 2 on magnesium -> worse",
          "The mirror image of improved: a fall in quality with the interval below 0.",
          plan_q, "2026-03-16", rows, ["ab", "sleep", "sleep_quality", "worse"], sleep_notes)
    # 15. RLS severity chosen explicitly: same as the default.
    plan_r = dict(plan, primary="rls_severity")
    base = [6, 7, 6, 5, 7, 8, 6, 6, 7, 6, 5, 6, 7, 6]
    rows = case_rows(plan_r, [(base, (40, 40, 3), 0), ([5] * 28 + [3] * 28, (40, 40, 3), 300)])
    write("rls-severity-explicit", "Primary rls_severity given explicitly: drop of about 3 points -> improved",
          "--primary rls_severity behaves as the default: the 2-point threshold on the 0-10 scale.",
          plan_r, "2026-03-16", rows, ["ab", "rls_severity", "improved"])
    # 16. ABAB on sleep onset: improvement repeats.
    abab = {"design": "abab", "baseline_start": "2026-01-05", "treatment_start": "2026-01-19",
            "treatment_weeks": 6, "withdrawal_weeks": 2, "primary": "sleep_onset"}
    rows = case_rows(abab, [(low(14), (55, 40, 2), 0), (low(42), (25, 40, 3), 300),
                            (low(14), (50, 40, 2), 0), (low(42), (25, 40, 3), 300)])
    write("abab-sleep-onset-replicated", "ABAB judged on sleep onset: faster on, slower off, faster again",
          "Replication uses the primary outcome: each magnesium window's sleep onset is below the "
          "phase before it.",
          abab, "2026-04-27", rows, ["abab", "sleep", "sleep_onset", "improved"], sleep_notes)


if __name__ == "__main__":
    main()
    sleep_cases()
