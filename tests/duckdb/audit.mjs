// tests/duckdb/audit.mjs: the independent engine for `willis audit` (docs/audit.md): runs
// indicators.sql in DuckDB over an export folder and prints the summary in willis's shape.
//
//   node audit.mjs EXPORT_DIR|FILE... --codelists CSV --texts CSV --as-of YYYY-MM-DD [--flagged OUT.ndjson]
//                  [--threads N] [--memory-limit 4GB]
//
// --texts: the CSV `text,list` of `willis audit --text-lists` (willis's name resolution as data).
// stdout: {"engine":"duckdb","as_of","patients","resources","excluded":{"deceased_date",
// "deceased_boolean"},"indicators":[{"id","denominator","numerator"}],"seconds"}. --flagged writes one {"patient","indicator"} line per flagged pair,
// sorted by patient id (byte order) then indicator order, like willis's --out.
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

function usage(why) {
  if (why) process.stderr.write(`audit.mjs: ${why}\n`);
  process.stderr.write('usage: node audit.mjs EXPORT_DIR|FILE... --codelists CSV --as-of YYYY-MM-DD ' +
                       '--texts CSV [--flagged OUT.ndjson] [--threads N] [--memory-limit SIZE]\n');
  process.exit(2);
}

const args = process.argv.slice(2);
const inputs = [];
const opt = { codelists: '', texts: '', asOf: '', flagged: '', threads: 0, memoryLimit: '', sql: path.join(here, 'indicators.sql') };
for (let i = 0; i < args.length; ++i) {
  const a = args[i];
  const value = () => (i + 1 < args.length ? args[++i] : usage(`${a} needs a value`));
  if (a === '--codelists') opt.codelists = value();
  else if (a === '--texts') opt.texts = value();
  else if (a === '--as-of') opt.asOf = value();
  else if (a === '--flagged') opt.flagged = value();
  else if (a === '--threads') opt.threads = Number(value());
  else if (a === '--memory-limit') opt.memoryLimit = value();
  else if (a === '--sql') opt.sql = value();
  else if (a.startsWith('-')) usage(`unknown option ${a}`);
  else inputs.push(a);
}
if (!inputs.length) usage('no export folder or file');
if (!opt.codelists) usage('--codelists is required');
if (!opt.texts) usage('--texts is required (willis audit --text-lists)');
if (!/^\d{4}-\d{2}-\d{2}$/.test(opt.asOf)) usage('--as-of needs YYYY-MM-DD');

// "A folder (or files) of $export NDJSON, plain or .gz ... read in sorted file-name order."
const files = [];
for (const input of inputs) {
  const st = fs.statSync(input);
  if (st.isDirectory()) {
    for (const name of fs.readdirSync(input).sort()) {
      if (/\.ndjson(\.gz)?$/.test(name)) files.push(path.resolve(input, name));
    }
  } else {
    files.push(path.resolve(input));
  }
}
if (!files.length) usage('no .ndjson or .ndjson.gz files found');

const quote = (s) => `'${String(s).replaceAll("'", "''")}'`;
const script = fs.readFileSync(opt.sql, 'utf8')
  .split('\n').filter((line) => !/^\s*--/.test(line)).join('\n')
  .replaceAll('{{FILES}}', `[${files.map(quote).join(', ')}]`)
  .replaceAll('{{CODELISTS}}', quote(path.resolve(opt.codelists)))
  .replaceAll('{{TEXTS}}', quote(path.resolve(opt.texts)))
  .replaceAll('{{AS_OF}}', quote(opt.asOf));
const statements = script.split(/;\s*\n/).map((s) => s.trim()).filter(Boolean);

const started = process.hrtime.bigint();
const config = {};
if (opt.threads > 0) config.threads = String(opt.threads);
if (opt.memoryLimit) config.memory_limit = opt.memoryLimit;
const instance = await DuckDBInstance.create(':memory:', config);
const db = await instance.connect();
const timing = process.env.AUDIT_SQL_TIMING === '1';
for (const sql of statements) {
  try {
    const t0 = process.hrtime.bigint();
    await db.run(sql);
    if (timing) process.stderr.write(`${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(3)} s  ${sql.split('\n')[0].slice(0, 80)}\n`);
  } catch (e) {
    process.stderr.write(`audit.mjs: DuckDB failed on:\n${sql.slice(0, 400)}\n${e.message}\n`);
    process.exit(1);
  }
}
const rows = async (sql) => (await db.runAndReadAll(sql)).getRowObjects();
const [counts] = await rows(`SELECT (SELECT count(*) FROM all_patients) AS patients, (SELECT count(*) FROM res) AS resources,
  (SELECT count(*) FROM all_patients WHERE died_by_date) AS deceased_date,
  (SELECT count(*) FROM all_patients WHERE died_by_flag AND NOT died_by_date) AS deceased_boolean`);
const summary = await rows('SELECT indicator, denominator, numerator FROM summary ORDER BY ord');
if (opt.flagged) {
  const flagged = await rows('SELECT patient, indicator FROM flagged');
  fs.writeFileSync(opt.flagged, flagged.map((r) => JSON.stringify({ patient: r.patient, indicator: r.indicator }) + '\n').join(''));
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(JSON.stringify({
  engine: 'duckdb',
  as_of: opt.asOf,
  patients: Number(counts.patients),
  resources: Number(counts.resources),
  excluded: { deceased_date: Number(counts.deceased_date), deceased_boolean: Number(counts.deceased_boolean) },
  indicators: summary.map((r) => ({ id: r.indicator, denominator: Number(r.denominator), numerator: Number(r.numerator) })),
  seconds: Math.round(seconds * 1000) / 1000,
}) + '\n');
