// tools/gen_bulk_export.cc: a seeded, deterministic synthetic FHIR R4 Bulk Data export ($export
// NDJSON) for `willis audit` (issue 6) and its independent DuckDB check (tests/duckdb/).
//
//   willis_gen_bulk_export OUT_DIR (--patients N | --target-bytes SIZE) [--seed S] [--gzip]
//                          [--bad-lines RATE] [--as-of YYYY-MM-DD] [--quiet]
//
// Writes Patient, MedicationRequest, MedicationStatement, Observation, Condition, Medication and
// Encounter (a type willis skips) as OUT_DIR/<Type>.ndjson (or .ndjson.gz). The same arguments
// give byte-identical files on any machine: one splitmix64 stream per patient, no std
// distributions, no floating-point formatting, no clock. `--target-bytes 2G` keeps adding
// patients until the uncompressed size reaches 2 GiB (K/M/G are powers of 1024); with both
// options, both must be reached. `--bad-lines RATE` inserts, after a good line with that
// probability, one line of each kind docs/audit.md counts as an error (and blank lines, which are
// ignored), drawn from a separate stream: the good lines do not change.
//
// Every patient draws a mixture that reaches every indicator of docs/audit.md, on both sides of
// each threshold and window: eGFR 29/30/31 and "<30", "<=30", ">90", "<15"; ferritin 75/76 in
// ng/mL, ug/L and µg/L; TSAT 19/20; dates on the 12-month edge, after --as-of, partial and missing;
// stopped / completed / entered-in-error medicines; resolved / refuted conditions; medicines coded
// by ingredient, by product (RxNorm SCD/SBD, mapped to ingredients), through medicationReference
// to Medication.ndjson, or not at all (unrelated ones only); timing instructions present or not;
// unrelated medicines, conditions and labs; and orphan resources (a subject with no Patient).
// Every medicine that matters to an indicator is coded (the DuckDB engine matches codes only).
//
// The generator must not read kb/ at run time: the codes are copied here, each table naming
// where it came from. Displays of RxNorm products are written to look like RxNorm names; only
// the codes matter to either engine.
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace {

// ============================================================================ randomness

/// splitmix64 (Steele, Lea, Flood 2014): tiny, fast, and the same on every platform.
struct Rng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, n).
  std::uint32_t below(std::uint32_t n) {
    return static_cast<std::uint32_t>(((next() >> 32) * n) >> 32);
  }
  /// Uniform in [lo, hi].
  int range(int lo, int hi) {
    return lo + static_cast<int>(below(static_cast<std::uint32_t>(hi - lo + 1)));
  }
  /// True with probability permille / 1000 (integers only: no floating point anywhere).
  bool chance(int permille) { return below(1000) < static_cast<std::uint32_t>(permille); }
  template <typename T, std::size_t N>
  const T& pick(const std::array<T, N>& items) {
    return items[below(N)];
  }
};

std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  Rng r{a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull)};
  r.next();
  return r.next();
}

/// Picks an index by integer weights.
template <std::size_t N>
std::size_t weighted(Rng& rng, const std::array<int, N>& weights) {
  int total = 0;
  for (int w : weights) total += w;
  int x = static_cast<int>(rng.below(static_cast<std::uint32_t>(total)));
  for (std::size_t i = 0; i < N; ++i) {
    if (x < weights[i]) return i;
    x -= weights[i];
  }
  return N - 1;
}

// ============================================================================ dates

// Days since 1970-01-01 <-> civil date (H. Hinnant's algorithms).
int days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}
struct Civil {
  int y, m, d;
};
Civil civil_from_days(int z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const int doe = z - era * 146097;
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = yoe + era * 400;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  const int d = doy - (153 * mp + 2) / 5 + 1;
  const int m = mp + (mp < 10 ? 3 : -9);
  return {y + (m <= 2), m, d};
}
/// The same calendar day a year earlier; 29 February -> 28 February (docs/audit.md, "Dates").
int one_year_before(int day) {
  Civil c = civil_from_days(day);
  if (c.m == 2 && c.d == 29) c.d = 28;
  return days_from_civil(c.y - 1, c.m, c.d);
}

// ============================================================================ output

/// One output file: a large in-memory buffer flushed to stdio or zlib.
class Sink {
 public:
  bool open(const std::string& path, bool gzip) {
    path_ = path;
    if (gzip) {
      gz_ = gzopen(path.c_str(), "wb1");  // level 1: the benchmark cares about speed, not size
      if (gz_ == nullptr) return false;
      gzbuffer(gz_, 1 << 20);
    } else {
      file_ = std::fopen(path.c_str(), "wb");
      if (file_ == nullptr) return false;
    }
    buf.reserve(kFlushAt + (1 << 20));
    return true;
  }
  /// Ends the current line; flushes when the buffer is full.
  void end_line() {
    buf.push_back('\n');
    ++lines;
    if (buf.size() >= kFlushAt) flush();
  }
  bool flush() {
    bytes += buf.size();
    bool ok = true;
    if (!buf.empty()) {
      if (gz_ != nullptr)
        ok = gzwrite(gz_, buf.data(), static_cast<unsigned>(buf.size())) ==
             static_cast<int>(buf.size());
      else
        ok = std::fwrite(buf.data(), 1, buf.size(), file_) == buf.size();
    }
    if (!ok) {
      std::fprintf(stderr, "willis_gen_bulk_export: cannot write %s\n", path_.c_str());
      std::exit(1);
    }
    buf.clear();
    return ok;
  }
  bool close() {
    flush();
    if (gz_ != nullptr) return gzclose(gz_) == Z_OK;
    if (file_ != nullptr) return std::fclose(file_) == 0;
    return true;
  }
  /// Uncompressed bytes written so far, buffered ones included.
  std::uint64_t size() const { return bytes + buf.size(); }

  std::string buf;
  std::uint64_t bytes = 0;
  std::uint64_t lines = 0;

 private:
  static constexpr std::size_t kFlushAt = 4u << 20;
  std::string path_;
  std::FILE* file_ = nullptr;
  gzFile gz_ = nullptr;
};

enum FileId {
  kPatient,
  kMedicationRequest,
  kMedicationStatement,
  kObservation,
  kCondition,
  kMedication,
  kEncounter,
  kFiles
};
constexpr std::array<const char*, kFiles> kFileNames = {
    "Patient",    "MedicationRequest", "MedicationStatement", "Observation", "Condition",
    "Medication", "Encounter"};

// ---------------------------------------------------------------- small formatters

void put(std::string& out, std::string_view s) {
  out.append(s);
}

void put_uint(std::string& out, std::uint64_t v) {
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) out.push_back(tmp[--n]);
}
void put_int(std::string& out, long v) {
  if (v < 0) {
    out.push_back('-');
    put_uint(out, static_cast<std::uint64_t>(-v));
  } else {
    put_uint(out, static_cast<std::uint64_t>(v));
  }
}
void put2(std::string& out, int v) {
  out.push_back(static_cast<char>('0' + v / 10));
  out.push_back(static_cast<char>('0' + v % 10));
}
/// A decimal with `places` digits after the point: put_fixed(out, 753, 1) -> "75.3".
void put_fixed(std::string& out, long scaled, int places) {
  if (places == 0) {
    put_int(out, scaled);
    return;
  }
  long div = 1;
  for (int i = 0; i < places; ++i) div *= 10;
  if (scaled < 0) {
    out.push_back('-');
    scaled = -scaled;
  }
  put_int(out, scaled / div);
  out.push_back('.');
  long frac = scaled % div;
  for (long d = div / 10; d > 0; d /= 10) {
    out.push_back(static_cast<char>('0' + frac / d));
    frac %= d;
  }
}

struct Uuid {
  std::uint64_t hi, lo;
};
Uuid new_uuid(Rng& rng) {
  Uuid u{rng.next(), rng.next()};
  u.hi = (u.hi & ~0xF000ull) | 0x4000ull;        // version 4
  u.lo = (u.lo & ~(3ull << 62)) | (2ull << 62);  // RFC 4122 variant
  return u;
}
void put_uuid(std::string& out, const Uuid& u) {
  static constexpr char kHex[] = "0123456789abcdef";
  char s[36];
  int pos = 0;
  for (int i = 15; i >= 0; --i) {
    if (i == 7 || i == 3) s[pos++] = '-';
    s[pos++] = kHex[(u.hi >> (i * 4)) & 15];
  }
  s[pos++] = '-';
  for (int i = 15; i >= 0; --i) {
    if (i == 11) s[pos++] = '-';
    s[pos++] = kHex[(u.lo >> (i * 4)) & 15];
  }
  out.append(s, 36);
}

void put_date(std::string& out, int day) {
  const Civil c = civil_from_days(day);
  put_uint(out, static_cast<std::uint64_t>(c.y));
  out.push_back('-');
  put2(out, c.m);
  out.push_back('-');
  put2(out, c.d);
}

/// How a date is written. The date docs/audit.md reads is always the first 10 characters, so the
/// time and zone never change the day (a late evening with -05:00 stays on its own day).
enum class DateForm { date_time, date_only, instant, year_month, year };
void put_when(std::string& out, Rng& rng, int day, DateForm form) {
  const Civil c = civil_from_days(day);
  switch (form) {
    case DateForm::year:
      put_uint(out, static_cast<std::uint64_t>(c.y));
      return;
    case DateForm::year_month:
      put_uint(out, static_cast<std::uint64_t>(c.y));
      out.push_back('-');
      put2(out, c.m);
      return;
    case DateForm::date_only:
      put_date(out, day);
      return;
    case DateForm::date_time:
    case DateForm::instant:
      break;
  }
  put_date(out, day);
  out.push_back('T');
  // The window edges get times near midnight on purpose.
  const int minute_of_day = rng.chance(200)
                                ? (rng.chance(500) ? rng.range(0, 10) : rng.range(1430, 1439))
                                : rng.range(0, 1439);
  put2(out, minute_of_day / 60);
  out.push_back(':');
  put2(out, minute_of_day % 60);
  out.push_back(':');
  put2(out, rng.range(0, 59));
  if (form == DateForm::instant) {
    put(out, ".");
    put_uint(out, 100 + rng.below(900));
    put(out, "Z");
    return;
  }
  static constexpr std::array<std::string_view, 5> kZones = {"+00:00", "-05:00", "+01:00", "-04:00",
                                                             "+10:00"};
  put(out, rng.pick(kZones));
}

// ============================================================================ codes
//
// System URIs (FHIR R4 terminology; the same strings as src/codec/fhir_profile.cc).
constexpr std::string_view kRxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
constexpr std::string_view kSnomed = "http://snomed.info/sct";
constexpr std::string_view kLoinc = "http://loinc.org";
constexpr std::string_view kUcum = "http://unitsofmeasure.org";

/// A medicine: its RxNorm ingredient code and, where one is listed, a product (SCD/SBD) whose
/// ingredients include it, so the product -> ingredient mapping is exercised.
struct Drug {
  std::string_view code;
  std::string_view name;
  std::string_view product_code;  // empty: none
  std::string_view product_name;
};

// Magnesium salt ingredients: kb/salts.yaml `forms[].rxnorm` (oxide 6582, hydroxide 6581,
// carbonate 29155, chloride 6579, sulfate 6585, citrate 52356, glycinate 476818, lactate 214688,
// gluconate 52358, aspartate 142131). Products: src/codec/rxnorm_table.cc (RxTerms 202304), e.g.
// 311430 -> magnesium oxide; 243463 -> aluminum hydroxide + magnesium hydroxide; 205233 -> calcium
// carbonate + magnesium hydroxide; 410995 -> magnesium citrate; 1658221 -> magnesium sulfate.
constexpr std::array<Drug, 10> kMagnesium = {{
    {"6582", "magnesium oxide", "311430", "magnesium oxide 400 MG Oral Tablet"},
    {"6581", "magnesium hydroxide", "243463",
     "aluminum hydroxide 40 MG/ML / magnesium hydroxide 40 MG/ML Oral Suspension"},
    {"6581", "magnesium hydroxide", "205233",
     "calcium carbonate 550 MG / magnesium hydroxide 100 MG Chewable Tablet"},
    {"6579", "magnesium chloride", "206344",
     "magnesium chloride 64 MG Delayed Release Oral Tablet"},
    {"6585", "magnesium sulfate", "1658221", "magnesium sulfate 500 MG/ML Injectable Solution"},
    {"52356", "magnesium citrate", "410995", "magnesium citrate 58 MG/ML Oral Solution"},
    {"476818", "magnesium glycinate", "", ""},
    {"214688", "magnesium lactate", "", ""},
    {"52358", "magnesium gluconate", "", ""},
    {"29155", "magnesium carbonate", "", ""},
}};
// Chelation partners: kb/interactions.yaml entries of kind `interaction`, action `separate`;
// ingredient codes from kb/medicines.yaml `rxnorm`; products from src/codec/rxnorm_table.cc.
constexpr std::array<Drug, 10> kPartner = {{
    {"2551", "ciprofloxacin", "309309", "ciprofloxacin 500 MG Oral Tablet"},
    {"82122", "levofloxacin", "", ""},
    {"3640", "doxycycline", "310026", "doxycycline hyclate 100 MG Oral Capsule"},
    {"10582", "levothyroxine", "1923047", "levothyroxine sodium 0.025 MG Oral Tablet"},
    {"46041", "alendronate", "", ""},
    {"1433868", "dolutegravir", "", ""},
    {"711942", "eltrombopag", "", ""},
    {"25480", "gabapentin", "", ""},
    {"301542", "rosuvastatin", "", ""},
    {"7454", "nitrofurantoin", "", ""},
}};
// kb/medicines.yaml raltegravir rxnorm 719872; products 744842, 1486838 (rxnorm_table.cc).
constexpr std::array<Drug, 3> kRaltegravir = {{
    {"719872", "raltegravir", "744842", "raltegravir 400 MG Oral Tablet [Isentress]"},
    {"719872", "raltegravir", "1486838", "raltegravir 600 MG Oral Tablet"},
    {"719872", "raltegravir", "", ""},
}};
// kb/medicines.yaml classes oral-iron / iv-iron; ferrous sulfate products 310325 (rxnorm_table.cc).
constexpr std::array<Drug, 5> kIron = {{
    {"24947", "ferrous sulfate", "310325", "ferrous sulfate 325 MG Oral Tablet"},
    {"24941", "ferrous fumarate", "", ""},
    {"24942", "ferrous gluconate", "", ""},
    {"1433693", "ferric carboxymaltose", "", ""},
    {"24909", "iron sucrose", "", ""},
}};
// kb/medicines.yaml classes sedating-antihistamine, ssri, snri, dopamine-antagonist, antipsychotic,
// and mirtazapine (docs/audit.md `rls-exacerbating`); products 312940, 311725 (rxnorm_table.cc).
constexpr std::array<Drug, 12> kExacerbating = {{
    {"3498", "diphenhydramine", "", ""},
    {"2400", "chlorpheniramine", "", ""},
    {"8745", "promethazine", "", ""},
    {"36437", "sertraline", "312940", "sertraline 25 MG Oral Tablet"},
    {"4493", "fluoxetine", "", ""},
    {"2556", "citalopram", "", ""},
    {"39786", "venlafaxine", "", ""},
    {"72625", "duloxetine", "", ""},
    {"15996", "mirtazapine", "311725", "mirtazapine 15 MG Oral Tablet"},
    {"6915", "metoclopramide", "", ""},
    {"51272", "quetiapine", "", ""},
    {"5093", "haloperidol", "", ""},
}};
// kb/medicines.yaml class dopamine-agonist; ropinirole product 312845 (rxnorm_table.cc).
constexpr std::array<Drug, 4> kDopamineAgonist = {{
    {"746741", "pramipexole", "", ""},
    {"72302", "ropinirole", "312845", "ropinirole 0.25 MG Oral Tablet"},
    {"616739", "rotigotine", "", ""},
    {"47579", "cabergoline", "", ""},
}};
// kb/medicines.yaml class ppi; products 198051, 314200 (rxnorm_table.cc).
constexpr std::array<Drug, 5> kPpi = {{
    {"7646", "omeprazole", "198051", "omeprazole 20 MG Delayed Release Oral Capsule"},
    {"40790", "pantoprazole", "314200", "pantoprazole 40 MG Delayed Release Oral Tablet"},
    {"283742", "esomeprazole", "", ""},
    {"17128", "lansoprazole", "", ""},
    {"114979", "rabeprazole", "", ""},
}};
// kb/medicines.yaml classes loop-diuretic, thiazide-diuretic; products 310429 (furosemide),
// 310798 (hydrochlorothiazide), 197885 (hydrochlorothiazide + lisinopril) from rxnorm_table.cc.
constexpr std::array<Drug, 8> kDiuretic = {{
    {"4603", "furosemide", "310429", "furosemide 20 MG Oral Tablet"},
    {"1808", "bumetanide", "", ""},
    {"38413", "torsemide", "", ""},
    {"5487", "hydrochlorothiazide", "310798", "hydrochlorothiazide 25 MG Oral Tablet"},
    {"5487", "hydrochlorothiazide", "197885",
     "hydrochlorothiazide 12.5 MG / lisinopril 10 MG Oral Tablet"},
    {"2409", "chlorthalidone", "", ""},
    {"5764", "indapamide", "", ""},
    {"1369", "bendroflumethiazide", "", ""},
}};
// kb/medicines.yaml digoxin 3407 (class cardiac-glycoside); product 197604 (rxnorm_table.cc).
constexpr std::array<Drug, 2> kDigoxin = {{
    {"3407", "digoxin", "197604", "digoxin 0.125 MG Oral Tablet"},
    {"3407", "digoxin", "", ""},
}};
// Unrelated medicines (no list): Synthea's common RxNorm products, and KB medicines that are in no
// audit list (spironolactone 9997 and its product 104232; acetaminophen 161). Near misses on
// purpose.
constexpr std::array<Drug, 9> kNoiseDrugs = {{
    {"314076", "lisinopril 10 MG Oral Tablet", "", ""},
    {"259255", "atorvastatin 80 MG Oral Tablet", "", ""},
    {"860975", "24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet", "", ""},
    {"197361", "amlodipine 5 MG Oral Tablet", "", ""},
    {"313782", "acetaminophen 325 MG Oral Tablet", "", ""},
    {"9997", "spironolactone", "104232", "spironolactone 25 MG Oral Tablet"},
    {"161", "acetaminophen", "", ""},
    {"310965", "ibuprofen 200 MG Oral Tablet", "", ""},
    {"849574", "naproxen sodium 220 MG Oral Tablet", "", ""},
}};
// Unrelated medicines written as text only (no coding): willis reports them as unrecognised.
constexpr std::array<std::string_view, 4> kUncodedNoise = {
    "Glucosamine 500 mg tablets", "Evening primrose oil capsules", "Aqueous cream",
    "Emollient bath additive"};

struct Code {
  std::string_view code;
  std::string_view display;
};
// SNOMED CT: kb/conditions.yaml restless-legs-syndrome 32914008; severe-renal-impairment
// 431857002 (CKD stage 4), 46177005 (end-stage renal disease); 433146000 (CKD stage 5) from the
// SNOMED extras in src/codec/fhir_profile.cc / docs/fhir.md.
constexpr Code kRls = {"32914008", "Restless legs syndrome (disorder)"};
constexpr std::array<Code, 3> kCkd45 = {{
    {"431857002", "Chronic kidney disease stage 4 (disorder)"},
    {"46177005", "End-stage renal disease (disorder)"},
    {"433146000", "Chronic kidney disease stage 5 (disorder)"},
}};
// Unrelated conditions, with near misses: CKD stage 3 433144002 (kb chronic-kidney-disease), iron
// deficiency anaemia 87522002, nocturnal leg cramps 449918009 (kb/conditions.yaml); Synthea's
// common ones.
constexpr std::array<Code, 8> kNoiseConditions = {{
    {"433144002", "Chronic kidney disease stage 3 (disorder)"},
    {"87522002", "Iron deficiency anemia (disorder)"},
    {"449918009", "Nocturnal leg cramps (finding)"},
    {"44054006", "Diabetes mellitus type 2 (disorder)"},
    {"59621000", "Essential hypertension (disorder)"},
    {"55822004", "Hyperlipidemia (disorder)"},
    {"195662009", "Acute viral pharyngitis (disorder)"},
    {"10509002", "Acute bronchitis (disorder)"},
}};

// LOINC: docs/audit.md / docs/fhir.md and src/codec/fhir_profile.cc `kLoincCodes`
// (lab_kind_of_loinc).
enum class Lab { egfr, ferritin, tsat, magnesium };
constexpr std::array<Code, 5> kEgfrCodes = {{
    {"33914-3",
     "Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum or Plasma by "
     "Creatinine-based formula (MDRD)"},
    {"62238-1",
     "Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum, Plasma or Blood "
     "by Creatinine-based formula (CKD-EPI)"},
    {"98979-8",
     "Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum, Plasma or Blood "
     "by Creatinine-based formula (CKD-EPI 2021)"},
    {"48642-3",
     "Glomerular filtration rate/1.73 sq M.predicted among non-blacks [Volume Rate/Area] in Serum, "
     "Plasma or Blood by Creatinine-based formula (MDRD)"},
    {"69405-9",
     "Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum, Plasma or Blood"},
}};
constexpr Code kFerritin = {"2276-4", "Ferritin [Mass/volume] in Serum or Plasma"};
constexpr Code kTsat = {"2502-3", "Iron saturation [Mass Fraction] in Serum or Plasma"};
constexpr std::array<Code, 2> kMagnesiumLab = {{
    {"19123-9", "Magnesium [Mass/volume] in Serum or Plasma"},
    {"2601-3", "Magnesium [Moles/volume] in Serum or Plasma"},
}};
// Unrelated labs and vitals (Synthea's), with a near miss: Cockcroft-Gault creatinine clearance
// 35591-7, deliberately not an eGFR (docs/fhir.md).
struct NoiseLab {
  std::string_view code, display, unit, category;
  int lo, hi, places;
};
constexpr std::array<NoiseLab, 8> kNoiseLabs = {{
    {"35591-7", "Creatinine renal clearance predicted by Cockcroft-Gault formula", "mL/min",
     "laboratory", 150, 1100, 1},
    {"2160-0", "Creatinine [Mass/volume] in Serum or Plasma", "mg/dL", "laboratory", 50, 300, 2},
    {"2345-7", "Glucose [Mass/volume] in Serum or Plasma", "mg/dL", "laboratory", 650, 1800, 1},
    {"718-7", "Hemoglobin [Mass/volume] in Blood", "g/dL", "laboratory", 95, 175, 1},
    {"2093-3", "Cholesterol [Mass/volume] in Serum or Plasma", "mg/dL", "laboratory", 1400, 2800,
     1},
    {"8480-6", "Systolic blood pressure", "mm[Hg]", "vital-signs", 100, 170, 0},
    {"29463-7", "Body weight", "kg", "vital-signs", 450, 1300, 1},
    {"8867-4", "Heart rate", "/min", "vital-signs", 55, 110, 0},
}};

constexpr std::array<std::string_view, 12> kGiven = {"Ann",    "Bob",   "Carys",  "Dafydd",
                                                     "Eilidh", "Farah", "Gwen",   "Hamish",
                                                     "Iona",   "Jamal", "Kirsty", "Leon"};
constexpr std::array<std::string_view, 10> kFamily = {
    "Jones", "Evans", "Patel", "MacLeod", "Okafor", "Williams", "Nowak", "Smith", "Kaur", "Davies"};
constexpr std::array<std::string_view, 6> kCities = {"Leeds",   "Cardiff", "Glasgow",
                                                     "Bristol", "Norwich", "Derry"};

// ============================================================================ the generator

struct Options {
  std::string out_dir;
  std::uint64_t patients = 0;
  std::uint64_t target_bytes = 0;
  std::uint64_t seed = 1;
  bool gzip = false;
  int bad_permille_x10 = 0;  // bad-line rate in units of 1/10000
  int as_of = 0;             // days since epoch
  bool quiet = false;
};

class Generator {
 public:
  Generator(const Options& options, std::array<Sink, kFiles>& sinks)
      : opt_(options),
        sinks_(sinks),
        year_before_(one_year_before(options.as_of)),
        bad_{mix(options.seed, 0xBAD11E5ull)} {}

  void patient(std::uint64_t index) {
    Rng rng{mix(opt_.seed, index + 1)};
    rng_ = &rng;
    pid_ = new_uuid(rng);
    const bool write_patient = !rng.chance(5);  // 0.5 %: every resource of this person is an orphan
    if (write_patient) write_patient_resource(index);
    encounter_ = new_uuid(rng);
    const int encounters = rng.range(1, 4);
    for (int i = 0; i < encounters; ++i) write_encounter();

    // Background: unrelated conditions, medicines and labs.
    for (int i = rng.range(1, 4); i > 0; --i) write_condition(rng.pick(kNoiseConditions));
    for (int i = rng.range(1, 4); i > 0; --i) {
      if (rng.chance(100))
        write_uncoded_medicine(rng.pick(kUncodedNoise));
      else
        write_medicine(rng.pick(kNoiseDrugs));
    }
    for (int i = rng.range(2, 6); i > 0; --i) write_noise_lab(rng.pick(kNoiseLabs));

    // Indicator 1-3: magnesium, kidneys, chelation partners, raltegravir.
    const bool magnesium = rng.chance(300);
    if (magnesium)
      for (int i = rng.chance(300) ? 2 : 1; i > 0; --i) write_medicine(rng.pick(kMagnesium));
    if (rng.chance(250))
      for (int i = rng.chance(200) ? 2 : 1; i > 0; --i) write_medicine(rng.pick(kPartner));
    if (rng.chance(50)) {
      write_medicine(rng.pick(kRaltegravir));
      if (rng.chance(500)) write_medicine(rng.pick(kMagnesium));
    }
    if (rng.chance(magnesium ? 850 : 350)) write_labs(Lab::egfr, rng.range(1, 4));
    if (rng.chance(magnesium ? 90 : 40)) write_condition(rng.pick(kCkd45));

    // Indicators 4-7: restless legs.
    const bool rls = rng.chance(250);
    if (rls) {
      write_condition(kRls);
      if (rng.chance(100)) write_condition(kRls);  // a second RLS entry, its own statuses
      const int ferritins = static_cast<int>(weighted(rng, std::array<int, 4>{30, 40, 20, 10}));
      write_labs(Lab::ferritin, ferritins);
      write_labs(Lab::tsat, static_cast<int>(weighted(rng, std::array<int, 3>{50, 35, 15})));
      if (rng.chance(350))
        for (int i = rng.chance(250) ? 2 : 1; i > 0; --i) write_medicine(rng.pick(kIron));
      if (rng.chance(300)) write_medicine(rng.pick(kExacerbating));
      if (rng.chance(300)) write_medicine(rng.pick(kDopamineAgonist));
    } else {
      if (rng.chance(100)) write_labs(Lab::ferritin, rng.range(1, 2));
      if (rng.chance(50)) write_medicine(rng.pick(kIron));
      if (rng.chance(150)) write_medicine(rng.pick(kExacerbating));
      if (rng.chance(30)) write_medicine(rng.pick(kDopamineAgonist));
    }

    // Indicators 8-9: PPIs, diuretics with digoxin, serum magnesium.
    if (rng.chance(220))
      for (int i = rng.chance(250) ? 2 : 1; i > 0; --i)
        write_medicine(rng.pick(kPpi), /*long_term_bias=*/true);
    const bool diuretic = rng.chance(200);
    if (diuretic)
      for (int i = rng.chance(200) ? 2 : 1; i > 0; --i) write_medicine(rng.pick(kDiuretic));
    if (rng.chance(diuretic ? 450 : 40)) write_medicine(rng.pick(kDigoxin));
    if (rng.chance(450)) write_labs(Lab::magnesium, rng.range(1, 2));

    // Orphans: resources whose subject names no Patient resource.
    if (rng.chance(20)) {
      pid_ = new_uuid(rng);
      write_medicine(rng.pick(kMagnesium));
      write_condition(kRls);
      write_labs(Lab::ferritin, 1);
      if (rng.chance(500)) write_medicine(rng.pick(kRaltegravir));
    }
    rng_ = nullptr;
  }

  std::uint64_t total_bytes() const {
    std::uint64_t total = 0;
    for (const auto& sink : sinks_) total += sink.size();
    return total;
  }

 private:
  // ------------------------------------------------------------ resource pieces

  Sink& begin(FileId file) { return sinks_[file]; }
  void end(FileId file) {
    sinks_[file].end_line();
    maybe_bad_line(file);
  }

  void put_meta(std::string& out, std::string_view profile) {
    put(out, R"("meta":{"versionId":"1","lastUpdated":")");
    put_when(out, *rng_, opt_.as_of - static_cast<int>(rng_->below(30)), DateForm::instant);
    put(out,
        R"(","source":"#willis-gen","profile":["http://hl7.org/fhir/us/core/StructureDefinition/)");
    put(out, profile);
    put(out, R"("]})");
  }
  void put_narrative(std::string& out, std::string_view text) {
    put(out, R"("text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">)");
    put(out, text);
    put(out, R"(</div>"})");
  }
  void put_subject(std::string& out) {
    put(out, R"("subject":{"reference":"Patient/)");
    put_uuid(out, pid_);
    put(out, R"("},"encounter":{"reference":"Encounter/)");
    put_uuid(out, encounter_);
    put(out, R"("})");
  }
  void put_coding(std::string& out, std::string_view system, std::string_view code,
                  std::string_view display) {
    put(out, R"({"system":")");
    put(out, system);
    put(out, R"(","code":")");
    put(out, code);
    put(out, R"(","display":")");
    put(out, display);
    put(out, R"("})");
  }

  /// A day relative to --as-of for medicines and labs: mostly the last three years, with the
  /// 12-month edges (D - 1 year - 1, D - 1 year, D - 1 year + 1, D), a few after D, old ones.
  int pick_day(bool long_term_bias) {
    Rng& rng = *rng_;
    const int d = opt_.as_of;
    const int y = year_before_;
    switch (weighted(rng, std::array<int, 7>{long_term_bias ? 25 : 50, long_term_bias ? 45 : 15, 3,
                                             3, 3, 3, 4})) {
      case 0:
        return d - rng.range(0, 3 * 365);
      case 1:
        return d - rng.range(365, 10 * 365);
      case 2:
        return y - 1;
      case 3:
        return y;
      case 4:
        return y + 1;
      case 5:
        return d;
      default:
        return d + rng.range(1, 90);
    }
  }
  /// How a date field is written: mostly a dateTime, sometimes a date, rarely partial.
  DateForm pick_form() {
    switch (weighted(*rng_, std::array<int, 4>{80, 12, 4, 4})) {
      case 0:
        return DateForm::date_time;
      case 1:
        return DateForm::date_only;
      case 2:
        return DateForm::year_month;
      default:
        return DateForm::year;
    }
  }

  void write_patient_resource(std::uint64_t index) {
    Rng& rng = *rng_;
    std::string& out = begin(kPatient).buf;
    const bool female = rng.chance(520);
    const std::string_view given = rng.pick(kGiven);
    const std::string_view family = rng.pick(kFamily);
    put(out, R"({"resourceType":"Patient","id":")");
    put_uuid(out, pid_);
    put(out, R"(",)");
    put_meta(out, "us-core-patient");
    put(out,
        R"(,"text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">Generated by willis_gen_bulk_export. Person index: )");
    put_uint(out, index);
    put(out, R"(  Population seed: )");
    put_uint(out, opt_.seed);
    put(out,
        R"(</div>"},"extension":[{"url":"http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex","valueCode":")");
    put(out, female ? "F" : "M");
    put(out,
        R"("}],"identifier":[{"system":"https://github.com/synthetichealth/synthea","value":")");
    put_uuid(out, pid_);
    put(out,
        R"("},{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR","display":"Medical Record Number"}],"text":"Medical Record Number"},"system":"http://hospital.smarthealthit.org","value":")");
    put_uuid(out, new_uuid(rng));
    put(out, R"("}],"name":[{"use":"official","family":")");
    put(out, family);
    put(out, R"(","given":[")");
    put(out, given);
    put(out, R"("],"prefix":[")");
    put(out, female ? "Ms." : "Mr.");
    put(out, R"("]}],"telecom":[{"system":"phone","value":"555-)");
    put_uint(out, 100 + rng.below(900));
    put(out, "-");
    put_uint(out, 1000 + rng.below(9000));
    put(out, R"(","use":"home"}],"gender":")");
    put(out, female ? "female" : "male");
    put(out, R"(","birthDate":")");
    const int birth = opt_.as_of - rng.range(18 * 365, 95 * 365);
    put_when(out, rng, birth, rng.chance(30) ? DateForm::year_month : DateForm::date_only);
    put(out, R"(","address":[{"line":[")");
    put_uint(out, 1 + rng.below(200));
    put(out, R"( High Street"],"city":")");
    put(out, rng.pick(kCities));
    put(out,
        R"~(","country":"GB"}],"maritalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-MaritalStatus","code":"M","display":"Married"}],"text":"Married"},"multipleBirthBoolean":false,"communication":[{"language":{"coding":[{"system":"urn:ietf:bcp:47","code":"en-GB","display":"English (United Kingdom)"}],"text":"English (United Kingdom)"}}]})~");
    end(kPatient);
  }

  void write_encounter() {
    Rng& rng = *rng_;
    std::string& out = begin(kEncounter).buf;
    put(out, R"({"resourceType":"Encounter","id":")");
    put_uuid(out, new_uuid(rng));
    put(out, R"(",)");
    put_meta(out, "us-core-encounter");
    put(out,
        R"(,"identifier":[{"use":"official","system":"https://github.com/synthetichealth/synthea","value":")");
    put_uuid(out, encounter_);
    put(out,
        R"~("}],"status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},"type":[{"coding":[{"system":"http://snomed.info/sct","code":"185349003","display":"Encounter for check up (procedure)"}],"text":"Encounter for check up (procedure)"}],"subject":{"reference":"Patient/)~");
    put_uuid(out, pid_);
    put(out,
        R"("},"participant":[{"type":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"PPRF","display":"primary performer"}],"text":"primary performer"}],"individual":{"reference":"Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999978)");
    put_uint(out, 100 + rng.below(900));
    put(out, R"(","display":"Dr. )");
    put(out, rng.pick(kGiven));
    put(out, " ");
    put(out, rng.pick(kFamily));
    put(out, R"("}}],"period":{"start":")");
    const int day = opt_.as_of - rng.range(0, 5 * 365);
    put_when(out, rng, day, DateForm::date_time);
    put(out, R"(","end":")");
    put_when(out, rng, day, DateForm::date_time);
    put(out, R"("}})");
    end(kEncounter);
  }

  void write_condition(const Code& code) {
    Rng& rng = *rng_;
    std::string& out = begin(kCondition).buf;
    put(out, R"({"resourceType":"Condition","id":")");
    put_uuid(out, new_uuid(rng));
    put(out, R"(",)");
    put_meta(out, "us-core-condition-problems-health-concerns");
    static constexpr std::array<std::string_view, 7> kClinical = {
        "active", "recurrence", "relapse", "", "resolved", "inactive", "remission"};
    const std::string_view clinical =
        kClinical[weighted(rng, std::array<int, 7>{70, 3, 2, 8, 8, 5, 4})];
    if (!clinical.empty()) {
      put(out,
          R"(,"clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":")");
      put(out, clinical);
      put(out, R"("}]})");
    }
    static constexpr std::array<std::string_view, 6> kVerification = {
        "confirmed", "", "unconfirmed", "provisional", "refuted", "entered-in-error"};
    const std::string_view verification =
        kVerification[weighted(rng, std::array<int, 6>{75, 10, 4, 3, 5, 3})];
    if (!verification.empty()) {
      put(out,
          R"(,"verificationStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-ver-status","code":")");
      put(out, verification);
      put(out, R"("}]})");
    }
    put(out,
        R"(,"category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-category","code":"problem-list-item","display":"Problem List Item"}]}],"code":{"coding":[)");
    put_coding(out, kSnomed, code.code, code.display);
    put(out, R"(],"text":")");
    put(out, code.display);
    put(out, R"("},)");
    put_subject(out);
    const int onset = opt_.as_of - rng.range(30, 15 * 365);
    put(out, R"(,"onsetDateTime":")");
    put_when(out, rng, onset, DateForm::date_time);
    put(out, R"(","recordedDate":")");
    put_when(out, rng, onset, DateForm::date_time);
    put(out, R"("})");
    end(kCondition);
  }

  /// A dosage element (MedicationRequest.dosageInstruction / MedicationStatement.dosage). About
  /// half carry a timing instruction in the sense of docs/audit.md (timeOfDay, when, or text with
  /// before/after/apart/separat), some in upper case or as a word that only contains "after".
  void put_dosage(std::string& out) {
    Rng& rng = *rng_;
    static constexpr std::array<std::string_view, 10> kTexts = {
        "Take one tablet daily",                     // no timing
        "Take as directed",                          // no timing
        "One to be taken each day",                  // no timing
        "Take 4 hours apart from antacids or iron",  // apart
        "Take 2 hours BEFORE food",                  // before (upper case)
        "Take after the evening meal",               // after
        "Keep separate from calcium and magnesium",  // separat
        "Take in the afternoon",                     // contains "after"
        "TAKE 4 HOURS APART FROM MAGNESIUM",         // apart (upper case)
        "Take with a full glass of water",           // no timing
    };
    put(out, R"({"sequence":1)");
    const int text_kind = static_cast<int>(
        weighted(rng, std::array<int, 3>{55, 35, 10}));  // text, no text, patientInstruction only
    if (text_kind == 0) {
      put(out, R"(,"text":")");
      put(out, kTexts[weighted(rng, std::array<int, 10>{20, 12, 10, 6, 4, 4, 3, 3, 3, 10})]);
      put(out, R"(")");
    } else if (text_kind == 2) {
      put(out, R"(,"patientInstruction":")");
      put(out, rng.chance(500) ? "Take it separately from indigestion remedies"
                               : "Swallow whole with water");
      put(out, R"(")");
    }
    put(out, R"(,"timing":{"repeat":{"frequency":)");
    put_uint(out, 1 + rng.below(2));
    put(out, R"(,"period":1,"periodUnit":"d")");
    switch (weighted(rng, std::array<int, 4>{70, 12, 10, 8})) {
      case 1:
        put(out, rng.chance(500) ? R"(,"timeOfDay":["08:00:00"])"
                                 : R"(,"timeOfDay":["08:00:00","20:00:00"])");
        break;
      case 2:
        put(out, rng.chance(500) ? R"(,"when":["ACM"])" : R"(,"when":["HS"])");
        break;
      case 3:
        put(out, R"(,"timeOfDay":["21:00:00"],"when":["HS"])");
        break;
      default:
        break;
    }
    put(out,
        R"(}},"asNeededBoolean":false,"doseAndRate":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/dose-rate-type","code":"ordered","display":"Ordered"}]},"doseQuantity":{"value":1,"unit":"tablet","system":"http://unitsofmeasure.org","code":"{tbl}"}}]})");
  }

  /// The medicine part: a codeable concept (ingredient or product code, sometimes a second
  /// coding from another system first), or a reference to a Medication in Medication.ndjson.
  void put_medication(std::string& out, const Drug& drug, std::string_view& display) {
    Rng& rng = *rng_;
    const bool product = !drug.product_code.empty() && rng.chance(450);
    const std::string_view code = product ? drug.product_code : drug.code;
    display = product ? drug.product_name : drug.name;
    const int form = static_cast<int>(weighted(rng, std::array<int, 4>{75, 15, 9, 1}));
    if (form == 1 || form == 3) {
      // medicationReference. 1 in 100 of these point at a Medication that is not in the export.
      const Uuid med = new_uuid(rng);
      put(out, R"("medicationReference":{"reference":"Medication/)");
      put_uuid(out, med);
      put(out, R"("})");
      if (form == 1) write_medication_resource(med, code, display);
      return;
    }
    put(out, R"("medicationCodeableConcept":{"coding":[)");
    if (form == 2) {
      // A local code first: the RxNorm coding is the second one.
      put(out, R"({"system":"https://fhir.example.org/CodeSystem/local-formulary","code":"LF)");
      put_uint(out, 10000 + rng.below(90000));
      put(out, R"(","display":")");
      put(out, display);
      put(out, R"("},)");
    }
    put_coding(out, kRxNorm, code, display);
    put(out, R"(],"text":")");
    put(out, display);
    put(out, R"("})");
  }

  void write_medication_resource(const Uuid& id, std::string_view code, std::string_view display) {
    std::string& out = begin(kMedication).buf;
    put(out, R"({"resourceType":"Medication","id":")");
    put_uuid(out, id);
    put(out, R"(",)");
    put_meta(out, "us-core-medication");
    put(out, R"(,"code":{"coding":[)");
    put_coding(out, kRxNorm, code, display);
    put(out, R"(],"text":")");
    put(out, display);
    put(out, R"("},"status":"active"})");
    end(kMedication);
  }

  void write_medicine(const Drug& drug, bool long_term_bias = false) {
    Rng& rng = *rng_;
    const bool request = rng.chance(600);
    const FileId file = request ? kMedicationRequest : kMedicationStatement;
    std::string& out = begin(file).buf;
    put(out, request ? R"({"resourceType":"MedicationRequest","id":")"
                     : R"({"resourceType":"MedicationStatement","id":")");
    put_uuid(out, new_uuid(rng));
    put(out, R"(",)");
    put_meta(out, request ? "us-core-medicationrequest" : "us-core-medicationstatement");
    put(out, ",");
    put_narrative(out, drug.name);
    put(out, R"(,"status":")");
    if (request) {
      static constexpr std::array<std::string_view, 8> kStatus = {
          "active",    "on-hold",   "unknown",          "stopped",
          "completed", "cancelled", "entered-in-error", "draft"};
      put(out, kStatus[weighted(rng, std::array<int, 8>{62, 5, 3, 10, 10, 3, 4, 3})]);
      put(out,
          R"(","intent":"order","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/medicationrequest-category","code":"community","display":"Community"}],"text":"Community"}],)");
    } else {
      static constexpr std::array<std::string_view, 8> kStatus = {
          "active",    "intended", "on-hold",   "unknown",
          "completed", "stopped",  "not-taken", "entered-in-error"};
      put(out, kStatus[weighted(rng, std::array<int, 8>{58, 5, 4, 3, 10, 10, 5, 5})]);
      put(out, R"(",)");
    }
    std::string_view display;
    put_medication(out, drug, display);
    put(out, ",");
    put_subject(out);
    // Dates: MR authoredOn; MS effectiveDateTime, else effectivePeriod.start, else dateAsserted.
    const bool dated = !rng.chance(50);
    const int day = pick_day(long_term_bias);
    if (request) {
      if (dated) {
        put(out, R"(,"authoredOn":")");
        put_when(out, rng, day, pick_form());
        put(out, R"(")");
      }
      put(out,
          R"(,"requester":{"reference":"Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999974394","display":"Dr. )");
      put(out, rng.pick(kGiven));
      put(out, " ");
      put(out, rng.pick(kFamily));
      put(out, R"("},"dosageInstruction":[)");
    } else {
      if (dated) {
        switch (weighted(rng, std::array<int, 3>{50, 30, 20})) {
          case 0:
            put(out, R"(,"effectiveDateTime":")");
            put_when(out, rng, day, pick_form());
            put(out, R"(")");
            break;
          case 1:
            // The period's end is later and sometimes on the other side of the window edge:
            // docs/audit.md reads its start.
            put(out, R"(,"effectivePeriod":{"start":")");
            put_when(out, rng, day, pick_form());
            if (rng.chance(600)) {
              put(out, R"(","end":")");
              put_when(out, rng, day + rng.range(1, 400), DateForm::date_time);
            }
            put(out, R"("})");
            break;
          default:
            break;
        }
        put(out, R"(,"dateAsserted":")");
        put_when(out, rng, day, DateForm::date_time);
        put(out, R"(")");
      }
      put(out, R"(,"informationSource":{"reference":"Patient/)");
      put_uuid(out, pid_);
      put(out, R"("},"dosage":[)");
    }
    // 5 in 100 have no dosage at all.
    if (!rng.chance(50)) put_dosage(out);
    put(out, "]}");
    end(file);
  }

  void write_uncoded_medicine(std::string_view text) {
    Rng& rng = *rng_;
    std::string& out = begin(kMedicationStatement).buf;
    put(out, R"({"resourceType":"MedicationStatement","id":")");
    put_uuid(out, new_uuid(rng));
    put(out, R"(",)");
    put_meta(out, "us-core-medicationstatement");
    put(out, R"(,"status":"active","medicationCodeableConcept":{"text":")");
    put(out, text);
    put(out, R"("},)");
    put_subject(out);
    put(out, R"(,"effectiveDateTime":")");
    put_when(out, rng, opt_.as_of - rng.range(0, 700), DateForm::date_time);
    put(out, R"("})");
    end(kMedicationStatement);
  }

  // ------------------------------------------------------------ observations

  struct LabValue {
    long scaled = 0;  // value x 10^places
    int places = 0;
    std::string_view comparator;  // "", "<", "<=", ">", ">="
    std::string_view unit;        // "" = no valueQuantity at all (valueString instead)
  };

  /// A value on either side of the thresholds of docs/audit.md, in a usable unit or not.
  LabValue pick_value(Lab lab, bool plain) {
    Rng& rng = *rng_;
    LabValue v;
    switch (lab) {
      case Lab::egfr: {
        static constexpr std::array<std::string_view, 4> kUnits = {
            "mL/min/{1.73_m2}", "mL/min/1.73m2", "mL/min", "mg/dL"};
        v.unit = kUnits[weighted(rng, std::array<int, 4>{80, 12, 4, 4})];
        const int kind =
            plain ? 0 : static_cast<int>(weighted(rng, std::array<int, 3>{55, 30, 15}));
        if (kind == 0) {
          v.scaled = rng.range(50, 1200), v.places = 1;
        } else if (kind == 1) {
          static constexpr std::array<long, 6> kEdge = {29, 30, 31, 299, 300, 301};
          const std::size_t i = rng.below(6);
          v.scaled = kEdge[i], v.places = i < 3 ? 0 : 1;
        } else {
          static constexpr std::array<std::string_view, 7> kCmp = {
              ">", "<", "<", "<=", "<=", ">=", "<"};
          static constexpr std::array<long, 7> kBound = {90, 15, 30, 30, 29, 60, 31};
          const std::size_t i = rng.below(7);
          v.comparator = kCmp[i], v.scaled = kBound[i];
        }
        if (!plain && rng.chance(20)) v.unit = "";
        return v;
      }
      case Lab::ferritin: {
        static constexpr std::array<std::string_view, 4> kUnits = {"ng/mL", "ug/L", "µg/L",
                                                                   "pmol/L"};
        v.unit = kUnits[weighted(rng, std::array<int, 4>{60, 20, 12, 8})];
        const int kind =
            plain ? 0 : static_cast<int>(weighted(rng, std::array<int, 3>{55, 32, 13}));
        if (kind == 0) {
          v.scaled = rng.range(5, 400);
        } else if (kind == 1) {
          static constexpr std::array<long, 6> kEdge = {740, 750, 755, 760, 75, 76};
          const std::size_t i = rng.below(6);
          v.scaled = kEdge[i], v.places = i < 4 ? 1 : 0;
        } else {
          static constexpr std::array<std::string_view, 6> kCmp = {"<", "<", "<=", "<", ">", ">="};
          static constexpr std::array<long, 6> kBound = {10, 75, 75, 76, 400, 75};
          const std::size_t i = rng.below(6);
          v.comparator = kCmp[i], v.scaled = kBound[i];
        }
        return v;
      }
      case Lab::tsat: {
        v.unit = rng.chance(50) ? "mg/dL" : "%";
        const int kind =
            plain ? 0 : static_cast<int>(weighted(rng, std::array<int, 3>{55, 32, 13}));
        if (kind == 0) {
          v.scaled = rng.range(5, 50);
        } else if (kind == 1) {
          static constexpr std::array<long, 6> kEdge = {19, 20, 21, 199, 200, 201};
          const std::size_t i = rng.below(6);
          v.scaled = kEdge[i], v.places = i < 3 ? 0 : 1;
        } else {
          static constexpr std::array<std::string_view, 4> kCmp = {"<", "<=", "<=", ">"};
          static constexpr std::array<long, 4> kBound = {20, 20, 19, 50};
          const std::size_t i = rng.below(4);
          v.comparator = kCmp[i], v.scaled = kBound[i];
        }
        return v;
      }
      case Lab::magnesium:
        if (rng.chance(500)) {
          v.unit = "mmol/L", v.scaled = rng.range(45, 110), v.places = 2;
        } else {
          v.unit = "mg/dL", v.scaled = rng.range(11, 27), v.places = 1;
        }
        return v;
    }
    return v;
  }

  /// The day docs/audit.md reads from a date written in `form`: a partial date is its first day.
  static int effective_day(int day, DateForm form) {
    const Civil c = civil_from_days(day);
    if (form == DateForm::year) return days_from_civil(c.y, 1, 1);
    if (form == DateForm::year_month) return days_from_civil(c.y, c.m, 1);
    return day;
  }

  /// `count` observations of one lab for the current patient, on distinct days as read (so
  /// "latest" is never a tie by chance), and sometimes a second plain value on the same day as
  /// the first, which is then plain too: the tie rule "lowest value" compares two numbers.
  void write_labs(Lab lab, int count) {
    Rng& rng = *rng_;
    const bool twin = count > 0 && rng.chance(80);
    std::array<int, 8> days{};
    int used = 0;
    for (int i = 0; i < count && used < 7; ++i) {
      int day = 0;
      DateForm form = DateForm::date_time;
      for (int tries = 0; tries < 20; ++tries) {
        day = pick_day(false);
        form = (twin && i == 0) ? DateForm::date_time : pick_form();
        bool clash = false;
        for (int j = 0; j < used; ++j) clash = clash || days[j] == effective_day(day, form);
        if (!clash) break;
      }
      days[used++] = effective_day(day, form);
      write_observation(lab, day, form, usable_plain(lab, twin && i == 0));
    }
    if (twin)
      write_observation(lab, days[0], DateForm::date_time, usable_plain(lab, true),
                        /*same_day_twin=*/true);
  }
  /// A value from pick_value; when `plain`, with no comparator and in a usable unit.
  LabValue usable_plain(Lab lab, bool plain) {
    LabValue v = pick_value(lab, plain);
    if (plain) {
      if (lab == Lab::ferritin) v.unit = "ng/mL";
      if (lab == Lab::tsat) v.unit = "%";
      if (lab == Lab::egfr) v.unit = "mL/min/{1.73_m2}";
    }
    return v;
  }

  void write_observation(Lab lab, int day, DateForm date_form, const LabValue& value,
                         bool same_day_twin = false) {
    Rng& rng = *rng_;
    std::string& out = begin(kObservation).buf;
    put(out, R"({"resourceType":"Observation","id":")");
    put_uuid(out, new_uuid(rng));
    put(out, R"(",)");
    put_meta(out, "us-core-observation-lab");
    static constexpr std::array<std::string_view, 8> kStatus = {
        "final",      "amended",   "corrected",        "preliminary",
        "registered", "cancelled", "entered-in-error", "unknown"};
    put(out, R"(,"status":")");
    put(out, same_day_twin ? "final"
                           : kStatus[weighted(rng, std::array<int, 8>{80, 4, 3, 3, 3, 3, 3, 1})]);
    put(out,
        R"(","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory","display":"Laboratory"}],"text":"Laboratory"}],"code":{"coding":[)");
    Code code{};
    switch (lab) {
      case Lab::egfr:
        code = rng.pick(kEgfrCodes);
        break;
      case Lab::ferritin:
        code = kFerritin;
        break;
      case Lab::tsat:
        code = kTsat;
        break;
      case Lab::magnesium:
        code = rng.pick(kMagnesiumLab);
        break;
    }
    put_coding(out, kLoinc, code.code, code.display);
    put(out, R"(],"text":")");
    put(out, code.display);
    put(out, R"("},)");
    put_subject(out);
    // Date: effectiveDateTime, else effectivePeriod.start, else effectiveInstant, else issued.
    // `issued` (when present) is a day or two later, so reading it first would move the date.
    int form =
        same_day_twin ? 0 : static_cast<int>(weighted(rng, std::array<int, 5>{78, 8, 5, 6, 3}));
    // An instant is never partial: a partial date goes into effectiveDateTime instead.
    if ((form == 2 || form == 3) &&
        (date_form == DateForm::year || date_form == DateForm::year_month))
      form = 0;
    switch (form) {
      case 0:
        put(out, R"(,"effectiveDateTime":")");
        put_when(out, rng, day, date_form);
        put(out, R"(")");
        break;
      case 1:
        put(out, R"(,"effectivePeriod":{"start":")");
        put_when(out, rng, day, date_form);
        put(out, R"(","end":")");
        put_when(out, rng, day + rng.range(0, 3), DateForm::date_time);
        put(out, R"("})");
        break;
      case 2:
        put(out, R"(,"effectiveInstant":")");
        put_when(out, rng, day, DateForm::instant);
        put(out, R"(")");
        break;
      default:
        break;  // 3: issued only; 4: no date at all
    }
    if (form != 4) {
      put(out, R"(,"issued":")");
      put_when(out, rng, form == 3 ? day : day + rng.range(1, 2), DateForm::instant);
      put(out, R"(")");
    }
    if (value.unit.empty()) {
      put(out, R"(,"valueString":"see report"})");
    } else {
      put(out, R"(,"valueQuantity":{"value":)");
      put_fixed(out, value.scaled, value.places);
      if (!value.comparator.empty()) {
        put(out, R"(,"comparator":")");
        put(out, value.comparator);
        put(out, R"(")");
      }
      put(out, R"(,"unit":")");
      put(out, value.unit);
      put(out, R"(","system":"http://unitsofmeasure.org","code":")");
      put(out, value.unit == "µg/L" ? std::string_view("ug/L") : value.unit);
      put(out, R"("}})");
    }
    end(kObservation);
  }

  void write_noise_lab(const NoiseLab& lab) {
    Rng& rng = *rng_;
    std::string& out = begin(kObservation).buf;
    put(out, R"({"resourceType":"Observation","id":")");
    put_uuid(out, new_uuid(rng));
    put(out, R"(",)");
    put_meta(out, lab.category == "laboratory" ? "us-core-observation-lab" : "us-core-vital-signs");
    put(out,
        R"(,"status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":")");
    put(out, lab.category);
    put(out, R"("}]}],"code":{"coding":[)");
    put_coding(out, kLoinc, lab.code, lab.display);
    put(out, R"(],"text":")");
    put(out, lab.display);
    put(out, R"("},)");
    put_subject(out);
    put(out, R"(,"effectiveDateTime":")");
    const int day = opt_.as_of - rng.range(0, 4 * 365);
    put_when(out, rng, day, DateForm::date_time);
    put(out, R"(","issued":")");
    put_when(out, rng, day, DateForm::instant);
    put(out, R"(","valueQuantity":{"value":)");
    put_fixed(out, rng.range(lab.lo, lab.hi), lab.places);
    put(out, R"(,"unit":")");
    put(out, lab.unit);
    put(out, R"(","system":")");
    put(out, kUcum);
    put(out, R"(","code":")");
    put(out, lab.unit);
    put(out, R"("}})");
    end(kObservation);
  }

  // ------------------------------------------------------------ bad lines

  /// With --bad-lines, one line of a kind docs/audit.md counts as an error (or a blank line,
  /// which it ignores). None of them can add a patient or a finding in a lenient parser either.
  void maybe_bad_line(FileId file) {
    if (opt_.bad_permille_x10 == 0) return;
    if (static_cast<int>(bad_.below(10000)) >= opt_.bad_permille_x10) return;
    std::string& out = sinks_[file].buf;
    const Uuid id = new_uuid(bad_);
    switch (bad_.below(12)) {
      case 0:  // malformed JSON: a line cut short
        put(out, R"({"resourceType":"Observation","id":")");
        put_uuid(out, id);
        put(out,
            R"(","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"2276-4")");
        break;
      case 1:  // not JSON at all
        put(out, "<html><body>502 Bad Gateway</body></html>");
        break;
      case 2:  // no resourceType
        put(out, R"({"id":")");
        put_uuid(out, id);
        put(out, R"(","status":"active"})");
        break;
      case 3:  // a resourceType that is not a FHIR type name
        put(out, R"({"resourceType":"medication_request","id":")");
        put_uuid(out, id);
        put(out, R"(","status":"active","subject":{"reference":"Patient/)");
        put_uuid(out, pid_);
        put(out, R"("}})");
        break;
      case 4:  // a used type with no subject
        put(out, R"({"resourceType":"MedicationRequest","id":")");
        put_uuid(out, id);
        put(out,
            R"(","status":"active","medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"6582"}]}})");
        break;
      case 5:  // a subject that is not Patient/ID
        put(out, R"({"resourceType":"Observation","id":")");
        put_uuid(out, id);
        put(out, R"(","status":"final","subject":{"reference":"Group/)");
        put_uuid(out, id);
        put(out,
            R"("},"code":{"coding":[{"system":"http://loinc.org","code":"2276-4"}]},"effectiveDateTime":"2026-01-01","valueQuantity":{"value":10,"unit":"ng/mL"}})");
        break;
      case 6:  // a subject given only as a display
        put(out, R"({"resourceType":"Condition","id":")");
        put_uuid(out, id);
        put(out,
            R"(","subject":{"display":"A. Patient"},"code":{"coding":[{"system":"http://snomed.info/sct","code":"32914008"}]}})");
        break;
      case 7:  // a Patient with no id
        put(out, R"({"resourceType":"Patient","gender":"female","birthDate":"1970-01-01"})");
        break;
      case 8:  // a Medication with no id
        put(out,
            R"({"resourceType":"Medication","code":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"6582"}]}})");
        break;
      case 9:  // a JSON value that is not an object
        put(out, R"(["Patient",1,2,3])");
        break;
      case 10:  // subject "Patient/" with no id
        put(out, R"({"resourceType":"MedicationStatement","id":")");
        put_uuid(out, id);
        put(out, R"(","status":"active","subject":{"reference":"Patient/"}})");
        break;
      default:  // a blank line: ignored, not an error
        break;
    }
    sinks_[file].end_line();
  }

  const Options& opt_;
  std::array<Sink, kFiles>& sinks_;
  const int year_before_;
  Rng bad_;
  Rng* rng_ = nullptr;
  Uuid pid_{};
  Uuid encounter_{};
};

// ============================================================================ command line

[[noreturn]] void usage(const char* why) {
  if (why != nullptr) std::fprintf(stderr, "willis_gen_bulk_export: %s\n", why);
  std::fprintf(stderr,
               "usage: willis_gen_bulk_export OUT_DIR (--patients N | --target-bytes SIZE) [--seed "
               "S] [--gzip]\n"
               "                              [--bad-lines RATE] [--as-of YYYY-MM-DD] [--quiet]\n"
               "  SIZE: bytes, or with K/M/G (powers of 1024); RATE: 0 to 1, e.g. 0.001\n");
  std::exit(2);
}

bool parse_uint(std::string_view s, std::uint64_t& out) {
  if (s.empty()) return false;
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return true;
}

bool parse_size(std::string_view s, std::uint64_t& out) {
  std::uint64_t scale = 1;
  if (!s.empty()) {
    const char last = s.back();
    if (last == 'K' || last == 'k') scale = 1ull << 10;
    if (last == 'M' || last == 'm') scale = 1ull << 20;
    if (last == 'G' || last == 'g') scale = 1ull << 30;
    if (scale != 1) s.remove_suffix(1);
  }
  // A decimal like 0.5G is allowed.
  const std::size_t dot = s.find('.');
  std::uint64_t whole = 0, frac = 0, frac_scale = 1;
  if (!parse_uint(s.substr(0, dot), whole)) return false;
  if (dot != std::string_view::npos) {
    const std::string_view f = s.substr(dot + 1);
    if (f.size() > 6 || !parse_uint(f, frac)) return false;
    for (std::size_t i = 0; i < f.size(); ++i) frac_scale *= 10;
  }
  out = whole * scale + frac * scale / frac_scale;
  return true;
}

/// RATE in units of 1/10000: "0.001" -> 10.
bool parse_rate(std::string_view s, int& out) {
  const std::size_t dot = s.find('.');
  std::uint64_t whole = 0;
  if (!parse_uint(s.substr(0, dot), whole) || whole > 1) return false;
  long value = static_cast<long>(whole) * 10000;
  if (dot != std::string_view::npos) {
    long scale = 1000;
    for (char c : s.substr(dot + 1)) {
      if (c < '0' || c > '9') return false;
      value += (c - '0') * scale;
      scale /= 10;
    }
  }
  if (value > 10000) return false;
  out = static_cast<int>(value);
  return true;
}

bool parse_date(std::string_view s, int& out) {
  std::uint64_t y = 0, m = 0, d = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !parse_uint(s.substr(0, 4), y) ||
      !parse_uint(s.substr(5, 2), m) || !parse_uint(s.substr(8, 2), d) || m < 1 || m > 12 ||
      d < 1 || d > 31)
    return false;
  out = days_from_civil(static_cast<int>(y), static_cast<int>(m), static_cast<int>(d));
  const Civil back = civil_from_days(out);
  return back.m == static_cast<int>(m) && back.d == static_cast<int>(d);
}

Options parse_args(int argc, char** argv) {
  Options opt;
  parse_date("2026-11-22", opt.as_of);
  bool have_count = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> std::string_view {
      if (i + 1 >= argc) usage("an option is missing its value");
      return argv[++i];
    };
    if (arg == "--patients") {
      if (!parse_uint(value(), opt.patients)) usage("--patients needs a whole number");
      have_count = true;
    } else if (arg == "--target-bytes") {
      if (!parse_size(value(), opt.target_bytes))
        usage("--target-bytes needs a size such as 2G or 200M");
      have_count = true;
    } else if (arg == "--seed") {
      if (!parse_uint(value(), opt.seed)) usage("--seed needs a whole number");
    } else if (arg == "--gzip") {
      opt.gzip = true;
    } else if (arg == "--bad-lines") {
      if (!parse_rate(value(), opt.bad_permille_x10))
        usage("--bad-lines needs a rate from 0 to 1 (at most 4 decimals)");
    } else if (arg == "--as-of") {
      if (!parse_date(value(), opt.as_of)) usage("--as-of needs a date YYYY-MM-DD");
    } else if (arg == "--quiet") {
      opt.quiet = true;
    } else if (arg == "-h" || arg == "--help") {
      usage(nullptr);
    } else if (!arg.empty() && arg[0] == '-') {
      usage("unknown option");
    } else if (opt.out_dir.empty()) {
      opt.out_dir = std::string(arg);
    } else {
      usage("more than one OUT_DIR");
    }
  }
  if (opt.out_dir.empty()) usage("OUT_DIR is missing");
  if (!have_count) usage("give --patients N or --target-bytes SIZE");
  return opt;
}

bool make_dirs(const std::string& path) {
  std::string partial;
  for (std::size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      if (!partial.empty() && ::mkdir(partial.c_str(), 0777) != 0 && errno != EEXIST) return false;
    }
    if (i < path.size()) partial.push_back(path[i]);
  }
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

int main(int argc, char** argv) {
  const Options opt = parse_args(argc, argv);
  if (!make_dirs(opt.out_dir)) {
    std::fprintf(stderr, "willis_gen_bulk_export: cannot create %s\n", opt.out_dir.c_str());
    return 1;
  }
  std::array<Sink, kFiles> sinks;
  for (int f = 0; f < kFiles; ++f) {
    const std::string base = opt.out_dir + "/" + kFileNames[f] + ".ndjson";
    // The other variant of a previous run in the same folder would be read too: remove it.
    std::remove((opt.gzip ? base : base + ".gz").c_str());
    const std::string path = opt.gzip ? base + ".gz" : base;
    if (!sinks[f].open(path, opt.gzip)) {
      std::fprintf(stderr, "willis_gen_bulk_export: cannot open %s\n", path.c_str());
      return 1;
    }
  }

  Generator gen(opt, sinks);
  const bool progress = !opt.quiet && ::isatty(STDERR_FILENO);
  const auto start = std::chrono::steady_clock::now();
  auto last = start;
  std::uint64_t n = 0;
  while (n < opt.patients || (opt.target_bytes != 0 && gen.total_bytes() < opt.target_bytes)) {
    gen.patient(n);
    ++n;
    if (progress && (n & 255) == 0) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last > std::chrono::milliseconds(500)) {
        last = now;
        const double secs = std::chrono::duration<double>(now - start).count();
        const double mb = static_cast<double>(gen.total_bytes()) / 1e6;
        std::fprintf(stderr, "\rgen: %llu patients, %.0f MB, %.0f MB/s   ",
                     static_cast<unsigned long long>(n), mb, mb / secs);
        std::fflush(stderr);
      }
    }
  }
  std::uint64_t lines = 0;
  for (auto& sink : sinks) {
    lines += sink.lines;
    if (!sink.close()) {
      std::fprintf(stderr, "willis_gen_bulk_export: cannot finish writing %s\n",
                   opt.out_dir.c_str());
      return 1;
    }
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::uint64_t bytes = 0;
  for (const auto& sink : sinks) bytes += sink.bytes;
  if (!opt.quiet) {
    if (progress) std::fprintf(stderr, "\r\033[K");
    std::fprintf(
        stderr,
        "gen: %llu patients, %llu lines, %.1f MB (uncompressed) in %.2f s: %.0f MB/s -> %s\n",
        static_cast<unsigned long long>(n), static_cast<unsigned long long>(lines),
        static_cast<double>(bytes) / 1e6, secs,
        static_cast<double>(bytes) / 1e6 / (secs > 0 ? secs : 1e-9), opt.out_dir.c_str());
  }
  return 0;
}
