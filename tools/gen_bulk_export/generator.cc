// tools/gen_bulk_export/generator.cc: one patient's mixture of resources, and the pieces every
// resource shares: meta, narrative, subject, codings, dates; patients, encounters, conditions and
// medicines.
#include "generator.h"

namespace gen {

void Generator::patient(std::uint64_t index) {
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

std::uint64_t Generator::total_bytes() const {
  std::uint64_t total = 0;
  for (const auto& sink : sinks_) total += sink.size();
  return total;
}

void Generator::end(FileId file) {
  sinks_[file].end_line();
  maybe_bad_line(file);
}

void Generator::put_meta(std::string& out, std::string_view profile) {
  put(out, R"("meta":{"versionId":"1","lastUpdated":")");
  put_when(out, *rng_, opt_.as_of - static_cast<int>(rng_->below(30)), DateForm::instant);
  put(out,
      R"(","source":"#willis-gen","profile":["http://hl7.org/fhir/us/core/StructureDefinition/)");
  put(out, profile);
  put(out, R"("]})");
}

void Generator::put_narrative(std::string& out, std::string_view text) {
  put(out, R"("text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">)");
  put(out, text);
  put(out, R"(</div>"})");
}

void Generator::put_subject(std::string& out) {
  put(out, R"("subject":{"reference":"Patient/)");
  put_uuid(out, pid_);
  put(out, R"("},"encounter":{"reference":"Encounter/)");
  put_uuid(out, encounter_);
  put(out, R"("})");
}

void Generator::put_coding(std::string& out, std::string_view system, std::string_view code,
                           std::string_view display) {
  put(out, R"({"system":")");
  put(out, system);
  put(out, R"(","code":")");
  put(out, code);
  put(out, R"(","display":")");
  put(out, display);
  put(out, R"("})");
}

int Generator::pick_day(bool long_term_bias) {
  Rng& rng = *rng_;
  const int d = opt_.as_of;
  const int y = year_before_;
  switch (weighted(
      rng, std::array<int, 7>{long_term_bias ? 25 : 50, long_term_bias ? 45 : 15, 3, 3, 3, 3, 4})) {
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

DateForm Generator::pick_form() {
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

void Generator::write_patient_resource(std::uint64_t index) {
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
  put(out, R"("}],"identifier":[{"system":"https://github.com/synthetichealth/synthea","value":")");
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

void Generator::write_encounter() {
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

void Generator::write_condition(const Code& code) {
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

void Generator::put_dosage(std::string& out) {
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

void Generator::put_medication(std::string& out, const Drug& drug, std::string_view& display) {
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

void Generator::write_medication_resource(const Uuid& id, std::string_view code,
                                          std::string_view display) {
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

void Generator::write_medicine(const Drug& drug, bool long_term_bias) {
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
    if (dated) put_statement_dates(out, day);
    put(out, R"(,"informationSource":{"reference":"Patient/)");
    put_uuid(out, pid_);
    put(out, R"("},"dosage":[)");
  }
  // 5 in 100 have no dosage at all.
  if (!rng.chance(50)) put_dosage(out);
  put(out, "]}");
  end(file);
}

void Generator::put_statement_dates(std::string& out, int day) {
  Rng& rng = *rng_;
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

void Generator::write_uncoded_medicine(std::string_view text) {
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

}  // namespace gen
