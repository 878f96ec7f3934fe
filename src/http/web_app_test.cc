// src/http/web_app_test.cc: the pages and the JSON API end to end (profile, assessment, timetable,
// diary, trial, assets).
// support/test_kb.h first: the shared fixture uses it (http/ headers may not include support/).
#include "support/test_kb.h"
// clang-format off
#include "http/web_app_test_support.h"
// clang-format on

namespace willis::http {
namespace {

TEST_F(WebAppTest, ApiAssessReturnsTheContract) {
  start();
  auto c = client();
  const auto res = c.Post("/api/assess", kTwoMedicines, "application/json");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json; charset=utf-8");
  EXPECT_NE(res->body.find("\"schema\":\"willis.assessment/1\""), std::string::npos);
  EXPECT_NE(res->body.find("\"id\":\"interaction:ciprofloxacin\""), std::string::npos);
}

TEST_F(WebAppTest, ApiAssessBadProfileIs400NamingTheField) {
  start();
  auto c = client();
  const auto res = c.Post("/api/assess", R"({"ag": 54})", "application/json");
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("\"error\":{\"code\":\"unknown_field\",\"path\":\"ag\""),
            std::string::npos)
      << res->body;
  const auto garbage = c.Post("/api/assess", "{not json", "application/json");
  ASSERT_TRUE(garbage);
  EXPECT_EQ(garbage->status, 400);
  EXPECT_NE(garbage->body.find("\"code\":\"parse_error\""), std::string::npos) << garbage->body;
}

TEST_F(WebAppTest, AMedicineNamedLikeAScriptRendersInert) {
  start();
  auto c = client();
  const std::string script = "<script>alert(1)</script>";
  const std::string body =
      std::string("csrf=") + kCsrf +
      "&action=save&age=54&medicines%5B0%5D.name=" + httplib::detail::encode_query_param(script) +
      "&medicines%5B0%5D.times=08%3A00" +
      "&conditions=" + httplib::detail::encode_query_param("<img src=x onerror=alert(2)>");
  const auto saved = c.Post("/profile", body, kForm);
  ASSERT_TRUE(saved);
  ASSERT_EQ(saved->status, 303) << saved->body;
  for (const char* path : {"/profile", "/assessment", "/timetable", "/report"}) {
    const auto res = c.Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 200) << path;
    EXPECT_EQ(res->body.find("<script>alert(1)"), std::string::npos) << path;
    EXPECT_EQ(res->body.find("<img src=x"), std::string::npos) << path;
    EXPECT_EQ(count(res->body, "<script"), 1u) << path;
    EXPECT_NE(res->body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos) << path;
  }
  // willis does not know the "medicine", so there are no dose times and no calendar (fail closed);
  // the refusal names it, escaped. (Calendar escaping itself: codec/ics_test.cc.)
  const auto ics = c.Get("/timetable.ics");
  ASSERT_TRUE(ics);
  EXPECT_EQ(ics->status, 409);
  EXPECT_EQ(ics->body.find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(ics->body.find("alert(1)"), std::string::npos) << ics->body;
}

// Issue 15: `sleep.difficulty` is a list; every kind ticked must survive profile -> form ->
// profile.
TEST_F(WebAppTest, EverySleepDifficultySurvivesTheRoundTrip) {
  start();
  auto c = client();
  const auto saved =
      c.Post("/profile",
             std::string("csrf=") + kCsrf +
                 "&action=save&age=63&sleep.difficulty=falling_asleep&sleep.difficulty=waking_early"
                 "&sleep.nights_per_week=4&sleep.months=6&sleep.daytime_impact=yes",
             kForm);
  ASSERT_TRUE(saved);
  ASSERT_EQ(saved->status, 303) << saved->body;
  const auto api = c.Get("/api/profile");
  ASSERT_TRUE(api);
  ASSERT_EQ(api->status, 200);
  EXPECT_NE(api->body.find("falling_asleep"), std::string::npos) << api->body;
  EXPECT_NE(api->body.find("waking_early"), std::string::npos) << api->body;
  EXPECT_EQ(api->body.find("staying_asleep"), std::string::npos) << api->body;
  // The form shown again ticks both, and only those.
  const auto page = c.Get("/profile");
  ASSERT_TRUE(page);
  const auto ticked = [&](const std::string& value) {
    const auto at = page->body.find("name=\"sleep.difficulty\" value=\"" + value + "\"");
    EXPECT_NE(at, std::string::npos) << value;
    return at != std::string::npos &&
           page->body.substr(at, page->body.find('>', at) - at).find(" checked") !=
               std::string::npos;
  };
  EXPECT_TRUE(ticked("falling_asleep"));
  EXPECT_TRUE(ticked("waking_early"));
  EXPECT_FALSE(ticked("staying_asleep"));
  // Saving that form again (no change) keeps both: the page's own fields posted back.
  const auto again = c.Post(
      "/profile",
      std::string("csrf=") + kCsrf +
          "&action=save&age=63&sleep.difficulty=falling_asleep&sleep.difficulty=waking_early",
      kForm);
  ASSERT_TRUE(again);
  ASSERT_EQ(again->status, 303);
  const auto api2 = c.Get("/api/profile");
  ASSERT_TRUE(api2);
  EXPECT_NE(api2->body.find("falling_asleep"), std::string::npos) << api2->body;
  EXPECT_NE(api2->body.find("waking_early"), std::string::npos) << api2->body;
}

TEST_F(WebAppTest, ProfileFormErrorsNameTheFieldAndKeepTheAnswers) {
  start();
  auto c = client();
  const auto res = c.Post(
      "/profile",
      std::string("csrf=") + kCsrf +
          "&action=save&age=54&medicines%5B0%5D.name=Ciprofloxacin&medicines%5B0%5D.times=25%3A00",
      kForm);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("id=\"f-medicines-0--times-err\""), std::string::npos);
  EXPECT_NE(res->body.find("value=\"Ciprofloxacin\""), std::string::npos);
  EXPECT_NE(res->body.find("role=\"alert\""), std::string::npos);
  // Add a row without saving.
  const auto added = c.Post(
      "/profile",
      std::string("csrf=") + kCsrf + "&action=add-medicine&age=54&medicines%5B0%5D.name=A", kForm);
  ASSERT_TRUE(added);
  EXPECT_EQ(added->status, 200);
  EXPECT_NE(added->body.find(
                "name=\"medicines[1].name\" value=\"\" autocomplete=\"off\" aria-describedby"),
            std::string::npos);
  const auto api = c.Get("/api/profile");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 404) << "nothing saved yet";
}

TEST_F(WebAppTest, PagesRenderTheAssessmentTimetableAndCalendar) {
  start();
  save_profile(kTwoMedicines);
  auto c = client();
  const auto assessment = c.Get("/assessment");
  ASSERT_TRUE(assessment);
  EXPECT_EQ(assessment->status, 200);
  EXPECT_NE(assessment->body.find("data-finding=\"interaction:ciprofloxacin\""), std::string::npos);
  EXPECT_NE(assessment->body.find("data-finding=\"interaction:levothyroxine\""), std::string::npos);
  const auto timetable = c.Get("/timetable");
  ASSERT_TRUE(timetable);
  EXPECT_NE(timetable->body.find("<svg"), std::string::npos);
  EXPECT_NE(timetable->body.find("url(#tt-hatch)"), std::string::npos);
  const auto ics = c.Get("/timetable.ics");
  ASSERT_TRUE(ics);
  EXPECT_EQ(ics->status, 200);
  EXPECT_EQ(ics->get_header_value("Content-Type"), "text/calendar; charset=utf-8");
  EXPECT_NE(ics->get_header_value("Content-Disposition").find("attachment"), std::string::npos);
  EXPECT_EQ(ics->body.rfind("BEGIN:VCALENDAR\r\n", 0), 0u);
  EXPECT_GE(count(ics->body, "RRULE:FREQ=DAILY\r\n"), 3u);
  EXPECT_EQ(count(ics->body, "\n"), count(ics->body, "\r\n"));
  const auto report = c.Get("/report?paper=letter");
  ASSERT_TRUE(report);
  EXPECT_NE(report->body.find("/static/print-letter.css"), std::string::npos);
  EXPECT_NE(report->body.find("id=\"cit-1\""), std::string::npos) << "numbered citations";
}

TEST_F(WebAppTest, DiaryAndTrialThroughFormsAndApi) {
  start();
  auto c = client();
  auto res = c.Post("/diary",
                    std::string("csrf=") + kCsrf +
                        "&date=2026-11-19&rls=6&sleep_quality=3&bed=23%3A00&wake=06%3A30",
                    kForm);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 303) << res->body;
  EXPECT_EQ(res->get_header_value("Location"), "/diary?saved=2026-11-19");
  res = c.Post("/diary", std::string("csrf=") + kCsrf + "&date=2026-11-25&rls=6", kForm);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400) << "a future date is refused";
  EXPECT_NE(res->body.find("f-date-err"), std::string::npos);
  const auto page = c.Get("/diary?saved=2026-11-19");
  ASSERT_TRUE(page);
  EXPECT_NE(page->body.find("href=\"/diary?date=2026-11-19\""), std::string::npos);
  EXPECT_NE(page->body.find("<svg"), std::string::npos);
  res = c.Post("/api/trial", csrf(),
               R"({"baseline_start": "2026-11-10", "treatment_start": "2026-11-24"})",
               "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  res = c.Post("/api/trial", csrf(),
               R"({"baseline_start": "2026-11-10", "treatment_start": "2026-11-24"})",
               "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 409);
  const auto trial = c.Get("/api/trial");
  ASSERT_TRUE(trial);
  EXPECT_NE(trial->body.find("\"phase\": \"baseline\""), std::string::npos) << trial->body;
  EXPECT_NE(trial->body.find("\"verdict\":"), std::string::npos);
  const auto trial_page = c.Get("/trial");
  ASSERT_TRUE(trial_page);
  EXPECT_NE(trial_page->body.find("Progress"), std::string::npos);
}

TEST_F(WebAppTest, StaticAssetsAndErrorsNeverLeakInternals) {
  start();
  auto c = client();
  const auto js = c.Get("/static/app.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->status, 200);
  EXPECT_EQ(js->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  for (const char* path :
       {"/static/nope.js", "/static/start.html", "/static/../CMakeLists.txt", "/nope"}) {
    const auto res = c.Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path;
  }
  const auto api = c.Get("/api/nope");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 404);
  EXPECT_EQ(api->body,
            "{\"error\":{\"code\":\"not_found\",\"path\":\"\",\"message\":\"There is no such "
            "page.\"}}\n");
}

}  // namespace
}  // namespace willis::http
