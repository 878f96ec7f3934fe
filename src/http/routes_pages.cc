// src/http/routes_pages.cc: the start, profile form, assessment, timetable (+ .ics) and report
// pages.
#include "http/web_app_impl.h"

#include "core/assess.h"
#include "codec/profile_codec.h"
#include "http/assets.h"
#include "http/forms.h"
#include "render/html_assessment.h"
#include "render/html_profile_form.h"
#include "render/html_report.h"
#include "render/html_timetable.h"
#include "render/ics.h"
#include "render/trial_chart.h"

namespace willis::http {

void WebApp::Impl::start_page(const Request&, Response& res) {
  const Asset* start = find_asset("start.html");
  std::string body = start ? std::string(start->data) : "<h1>willis</h1>";
  const auto loaded = load_profile();
  if (loaded.saved)
    body +=
        "<p class=\"next\"><a class=\"button\" href=\"/assessment\">See your assessment</a> "
        "<a class=\"button secondary\" href=\"/diary\">Today's diary</a></p>\n";
  else
    body +=
        "<p class=\"next\"><a class=\"button\" href=\"/profile\" id=\"begin\">Begin: fill in "
        "your "
        "profile</a></p>\n";
  html(res, 200, meta("Start", Nav::start), body);
}

void WebApp::Impl::profile_page(const Request& req, Response& res) {
  const auto loaded = load_profile();
  FormData form;
  render::html::ProfileFormView view;
  view.csrf = csrf;
  if (loaded.saved) {
    form = form_from_profile(loaded.saved->profile);
    view.notice = "Saved as version " + std::to_string(loaded.saved->stored.version) + " on " +
                  loaded.saved->stored.saved_at + ". Change anything and save again.";
  } else if (loaded.error) {
    view.errors.push_back({"", "Your saved profile could not be read (" + loaded.error->message +
                                   "). Fill in the form again to replace it."});
  }
  if (req.has_param("saved")) view.notice = "Saved. " + view.notice;
  if (const std::string diet = req.get_param_value("diet"); !diet.empty()) {
    // From the food picker: fill the field in, never save behind the person's back.
    form.set("diet.magnesium_mg_per_day", diet);
    view.notice =
        "Magnesium from food filled in from your food list: " + diet +
        " mg a day. Check it and press \u201cSave and see my assessment\u201d to keep it.";
  }
  html(res, 200, meta("Profile", Nav::profile), render::html::profile_form_page(form, kb, view));
}

void WebApp::Impl::profile_post(const Request& req, Response& res) {
  FormData form = parse_urlencoded(req.body);
  if (!csrf_ok(req, &form)) return csrf_rejected(req, res);
  const std::string action = form.get("action");
  std::erase_if(form.fields,
                [](const auto& field) { return field.first == "csrf" || field.first == "action"; });
  render::html::ProfileFormView view;
  view.csrf = csrf;
  if (!action.empty() && action != "save") {
    view.focus = apply_row_action(form, action);
    view.notice = "Not saved yet: press \u201cSave and see my assessment\u201d when you are done.";
    html(res, 200, meta("Profile", Nav::profile), render::html::profile_form_page(form, kb, view));
    return;
  }
  apply_row_action(form, "");  // renumber rows 0..n-1
  const ProfileJson doc = profile_json_from_form(form);
  const auto parsed = codec::parse_profile(doc.json, "profile form");
  if (!parsed.ok()) {
    view.errors.push_back(field_error_for(parsed.error(), doc));
    html(res, 400, meta("Profile: please check", Nav::profile),
         render::html::profile_form_page(form, kb, view));
    return;
  }
  core::Result<int> saved = 0;
  {
    std::lock_guard lock(diary_mutex);
    saved = diary.save_profile("json", doc.json);
  }
  if (!saved.ok()) return core_error(req, res, saved.error(), 500);
  res.set_redirect("/assessment", 303);
}

void WebApp::Impl::assessment_page(const Request& req, Response& res) {
  const auto loaded = load_profile();
  if (loaded.error) return core_error(req, res, *loaded.error, 500);
  if (!loaded.saved)
    return html(res, 200, meta("Assessment", Nav::assessment), no_profile_body("Your assessment"));
  const auto a = core::assess(kb, names, loaded.saved->profile);
  html(res, 200, meta("Assessment", Nav::assessment), render::html::assessment_page(a, kb));
}

void WebApp::Impl::timetable_page(const Request& req, Response& res) {
  const auto loaded = load_profile();
  if (loaded.error) return core_error(req, res, *loaded.error, 500);
  if (!loaded.saved)
    return html(res, 200, meta("Timetable", Nav::timetable), no_profile_body("Your timetable"));
  const auto a = core::assess(kb, names, loaded.saved->profile);
  html(res, 200, meta("Timetable", Nav::timetable),
       render::html::timetable_page(a, loaded.saved->profile));
}

void WebApp::Impl::timetable_ics(const Request& req, Response& res) {
  const auto loaded = load_profile();
  if (loaded.error) return core_error(req, res, *loaded.error, 500);
  if (!loaded.saved)
    return error(req, res, 404, "not_found", "There is no profile yet, so no timetable.");
  const auto a = core::assess(kb, names, loaded.saved->profile);
  if (a.schedule.doses.empty()) {
    // Fail closed: no calendar without dose times; say what is missing.
    std::string why;
    for (const auto& u : a.schedule.unresolved) why += (why.empty() ? "" : " ") + u.ask;
    return error(req, res, 409, "no_timetable",
                 why.empty() ? "There are no magnesium dose times to put in a calendar."
                             : "No dose times yet. " + why);
  }
  const auto calendar =
      render::timetable_calendar(a, loaded.saved->profile, options.today(), options.now_utc());
  res.status = 200;
  res.set_header("Content-Disposition", "attachment; filename=\"willis-timetable.ics\"");
  res.set_content(render::ics_write(calendar), "text/calendar; charset=utf-8");
}

void WebApp::Impl::report_page(const Request& req, Response& res) {
  const auto loaded = load_profile();
  if (loaded.error) return core_error(req, res, *loaded.error, 500);
  const auto data = load_diary();
  const auto today = options.today();
  render::html::ReportInput input;
  input.kb = &kb;
  input.generated = today.str();
  std::optional<core::Assessment> a;
  if (loaded.saved) {
    a = core::assess(kb, names, loaded.saved->profile);
    input.assessment = &*a;
    input.profile = &loaded.saved->profile;
  }
  std::string paper = req.get_param_value("paper");
  if (paper != "a4" && paper != "letter")
    paper = loaded.saved && loaded.saved->profile.jurisdiction == core::Jurisdiction::us ? "letter"
                                                                                         : "a4";
  input.paper = paper;
  if (data.plan) {
    input.plan = data.plan;
    input.result = core::evaluate_trial(*data.plan, data.entries, today, trial);
    input.chart_svg = render::trial_chart_svg(*data.plan, data.entries, *input.result);
  }
  auto page_meta = meta("Report for your GP", Nav::report);
  page_meta.stylesheets.push_back("/static/print-" + paper + ".css");
  html(res, 200, page_meta, render::html::report_page(input));
}

}  // namespace willis::http
