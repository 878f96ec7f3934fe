#include "render/html.h"

#include <gtest/gtest.h>

#include "render/html_assessment.h"
#include "render/html_diary.h"
#include "render/html_profile_form.h"
#include "render/html_report.h"
#include "render/html_timetable.h"
#include "codec/profile_codec.h"
#include "core/assess.h"
#include "support/test_kb.h"

namespace willis::render::html {
namespace {

constexpr const char* kScript = "<script>alert(1)</script>";

core::Profile profile_from(const std::string& json) {
  auto parsed = codec::parse_profile(json, "test");
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? ""
                                           : parsed.error().path + ": " + parsed.error().message);
  return parsed.ok() ? parsed.value() : core::Profile{};
}

/// No raw `<script` apart from the one external script tag of the layout.
void expect_inert(const std::string& html) {
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_EQ(html.find("alert(1)</script>"), std::string::npos);
  std::size_t scripts = 0;
  for (auto pos = html.find("<script"); pos != std::string::npos;
       pos = html.find("<script", pos + 1)) {
    EXPECT_EQ(html.compare(pos, 32, "<script src=\"/static/app.js\" def"), 0)
        << html.substr(pos, 60);
    ++scripts;
  }
  EXPECT_LE(scripts, 1u);
}

TEST(Html, EscapesTheFiveCharacters) {
  EXPECT_EQ(escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(escape("plain text"), "plain text");
}

TEST(Html, FormatEscapesStringsButNotRawOrNumbers) {
  EXPECT_EQ(
      format("<p title=\"{}\">{} {} {}</p>", std::string("\"x\""), kScript, Raw{"<b>ok</b>"}, 42),
      "<p title=\"&quot;x&quot;\">&lt;script&gt;alert(1)&lt;/script&gt; <b>ok</b> 42</p>");
}

TEST(Html, PageHasLanguageLandmarksDisclaimerAndNoInlineScript) {
  PageMeta meta;
  meta.title = kScript;
  meta.nav = Nav::diary;
  meta.disclaimer = "information, not a diagnosis";
  meta.kb_version = "2026.11.0";
  const std::string html = page(meta, Raw{"<h1>x</h1>"});
  EXPECT_NE(html.find("<html lang=\"en\">"), std::string::npos);
  for (const char* landmark :
       {"<header", "<nav aria-label=\"Main\"", "<main id=\"main\"", "<footer"})
    EXPECT_NE(html.find(landmark), std::string::npos) << landmark;
  EXPECT_NE(html.find("information, not a diagnosis"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"/diary\" aria-current=\"page\">Diary</a>"), std::string::npos);
  EXPECT_EQ(html.find("style="), std::string::npos) << "no inline styles under CSP";
  for (const char* handler : {"onclick=", "onload=", "onerror=", "onsubmit="})
    EXPECT_EQ(html.find(handler), std::string::npos) << "no inline event handlers";
  expect_inert(html);
}

TEST(Html, AssessmentPageEscapesAMedicineNamedLikeAScript) {
  const auto profile = profile_from(std::string(R"({"age": 54, "medicines": [{"name": ")") +
                                    "<script>alert(1)</script>" + R"(", "times": ["08:00"]}],
      "conditions": ["<img src=x onerror=alert(2)>"]})");
  const auto a = core::assess(testing::kb(), testing::names(), profile);
  const std::string html = assessment_page(a, testing::kb());
  expect_inert(html);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  const std::string timetable = timetable_page(a, profile);
  expect_inert(timetable);
  EXPECT_NE(timetable.find("&lt;script&gt;"), std::string::npos);
  ReportInput input;
  input.assessment = &a;
  input.profile = &profile;
  input.kb = &testing::kb();
  input.generated = "2026-11-20";
  const std::string report = report_page(input);
  expect_inert(report);
  EXPECT_EQ(report.find("<img"), std::string::npos);
}

TEST(Html, UrgentVerdictIsAnAlertBeforeEveryCardAndHasNoPlan) {
  const auto profile = profile_from(R"({"age": 60, "symptoms": {"red_flags": ["chest-pain"]}})");
  const auto a = core::assess(testing::kb(), testing::names(), profile);
  ASSERT_EQ(a.verdict, core::Severity::urgent);
  const std::string html = assessment_page(a, testing::kb());
  const auto alert = html.find("role=\"alert\"");
  ASSERT_NE(alert, std::string::npos);
  EXPECT_LT(alert, html.find("<article"));
  EXPECT_NE(html.find("Urgent: get medical help now"), std::string::npos);
  EXPECT_NE(html.find("No magnesium plan"), std::string::npos);
  // The severity is written in words, not only in colour.
  EXPECT_NE(html.find("<p class=\"sev\"><span class=\"icon\" aria-hidden=\"true\">"),
            std::string::npos);
}

TEST(Html, CardsAreGroupedBySeverityWithExpandableCitations) {
  const auto profile = profile_from(R"({"age": 54,
      "medicines": [{"name": "Levothyroxine 75 microgram tablets", "times": ["07:00"]},
                    {"name": "Ciprofloxacin 500 mg tablets", "times": ["08:00", "20:00"]}]})");
  const auto a = core::assess(testing::kb(), testing::names(), profile);
  const std::string html = assessment_page(a, testing::kb());
  EXPECT_NE(html.find("data-finding=\"interaction:ciprofloxacin\""), std::string::npos);
  const auto card = html.find("data-finding=\"interaction:ciprofloxacin\"");
  const auto summary = html.find("<details class=\"sources\"><summary>Sources (", card);
  ASSERT_NE(summary, std::string::npos);
  EXPECT_LT(html.find("<p class=\"detail\">", card), summary)
      << "the detail comes before the sources";
  EXPECT_EQ(html.compare(summary, 55, "<details class=\"sources\"><summary>Sources (1)</summary>"),
            0)
      << html.substr(summary, 80);
  EXPECT_NE(html.find("<a href=\"https://"), std::string::npos) << "citations link to their source";
  const auto caution = html.find("id=\"group-caution\"");
  const auto info = html.find("id=\"group-info\"");
  ASSERT_NE(caution, std::string::npos);
  if (info != std::string::npos) {
    EXPECT_LT(caution, info);
  }
  const std::string svg = timetable_svg(a, profile);
  EXPECT_NE(svg.find("url(#tt-hatch)"), std::string::npos) << "keep-apart windows drawn";
  EXPECT_NE(svg.find("Ciprofloxacin 500 mg tablets at 20:00"), std::string::npos);
}

TEST(Html, ProfileFormLabelsEveryInputAndPutsRedFlagsFirst) {
  FormData form;
  form.add("medicines[0].name", kScript);
  form.add("medicines[1].name", "Ciprofloxacin");
  ProfileFormView view;
  view.csrf = "token\"<";
  view.errors.push_back({"medicines[1].times[0]", "\"25:00\" is not a 24 h time"});
  const std::string html = profile_form_page(form, testing::kb(), view);
  expect_inert(html);
  EXPECT_NE(html.find("value=\"token&quot;&lt;\""), std::string::npos);
  EXPECT_LT(html.find("class=\"section redflags\""), html.find("name=\"age\""));
  EXPECT_NE(html.find("name=\"medicines[1].name\""), std::string::npos);
  EXPECT_NE(html.find("id=\"f-medicines-1--times-err\""), std::string::npos)
      << "the error shows at its field";
  // Every input, select and textarea (outside the row template) has a label for its id.
  const std::string body = html.substr(0, html.find("<template"));
  for (const char* tag : {"<input ", "<select ", "<textarea "}) {
    for (auto pos = body.find(tag); pos != std::string::npos; pos = body.find(tag, pos + 1)) {
      const auto end = body.find('>', pos);
      const std::string element = body.substr(pos, end - pos);
      if (element.find("type=\"hidden\"") != std::string::npos) continue;
      const auto id_at = element.find(" id=\"");
      ASSERT_NE(id_at, std::string::npos) << element;
      const std::string id = element.substr(id_at + 5, element.find('"', id_at + 5) - id_at - 5);
      EXPECT_NE(body.find("<label for=\"" + id + "\""), std::string::npos) << "no label for " << id;
    }
  }
}

TEST(Html, DiaryPageShowsHistoryAndChart) {
  std::vector<core::DiaryEntry> entries;
  for (int day = 1; day <= 10; ++day) {
    core::DiaryEntry entry;
    entry.date = core::CalendarDate{2026, 11, day};
    entry.rls = day % 7;
    entry.note = kScript;
    entries.push_back(entry);
  }
  DiaryView view;
  view.csrf = "c";
  view.today = "2026-11-20";
  FormData form;
  form.set("date", "2026-11-20");
  const std::string chart = diary_chart_svg(entries);
  EXPECT_NE(chart.find("<svg"), std::string::npos);
  const std::string html = diary_page(form, entries, chart, view);
  expect_inert(html);
  EXPECT_NE(html.find("href=\"/diary?date=2026-11-10\""), std::string::npos);
  const auto table = html.find("<table class=\"history\"");
  ASSERT_NE(table, std::string::npos);
  EXPECT_LT(html.find("2026-11-10", table), html.find("2026-11-01", table)) << "newest first";
}

TEST(Html, NumberText) {
  EXPECT_EQ(number_text(161.6), "161.6");
  EXPECT_EQ(number_text(400), "400");
  EXPECT_EQ(number_text(0.70, 2), "0.7");
  EXPECT_EQ(number_text(-0.01, 1), "0");
}

}  // namespace
}  // namespace willis::render::html
