// tests/duckdb/expect-pairs.mjs: a flagged file against the hand-written expectation.
//
//   node expect-pairs.mjs LABEL EXPECTED.ndjson FLAGGED.ndjson
//
// Compares the (patient, indicator) pairs only, in order. Prints "LABEL: 1 passed, 0 failed" or
// the differences and "LABEL: 0 passed, 1 failed" (exit 1).
import fs from 'node:fs';

const [label, expectedPath, actualPath] = process.argv.slice(2);
const read = (p) => fs.readFileSync(p, 'utf8').split('\n').filter((l) => l.trim() !== '')
  .map((l) => { const o = JSON.parse(l); return `${o.patient} ${o.indicator}`; });
const expected = read(expectedPath);
const actual = read(actualPath);
const missing = expected.filter((k) => !actual.includes(k));
const extra = actual.filter((k) => !expected.includes(k));
const ok = missing.length === 0 && extra.length === 0 && expected.join('\n') === actual.join('\n');
if (!ok) {
  for (const k of missing) console.log(`  ${label}: expected, not flagged: ${k}`);
  for (const k of extra) console.log(`  ${label}: flagged, not expected: ${k}`);
  if (!missing.length && !extra.length) console.log(`  ${label}: the right pairs in the wrong order`);
}
console.log(`${label}: ${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`);
process.exit(ok ? 0 : 1);
