// src/http/routes_diary.cc: the diary and trial pages and the forms that save them.
#include "http/web_app_impl.h"

#include "core/trial.h"
#include "http/forms.h"
#include "render/html_diary.h"
#include "render/trial_chart.h"

namespace willis::http {

std::string WebApp::Impl::chart_for(const DiaryData& data, core::CalendarDate today) const {
  if (data.plan)
    return render::trial_chart_svg(*data.plan, data.entries,
                                   core::evaluate_trial(*data.plan, data.entries, today, trial));
  return render::html::diary_chart_svg(data.entries);
}

void WebApp::Impl::render_diary(Response& res, int status, const FormData& form,
                                render::html::DiaryView view) {
  const auto data = load_diary();
  const auto today = options.today();
  view.csrf = csrf;
  view.today = today.str();
  if (data.error)
    view.errors.push_back({"", "The diary could not be read: " + data.error->message});
  html(res, status, meta("Diary", Nav::diary),
       render::html::diary_page(form, data.entries, chart_for(data, today), view));
}

void WebApp::Impl::diary_page(const Request& req, Response& res) {
  const auto today = options.today();
  FormData form;
  form.set("date", today.str());
  render::html::DiaryView view;
  if (req.has_param("date")) {
    if (const auto date = core::parse_date(req.get_param_value("date"))) {
      form.set("date", date->str());
      std::lock_guard lock(diary_mutex);
      const auto found = diary.entry(*date);
      if (found.ok() && found.value()) {
        form = render::html::diary_form_data(*found.value());
        view.notice = "Editing the entry for " + date->str() +
                      ". Saving keeps the old version in the history.";
      }
    }
  }
  if (req.has_param("saved"))
    if (const auto date = core::parse_date(req.get_param_value("saved")))
      view.notice = "Saved the entry for " + date->str() + ".";
  render_diary(res, 200, form, view);
}

void WebApp::Impl::diary_post(const Request& req, Response& res) {
  FormData form = parse_urlencoded(req.body);
  if (!csrf_ok(req, &form)) return csrf_rejected(req, res);
  std::erase_if(form.fields, [](const auto& field) { return field.first == "csrf"; });
  const auto today = options.today();
  render::html::DiaryView view;
  auto entry = diary_entry_from_form(form);
  std::optional<core::Error> problem;
  if (!entry.ok())
    problem = entry.error();
  else if (auto invalid = core::validate_entry(entry.value(), today))
    problem = *invalid;
  if (!problem) {
    std::lock_guard lock(diary_mutex);
    const auto outcome = diary.put_entry(entry.value(), today);
    if (!outcome.ok()) problem = outcome.error();
  }
  if (problem) {
    view.errors.push_back({problem->path, problem->message});
    return render_diary(res, 400, form, view);
  }
  res.set_redirect("/diary?saved=" + entry.value().date.str(), 303);
}

void WebApp::Impl::render_trial(Response& res, int status, const FormData& form_in,
                                render::html::TrialView view) {
  const auto data = load_diary();
  const auto today = options.today();
  view.csrf = csrf;
  if (data.error)
    view.errors.push_back({"", "The diary could not be read: " + data.error->message});
  FormData form = form_in;
  if (form.fields.empty()) {
    form.set("design", "ab");
    form.set("baseline_start", today.str());
    form.set("treatment_start", core::add_days(today, 2 * trial.rules.min_baseline_days).str());
    form.set("treatment_weeks", std::to_string(trial.rules.default_treatment_weeks));
    form.set("withdrawal_weeks", std::to_string(trial.rules.default_withdrawal_weeks));
  }
  std::optional<core::TrialStatus> trial_status;
  std::optional<core::TrialResult> result;
  std::string chart;
  if (data.plan) {
    trial_status = core::trial_status(*data.plan, data.entries, today, trial.rules);
    result = core::evaluate_trial(*data.plan, data.entries, today, trial);
    chart = render::trial_chart_svg(*data.plan, data.entries, *result);
  }
  html(res, status, meta("Trial", Nav::trial),
       render::html::trial_page(data.plan, trial_status, result, chart, form, view));
}

void WebApp::Impl::trial_page(const Request& req, Response& res) {
  render::html::TrialView view;
  if (req.has_param("saved"))
    view.notice = "Your trial is planned. Log every evening in the diary.";
  render_trial(res, 200, {}, view);
}

void WebApp::Impl::trial_post(const Request& req, Response& res) {
  FormData form = parse_urlencoded(req.body);
  if (!csrf_ok(req, &form)) return csrf_rejected(req, res);
  std::erase_if(form.fields, [](const auto& field) { return field.first == "csrf"; });
  render::html::TrialView view;
  const auto plan = trial_plan_from_form(form, trial.rules);
  std::optional<core::Error> problem;
  if (!plan.ok()) {
    problem = plan.error();
  } else {
    std::lock_guard lock(diary_mutex);
    const auto existing = diary.current_trial();
    if (!existing.ok())
      problem = existing.error();
    else if (existing.value() && form.get("replace") != "true")
      problem = core::Error{
          core::Errc::invalid_value, "replace",
          "a trial is already planned; tick \u201cReplace the current plan\u201d to replace it"};
    else if (const auto saved = diary.start_trial(plan.value(), trial.rules); !saved.ok())
      problem = saved.error();
  }
  if (problem) {
    view.errors.push_back({problem->path, problem->message});
    return render_trial(res, 400, form, view);
  }
  res.set_redirect("/trial?saved=1", 303);
}

}  // namespace willis::http
