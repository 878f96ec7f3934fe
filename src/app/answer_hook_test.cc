#include "app/answer_hook.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "codec/cds_response_check.h"
#include "render/cds_cards.h"
#include "support/test_kb.h"

namespace willis::codec {
namespace {

using render::cds_indicator;
using render::operation_outcome_json;

constexpr core::CalendarDate kAsOf{2026, 11, 22};

std::string read(const std::string& path) {
  std::ifstream in(std::string(WILLIS_SOURCE_DIR) + "/" + path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string fixture(const std::string& name) {
  return read("tests/fixtures/cds-hooks/" + name);
}

const FhirTerms& terms() {
  static const FhirTerms instance(testing::kb(), testing::names());
  return instance;
}

const CdsService& service(std::string_view id) {
  const CdsService* s = find_cds_service(id);
  EXPECT_NE(s, nullptr) << id;
  return *s;
}

CdsOptions options() {
  CdsOptions o;
  o.as_of = kAsOf;
  return o;
}

/// The response body for a fixture request, checked against the spec's card rules.
std::string answer(const std::string& fixture_name, std::string_view service_id,
                   CdsOptions opts = options()) {
  const auto request = parse_cds_request(fixture(fixture_name), service(service_id));
  EXPECT_TRUE(request.ok()) << (request.ok()
                                    ? ""
                                    : request.error().path + ": " + request.error().message);
  if (!request.ok()) return {};
  EXPECT_TRUE(missing_prefetch(request.value(), cds_prefetch_templates(testing::kb())).empty());
  const auto body = app::answer_hook(request.value(), service(service_id), terms(), opts);
  EXPECT_TRUE(body.ok());
  if (!body.ok()) return {};
  for (const auto& problem : check_cds_response(body.value()))
    ADD_FAILURE() << fixture_name << ": " << problem;
  return body.value();
}

struct CardView {
  std::string summary, indicator, detail, source_label;
  bool has_suggestions = false, has_override_reasons = false;
  std::string suggestion_resource;
};

std::vector<CardView> cards_of(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::vector<CardView> out;
  if (parser.parse(body).get(root)) {
    ADD_FAILURE() << "not JSON: " << body;
    return out;
  }
  simdjson::dom::array cards;
  if (root["cards"].get(cards)) {
    ADD_FAILURE() << "no cards: " << body;
    return out;
  }
  for (simdjson::dom::element card : cards) {
    CardView view;
    std::string_view text;
    if (!card["summary"].get(text)) view.summary = std::string(text);
    if (!card["indicator"].get(text)) view.indicator = std::string(text);
    if (!card["detail"].get(text)) view.detail = std::string(text);
    if (!card["source"]["label"].get(text)) view.source_label = std::string(text);
    simdjson::dom::array suggestions;
    view.has_suggestions = !card["suggestions"].get(suggestions) && suggestions.size() > 0;
    simdjson::dom::element resource;
    if (view.has_suggestions && !suggestions.at(0)["actions"].at(0)["resource"].get(resource))
      view.suggestion_resource = simdjson::minify(resource);
    simdjson::dom::array reasons;
    view.has_override_reasons = !card["overrideReasons"].get(reasons) && reasons.size() > 0;
    out.push_back(std::move(view));
  }
  return out;
}

const CardView* card_with(const std::vector<CardView>& cards, const std::string& summary_part) {
  for (const auto& card : cards)
    if (card.summary.find(summary_part) != std::string::npos) return &card;
  return nullptr;
}

std::string summaries(const std::vector<CardView>& cards) {
  std::string out;
  for (const auto& c : cards) out += c.indicator + ": " + c.summary + "\n";
  return out;
}

/// Golden files for rendered cards (STYLE §4.10): WILLIS_UPDATE_GOLDEN=1 rewrites them.
void expect_golden(const std::string& name, const std::string& body) {
  const std::string path = std::string(WILLIS_SOURCE_DIR) + "/tests/golden/cds-hooks/" + name;
  if (const char* update = std::getenv("WILLIS_UPDATE_GOLDEN");
      update && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << body << "\n";
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << path << " is missing: run with WILLIS_UPDATE_GOLDEN=1 and review the diff";
  std::ostringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), body + "\n")
      << name << " differs: run with WILLIS_UPDATE_GOLDEN=1 and review the diff";
}

// ---------------------------------------------------------------- discovery

TEST(CdsHooks, DiscoveryListsThreeServicesWithTheSpecMembers) {
  const std::string body =
      render::cds_discovery_json(cds_prefetch_templates(testing::kb()), {"9.8.7", "2026.01.2"});
  simdjson::dom::parser parser;
  simdjson::dom::element ours;
  ASSERT_FALSE(parser.parse(body).get(ours));
  // Every member willis uses appears in the spec's discovery example (or is usageRequirements,
  // which that example also shows).
  simdjson::dom::parser spec_parser;
  simdjson::dom::element spec;
  ASSERT_FALSE(spec_parser.parse(fixture("spec-01-discovery-example.json")).get(spec));
  auto text = [](const simdjson::dom::element& e, const char* key) {
    std::string_view value;
    return e[key].get(value) ? std::string() : std::string(value);
  };
  std::set<std::string> spec_keys;
  simdjson::dom::array spec_services, our_services;
  ASSERT_FALSE(spec["services"].get(spec_services));
  ASSERT_FALSE(ours["services"].get(our_services));
  for (simdjson::dom::element s : spec_services) {
    simdjson::dom::object fields;
    ASSERT_FALSE(s.get(fields));
    for (auto field : fields) spec_keys.insert(std::string(field.key));
  }
  std::map<std::string, std::string> hooks;
  for (simdjson::dom::element s : our_services) {
    simdjson::dom::object fields, prefetch_fields;
    ASSERT_FALSE(s.get(fields));
    for (auto field : fields) EXPECT_TRUE(spec_keys.count(std::string(field.key))) << field.key;
    hooks[text(s, "id")] = text(s, "hook");
    std::set<std::string> prefetch;
    ASSERT_FALSE(s["prefetch"].get(prefetch_fields));
    for (auto field : prefetch_fields) {
      prefetch.insert(std::string(field.key));
      std::string_view query;
      ASSERT_FALSE(field.value.get(query));
      EXPECT_NE(query.find("{{context.patientId}}"), std::string::npos);
    }
    EXPECT_EQ(prefetch,
              (std::set<std::string>{"patient", "medicationRequests", "medicationStatements",
                                     "conditions", "observations"}));
    EXPECT_FALSE(text(s, "description").empty());
  }
  // The spec's discovery response allows a top-level `extension`; the versions go there.
  simdjson::dom::element extension;
  ASSERT_FALSE(ours["extension"].get(extension));
  EXPECT_EQ(text(extension, "willis.version"), "9.8.7");
  EXPECT_EQ(text(extension, "willis.kb_version"), "2026.01.2");
  EXPECT_EQ(text(extension, "willis.contract"), "willis.assessment/1");
  EXPECT_EQ(hooks, (std::map<std::string, std::string>{{"willis-patient-view", "patient-view"},
                                                       {"willis-order-select", "order-select"},
                                                       {"willis-order-sign", "order-sign"}}));
}

TEST(CdsHooks, ObservationPrefetchAsksForEveryLoincCodeRead) {
  CdsRequest request;
  request.patient_id = "a b/c";
  const std::string query =
      prefetch_query("observations", request, cds_prefetch_templates(testing::kb()));
  EXPECT_EQ(query.rfind("Observation?patient=a%20b%2Fc&code=", 0), 0u) << query;
  for (const auto code : loinc_codes_read(testing::kb()))
    EXPECT_NE(query.find("http://loinc.org|" + std::string(code)), std::string::npos);
  EXPECT_EQ(prefetch_query("patient", request, cds_prefetch_templates(testing::kb())),
            "Patient/a%20b%2Fc");
  EXPECT_EQ(prefetch_query("nonsense", request, cds_prefetch_templates(testing::kb())), "");
}

// ---------------------------------------------------------------- requests

TEST(CdsHooks, ParsesTheSpecPatientViewExample) {
  const auto request =
      parse_cds_request(fixture("spec-02-example.json"), service("willis-patient-view"));
  ASSERT_TRUE(request.ok()) << request.error().message;
  EXPECT_EQ(request.value().hook_instance, "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea");
  EXPECT_EQ(request.value().fhir_server, "http://hooks.smarthealthit.org:9080");
  EXPECT_EQ(request.value().access_token, "some-opaque-fhir-access-token");
  EXPECT_EQ(request.value().patient_id, "1288992");
  // Its prefetch key is the example service's, not willis's: everything must be fetched.
  EXPECT_EQ(missing_prefetch(request.value(), cds_prefetch_templates(testing::kb())).size(), 5u);
  ASSERT_NE(request.value().prefetched("patientToGreet"), nullptr);
}

TEST(CdsHooks, MalformedRequestsNameTheField) {
  auto error_of = [](std::string_view body, std::string_view id) {
    const auto request = parse_cds_request(body, service(id));
    EXPECT_FALSE(request.ok()) << body;
    return request.ok() ? core::Error{} : request.error();
  };
  EXPECT_EQ(error_of("{not json", "willis-patient-view").code, core::Errc::parse_error);
  EXPECT_EQ(error_of("[]", "willis-patient-view").code, core::Errc::invalid_type);
  EXPECT_EQ(
      error_of(R"({"hookInstance":"x","context":{"patientId":"1"}})", "willis-patient-view").path,
      "hook");
  EXPECT_EQ(error_of(R"({"hook":"order-select","hookInstance":"x","context":{"patientId":"1"}})",
                     "willis-patient-view")
                .code,
            core::Errc::invalid_value);
  EXPECT_EQ(
      error_of(R"({"hook":"patient-view","context":{"patientId":"1"}})", "willis-patient-view")
          .path,
      "hookInstance");
  EXPECT_EQ(error_of(R"({"hook":"patient-view","hookInstance":"x"})", "willis-patient-view").path,
            "context");
  EXPECT_EQ(
      error_of(R"({"hook":"patient-view","hookInstance":"x","context":{}})", "willis-patient-view")
          .path,
      "context.patientId");
  EXPECT_EQ(error_of(R"({"hook":"order-sign","hookInstance":"x","context":{"patientId":"1"}})",
                     "willis-order-sign")
                .path,
            "context.draftOrders");
  EXPECT_EQ(error_of(R"({"hook":"order-select","hookInstance":"x","context":{"patientId":"1",
              "draftOrders":{"resourceType":"Bundle","entry":[]}}})",
                     "willis-order-select")
                .path,
            "context.selections");
  EXPECT_EQ(
      error_of(
          R"({"hook":"patient-view","hookInstance":"x","context":{"patientId":"1"},"prefetch":{"p":3}})",
          "willis-patient-view")
          .path,
      "prefetch.p");
}

TEST(CdsHooks, NullPrefetchItemsCountAsMissing) {
  const auto request = parse_cds_request(
      R"({"hook":"patient-view","hookInstance":"x","context":{"patientId":"1"},"prefetch":{"patient":null}})",
      service("willis-patient-view"));
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(missing_prefetch(request.value(), cds_prefetch_templates(testing::kb())).size(), 5u);
}

// ---------------------------------------------------------------- cards

TEST(CdsHooks, IndicatorIsMappedInOnePlace) {
  EXPECT_EQ(cds_indicator(core::Severity::info), "info");
  EXPECT_EQ(cds_indicator(core::Severity::caution), "warning");
  EXPECT_EQ(cds_indicator(core::Severity::avoid), "warning");
  EXPECT_EQ(cds_indicator(core::Severity::urgent), "critical");
}

TEST(CdsHooks, CiprofloxacinOrderedForAPatientOnMagnesium) {
  const std::string body = answer("willis-order-select-cipro.json", "willis-order-select");
  const auto cards = cards_of(body);
  const CardView* card = card_with(cards, "Ciprofloxacin");
  ASSERT_NE(card, nullptr) << summaries(cards);
  EXPECT_EQ(card->indicator, "warning");
  EXPECT_TRUE(card->has_override_reasons);
  EXPECT_NE(
      card->detail.find(
          "**Keep apart:** no magnesium from 6 h before to 2 h after each dose of Ciprofloxacin"),
      std::string::npos)
      << card->detail;
  EXPECT_NE(card->detail.find("**Sources**"), std::string::npos);
  // The advice is offered as a note on the draft order, which is otherwise echoed unchanged.
  ASSERT_TRUE(card->has_suggestions);
  EXPECT_NE(card->suggestion_resource.find(R"("id":"draft-cipro")"), std::string::npos);
  EXPECT_NE(
      card->suggestion_resource.find(R"("note":[{"text":"Keep magnesium-containing products)"),
      std::string::npos)
      << card->suggestion_resource;
  // Only what the order changes: no card about the patient's kidneys or iron.
  EXPECT_EQ(cards.size(), 1u) << summaries(cards);
  expect_golden("order-select-cipro.json", body);
}

TEST(CdsHooks, MagnesiumOrderedForEgfr25IsAWarningWithOverrideReasons) {
  const std::string body =
      answer("willis-order-select-magnesium-egfr25.json", "willis-order-select");
  const auto cards = cards_of(body);
  ASSERT_FALSE(cards.empty());
  EXPECT_EQ(cards.front().indicator, "warning") << summaries(cards);
  EXPECT_EQ(cards.front().summary, testing::kb().rules.text("kidney_severe").title.substr(0, 139))
      << summaries(cards);
  EXPECT_TRUE(cards.front().has_override_reasons);
  EXPECT_FALSE(cards.front().has_suggestions);  // willis never proposes stopping an order
  EXPECT_NE(card_with(cards, "not advised"), nullptr) << summaries(cards);
  expect_golden("order-select-magnesium-egfr25.json", body);
}

TEST(CdsHooks, MagnesiumOrderedWithEgfrAbove90) {
  const auto cards =
      cards_of(answer("willis-order-select-magnesium-egfr-gt90.json", "willis-order-select"));
  for (const auto& card : cards) EXPECT_NE(card.indicator, "critical") << summaries(cards);
  EXPECT_EQ(card_with(cards, "kidney"), nullptr) << summaries(cards);
  const CardView* plan = card_with(cards, "Magnesium:");
  ASSERT_NE(plan, nullptr) << summaries(cards);
  EXPECT_EQ(plan->indicator, "info");
  EXPECT_NE(plan->detail.find("\\>90"), std::string::npos)
      << "the comparator assumption is shown: " << plan->detail;
}

TEST(CdsHooks, UnknownMedicationCodeSignedGivesAnUncheckedCard) {
  const std::string body = answer("willis-order-sign-unknown.json", "willis-order-sign");
  const auto cards = cards_of(body);
  ASSERT_EQ(cards.size(), 1u) << summaries(cards);
  EXPECT_NE(cards[0].summary.find("Zorbaquine"), std::string::npos) << summaries(cards);
  EXPECT_EQ(cards[0].indicator, "warning");
  expect_golden("order-sign-unknown.json", body);
}

TEST(CdsHooks, PatientViewWithRestlessLegsAndMagnesium) {
  CdsOptions opts = options();
  opts.report_url = "http://127.0.0.1:8080/report?patient={patientId}";
  const std::string body = answer("willis-patient-view-rls.json", "willis-patient-view", opts);
  const auto cards = cards_of(body);
  EXPECT_NE(card_with(cards, "Levothyroxine"), nullptr) << summaries(cards);
  EXPECT_NE(card_with(cards, "Magnesium:"), nullptr) << summaries(cards);
  EXPECT_NE(
      body.find(
          R"("links":[{"label":"willis report for this patient","url":"http://127.0.0.1:8080/report?patient=p1","type":"absolute"}])"),
      std::string::npos);
  expect_golden("patient-view-rls.json", body);
}

TEST(CdsHooks, PatientViewWithoutMagnesiumOrRlsHasNoCards) {
  EXPECT_EQ(answer("willis-patient-view-not-in-play.json", "willis-patient-view"),
            R"({"cards":[]})");
}

TEST(CdsHooks, SameRequestSameCardIds) {
  EXPECT_EQ(answer("willis-order-select-cipro.json", "willis-order-select"),
            answer("willis-order-select-cipro.json", "willis-order-select"));
}

TEST(CdsHooks, NoBirthDateGivesAnInfoCardNotAnError) {
  const auto request =
      parse_cds_request(R"({"hook":"patient-view","hookInstance":"x","context":{"patientId":"1"},
      "prefetch":{"patient":{"resourceType":"Patient","id":"1"}}})",
                        service("willis-patient-view"));
  ASSERT_TRUE(request.ok());
  const auto body =
      app::answer_hook(request.value(), service("willis-patient-view"), terms(), options());
  ASSERT_TRUE(body.ok());
  EXPECT_TRUE(check_cds_response(body.value()).empty());
  EXPECT_NE(body.value().find("birthDate"), std::string::npos);
}

TEST(CdsHooks, SummariesAreCutBelow140Characters) {
  const std::string long_name(300, 'x');
  const std::string request =
      R"({"hook":"order-sign","hookInstance":"y","context":{"patientId":"p1","draftOrders":
      {"resourceType":"Bundle","entry":[{"resource":{"resourceType":"MedicationRequest","id":"d","status":"draft",
      "medicationCodeableConcept":{"text":")" +
      long_name + R"(\u00e9"}}}]}},
      "prefetch":{"patient":{"resourceType":"Patient","id":"p1","birthDate":"1970-01-01"},
      "medicationRequests":{"resourceType":"Bundle"},"medicationStatements":{"resourceType":"Bundle"},
      "conditions":{"resourceType":"Bundle"},"observations":{"resourceType":"Bundle"}}})";
  const auto parsed = parse_cds_request(request, service("willis-order-sign"));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const auto body =
      app::answer_hook(parsed.value(), service("willis-order-sign"), terms(), options());
  ASSERT_TRUE(body.ok());
  EXPECT_TRUE(check_cds_response(body.value()).empty()) << body.value();
  EXPECT_FALSE(cards_of(body.value()).empty());
}

// ---------------------------------------------------------------- the checker and feedback

TEST(CdsHooks, CheckerFindsTheSpecExamplesThatBreakTheRules) {
  EXPECT_TRUE(check_cds_response(fixture("spec-13-http-response.json")).empty());
  const auto twenty = check_cds_response(fixture("spec-20-example.json"));
  ASSERT_EQ(twenty.size(), 1u);
  EXPECT_EQ(twenty[0], "cards[1].uuid: missing (willis sends one on every card)");
  const auto twenty_one = check_cds_response(fixture("spec-21-example.json"));
  ASSERT_FALSE(twenty_one.empty());
  EXPECT_EQ(twenty_one[0].rfind("cards[0].indicator", 0), 0u) << twenty_one[0];
  const auto bad = check_cds_response(
      R"({"cards":[{"uuid":"u","summary":"s","indicator":"info","source":{"label":"l"},
      "suggestions":[{"label":"a","isRecommended":true,"actions":[{"type":"delete","resource":{}}]},
                     {"label":"b","isRecommended":true,"actionSelectionBehavior":"some"}],
      "overrideReasons":[{"code":"c"}],
      "links":[{"label":"x","url":"https://x","type":"absolute","appContext":"{}"}]}]})");
  const std::string all = [&] {
    std::string out;
    for (const auto& p : bad) out += p + "\n";
    return out;
  }();
  for (const char* rule :
       {"cds-resp-6", "cds-resp-5", "cds-resp-2", "cds-resp-7", "cds-resp-4", "cds-resp-3"})
    EXPECT_NE(all.find(rule), std::string::npos) << rule << "\n" << all;
  const auto at_most_one =
      check_cds_response(R"({"cards":[{"uuid":"u","summary":"s","indicator":"info",
      "source":{"label":"l"},"selectionBehavior":"at-most-one",
      "suggestions":[{"label":"a","isRecommended":true},{"label":"b","isRecommended":true}]}]})");
  ASSERT_EQ(at_most_one.size(), 1u);
  EXPECT_NE(at_most_one[0].find("cds-resp-1"), std::string::npos);
}

TEST(CdsHooks, FeedbackExamplesFromTheSpec) {
  const auto accepted = parse_cds_feedback(fixture("spec-22-example-suggestion-accepted.json"));
  ASSERT_TRUE(accepted.ok()) << accepted.error().message;
  EXPECT_EQ(accepted.value(), 1);
  const auto overridden =
      parse_cds_feedback(fixture("spec-24-example-overridden-guidance-with-overridereason.json"));
  ASSERT_TRUE(overridden.ok());
  EXPECT_EQ(
      parse_cds_feedback(R"({"feedback":[{"card":"c","outcome":"maybe","outcomeTimestamp":"t"}]})")
          .error()
          .path,
      "feedback[0].outcome");
  EXPECT_FALSE(parse_cds_feedback("{}").ok());
}

TEST(CdsHooks, OperationOutcomeShape) {
  EXPECT_EQ(
      operation_outcome_json("required", "prefetch missing"),
      R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"required","diagnostics":"prefetch missing"}]})");
}

}  // namespace
}  // namespace willis::codec
