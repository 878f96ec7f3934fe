-- tests/duckdb/indicators.sql: the population audit of docs/audit.md, written independently of
-- willis in DuckDB SQL, over the same FHIR Bulk Data export. Run by audit.mjs, which replaces
--   {{FILES}}      a list literal of the export's files (plain .ndjson or .ndjson.gz)
--   {{CODELISTS}}  the path of the CSV `list,system,code` printed by `willis audit --codelists`
--   {{AS_OF}}      the --as-of date, 'YYYY-MM-DD'
--   {{TEXTS}}      the path of the CSV `text,list` written by `willis audit --text-lists` (willis's
--                  name resolution as data: which medicine texts it identified, and their lists)
-- Statements are separated by a semicolon at the end of a line. The last two tables, `summary`
-- and `flagged`, are the answer. Written from the text of docs/audit.md (quoted in comments), not
-- from willis's output. Codes are matched here; medicine texts are looked up in willis's text
-- table (docs/audit.md "What a medicine is", "Text table"): this engine decides which text counts.

-- "code lists ... printed by willis audit --codelists as CSV with a header: list,system,code"
CREATE OR REPLACE TEMP TABLE codes AS
SELECT DISTINCT list, system, code
FROM read_csv({{CODELISTS}}, header = true, auto_detect = false,
              columns = {'list': 'VARCHAR', 'system': 'VARCHAR', 'code': 'VARCHAR'});

-- "willis audit --text-lists": one row per (text, list); an empty list: known, in no list.
CREATE OR REPLACE TEMP TABLE texts AS
SELECT DISTINCT text, nullif(list, '') AS list
FROM read_csv({{TEXTS}}, header = true, auto_detect = false, quote = '"', escape = '"',
              columns = {'text': 'VARCHAR', 'list': 'VARCHAR'});

CREATE OR REPLACE TEMP TABLE params AS
SELECT DATE {{AS_OF}} AS d,
       -- "D - 1 year is the same calendar day a year earlier (29 February -> 28 February)":
       -- DuckDB's date - INTERVAL 1 YEAR clamps 29 February to 28 February.
       CAST(DATE {{AS_OF}} - INTERVAL 1 YEAR AS DATE) AS y;

-- One pass over every file. Malformed lines are skipped (ignore_errors); the reader turns only
-- the fields used here into typed columns, and nothing else of the JSON is kept.
CREATE OR REPLACE TEMP TABLE res AS
WITH lines AS (
  SELECT *
  FROM read_ndjson({{FILES}}, format = 'newline_delimited', ignore_errors = true,
                   maximum_object_size = 67108864,
                   columns = {
                     resourceType: 'VARCHAR', id: 'VARCHAR', status: 'VARCHAR',
                     subject: 'STRUCT(reference VARCHAR)',
                     deceasedDateTime: 'VARCHAR', deceasedBoolean: 'BOOLEAN',
                     medicationCodeableConcept: 'STRUCT(coding STRUCT(system VARCHAR, code VARCHAR, display VARCHAR)[], text VARCHAR)',
                     medicationReference: 'STRUCT(reference VARCHAR)',
                     code: 'STRUCT(coding STRUCT(system VARCHAR, code VARCHAR, display VARCHAR)[], text VARCHAR)',
                     authoredOn: 'VARCHAR', effectiveDateTime: 'VARCHAR', effectivePeriod: 'STRUCT(start VARCHAR)',
                     effectiveInstant: 'VARCHAR', issued: 'VARCHAR', dateAsserted: 'VARCHAR',
                     dosageInstruction: 'STRUCT(text VARCHAR, patientInstruction VARCHAR, timing STRUCT("repeat" STRUCT(timeOfDay VARCHAR[], "when" VARCHAR[])))[]',
                     dosage: 'STRUCT(text VARCHAR, patientInstruction VARCHAR, timing STRUCT("repeat" STRUCT(timeOfDay VARCHAR[], "when" VARCHAR[])))[]',
                     clinicalStatus: 'STRUCT(coding STRUCT(code VARCHAR)[])',
                     verificationStatus: 'STRUCT(coding STRUCT(code VARCHAR)[])',
                     valueQuantity: 'STRUCT(value DOUBLE, comparator VARCHAR, unit VARCHAR, code VARCHAR)'})
  WHERE resourceType IN ('Patient', 'Medication', 'MedicationRequest', 'MedicationStatement', 'Observation', 'Condition')
),
shaped AS (
  SELECT
    resourceType AS type,
    id,
    status,
    deceasedDateTime AS deceased_text,
    coalesce(deceasedBoolean, false) AS deceased_flag,
    -- "The patient of a resource is subject.reference = Patient/ID"
    CASE WHEN starts_with(subject.reference, 'Patient/') AND length(subject.reference) > 8
              AND NOT contains(subject.reference[9:], '/') THEN subject.reference[9:] END AS pid,
    -- "A resource's date is the first 10 characters (YYYY-MM-DD) of: Observation
    -- effectiveDateTime, else effectivePeriod.start, else effectiveInstant, else issued;
    -- MedicationRequest authoredOn; MedicationStatement effectiveDateTime, else
    -- effectivePeriod.start, else dateAsserted."
    CASE resourceType
      WHEN 'Observation' THEN coalesce(nullif(effectiveDateTime, ''), nullif(effectivePeriod.start, ''),
                                       nullif(effectiveInstant, ''), nullif(issued, ''))
      WHEN 'MedicationRequest' THEN nullif(authoredOn, '')
      WHEN 'MedicationStatement' THEN coalesce(nullif(effectiveDateTime, ''), nullif(effectivePeriod.start, ''),
                                               nullif(dateAsserted, ''))
    END AS date_text,
    -- Codings: medicationCodeableConcept (MR, MS) or code (Medication, Observation, Condition).
    coalesce(CASE WHEN resourceType IN ('MedicationRequest', 'MedicationStatement')
                  THEN medicationCodeableConcept.coding ELSE code.coding END, []) AS codings,
    CASE WHEN resourceType IN ('MedicationRequest', 'MedicationStatement')
         THEN medicationCodeableConcept.text ELSE code.text END AS concept_text,
    CASE WHEN medicationCodeableConcept IS NULL
              AND starts_with(medicationReference.reference, 'Medication/') AND length(medicationReference.reference) > 11
              AND NOT contains(medicationReference.reference[12:], '/')
         THEN medicationReference.reference[12:]
    END AS medication_ref,
    -- "A resource has a timing instruction when a dosageInstruction (MR) or dosage (MS) has
    -- timing.repeat.timeOfDay or timing.repeat.when, or its text or patientInstruction,
    -- lower-cased, contains before, after, apart or separat."
    coalesce(list_bool_or(list_transform(
        CASE resourceType WHEN 'MedicationRequest' THEN dosageInstruction WHEN 'MedicationStatement' THEN dosage END,
        lambda x: coalesce(len(x.timing."repeat".timeOfDay), 0) > 0
               OR coalesce(len(x.timing."repeat"."when"), 0) > 0
               OR regexp_matches(lower(coalesce(x.text, '')), 'before|after|apart|separat')
               OR regexp_matches(lower(coalesce(x.patientInstruction, '')), 'before|after|apart|separat'))),
      false) AS has_timing,
    CASE WHEN resourceType = 'Condition' THEN clinicalStatus IS NULL END AS no_clinical_status,
    CASE WHEN resourceType = 'Condition'
         THEN list_transform(coalesce(clinicalStatus.coding, []), lambda c: c.code) END AS clinical_codes,
    CASE WHEN resourceType = 'Condition'
         THEN list_transform(coalesce(verificationStatus.coding, []), lambda c: c.code) END AS verification_codes,
    valueQuantity.value AS qty_value,
    coalesce(valueQuantity.comparator, '') AS qty_comparator,
    coalesce(valueQuantity.unit, valueQuantity.code) AS qty_unit
  FROM lines
)
SELECT
  * EXCLUDE (date_text, deceased_text),
  row_number() OVER () AS rid,
  -- "A partial date (YYYY or YYYY-MM) is taken at its first day."
  TRY_CAST(CASE length(left(date_text, 10))
             WHEN 4 THEN left(date_text, 4) || '-01-01'
             WHEN 7 THEN left(date_text, 7) || '-01'
             ELSE left(date_text, 10)
           END AS DATE) AS day,
  deceased_text IS NOT NULL AS has_deceased_date,
  TRY_CAST(CASE length(left(deceased_text, 10))
             WHEN 4 THEN left(deceased_text, 4) || '-01-01'
             WHEN 7 THEN left(deceased_text, 7) || '-01'
             ELSE left(deceased_text, 10)
           END AS DATE) AS deceased_day
FROM shaped;

-- "A patient exists when a Patient resource names it." "Who is in the population": a patient
-- whose deceasedDateTime is on or before D (or is not a date), or whose deceasedBoolean is true,
-- had died by D and is in no denominator; counted once, by date first.
CREATE OR REPLACE TEMP TABLE all_patients AS
SELECT id AS pid,
       bool_or(has_deceased_date AND (deceased_day IS NULL OR deceased_day <= (SELECT d FROM params))) AS died_by_date,
       bool_or(deceased_flag) AS died_by_flag
FROM res WHERE type = 'Patient' AND id IS NOT NULL AND id <> ''
GROUP BY id;

CREATE OR REPLACE TEMP TABLE patients AS
SELECT pid FROM all_patients WHERE NOT died_by_date AND NOT died_by_flag;

-- Resources of a known patient ("Resources whose subject has no Patient resource ... enter no
-- denominator").
CREATE OR REPLACE TEMP TABLE owned AS
SELECT r.* FROM res r JOIN patients p USING (pid)
WHERE r.type IN ('MedicationRequest', 'MedicationStatement', 'Observation', 'Condition');

-- ------------------------------------------------------------------------------ medicines
-- "each coding of medicationCodeableConcept (or of the referenced Medication's code) is looked
-- up in the code lists (system + code)".
-- What each medicine concept is: a MedicationRequest/MedicationStatement's
-- medicationCodeableConcept, or a Medication's code. "When any coding is in a list, the medicine is
-- in the union of the lists of all its codings. When none is, the text, then each coding's
-- display" names it: the first of them in willis's text table decides (its lists, or none).
CREATE OR REPLACE TEMP TABLE concepts AS
SELECT rid, codings, concept_text FROM res WHERE type IN ('Medication', 'MedicationRequest', 'MedicationStatement');

CREATE OR REPLACE TEMP TABLE concept_coded AS
WITH c AS (SELECT rid, unnest(codings) AS coding FROM concepts)
SELECT DISTINCT c.rid, k.list
FROM c JOIN codes k ON k.system = c.coding.system AND k.code = c.coding.code
WHERE k.system IN ('http://www.nlm.nih.gov/research/umls/rxnorm', 'http://www.whocc.no/atc');

CREATE OR REPLACE TEMP TABLE concept_lists AS
WITH uncoded AS (
  SELECT * FROM concepts WHERE rid NOT IN (SELECT rid FROM concept_coded)
),
candidates AS (
  SELECT rid, unnest(cands) AS t, generate_subscripts(cands, 1) AS i
  FROM (SELECT rid, list_prepend(concept_text, list_transform(codings, lambda x: x.display)) AS cands FROM uncoded)
),
chosen AS (
  SELECT c.rid, arg_min(c.t, c.i) AS t
  FROM candidates c
  WHERE c.t IS NOT NULL AND c.t <> '' AND c.t IN (SELECT text FROM texts)
  GROUP BY c.rid
)
SELECT rid, list FROM concept_coded
UNION ALL
SELECT ch.rid, x.list FROM chosen ch JOIN texts x ON x.text = ch.t WHERE x.list IS NOT NULL;

-- "each coding of medicationCodeableConcept (or of the referenced Medication's code) is looked
-- up in the code lists (system + code)"; "The same Medication id twice: its lists are joined."
CREATE OR REPLACE TEMP TABLE med_lists AS
WITH meds AS (
  SELECT o.rid, o.pid, o.type, o.status, o.day, o.has_timing, o.medication_ref FROM owned o
  WHERE o.type IN ('MedicationRequest', 'MedicationStatement')
),
medication_lists AS (
  SELECT DISTINCT r.id, l.list FROM res r JOIN concept_lists l USING (rid)
  WHERE r.type = 'Medication' AND r.id IS NOT NULL
),
listed AS (
  SELECT m.*, l.list FROM meds m JOIN concept_lists l USING (rid) WHERE m.medication_ref IS NULL
  UNION ALL
  SELECT m.*, ml.list FROM meds m JOIN medication_lists ml ON ml.id = m.medication_ref
)
-- Identical rows of one patient are merged by DISTINCT: harmless, every use below is "exists".
SELECT DISTINCT c.pid, c.type, c.status, c.day, c.has_timing, c.list,
  -- "Active medicine: MedicationRequest with status in {active, on-hold, unknown};
  -- MedicationStatement with status in {active, intended, on-hold, unknown}."
  -- "Dates after D are ignored (not yet happened)": a medicine dated after D is not active.
  ((c.type = 'MedicationRequest' AND c.status IN ('active', 'on-hold', 'unknown'))
   OR (c.type = 'MedicationStatement' AND c.status IN ('active', 'intended', 'on-hold', 'unknown')))
  AND (c.day IS NULL OR c.day <= (SELECT d FROM params)) AS active
FROM listed c;

CREATE OR REPLACE TEMP TABLE active_lists AS
SELECT DISTINCT pid, list FROM med_lists WHERE active;

-- ------------------------------------------------------------------------------ conditions
-- "Active condition: Condition with clinicalStatus.coding[].code in {active, recurrence,
-- relapse} or no clinicalStatus, and verificationStatus.coding[].code not in {refuted,
-- entered-in-error}. Matched by SNOMED CT code against the condition code lists."
CREATE OR REPLACE TEMP TABLE active_conditions AS
WITH coded AS (
  SELECT pid, no_clinical_status, clinical_codes, verification_codes, unnest(codings) AS coding
  FROM owned WHERE type = 'Condition'
)
SELECT DISTINCT c.pid, k.list
FROM coded c
JOIN codes k ON k.system = c.coding.system AND k.code = c.coding.code
WHERE c.coding.system = 'http://snomed.info/sct'
  AND (c.no_clinical_status OR list_has_any(c.clinical_codes, ['active', 'recurrence', 'relapse']))
  AND NOT list_has_any(c.verification_codes, ['refuted', 'entered-in-error']);

-- ------------------------------------------------------------------------------ observations
-- "Usable observation: Observation with status in {final, amended, corrected, preliminary}, a
-- LOINC code in a lab code list, and a date <= D." Units: "ferritin in ng/mL, ug/L or µg/L (all
-- equal); TSAT in %; eGFR in mL/min/{1.73_m2} (any unit string starting mL/min); serum magnesium
-- needs no value. An observation with an unusable unit has no value (still counts as measured)."
CREATE OR REPLACE TEMP TABLE labs AS
WITH coded AS (
  SELECT pid, day, qty_value, qty_comparator, qty_unit, unnest(codings) AS coding
  FROM owned
  WHERE type = 'Observation' AND status IN ('final', 'amended', 'corrected', 'preliminary')
    AND day IS NOT NULL AND day <= (SELECT d FROM params)
)
-- Identical observations of one patient are merged by DISTINCT: harmless for "latest" and "measured".
SELECT DISTINCT c.pid, c.day, k.list AS kind,
  CASE WHEN (k.list = 'ferritin' AND c.qty_unit IN ('ng/mL', 'ug/L', 'µg/L'))
         OR (k.list = 'tsat' AND c.qty_unit = '%')
         OR (k.list = 'egfr' AND starts_with(c.qty_unit, 'mL/min'))
       THEN c.qty_value END AS value,
  c.qty_comparator AS comparator
FROM coded c
JOIN codes k ON k.system = c.coding.system AND k.code = c.coding.code
WHERE c.coding.system = 'http://loinc.org' AND k.list IN ('egfr', 'ferritin', 'tsat', 'serum-magnesium');

-- "Latest: the usable observation with the greatest date; ties -> the lowest value."
-- `within` = 'any' (date <= D) or '12m' (date in [D - 1 year, D]).
CREATE OR REPLACE TEMP TABLE latest AS
WITH scoped AS (
  SELECT 'any' AS within, * FROM labs
  UNION ALL
  SELECT '12m' AS within, * FROM labs WHERE day >= (SELECT y FROM params)
)
-- An observation with no value sorts after one with a value on the same day. arg_min skips rows
-- whose first argument is NULL, so the value travels inside a (never NULL) struct.
SELECT within, pid, kind, latest.value AS value, latest.comparator AS comparator
FROM (
  SELECT within, pid, kind,
         arg_min({'value': value, 'comparator': comparator}, (-epoch(day), coalesce(value, 'Infinity'::DOUBLE), comparator)) AS latest
  FROM scoped GROUP BY ALL
);

-- "a comparator proves a threshold only when the bound does (< v proves "< t" when v <= t and
-- "<= t" when v <= t; <= v proves "< t" when v < t and "<= t" when v <= t; >/>= never prove a
-- value is low)"
CREATE OR REPLACE MACRO proves_lt(v, cmp, t) AS
  CASE WHEN v IS NULL THEN false
       WHEN cmp = '' THEN v < t
       WHEN cmp = '<' THEN v <= t
       WHEN cmp = '<=' THEN v < t
       ELSE false END;
CREATE OR REPLACE MACRO proves_le(v, cmp, t) AS
  CASE WHEN v IS NULL THEN false
       WHEN cmp IN ('', '<', '<=') THEN v <= t
       ELSE false END;

CREATE OR REPLACE TEMP TABLE measured_12m AS
SELECT DISTINCT pid, kind FROM labs WHERE day >= (SELECT y FROM params);

-- ------------------------------------------------------------------------------ indicators
CREATE OR REPLACE TEMP TABLE has AS
SELECT pid, list FROM active_lists
UNION SELECT pid, 'cond:' || list FROM active_conditions;

CREATE OR REPLACE TEMP TABLE cohort AS
WITH
p AS (SELECT pid FROM patients),
f AS (
  SELECT p.pid,
    EXISTS (SELECT 1 FROM has h WHERE h.pid = p.pid AND h.list = 'magnesium') AS mg,
    EXISTS (SELECT 1 FROM has h WHERE h.pid = p.pid AND h.list = 'chelation-partner') AS partner,
    EXISTS (SELECT 1 FROM has h WHERE h.pid = p.pid AND h.list = 'raltegravir') AS ralt,
    EXISTS (SELECT 1 FROM has h WHERE h.pid = p.pid AND h.list = 'iron') AS iron_active,
    EXISTS (SELECT 1 FROM has h WHERE h.pid = p.pid AND h.list = 'rls-exacerbating') AS exacerbating,
    EXISTS (SELECT 1 FROM has h WHERE h.pid = p.pid AND h.list = 'dopamine-agonist') AS agonist,
    EXISTS (SELECT 1 FROM has h WHERE h.pid = p.pid AND h.list = 'loop-or-thiazide') AS diuretic,
    EXISTS (SELECT 1 FROM has h WHERE h.pid = p.pid AND h.list = 'digoxin') AS digoxin,
    EXISTS (SELECT 1 FROM has h WHERE h.pid = p.pid AND h.list = 'cond:rls') AS rls,
    EXISTS (SELECT 1 FROM has h WHERE h.pid = p.pid AND h.list = 'cond:ckd-4-5') AS ckd45,
    -- "an active ppi medicine dated <= D - 1 year (long-term use)"
    EXISTS (SELECT 1 FROM med_lists m WHERE m.pid = p.pid AND m.list = 'ppi' AND m.active
              AND m.day IS NOT NULL AND m.day <= (SELECT y FROM params)) AS ppi_long,
    -- "no timing instruction on any of those active magnesium or partner resources"
    EXISTS (SELECT 1 FROM med_lists m WHERE m.pid = p.pid AND m.active AND m.has_timing
              AND m.list IN ('magnesium', 'chelation-partner')) AS timed,
    -- "no iron MedicationRequest or MedicationStatement (any status but entered-in-error) dated
    -- within 12 months"
    EXISTS (SELECT 1 FROM med_lists m WHERE m.pid = p.pid AND m.list = 'iron'
              AND coalesce(m.status, '') <> 'entered-in-error'
              AND m.day BETWEEN (SELECT y FROM params) AND (SELECT d FROM params)) AS iron_12m,
    EXISTS (SELECT 1 FROM latest l WHERE l.pid = p.pid AND l.within = 'any' AND l.kind = 'egfr'
              AND proves_lt(l.value, l.comparator, 30)) AS egfr_below_30,
    EXISTS (SELECT 1 FROM latest l WHERE l.pid = p.pid AND l.within = '12m' AND l.kind = 'ferritin'
              AND proves_le(l.value, l.comparator, 75)) AS ferritin_low,
    EXISTS (SELECT 1 FROM latest l WHERE l.pid = p.pid AND l.within = '12m' AND l.kind = 'tsat'
              AND proves_lt(l.value, l.comparator, 20)) AS tsat_low,
    EXISTS (SELECT 1 FROM measured_12m x WHERE x.pid = p.pid AND x.kind = 'ferritin') AS ferritin_12m,
    EXISTS (SELECT 1 FROM measured_12m x WHERE x.pid = p.pid AND x.kind = 'serum-magnesium') AS mg_lab_12m
  FROM p
)
SELECT * FROM (
  SELECT 1 AS ord, 'mg-egfr-below-30' AS indicator, pid, (egfr_below_30 OR ckd45) AS flagged FROM f WHERE mg
  UNION ALL SELECT 2, 'mg-chelator-no-timing', pid, NOT timed FROM f WHERE mg AND partner
  UNION ALL SELECT 3, 'raltegravir-with-mg', pid, mg FROM f WHERE ralt
  UNION ALL SELECT 4, 'rls-no-ferritin-12m', pid, NOT ferritin_12m FROM f WHERE rls
  UNION ALL SELECT 5, 'rls-low-iron-untreated', pid, (ferritin_low OR tsat_low) AND NOT iron_active AND NOT iron_12m FROM f WHERE rls
  UNION ALL SELECT 6, 'rls-exacerbating-medicine', pid, exacerbating FROM f WHERE rls
  UNION ALL SELECT 7, 'rls-dopamine-agonist', pid, agonist FROM f WHERE rls
  UNION ALL SELECT 8, 'ppi-1y-no-mg-12m', pid, NOT mg_lab_12m FROM f WHERE ppi_long
  UNION ALL SELECT 9, 'diuretic-digoxin-no-mg-12m', pid, NOT mg_lab_12m FROM f WHERE diuretic AND digoxin
);

CREATE OR REPLACE TEMP TABLE summary AS
WITH ids(ord, indicator) AS (VALUES
  (1, 'mg-egfr-below-30'), (2, 'mg-chelator-no-timing'), (3, 'raltegravir-with-mg'),
  (4, 'rls-no-ferritin-12m'), (5, 'rls-low-iron-untreated'), (6, 'rls-exacerbating-medicine'),
  (7, 'rls-dopamine-agonist'), (8, 'ppi-1y-no-mg-12m'), (9, 'diuretic-digoxin-no-mg-12m'))
SELECT ids.ord, ids.indicator,
       count(c.pid) AS denominator,
       count(c.pid) FILTER (WHERE c.flagged) AS numerator
FROM ids LEFT JOIN cohort c USING (ord, indicator)
GROUP BY ALL ORDER BY ids.ord;

-- "one line per flagged (patient, indicator), sorted by patient id (byte order) then indicator order"
CREATE OR REPLACE TEMP TABLE flagged AS
SELECT pid AS patient, indicator FROM cohort WHERE flagged
ORDER BY CAST(pid AS BLOB), ord;
