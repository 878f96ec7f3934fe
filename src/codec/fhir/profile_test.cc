#include "codec/fhir_profile.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "codec/rxnorm_table.h"
#include "core/assess.h"
#include "support/test_kb.h"

namespace willis::codec {
namespace {

constexpr core::CalendarDate kAsOf{2026, 11, 22};

std::string fixture(const std::string& path) {
  std::ifstream in(std::string(WILLIS_SOURCE_DIR) + "/tests/fixtures/" + path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const FhirTerms& terms() {
  static const FhirTerms instance(testing::kb(), testing::names());
  return instance;
}

FhirProfile map_text(const std::string& text, const std::string& name = "input") {
  auto mapped = parse_fhir_profile(text, name, terms(), {kAsOf, std::nullopt});
  EXPECT_TRUE(mapped.ok()) << (mapped.ok() ? ""
                                           : mapped.error().path + ": " + mapped.error().message);
  return mapped.ok() ? std::move(mapped).value() : FhirProfile{};
}

FhirProfile map_fixture(const std::string& path) {
  return map_text(fixture(path), path);
}

core::Error error_of(const std::string& text) {
  auto mapped = parse_fhir_profile(text, "input", terms(), {kAsOf, std::nullopt});
  EXPECT_FALSE(mapped.ok());
  return mapped.ok() ? core::Error{} : mapped.error();
}

bool has_note(const FhirProfile& p, const std::string& part) {
  return std::any_of(p.notes.begin(), p.notes.end(),
                     [&](const std::string& n) { return n.find(part) != std::string::npos; });
}

std::string all_notes(const FhirProfile& p) {
  std::string out;
  for (const auto& n : p.notes) out += n + "\n";
  return out;
}

std::vector<std::string> times_of(const std::vector<core::ClockTime>& times) {
  std::vector<std::string> out;
  for (const auto& t : times) out.push_back(t.str());
  return out;
}

const core::MedicineEntry* medicine(const FhirProfile& p, const std::string& name) {
  for (const auto& m : p.profile.medicines)
    if (m.name == name) return &m;
  return nullptr;
}

core::Assessment assess(const FhirProfile& p) {
  return core::assess(testing::kb(), testing::names(), p.profile);
}

bool has_finding(const core::Assessment& a, const std::string& prefix) {
  return std::any_of(a.findings.begin(), a.findings.end(),
                     [&](const core::Finding& f) { return f.id.rfind(prefix, 0) == 0; });
}

using Times = std::vector<std::string>;

TEST(FhirProfile, DetectsFhirFromTheContent) {
  EXPECT_TRUE(looks_like_fhir(R"({"resourceType": "Bundle", "type": "collection"})"));
  EXPECT_TRUE(looks_like_fhir("\n  {\"id\": \"x\", \"resourceType\": \"Patient\"}"));
  EXPECT_TRUE(
      looks_like_fhir("{\"resourceType\":\"Patient\"}\n{\"resourceType\":\"Condition\"}\n"));
  EXPECT_FALSE(looks_like_fhir("age: 54\nmedicines: []\n"));
  EXPECT_FALSE(looks_like_fhir(R"({"age": 54, "medicines": []})"));
  EXPECT_FALSE(looks_like_fhir(""));
}

TEST(FhirProfile, CollectionBundleWithUrnUuidReferences) {
  const auto p = map_fixture("fhir/collection-cipro-magnesium.json");
  EXPECT_EQ(p.patient_id, "cipro-mg");
  EXPECT_EQ(p.profile.age, 56);
  EXPECT_EQ(p.profile.sex, core::Sex::female);
  EXPECT_EQ(p.profile.jurisdiction, core::Jurisdiction::uk);
  ASSERT_EQ(p.profile.medicines.size(), 1u) << all_notes(p);
  EXPECT_EQ(p.profile.medicines[0].name, "ciprofloxacin 500 MG Oral Tablet [Cipro]");
  EXPECT_EQ(times_of(p.profile.medicines[0].times), (Times{"08:00", "20:00"}));
  ASSERT_EQ(p.profile.supplements.size(), 1u);
  const auto& mg = p.profile.supplements[0];
  EXPECT_EQ(mg.name, "Magnesium oxide 400 mg tablet");
  EXPECT_EQ(mg.amount_mg, 400);
  EXPECT_EQ(mg.amount_basis, core::AmountBasis::compound);
  EXPECT_EQ(times_of(mg.times), (Times{"22:30"}));  // HS: before sleep, assumed
  EXPECT_TRUE(has_note(p, "Times assumed for \"Magnesium oxide 400 mg tablet\"")) << all_notes(p);
  EXPECT_TRUE(has_note(p, "1 MedicationRequest with status stopped was not used")) << all_notes(p);
  EXPECT_TRUE(has_note(p, "1 MedicationRequest with status entered-in-error was not used"))
      << all_notes(p);

  const auto a = assess(p);
  const auto* cipro = a.finding("interaction:ciprofloxacin");
  ASSERT_NE(cipro, nullptr);
  EXPECT_FALSE(has_finding(a, "unrecognised:"));
}

TEST(FhirProfile, SearchsetLabsLatestConvertedAndComparatorHonoured) {
  const auto p = map_fixture("fhir/searchset-labs.json");
  EXPECT_EQ(p.profile.age, 67);  // born 1958-11-23: one day short of 68 on 2026-11-22
  EXPECT_EQ(p.profile.sex, core::Sex::male);
  // eGFR ">90" (2026) is newer than eGFR 25 (2025): just above 90 is used.
  ASSERT_TRUE(p.profile.labs.egfr);
  EXPECT_NEAR(*p.profile.labs.egfr, 90.1, 1e-9);
  EXPECT_TRUE(has_note(p, "reported as \">90 mL/min/{1.73_m2}\"")) << all_notes(p);
  // 2.1 mg/dL magnesium = 2.1 / 2.431 mmol/L (sources: facts-s6-computed (same atomic weight)).
  ASSERT_TRUE(p.profile.labs.serum_magnesium_mmol_l);
  EXPECT_NEAR(*p.profile.labs.serum_magnesium_mmol_l, 2.1 / 2.431, 1e-3);
  EXPECT_EQ(p.profile.labs.ferritin_ng_ml, 48);  // µg/L = ng/mL
  EXPECT_EQ(p.profile.labs.tsat_percent, 18);
  EXPECT_TRUE(has_note(p, "1 Observation outside the knowledge base's value sets was not used"))
      << all_notes(p);
  EXPECT_TRUE(has_note(p, "1 Observation with status cancelled not used")) << all_notes(p);
  EXPECT_TRUE(has_note(p, "OperationOutcome 1")) << all_notes(p);

  const auto a = assess(p);
  EXPECT_EQ(a.finding("contraindication:severe-renal-impairment"), nullptr);
  EXPECT_EQ(a.finding("caution:chronic-kidney-disease"), nullptr);
}

TEST(FhirProfile, ComparatorBelowAThresholdStaysBelowIt) {
  const std::string bundle = R"({"resourceType":"Bundle","type":"collection","entry":[
    {"resource":{"resourceType":"Patient","id":"p","birthDate":"1960-01-01"}},
    {"resource":{"resourceType":"Observation","status":"final",
      "code":{"coding":[{"system":"http://loinc.org","code":"33914-3"}]},
      "valueQuantity":{"value":30,"comparator":"<","unit":"mL/min/1.73m2"}}}]})";
  const auto p = map_text(bundle);
  ASSERT_TRUE(p.profile.labs.egfr);
  EXPECT_LT(*p.profile.labs.egfr, 30);
  EXPECT_NE(assess(p).finding("contraindication:severe-renal-impairment"), nullptr);
}

TEST(FhirProfile, TextAfterTheYearIsNotADate) {
  const auto birth = error_of(R"({"resourceType":"Patient","birthDate":"2024x"})");
  EXPECT_EQ(birth.path, "Patient.birthDate");
  EXPECT_EQ(birth.code, core::Errc::invalid_value);
  const auto p = map_text(R"({"resourceType":"Bundle","type":"collection","entry":[
    {"resource":{"resourceType":"Patient","id":"p","birthDate":"1960-01-01"}},
    {"resource":{"resourceType":"Observation","id":"e","status":"final","effectiveDateTime":"2024x",
      "code":{"coding":[{"system":"http://loinc.org","code":"33914-3"}]},
      "valueQuantity":{"value":80,"unit":"mL/min/1.73m2"}}}]})");
  EXPECT_TRUE(has_note(p, "has no readable date")) << all_notes(p);
}

TEST(FhirProfile, TransactionWithMedicationReferencesAndContained) {
  const auto p = map_fixture("fhir/transaction-medication-reference.json");
  EXPECT_EQ(p.profile.age, 77);
  // By urn:uuid: the Medication's own text, which names levothyroxine; ACM with offset 60.
  const auto* levo = medicine(p, "Levothyroxine 75 microgram tablets");
  ASSERT_NE(levo, nullptr) << all_notes(p);
  EXPECT_EQ(times_of(levo->times), (Times{"07:00"}));
  // By Medication/id, known only by its ingredients: the magnesium salt is counted as a
  // supplement; calcium carbonate is not in the KB and is reported, not dropped.
  ASSERT_EQ(p.profile.supplements.size(), 1u) << all_notes(p);
  EXPECT_EQ(p.profile.supplements[0].name, "magnesium hydroxide");
  EXPECT_EQ(times_of(p.profile.supplements[0].times), (Times{"08:30", "13:30", "19:30"}));
  EXPECT_NE(medicine(p, "calcium carbonate"), nullptr) << all_notes(p);
  // #contained, coded in ATC only.
  EXPECT_NE(medicine(p, "doxycycline"), nullptr) << all_notes(p);
  // A reference to a Medication that is not in the input: its display, with a note.
  EXPECT_NE(medicine(p, "Mystery tablets"), nullptr);
  EXPECT_TRUE(has_note(p, "Medication/missing")) << all_notes(p);

  const auto a = assess(p);
  EXPECT_NE(a.finding("interaction:levothyroxine"), nullptr);
  EXPECT_NE(a.finding("interaction:doxycycline"), nullptr);
  EXPECT_TRUE(has_finding(a, "unrecognised:mystery")) << "unknown medicine must reach the engine";
  EXPECT_TRUE(has_finding(a, "unrecognised:calcium-carbonate"));
}

TEST(FhirProfile, DocumentBundleConditionsAndPregnancyStatus) {
  const auto p = map_fixture("fhir/document-ckd.json");
  EXPECT_EQ(p.profile.age, 36);
  const auto& c = p.profile.conditions;
  EXPECT_NE(std::find(c.begin(), c.end(), "severe-renal-impairment"), c.end());
  EXPECT_NE(std::find(c.begin(), c.end(), "chronic-kidney-disease"),
            c.end());  // 709044004, codec value set
  EXPECT_NE(std::find(c.begin(), c.end(), "myasthenia-gravis"), c.end());  // by its text
  EXPECT_EQ(std::find(c.begin(), c.end(), "restless-legs-syndrome"),
            c.end());  // resolved: not active
  EXPECT_FALSE(p.profile.pregnant);
  EXPECT_TRUE(has_note(p, "1 Condition with status resolved not used")) << all_notes(p);
  EXPECT_TRUE(has_note(p, "Composition 1")) << all_notes(p);
  EXPECT_NE(assess(p).finding("contraindication:severe-renal-impairment"), nullptr);
}

TEST(FhirProfile, PregnancyStatusPregnant) {
  const auto p = map_text(R"({"resourceType":"Bundle","type":"collection","entry":[
    {"resource":{"resourceType":"Patient","birthDate":"1995-05-05","gender":"female"}},
    {"resource":{"resourceType":"Observation","status":"final","effectiveDateTime":"2026-01-01",
      "code":{"coding":[{"system":"http://loinc.org","code":"82810-3"}]},
      "valueCodeableConcept":{"coding":[{"system":"http://loinc.org","code":"LA26683-5"}]}}},
    {"resource":{"resourceType":"Observation","status":"final","effectiveDateTime":"2026-10-01",
      "code":{"coding":[{"system":"http://loinc.org","code":"82810-3"}]},
      "valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"77386006"}]}}}]})");
  EXPECT_TRUE(p.profile.pregnant);
  EXPECT_NE(assess(p).finding("caution:pregnancy"), nullptr);
}

TEST(FhirProfile, SingleResourceWithPartialBirthDate) {
  const auto p = map_fixture("fhir/resource-patient.json");
  EXPECT_EQ(p.profile.age, 46);  // 1980-06 read as 1980-06-30
  EXPECT_EQ(p.profile.sex, core::Sex::unspecified);
  EXPECT_TRUE(has_note(p, "1980-06-30 assumed")) << all_notes(p);
}

TEST(FhirProfile, NdjsonUnknownCodesTimingAndSkips) {
  const auto p = map_fixture("fhir/ndjson-unknown-and-timing.ndjson");
  EXPECT_EQ(p.profile.age, 15);
  EXPECT_EQ(p.profile.sex, core::Sex::male);
  ASSERT_NE(medicine(p, "Zorbaquine 10 MG Oral Tablet"), nullptr) << all_notes(p);
  EXPECT_TRUE(has_note(p, "999999901 is not in willis's tables")) << all_notes(p);
  const auto* alendronate = medicine(p, "Alendronic acid 70 mg tablets");
  ASSERT_NE(alendronate, nullptr);
  EXPECT_EQ(times_of(alendronate->times), (Times{"07:00"}));  // WAKE wins over frequency
  const auto* doxy = medicine(p, "doxycycline");
  ASSERT_NE(doxy, nullptr);
  EXPECT_EQ(times_of(doxy->times), (Times{"08:00", "20:00"}));
  EXPECT_TRUE(has_note(p, "2 doses a day -> 08:00, 20:00")) << all_notes(p);
  const auto* prn = medicine(p, "Omeprazole 20 mg capsules");
  ASSERT_NE(prn, nullptr);
  EXPECT_TRUE(prn->times.empty());
  EXPECT_TRUE(has_note(p, "taken as needed")) << all_notes(p);
  const auto* mom = medicine(p, "Milk of Magnesia");
  ASSERT_NE(mom, nullptr);
  EXPECT_EQ(times_of(mom->times), (Times{"08:00", "20:00"}));  // timing.code BID
  ASSERT_TRUE(mom->amount);
  EXPECT_EQ(mom->amount->value, 10);
  EXPECT_EQ(mom->amount->unit, "ml");
  EXPECT_TRUE(has_note(p, "1 MedicationStatement with status completed was not used"))
      << all_notes(p);
  ASSERT_TRUE(p.profile.labs.serum_magnesium_mmol_l);
  EXPECT_NEAR(*p.profile.labs.serum_magnesium_mmol_l, 0.69, 1e-9);  // "<0.7": just below
  EXPECT_FALSE(p.profile.labs.ferritin_ng_ml);                      // pmol/L: not converted
  EXPECT_TRUE(has_note(p, "unit not convertible")) << all_notes(p);
  EXPECT_TRUE(p.profile.conditions.empty());  // the Condition is about someone else
  EXPECT_TRUE(has_note(p, "1 resource about another patient not used")) << all_notes(p);
  EXPECT_TRUE(has_note(p, "Encounter 1")) << all_notes(p);

  const auto a = assess(p);
  EXPECT_TRUE(has_finding(a, "unrecognised:zorbaquine"))
      << "unknown medicine must reach the engine";
  EXPECT_NE(a.finding("caution:child"), nullptr);
  EXPECT_NE(a.finding("caution:low-serum-magnesium"), nullptr);
}

TEST(FhirProfile, ErrorsNameWhatIsMissing) {
  EXPECT_EQ(error_of(R"({"resourceType":"Condition"})").path, "Patient");
  EXPECT_EQ(error_of(R"({"resourceType":"Patient","gender":"male"})").path, "Patient.birthDate");
  const auto future = error_of(R"({"resourceType":"Patient","birthDate":"2027-01-01"})");
  EXPECT_EQ(future.code, core::Errc::invalid_value);
  EXPECT_EQ(error_of(R"({"id":"x"})").path, "resourceType");
  const auto bad_line = error_of(
      "{\"resourceType\":\"Patient\",\"birthDate\":\"1970-01-01\"}\n{\"resourceType\": oops}\n");
  EXPECT_EQ(bad_line.code, core::Errc::parse_error);
  EXPECT_EQ(bad_line.line, 2);
}

TEST(FhirProfile, MapperTakesResourcesInAnyOrder) {
  // The audit feeds one patient's NDJSON lines; the Patient and the Medication may come last.
  FhirMapper mapper(terms(), {kAsOf, core::Jurisdiction::us});
  ASSERT_FALSE(mapper.add_json(R"({"resourceType":"MedicationRequest","status":"active",
      "medicationReference":{"reference":"Medication/m1"},"subject":{"reference":"Patient/p1"}})"));
  ASSERT_FALSE(mapper.add_json(R"({"resourceType":"Medication","id":"m1",
      "code":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"205770"}]}})"));
  ASSERT_FALSE(mapper.add_json(R"({"resourceType":"Patient","id":"p1","birthDate":"1980-01-01"})"));
  auto mapped = std::move(mapper).finish();
  ASSERT_TRUE(mapped.ok());
  EXPECT_EQ(mapped.value().profile.jurisdiction, core::Jurisdiction::us);
  ASSERT_EQ(mapped.value().profile.medicines.size(), 1u);
  EXPECT_EQ(mapped.value().profile.medicines[0].name, "Ciprofloxacin");
}

TEST(FhirProfile, DraftOrdersAreMarked) {
  FhirMapper mapper(terms(), {kAsOf, std::nullopt});
  ASSERT_FALSE(mapper.add_json(R"({"resourceType":"Patient","id":"p1","birthDate":"1980-01-01"})"));
  ASSERT_FALSE(mapper.add_json(R"({"resourceType":"MedicationRequest","status":"active",
      "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"6582"}]}})"));
  ASSERT_FALSE(mapper.add_json(R"({"resourceType":"Bundle","type":"collection","entry":[{"resource":
      {"resourceType":"MedicationRequest","status":"draft",
       "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"205770"}]}}}]})",
                               true));
  auto mapped = std::move(mapper).finish();
  ASSERT_TRUE(mapped.ok());
  EXPECT_EQ(mapped.value().draft_medicines, (std::vector<std::size_t>{0}));
  EXPECT_TRUE(mapped.value().draft_supplements.empty());
  EXPECT_EQ(mapped.value().profile.supplements.size(), 1u);
}

TEST(FhirProfile, SyntheaPatientWithAlendronateAndIron) {
  const auto p = map_fixture("synthea/patient-a5cb8ce9.ndjson");
  EXPECT_EQ(p.patient_id, "a5cb8ce9-cec6-6b23-0990-cbaf753578a4");
  EXPECT_EQ(p.profile.age, 99);  // born 1927-05-21
  EXPECT_EQ(p.profile.sex, core::Sex::female);
  EXPECT_EQ(p.profile.jurisdiction, core::Jurisdiction::us);  // address country US
  ASSERT_EQ(p.profile.medicines.size(), 3u) << all_notes(p);
  EXPECT_EQ(p.profile.medicines[0].name, "Alendronic acid 10 MG Oral Tablet");
  EXPECT_EQ(p.profile.medicines[1].name, "Simvastatin 10 MG Oral Tablet");
  EXPECT_EQ(times_of(p.profile.medicines[1].times), (Times{"08:00"}));  // once a day, assumed
  EXPECT_EQ(p.profile.medicines[2].name, "ferrous sulfate 325 MG Oral Tablet");
  EXPECT_TRUE(has_note(p, "MedicationRequests with status stopped were not used")) << all_notes(p);
  EXPECT_TRUE(has_note(p, "AllergyIntolerance")) << all_notes(p);
  // Conditions willis cannot identify go to the engine by name (issue 12): never only a count.
  EXPECT_TRUE(
      has_note(p, "Conditions outside the knowledge base's value sets were checked by their name"))
      << all_notes(p);

  const auto a = assess(p);
  EXPECT_NE(a.finding("interaction:alendronic-acid"), nullptr);
  bool unrecognised_condition = false;
  for (const auto& f : a.findings)
    if (f.kind == "unrecognised" && f.detail.find("condition") != std::string::npos)
      unrecognised_condition = true;
  EXPECT_TRUE(unrecognised_condition)
      << "an unidentified FHIR Condition must be an unrecognised: finding";
  EXPECT_TRUE(a.schedule.doses.empty()) << "no dose times while a condition is unchecked";
  EXPECT_TRUE(has_finding(a, "interaction:ferrous"));
  EXPECT_FALSE(has_finding(a, "unrecognised:simvastatin"));  // a KB medicine with no window
}

TEST(FhirProfile, SyntheaPatientWithAThiazide) {
  const auto p = map_fixture("synthea/patient-6a4160eb.ndjson");
  EXPECT_EQ(p.profile.age, 63);  // born 1963-07-15
  const auto a = assess(p);
  EXPECT_NE(a.finding("depletion:hydrochlorothiazide"), nullptr);
  EXPECT_FALSE(has_finding(a, "unrecognised:lisinopril"));  // a KB medicine with no window
  // naproxen is left out of the KB on purpose (its antacid wording was not checked): still reported
  EXPECT_TRUE(has_finding(a, "unrecognised:naproxen"));
}

TEST(CodecRxNormTable, EveryKbCodeWasInTheGeneration) {
  // A KB RxNorm code the table was not generated with: run tools/gen_rxnorm_table.py again.
  const auto generated = rxnorm::kb_codes_at_generation();
  auto check = [&](const std::string& id, long code) {
    EXPECT_TRUE(std::binary_search(generated.begin(), generated.end(), code))
        << id << " has RxNorm " << code
        << ", which src/codec/rxnorm_table.cc was not generated with";
  };
  for (const auto& med : testing::kb().medicines)
    for (const long code : med.rxnorm) check(med.id, code);
  for (const auto& form : testing::kb().forms)
    for (const long code : form.rxnorm) check(form.id, code);
}

TEST(CodecRxNormTable, LooksUpProductsAndIngredients) {
  EXPECT_EQ(rxnorm::product_ingredient_codes(205770), (std::vector<long>{2551}));  // Cipro 500 mg
  EXPECT_TRUE(rxnorm::product_ingredient_codes(855332).empty());  // warfarin: no KB ingredient
  EXPECT_EQ(rxnorm::ingredient_name(6582), "magnesium oxide");
  EXPECT_FALSE(rxnorm::ingredient_name(1));
  EXPECT_TRUE(std::is_sorted(rxnorm::products().begin(), rxnorm::products().end(),
                             [](const auto& a, const auto& b) { return a.rxcui < b.rxcui; }));
}

// ---- sleep (issue 15): docs/fhir.md "Sleep answers" ----

std::string sleep_bundle(const std::string& observations) {
  return R"({"resourceType":"Bundle","type":"collection","entry":[
    {"resource":{"resourceType":"Patient","id":"p","birthDate":"1970-01-01","address":[{"country":"US"}]}})" +
         observations + "]}";
}

std::string sleep_obs(const std::string& id, const std::string& code, const std::string& value,
                      const std::string& when = "2026-11-01", const std::string& status = "final") {
  return R"(,{"resource":{"resourceType":"Observation","id":")" + id + R"(","status":")" + status +
         R"(","code":{"coding":[{"system":"http://loinc.org","code":")" + code +
         R"("}]},"effectiveDateTime":")" + when + R"(",)" + value + "}}";
}

constexpr const char* kYes =
    R"("valueCodeableConcept":{"coding":[{"system":"http://loinc.org","code":"LA33-6","display":"Yes"}]})";
constexpr const char* kNo =
    R"("valueCodeableConcept":{"coding":[{"system":"http://loinc.org","code":"LA32-8","display":"No"}]})";

TEST(FhirProfile, SleepReferralMapsWhatHasACodeAndNamesTheRest) {
  const auto p = map_fixture("fhir/collection-sleep.json");
  EXPECT_EQ(p.profile.age, 63);
  EXPECT_EQ(p.profile.jurisdiction, core::Jurisdiction::uk);
  // Insomnia (SNOMED CT 193462001) maps through kb/conditions.yaml.
  EXPECT_NE(std::find(p.profile.conditions.begin(), p.profile.conditions.end(), "insomnia"),
            p.profile.conditions.end());
  // Berlin items (LOINC panel 62636-6): witnessed pauses Yes, nodded off while driving Yes.
  EXPECT_TRUE(p.profile.sleep.given);
  ASSERT_TRUE(p.profile.sleep.witnessed_pauses.has_value()) << all_notes(p);
  EXPECT_TRUE(*p.profile.sleep.witnessed_pauses);
  ASSERT_TRUE(p.profile.sleep.sleepy_while_driving.has_value());
  EXPECT_TRUE(*p.profile.sleep.sleepy_while_driving);
  // "Do you snore?" is not "snoring loudly": recognised, named, not read.
  EXPECT_FALSE(p.profile.sleep.snoring_loud.has_value());
  EXPECT_TRUE(has_note(p, "Observation/berlin-snore (LOINC 64487-2")) << all_notes(p);
  EXPECT_TRUE(has_note(p, "not loud snoring")) << all_notes(p);
  // The Epworth total has no code willis maps: named as a sleep answer not used, never read (no
  // number cast), and not lumped in with the other unknown Observations.
  EXPECT_FALSE(p.profile.sleep.epworth_total.has_value());
  EXPECT_TRUE(has_note(
      p,
      "Observation/ess-local (\"Epworth Sleepiness Scale total score\") looks like a sleep answer"))
      << all_notes(p);
  EXPECT_TRUE(has_note(p, "1 Observation outside the knowledge base's value sets was not used"))
      << all_notes(p);  // BMI

  const auto a = assess(p);
  EXPECT_NE(a.finding("sleep:drowsy-driving"), nullptr);
  const auto* apnoea = a.finding("sleep:apnoea-assess");
  ASSERT_NE(apnoea, nullptr);  // witnessed apnoeas + insomnia + sleepiness: NICE NG202 needs 2
  EXPECT_EQ(apnoea->severity, core::Severity::caution);
  EXPECT_NE(a.finding("sleep:cbt-i-first"), nullptr);
  EXPECT_NE(a.finding("evidence:cbt-i-insomnia"), nullptr);
  EXPECT_GE(a.verdict, core::Severity::caution);
}

TEST(FhirProfile, SleepAnswersYesNoLatestAndFailClosed) {
  {  // No to stopped breathing is read; no to "ever nodded off" sets nothing (not "not sleepy").
    const auto p = map_text(sleep_bundle(sleep_obs("a", "64491-4", kNo) +
                                         sleep_obs("b", "64494-8", R"("valueBoolean":false)")));
    ASSERT_TRUE(p.profile.sleep.witnessed_pauses.has_value());
    EXPECT_FALSE(*p.profile.sleep.witnessed_pauses);
    EXPECT_FALSE(p.profile.sleep.sleepy_while_driving.has_value());
    EXPECT_TRUE(has_note(p, "Observation/b (LOINC 64494-8")) << all_notes(p);
    EXPECT_TRUE(has_note(p, "answered No: not used")) << all_notes(p);
  }
  {  // The latest answer wins (by effective date, not by order in the file).
    const auto p = map_text(sleep_bundle(sleep_obs("new", "64491-4", kYes, "2026-10-01") +
                                         sleep_obs("old", "64491-4", kNo, "2024-01-01")));
    ASSERT_TRUE(p.profile.sleep.witnessed_pauses.has_value());
    EXPECT_TRUE(*p.profile.sleep.witnessed_pauses);
  }
  {  // "Ever" is ever: an older Yes to nodding off still counts after a newer No.
    const auto p = map_text(sleep_bundle(sleep_obs("y", "64494-8", kYes, "2025-01-01") +
                                         sleep_obs("n", "64494-8", kNo, "2026-10-01")));
    ASSERT_TRUE(p.profile.sleep.sleepy_while_driving.has_value());
    EXPECT_TRUE(*p.profile.sleep.sleepy_while_driving);
  }
  {  // A frequency answer (not yes/no) is not guessed: reported, not used.
    const auto p = map_text(sleep_bundle(sleep_obs(
        "f", "64491-4",
        R"("valueCodeableConcept":{"coding":[{"system":"http://loinc.org","code":"LA-FREQ-X","display":"3-4 times a week"}]})")));
    EXPECT_FALSE(p.profile.sleep.witnessed_pauses.has_value());
    EXPECT_FALSE(p.profile.sleep.given);
    EXPECT_TRUE(has_note(p, "Observation/f (LOINC 64491-4")) << all_notes(p);
    EXPECT_TRUE(has_note(p, "not a yes or no willis reads")) << all_notes(p);
  }
  {  // No value at all: reported.
    const auto p =
        map_text(sleep_bundle(sleep_obs("e", "64491-4", R"("note":[{"text":"asked"}])")));
    EXPECT_FALSE(p.profile.sleep.witnessed_pauses.has_value());
    EXPECT_TRUE(has_note(p, "Observation/e (LOINC 64491-4")) << all_notes(p);
  }
  {  // Status: cancelled answers are not used, counted like any Observation.
    const auto p =
        map_text(sleep_bundle(sleep_obs("c", "64491-4", kYes, "2026-11-01", "cancelled")));
    EXPECT_FALSE(p.profile.sleep.witnessed_pauses.has_value());
    EXPECT_TRUE(has_note(p, "1 Observation with status cancelled not used")) << all_notes(p);
  }
  {  // About another patient: not used.
    const std::string other =
        R"(,{"resource":{"resourceType":"Observation","id":"o","status":"final","subject":{"reference":"Patient/someone-else"},
      "code":{"coding":[{"system":"http://loinc.org","code":"64491-4"}]},"effectiveDateTime":"2026-11-01",)" +
        std::string(kYes) + "}}";
    const auto p = map_text(sleep_bundle(other));
    EXPECT_FALSE(p.profile.sleep.witnessed_pauses.has_value());
    EXPECT_TRUE(has_note(p, "about another patient not used")) << all_notes(p);
  }
  {  // A sleep-looking Observation with an unknown LOINC code: named, not dropped.
    const std::string obs =
        R"(,{"resource":{"resourceType":"Observation","id":"stop","status":"final",
      "code":{"coding":[{"system":"http://loinc.org","code":"00000-0","display":"STOP-Bang total score"}]},"valueInteger":6}})";
    const auto p = map_text(sleep_bundle(obs));
    EXPECT_TRUE(
        has_note(p, "Observation/stop (\"STOP-Bang total score\") looks like a sleep answer"))
        << all_notes(p);
    EXPECT_FALSE(has_note(p, "outside the knowledge base's value sets")) << all_notes(p);
  }
  {  // Nothing about sleep: no sleep block, non-sleep notes as before.
    const auto p = map_text(sleep_bundle(""));
    EXPECT_FALSE(p.profile.sleep.given);
    EXPECT_FALSE(p.profile.sleep.witnessed_pauses.has_value());
  }
}

TEST(FhirProfile, SleepApnoeaConditionMapsAndSuppressesTheSuspicion) {
  // Obstructive sleep apnoea (SNOMED CT 78275009, kb/conditions.yaml): already diagnosed, so no
  // "possible sleep apnoea" finding even with witnessed pauses and sleepiness at the wheel.
  const std::string cond = R"j(,{"resource":{"resourceType":"Condition","id":"osa",
      "code":{"coding":[{"system":"http://snomed.info/sct","code":"78275009","display":"Obstructive sleep apnea syndrome (disorder)"}]}}})j";
  const auto p = map_text(
      sleep_bundle(cond + sleep_obs("a", "64491-4", kYes) + sleep_obs("b", "64494-8", kYes)));
  EXPECT_NE(std::find(p.profile.conditions.begin(), p.profile.conditions.end(),
                      "obstructive-sleep-apnoea"),
            p.profile.conditions.end());
  const auto a = assess(p);
  EXPECT_EQ(a.finding("sleep:apnoea-assess"), nullptr);
  EXPECT_NE(a.finding("sleep:drowsy-driving"), nullptr);  // US wording
}

TEST(FhirProfile, LoincValueSets) {
  EXPECT_EQ(lab_kind_of_loinc(testing::kb(), "98979-8"), LabKind::egfr);
  EXPECT_EQ(lab_kind_of_loinc(testing::kb(), "62238-1"), LabKind::egfr);
  EXPECT_EQ(lab_kind_of_loinc(testing::kb(), "33914-3"), LabKind::egfr);
  EXPECT_EQ(lab_kind_of_loinc(testing::kb(), "2276-4"), LabKind::ferritin);
  EXPECT_EQ(lab_kind_of_loinc(testing::kb(), "2502-3"), LabKind::tsat);
  EXPECT_EQ(lab_kind_of_loinc(testing::kb(), "19123-9"), LabKind::magnesium);
  EXPECT_EQ(lab_kind_of_loinc(testing::kb(), "2601-3"), LabKind::magnesium);
  EXPECT_EQ(lab_kind_of_loinc(testing::kb(), "82810-3"), LabKind::pregnancy_status);
  EXPECT_EQ(lab_kind_of_loinc(testing::kb(), "35591-7"),
            LabKind::none);  // Cockcroft-Gault: not an eGFR
}

}  // namespace
}  // namespace willis::codec
