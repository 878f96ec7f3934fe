// tests/duckdb/compare.mjs: compares `willis audit` with the DuckDB engine on one export.
//
//   node compare.mjs LABEL WILLIS_SUMMARY.json WILLIS_FLAGGED.ndjson DUCKDB_SUMMARY.json DUCKDB_FLAGGED.ndjson
//
// Checks: the patient count; every indicator's denominator and numerator (same ids, same order);
// the set of flagged (patient, indicator) pairs; willis's flagged file in docs/audit.md's order
// (patient id in byte order, then indicator order); and that the generated data is not trivial:
// every indicator has 0 < numerator < denominator. Prints a table and, on a mismatch, the pairs
// only one side flagged. The last line is "LABEL: N passed, N failed"; exit 1 on any failure.
import fs from 'node:fs';

// --real: real data with seeded copies (seed-real.py): only seeded patients (ids "seed-") may be
// flagged, never a deceased seed, and every indicator needs a seeded patient on each side.
const realData = process.argv.includes('--real');
const [label, willisSummaryPath, willisFlaggedPath, duckSummaryPath, duckFlaggedPath] =
  process.argv.slice(2).filter((a) => a !== '--real');
if (!duckFlaggedPath) {
  process.stderr.write('usage: node compare.mjs LABEL WILLIS_SUMMARY WILLIS_FLAGGED DUCKDB_SUMMARY DUCKDB_FLAGGED\n');
  process.exit(2);
}

let passed = 0;
let failed = 0;
const check = (ok, what) => {
  if (ok) ++passed;
  else {
    ++failed;
    console.log(`  FAIL ${what}`);
  }
  return ok;
};

const readJson = (p) => JSON.parse(fs.readFileSync(p, 'utf8'));
const readPairs = (p) =>
  fs.readFileSync(p, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => {
    const o = JSON.parse(l);
    return { patient: o.patient, indicator: o.indicator };
  });

const w = readJson(willisSummaryPath);
const d = readJson(duckSummaryPath);
const order = d.indicators.map((i) => i.id);

console.log(`${label}: patients willis ${w.patients}, duckdb ${d.patients}` +
            (w.resources !== undefined ? `; resources willis ${w.resources}, duckdb (used types) ${d.resources}` : '') +
            (w.errors !== undefined ? `; willis errors ${w.errors}` : '') +
            (w.orphan_resources !== undefined ? `, orphans ${w.orphan_resources}` : '') +
            (w.skipped_resources !== undefined ? `, skipped ${w.skipped_resources}` : '') +
            (w.unrecognised_medicines !== undefined ? `, unrecognised medicines ${w.unrecognised_medicines}` : ''));
check(w.patients === d.patients, `patients: willis ${w.patients}, duckdb ${d.patients}`);
// docs/audit.md "Who is in the population": the same patients left out, for the same reasons.
const we = w.excluded || {}, de = d.excluded || {};
console.log(`  excluded as deceased: willis ${JSON.stringify(we)}, duckdb ${JSON.stringify(de)}`);
check(we.deceased_date === de.deceased_date && we.deceased_boolean === de.deceased_boolean,
      `excluded: willis ${JSON.stringify(we)}, duckdb ${JSON.stringify(de)}`);

const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
console.log(`  ${pad('indicator', 28)} ${lpad('willis den', 10)} ${lpad('duckdb den', 10)} ${lpad('willis num', 10)} ${lpad('duckdb num', 10)}`);
const wById = new Map((w.indicators || []).map((i) => [i.id, i]));
check(JSON.stringify((w.indicators || []).map((i) => i.id)) === JSON.stringify(order),
      `indicator ids/order: willis ${JSON.stringify((w.indicators || []).map((i) => i.id))}`);
for (const di of d.indicators) {
  const wi = wById.get(di.id) || { denominator: '-', numerator: '-' };
  const same = wi.denominator === di.denominator && wi.numerator === di.numerator;
  console.log(`  ${pad(di.id, 28)} ${lpad(wi.denominator, 10)} ${lpad(di.denominator, 10)} ${lpad(wi.numerator, 10)} ${lpad(di.numerator, 10)}${same ? '' : '   <-- differs'}`);
  check(same, `${di.id}: denominator willis ${wi.denominator} duckdb ${di.denominator}, numerator willis ${wi.numerator} duckdb ${di.numerator}`);
  // Not trivially 0 = 0: the generated data must reach both sides of every indicator.
  check(di.numerator > 0 && di.numerator < di.denominator,
        `${di.id}: generated data gives numerator ${di.numerator} of ${di.denominator} (needs 0 < numerator < denominator)`);
}

const wPairs = readPairs(willisFlaggedPath);
const dPairs = readPairs(duckFlaggedPath);
const key = (p) => `${p.patient}\t${p.indicator}`;
const wSet = new Set(wPairs.map(key));
const dSet = new Set(dPairs.map(key));
const onlyW = [...wSet].filter((k) => !dSet.has(k)).sort();
const onlyD = [...dSet].filter((k) => !wSet.has(k)).sort();
console.log(`  flagged pairs: willis ${wPairs.length} (${wSet.size} distinct), duckdb ${dPairs.length}; only willis ${onlyW.length}, only duckdb ${onlyD.length}`);
check(wSet.size === wPairs.length, `willis's flagged file repeats ${wPairs.length - wSet.size} pairs`);
if (!check(onlyW.length === 0 && onlyD.length === 0, 'the flagged (patient, indicator) pairs differ')) {
  for (const [name, list] of [['only willis', onlyW], ['only duckdb', onlyD]]) {
    for (const k of list.slice(0, 15)) console.log(`    ${name}: ${k.replace('\t', '  ')}`);
    if (list.length > 15) console.log(`    ${name}: ... ${list.length - 15} more`);
  }
}

if (realData) {
  const unseeded = [...wSet, ...dSet].filter((k) => !k.startsWith('seed-'));
  check(unseeded.length === 0, `unseeded real patients flagged: ${[...new Set(unseeded)].slice(0, 10).join(', ')}`);
  const dead = [...wSet, ...dSet].filter((k) => k.startsWith('seed-deceased-'));
  check(dead.length === 0, `deceased patients flagged: ${dead.join(', ')}`);
  check((w.excluded?.deceased_date ?? 0) >= 1 || label.includes('hiv'), 'no patient excluded by deceasedDateTime');
  check((w.excluded?.deceased_boolean ?? 0) >= 1, 'the deceasedBoolean seed was not excluded');
  for (const id of order) {
    check(wSet.has(`seed-${id}-num\t${id}`), `${id}: its numerator seed is not flagged`);
    check(!wSet.has(`seed-${id}-den\t${id}`), `${id}: its denominator-only seed is flagged`);
  }
}

// docs/audit.md: "sorted by patient id (byte order) then indicator order".
const rank = new Map(order.map((id, i) => [id, i]));
const cmpBytes = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b));
let firstUnsorted = -1;
for (let i = 1; i < wPairs.length && firstUnsorted < 0; ++i) {
  const c = cmpBytes(wPairs[i - 1].patient, wPairs[i].patient);
  if (c > 0 || (c === 0 && rank.get(wPairs[i - 1].indicator) >= rank.get(wPairs[i].indicator))) firstUnsorted = i;
}
check(firstUnsorted < 0, `willis's flagged file is out of order at line ${firstUnsorted + 1}`);

console.log(`${label}: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
