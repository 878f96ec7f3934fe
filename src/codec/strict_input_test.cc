// Issue 13, strict input: duplicate keys, extra YAML documents, invalid UTF-8 and control
// characters are errors with file:line on every input path; output stays valid and inert.
#include "codec/strict_input.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "codec/cds_request.h"
#include "codec/evidence_yaml.h"
#include "codec/fhir_profile.h"
#include "render/json_writer.h"
#include "codec/kb_yaml.h"
#include "codec/profile_codec.h"
#include "render/text_report.h"
#include "codec/yaml_fields.h"
#include "support/test_kb.h"

namespace willis::codec {
namespace {

constexpr core::CalendarDate kAsOf{2026, 11, 22};

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

core::Error profile_error(const std::string& text, const std::string& name = "p.yaml") {
  const auto result = parse_profile(text, name);
  EXPECT_FALSE(result.ok()) << text;
  return result.ok() ? core::Error{} : result.error();
}

// ---- finding 2: a duplicated key loses clinical data ----

TEST(StrictInput, DuplicateYamlKeyInAProfileIsAnErrorWithItsLine) {
  // Before: the first `medicines` won and ciprofloxacin was silently dropped.
  const auto error = profile_error("age: 60\nmedicines: []\nmedicines: [{name: ciprofloxacin}]\n");
  EXPECT_EQ(error.code, core::Errc::parse_error);
  EXPECT_EQ(error.file, "p.yaml");
  EXPECT_EQ(error.line, 3);
  EXPECT_EQ(error.path, "medicines");
  EXPECT_NE(error.message.find("twice"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("line 2"), std::string::npos) << error.message;
}

TEST(StrictInput, DuplicateKeyDeepInAProfileIsAnError) {
  const auto error = profile_error(
      "age: 60\nmedicines:\n  - name: ciprofloxacin\n    times: [\"08:00\"]\n    name: "
      "levothyroxine\n");
  EXPECT_EQ(error.path, "medicines[0].name");
  EXPECT_EQ(error.line, 5);
}

TEST(StrictInput, DuplicateJsonKeyInAProfileIsAnErrorWithItsLine) {
  const auto error = profile_error(
      "{\n  \"age\": 60,\n  \"medicines\": [],\n  \"medicines\": [{\"name\": "
      "\"ciprofloxacin\"}]\n}\n",
      "p.json");
  EXPECT_EQ(error.code, core::Errc::parse_error);
  EXPECT_EQ(error.path, "medicines");
  EXPECT_EQ(error.line, 4);
}

TEST(StrictInput, ASecondYamlDocumentIsAnError) {
  // Before: everything after `---` was ignored.
  const auto error =
      profile_error("age: 60\nmedicines: []\n---\nmedicines: [{name: ciprofloxacin}]\n");
  EXPECT_EQ(error.code, core::Errc::parse_error);
  EXPECT_GE(error.line, 3);
  EXPECT_NE(error.message.find("more than one YAML document"), std::string::npos) << error.message;
  // One document with an explicit start marker is fine.
  EXPECT_TRUE(parse_profile("---\nage: 60\n", "p.yaml").ok());
}

TEST(StrictInput, DuplicateKeyInAKbFileIsAnErrorWithFileAndLine) {
  std::vector<KbFile> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(WILLIS_SOURCE_DIR) + "/kb")) {
    const auto name = entry.path().filename().string();
    if (name == "VERSION" || entry.path().extension() == ".yaml")
      files.push_back({name, read(entry.path())});
  }
  ASSERT_TRUE(load_kb(files).errors.empty());
  for (auto& file : files)
    if (file.name == "rules.yaml") {
      const auto at = file.text.find("\n  egfr_caution_below:\n");
      ASSERT_NE(at, std::string::npos);
      file.text.insert(at + 1, "  egfr_caution_below: {value: 1}\n");
    }
  const auto load = load_kb(files);
  ASSERT_FALSE(load.errors.empty());
  EXPECT_EQ(load.errors.front().file, "rules.yaml");
  EXPECT_GT(load.errors.front().line, 0);
  EXPECT_NE(load.errors.front().message.find("twice"), std::string::npos)
      << load.errors.front().message;
}

TEST(StrictInput, DuplicateKeyInEvidenceYamlIsAnError) {
  std::vector<KbFile> files;
  for (const char* name : {"claims.yaml", "conflicts.yaml", "ask.yaml"})
    files.push_back({name, read(std::filesystem::path(WILLIS_SOURCE_DIR) / "evidence" / name)});
  files[0].text = "last_reviewed: 2026-11-22\nlast_reviewed: 2026-11-23\n" +
                  files[0].text.substr(files[0].text.find("articles:"));
  const auto load = load_evidence(files, testing::kb());
  ASSERT_FALSE(load.errors.empty());
  EXPECT_EQ(load.errors.front().file, "claims.yaml");
  EXPECT_EQ(load.errors.front().line, 2);
}

TEST(StrictInput, JsonCheckFindsDuplicatesAtAnyDepthWithTheLine) {
  EXPECT_FALSE(check_json(R"({"a": 1, "b": {"a": 2}})", "f.json"));
  const auto error =
      check_json("{\"entry\": [\n {\"resource\": {\"id\": \"x\",\n \"id\": \"y\"}}]}", "f.json");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->path, "entry[0].resource.id");
  EXPECT_EQ(error->line, 3);
  EXPECT_EQ(error->file, "f.json");
  // Keys compare after unescaping: "a" and "\u0061" are the same key.
  EXPECT_TRUE(check_json(R"({"a": 1, "\u0061": 2})", "f.json"));
  // NDJSON: each line its own value; the second line's duplicate is found on line 2.
  const auto ndjson = check_json("{\"a\": 1}\n{\"b\": 1, \"b\": 2}\n", "f.ndjson");
  ASSERT_TRUE(ndjson);
  EXPECT_EQ(ndjson->line, 2);
}

TEST(StrictInput, FhirBundleWithADuplicateKeyIsRefused) {
  const FhirTerms terms(testing::kb(), testing::names());
  const std::string bundle = R"({"resourceType":"Bundle","type":"collection","entry":[
    {"resource":{"resourceType":"Patient","id":"p","birthDate":"1960-01-01","birthDate":"2020-01-01"}}]})";
  const auto mapped = parse_fhir_profile(bundle, "b.json", terms, {kAsOf, std::nullopt});
  ASSERT_FALSE(mapped.ok());
  EXPECT_EQ(mapped.error().line, 2);
  EXPECT_EQ(mapped.error().path, "entry[0].resource.birthDate");
}

TEST(StrictInput, CdsRequestWithADuplicateKeyIsRefused) {
  const CdsService* service = find_cds_service("willis-patient-view");
  ASSERT_NE(service, nullptr);
  const std::string body = read(std::filesystem::path(WILLIS_SOURCE_DIR) /
                                "tests/fixtures/cds-hooks/willis-patient-view-rls.json");
  ASSERT_TRUE(parse_cds_request(body, *service).ok());
  const auto at = body.find("\"hook\"");
  ASSERT_NE(at, std::string::npos);
  const std::string doubled = body.substr(0, at) + "\"hook\": \"order-select\", " + body.substr(at);
  const auto parsed = parse_cds_request(doubled, *service);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().path, "hook");
  EXPECT_GT(parsed.error().line, 0);
}

// ---- finding 9: FHIR numbers are range-checked before any cast ----

FhirProfile map_with_offset(const std::string& offset) {
  const FhirTerms terms(testing::kb(), testing::names());
  const std::string bundle = R"({"resourceType":"Bundle","type":"collection","entry":[
    {"resource":{"resourceType":"Patient","id":"p","birthDate":"1960-01-01"}},
    {"resource":{"resourceType":"MedicationRequest","status":"active",
      "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"205770"}]},
      "dosageInstruction":[{"timing":{"repeat":{"when":["ACM"],"offset":)" +
                             offset + "}}}]}}]}";
  auto mapped = parse_fhir_profile(bundle, "b.json", terms, {kAsOf, std::nullopt});
  EXPECT_TRUE(mapped.ok()) << (mapped.ok() ? "" : mapped.error().message);
  return mapped.ok() ? std::move(mapped).value() : FhirProfile{};
}

TEST(StrictInput, FhirOffsetOutOfRangeInventsNoDoseTime) {
  // A valid offset: 30 min before breakfast (08:00 in the contract's example day) -> 07:30.
  const auto good = map_with_offset("30");
  ASSERT_EQ(good.profile.medicines.size(), 1u);
  ASSERT_EQ(good.profile.medicines[0].times.size(), 1u);
  EXPECT_EQ(good.profile.medicines[0].times[0].str(), "07:30");
  // FHIR's offset is an unsignedInt: a negative one, a fraction, or one past int's range (UB
  // when cast before) gives no time at all, and a note says why.
  for (const char* bad : {"-600", "2147483648", "-2147483648", "1e300", "12.5"}) {
    const auto mapped = map_with_offset(bad);
    ASSERT_EQ(mapped.profile.medicines.size(), 1u) << bad;
    EXPECT_TRUE(mapped.profile.medicines[0].times.empty()) << bad;
    std::string notes;
    for (const auto& note : mapped.notes) notes += note + "\n";
    EXPECT_NE(notes.find("no time assumed"), std::string::npos) << bad << "\n" << notes;
  }
}

// ---- finding 11: invalid UTF-8 and terminal escapes ----

TEST(StrictInput, InvalidUtf8AndControlCharactersInAProfileAreErrors) {
  const auto bad_byte = profile_error("age: 60\nmedicines: [{name: \"cipro\xff\"}]\n");
  EXPECT_EQ(bad_byte.line, 2);
  EXPECT_NE(bad_byte.message.find("UTF-8"), std::string::npos);
  const auto escape = profile_error("age: 60\nmedicines: [{name: \"cipro\\e[2J\"}]\n");
  EXPECT_EQ(escape.path, "medicines[0].name");
  EXPECT_NE(escape.message.find("U+001B"), std::string::npos) << escape.message;
  const auto csi =
      profile_error("{\"age\": 60, \"medicines\": [{\"name\": \"cipro\\u009b2J\"}]}", "p.json");
  EXPECT_NE(csi.message.find("U+009B"), std::string::npos) << csi.message;
  const auto newline = profile_error("age: 60\nmedicines: [{name: \"cipro\\nfloxacin\"}]\n");
  EXPECT_EQ(newline.path, "medicines[0].name");
  // KB prose may hold line breaks.
  EXPECT_TRUE(parse_yaml_text("text: |\n  two\n  lines\n", "kb.yaml").ok());
  // Accented names are fine.
  EXPECT_TRUE(parse_profile("age: 60\nmedicines: [{name: \"Lévothyrox\"}]\n", "p.yaml").ok());
}

TEST(StrictInput, JsonCheckRefusesBadTextInStrings) {
  EXPECT_TRUE(check_json("{\"name\": \"a\xc3\"}", "f"));         // truncated sequence
  EXPECT_TRUE(check_json("{\"name\": \"\xed\xa0\x80\"}", "f"));  // encoded surrogate
  EXPECT_TRUE(check_json(R"({"name": "\ud800"})", "f"));         // lone surrogate escape
  EXPECT_TRUE(check_json(R"({"name": "a\u001b[31m"})", "f"));
  EXPECT_FALSE(check_json(R"({"note": "line one\nline two\ttab", "e": "\ud83d\ude00"})", "f"));
}

TEST(StrictInput, JsonOutputIsValidUtf8WhateverTheInput) {
  render::JsonWriter writer;
  writer.begin_object();
  writer.member("name", std::string("cipro\xff\xc3 \xe2\x82\xac \xc2\x9b"));
  writer.end_object();
  const std::string out = writer.take();
  EXPECT_EQ(invalid_utf8_at(out), std::string::npos) << out;
  EXPECT_NE(out.find("\\u009b"), std::string::npos) << out;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(out).get(root), simdjson::SUCCESS) << out;
  EXPECT_EQ(std::string(root["name"].get_string().value()),
            "cipro\xEF\xBF\xBD\xEF\xBF\xBD \xe2\x82\xac \xc2\x9b");
}

TEST(StrictInput, TerminalEscapesNeverReachTheTextReport) {
  core::Assessment a;
  a.kb_version = "test";
  a.disclaimer = "disclaimer";
  a.notes.push_back(
      "Unrecognised medicine \"evil\x1b[2J\x1b]0;title\x07\xc2\x9b"
      "31m\"");
  const std::string report = render::text_report(a, testing::kb(), false);
  EXPECT_EQ(report.find('\x1b'), std::string::npos) << report;
  EXPECT_EQ(report.find('\x07'), std::string::npos) << report;
  EXPECT_EQ(report.find("\xc2\x9b"), std::string::npos) << report;
  EXPECT_NE(report.find("evil\\x1b[2J"), std::string::npos) << report;
  EXPECT_EQ(terminal_safe("ok\xff"), "ok\xEF\xBF\xBD");
}

}  // namespace
}  // namespace willis::codec
