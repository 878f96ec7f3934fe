// tools/gen_bulk_export/codes.h: the codes the generator writes, copied here (the generator must
// not read kb/ at run time), each table naming where it came from.
#pragma once

#include <array>
#include <string_view>

namespace gen {

// System URIs (FHIR R4 terminology; the same strings as src/codec/fhir_profile.cc).
inline constexpr std::string_view kRxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
inline constexpr std::string_view kSnomed = "http://snomed.info/sct";
inline constexpr std::string_view kLoinc = "http://loinc.org";
inline constexpr std::string_view kUcum = "http://unitsofmeasure.org";

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
inline constexpr std::array<Drug, 10> kMagnesium = {{
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
inline constexpr std::array<Drug, 10> kPartner = {{
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
inline constexpr std::array<Drug, 3> kRaltegravir = {{
    {"719872", "raltegravir", "744842", "raltegravir 400 MG Oral Tablet [Isentress]"},
    {"719872", "raltegravir", "1486838", "raltegravir 600 MG Oral Tablet"},
    {"719872", "raltegravir", "", ""},
}};
// kb/medicines.yaml classes oral-iron / iv-iron; ferrous sulfate products 310325 (rxnorm_table.cc).
inline constexpr std::array<Drug, 5> kIron = {{
    {"24947", "ferrous sulfate", "310325", "ferrous sulfate 325 MG Oral Tablet"},
    {"24941", "ferrous fumarate", "", ""},
    {"24942", "ferrous gluconate", "", ""},
    {"1433693", "ferric carboxymaltose", "", ""},
    {"24909", "iron sucrose", "", ""},
}};
// kb/medicines.yaml classes sedating-antihistamine, ssri, snri, dopamine-antagonist, antipsychotic,
// and mirtazapine (docs/audit.md `rls-exacerbating`); products 312940, 311725 (rxnorm_table.cc).
inline constexpr std::array<Drug, 12> kExacerbating = {{
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
inline constexpr std::array<Drug, 4> kDopamineAgonist = {{
    {"746741", "pramipexole", "", ""},
    {"72302", "ropinirole", "312845", "ropinirole 0.25 MG Oral Tablet"},
    {"616739", "rotigotine", "", ""},
    {"47579", "cabergoline", "", ""},
}};
// kb/medicines.yaml class ppi; products 198051, 314200 (rxnorm_table.cc).
inline constexpr std::array<Drug, 5> kPpi = {{
    {"7646", "omeprazole", "198051", "omeprazole 20 MG Delayed Release Oral Capsule"},
    {"40790", "pantoprazole", "314200", "pantoprazole 40 MG Delayed Release Oral Tablet"},
    {"283742", "esomeprazole", "", ""},
    {"17128", "lansoprazole", "", ""},
    {"114979", "rabeprazole", "", ""},
}};
// kb/medicines.yaml classes loop-diuretic, thiazide-diuretic; products 310429 (furosemide),
// 310798 (hydrochlorothiazide), 197885 (hydrochlorothiazide + lisinopril) from rxnorm_table.cc.
inline constexpr std::array<Drug, 8> kDiuretic = {{
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
inline constexpr std::array<Drug, 2> kDigoxin = {{
    {"3407", "digoxin", "197604", "digoxin 0.125 MG Oral Tablet"},
    {"3407", "digoxin", "", ""},
}};
// Unrelated medicines (no list): Synthea's common RxNorm products, and KB medicines that are in no
// audit list (spironolactone 9997 and its product 104232; acetaminophen 161). Near misses on
// purpose.
inline constexpr std::array<Drug, 9> kNoiseDrugs = {{
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
inline constexpr std::array<std::string_view, 4> kUncodedNoise = {
    "Glucosamine 500 mg tablets", "Evening primrose oil capsules", "Aqueous cream",
    "Emollient bath additive"};

struct Code {
  std::string_view code;
  std::string_view display;
};
// SNOMED CT: kb/conditions.yaml restless-legs-syndrome 32914008; severe-renal-impairment
// 431857002 (CKD stage 4), 46177005 (end-stage renal disease); 433146000 (CKD stage 5) from the
// SNOMED extras in src/codec/fhir_profile.cc / docs/fhir.md.
inline constexpr Code kRls = {"32914008", "Restless legs syndrome (disorder)"};
inline constexpr std::array<Code, 3> kCkd45 = {{
    {"431857002", "Chronic kidney disease stage 4 (disorder)"},
    {"46177005", "End-stage renal disease (disorder)"},
    {"433146000", "Chronic kidney disease stage 5 (disorder)"},
}};
// Unrelated conditions, with near misses: CKD stage 3 433144002 (kb chronic-kidney-disease), iron
// deficiency anaemia 87522002, nocturnal leg cramps 449918009 (kb/conditions.yaml); Synthea's
// common ones.
inline constexpr std::array<Code, 8> kNoiseConditions = {{
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
inline constexpr std::array<Code, 5> kEgfrCodes = {{
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
inline constexpr Code kFerritin = {"2276-4", "Ferritin [Mass/volume] in Serum or Plasma"};
inline constexpr Code kTsat = {"2502-3", "Iron saturation [Mass Fraction] in Serum or Plasma"};
inline constexpr std::array<Code, 2> kMagnesiumLab = {{
    {"19123-9", "Magnesium [Mass/volume] in Serum or Plasma"},
    {"2601-3", "Magnesium [Moles/volume] in Serum or Plasma"},
}};
// Unrelated labs and vitals (Synthea's), with a near miss: Cockcroft-Gault creatinine clearance
// 35591-7, deliberately not an eGFR (docs/fhir.md).
struct NoiseLab {
  std::string_view code, display, unit, category;
  int lo, hi, places;
};
inline constexpr std::array<NoiseLab, 8> kNoiseLabs = {{
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

inline constexpr std::array<std::string_view, 12> kGiven = {"Ann",    "Bob",   "Carys",  "Dafydd",
                                                            "Eilidh", "Farah", "Gwen",   "Hamish",
                                                            "Iona",   "Jamal", "Kirsty", "Leon"};
inline constexpr std::array<std::string_view, 10> kFamily = {
    "Jones", "Evans", "Patel", "MacLeod", "Okafor", "Williams", "Nowak", "Smith", "Kaur", "Davies"};
inline constexpr std::array<std::string_view, 6> kCities = {"Leeds",   "Cardiff", "Glasgow",
                                                            "Bristol", "Norwich", "Derry"};

}  // namespace gen
