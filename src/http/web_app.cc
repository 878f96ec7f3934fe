#include "http/web_app.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <stdexcept>
#include <cstdint>
#include <ctime>
#include <optional>

#include "render/assessment_json.h"
#include "render/diary_export.h"
#include "render/html.h"
#include "render/html_assessment.h"
#include "render/html_diary.h"
#include "render/html_profile_form.h"
#include "render/html_report.h"
#include "render/html_timetable.h"
#include "render/ics.h"
#include "render/json_writer.h"
#include "codec/diary_import.h"
#include "codec/profile_codec.h"
#include "render/trial_chart.h"
#include "core/assess.h"
#include "core/trial.h"
#include "http/assets.h"
#include "http/forms.h"
#include "http/hardened_server.h"
#include "http/security.h"
#include "render/trial_report.h"
#include "willis_version.h"

namespace willis::http {

using render::html::FieldError;
using render::html::FormData;
using render::html::Nav;
using render::html::PageMeta;
using render::html::Raw;
using httplib::Request;
using httplib::Response;
using HandlerResponse = httplib::Server::HandlerResponse;

namespace {

/// When the request on this thread started (httplib handles each request on one thread).
thread_local std::optional<std::chrono::steady_clock::time_point> t_request_start;

constexpr const char* kHtml = "text/html; charset=utf-8";
constexpr const char* kJson = "application/json; charset=utf-8";
constexpr const char* kTokenCookie = "willis_token";

bool is_api(const Request& req) {
  return req.path.rfind("/api/", 0) == 0;
}

/// What a request says about its body before it is read (the gate runs before the body is read).
/// Framing is checked strictly (RFC 9112 6.3): one Content-Length of digits only, or
/// Transfer-Encoding exactly "chunked", never both; anything else could be read one way here and
/// another by a proxy in front, or slip past the size check ("+300000").
struct DeclaredLength {
  bool malformed = false;   ///< framing willis refuses (400)
  bool chunked = false;     ///< Transfer-Encoding: chunked, length unknown until read
  std::uint64_t bytes = 0;  ///< Content-Length (0 when absent)
  bool too_large(std::size_t limit) const { return chunked || bytes > limit; }
};

std::string lower_trimmed(std::string text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.pop_back();
  std::size_t start = 0;
  while (start < text.size() && (text[start] == ' ' || text[start] == '\t')) ++start;
  text.erase(0, start);
  for (char& ch : text) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return text;
}

DeclaredLength declared_body_length(const Request& req) {
  DeclaredLength out;
  const std::size_t lengths = req.get_header_value_count("Content-Length");
  const std::size_t encodings = req.get_header_value_count("Transfer-Encoding");
  if (lengths > 1 || encodings > 1 || (lengths && encodings)) {
    out.malformed = true;
    return out;
  }
  if (encodings) {
    out.chunked = true;
    out.malformed = lower_trimmed(req.get_header_value("Transfer-Encoding")) != "chunked";
    return out;
  }
  if (lengths) {
    const std::string length = req.get_header_value("Content-Length");
    if (length.empty() || length.size() > 18 ||
        length.find_first_not_of("0123456789") != std::string::npos)
      out.malformed = true;
    else
      out.bytes = std::stoull(length);
  }
  return out;
}

/// A path as one log line can carry it: control characters, backslashes, quotes and non-ASCII
/// bytes as \xHH, so a request cannot forge or split log lines.
std::string loggable(std::string_view path) {
  std::string out;
  for (const char ch : path) {
    const auto byte = static_cast<unsigned char>(ch);
    if (byte < 0x20 || byte >= 0x7f || ch == '\\' || ch == '"')
      out += fmt::format("\\x{:02x}", byte);
    else
      out += ch;
  }
  return out;
}

/// Where to send the browser after the token link: the same path when it is a plain local path,
/// else the start page. Never "//host/..." (a protocol-relative URL leaves the site) or anything a
/// browser could read as another origin.
std::string local_redirect(const std::string& path) {
  if (path.size() < 1 || path[0] != '/' || (path.size() > 1 && (path[1] == '/' || path[1] == '\\')))
    return "/";
  for (const char ch : path)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '/' || ch == '.' || ch == '-' ||
          ch == '_'))
      return "/";
  return path;
}

/// The CDS Hooks routes (http/cds_hooks_routes): called by EHRs from other origins, with their own
/// CORS headers and body limit.
bool is_service(const Request& req) {
  return req.path.rfind("/cds-services", 0) == 0;
}

bool is_unsafe(const Request& req) {
  return req.method != "GET" && req.method != "HEAD" && req.method != "OPTIONS";
}

std::string http_error_json(std::string_view code, std::string_view message) {
  render::JsonWriter w(false);
  w.begin_object();
  w.key("error");
  w.begin_object();
  w.member("code", code);
  w.member("path", "");
  w.member("message", message);
  w.end_object();
  w.end_object();
  return w.take();
}

const char* status_code_name(int status) {
  switch (status) {
    case 400:
      return "bad_request";
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 409:
      return "conflict";
    case 413:
      return "payload_too_large";
    case 415:
      return "unsupported_media_type";
    default:
      return status >= 500 ? "internal_error" : "error";
  }
}

const char* status_message(int status) {
  switch (status) {
    case 400:
      return "The request could not be read.";
    case 401:
      return "This willis needs its access token: open the address `willis serve` printed.";
    case 403:
      return "This request is not allowed.";
    case 404:
      return "There is no such page.";
    case 405:
      return "This address does not accept that method.";
    case 413:
      return "The request is too large.";
    default:
      return status >= 500 ? "Something went wrong inside willis; nothing was changed."
                           : "The request failed.";
  }
}

}  // namespace

struct WebApp::Impl {
  Impl(const core::Kb& kb_in, store::Diary diary_in, WebOptions options_in)
      : kb(kb_in), names(kb_in), diary(std::move(diary_in)), options(std::move(options_in)) {
    // "Today" is the composition's (app::Clock: local date or WILLIS_TODAY), never guessed here.
    if (!options.today) throw std::invalid_argument("WebOptions.today is required");
    if (!options.now_utc) throw std::invalid_argument("WebOptions.now_utc is required");
  }

  const core::Kb& kb;
  const core::NameIndex names;
  store::Diary diary;
  std::mutex diary_mutex;  // one SQLite connection; httplib runs handlers on a thread pool
  std::mutex index_mutex;  // the ask and food indexes: one in-memory SQLite connection each
  WebOptions options;
  std::string csrf;
  HostPolicy policy;
  int port = 0;

  // ---- responses ----

  PageMeta meta(std::string title, Nav nav) const {
    PageMeta m;
    m.title = std::move(title);
    m.nav = nav;
    m.disclaimer = kb.rules.disclaimer;
    m.kb_version = kb.version;
    return m;
  }

  void html(Response& res, int status, const PageMeta& page_meta, const std::string& body) const {
    res.status = status;
    res.set_content(render::html::page(page_meta, Raw{body}), kHtml);
  }

  static void json(Response& res, int status, std::string body) {
    res.status = status;
    if (body.empty() || body.back() != '\n') body += '\n';
    res.set_content(body, kJson);
  }

  /// An HTTP-level error in the shape the request expects (JSON for /api/, else a page).
  void error(const Request& req, Response& res, int status, std::string_view code,
             std::string_view message) const {
    res.status = status;
    if (is_api(req)) {
      res.set_content(http_error_json(code, message) + "\n", kJson);
      return;
    }
    const std::string body =
        render::html::format("<h1>{}</h1>\n<p>{}</p>\n<p><a href=\"/\">Back to the start</a></p>\n",
                            status == 404   ? "Not found"
                            : status >= 500 ? "Something went wrong"
                                            : "Not allowed",
                            message);
    res.set_content(render::html::page(meta("Error", Nav::none), Raw{body}), kHtml);
  }

  /// A core/store error: 400 with {"error": {code, path, message}} (API) or a page.
  void core_error(const Request& req, Response& res, const core::Error& err,
                  int status = 400) const {
    if (is_api(req)) {
      json(res, status, render::error_json(err));
      return;
    }
    error(req, res, status, core::to_string(err.code),
          err.path.empty() ? err.message : err.path + ": " + err.message);
  }

  bool csrf_ok(const Request& req, const FormData* form) const {
    if (constant_time_equal(req.get_header_value("X-CSRF-Token"), csrf)) return true;
    return form && constant_time_equal(form->get("csrf"), csrf);
  }

  void csrf_rejected(const Request& req, Response& res) const {
    error(req, res, 403, "csrf",
          is_api(req)
              ? "state-changing requests need the X-CSRF-Token header (GET /api/session gives it)"
              : "This form has expired (willis may have been restarted). Go back, reload the page "
                "and send it again.");
  }

  // ---- data ----

  struct Saved {
    core::Profile profile;
    store::StoredProfile stored;
  };
  struct Loaded {
    std::optional<Saved> saved;
    std::optional<core::Error> error;  ///< the diary or the stored text could not be read
  };

  Loaded load_profile() {
    Loaded out;
    std::optional<store::StoredProfile> stored;
    {
      std::lock_guard lock(diary_mutex);
      auto latest = diary.latest_profile();
      if (!latest.ok()) {
        out.error = latest.error();
        return out;
      }
      stored = latest.value();
    }
    if (!stored) return out;
    auto parsed = codec::parse_profile(stored->text, "saved profile");
    if (!parsed.ok()) {
      out.error = parsed.error();
      return out;
    }
    out.saved = Saved{std::move(parsed).value(), *stored};
    out.saved->profile.as_of = options.today();  // lab dates are judged against today
    return out;
  }

  struct DiaryData {
    std::vector<core::DiaryEntry> entries;
    std::optional<core::TrialPlan> plan;
    std::optional<core::Error> error;
  };

  DiaryData load_diary() {
    DiaryData out;
    std::lock_guard lock(diary_mutex);
    auto entries = diary.entries();
    if (!entries.ok()) {
      out.error = entries.error();
      return out;
    }
    out.entries = std::move(entries).value();
    auto plan = diary.current_trial();
    if (!plan.ok()) {
      out.error = plan.error();
      return out;
    }
    out.plan = plan.value();
    return out;
  }

  std::string no_profile_body(const std::string& heading) const {
    return render::html::format(
        "<h1>{}</h1>\n<p class=\"lead\">There is no profile yet. <a class=\"button\" "
        "href=\"/profile\">Fill in "
        "your profile</a> first; it takes a few minutes.</p>\n",
        heading);
  }

  // ---- pages ----

  void start_page(const Request&, Response& res) {
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

  void profile_page(const Request& req, Response& res) {
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

  void profile_post(const Request& req, Response& res) {
    FormData form = parse_urlencoded(req.body);
    if (!csrf_ok(req, &form)) return csrf_rejected(req, res);
    const std::string action = form.get("action");
    std::erase_if(form.fields, [](const auto& field) {
      return field.first == "csrf" || field.first == "action";
    });
    render::html::ProfileFormView view;
    view.csrf = csrf;
    if (!action.empty() && action != "save") {
      view.focus = apply_row_action(form, action);
      view.notice =
          "Not saved yet: press \u201cSave and see my assessment\u201d when you are done.";
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

  void assessment_page(const Request& req, Response& res) {
    const auto loaded = load_profile();
    if (loaded.error) return core_error(req, res, *loaded.error, 500);
    if (!loaded.saved)
      return html(res, 200, meta("Assessment", Nav::assessment),
                  no_profile_body("Your assessment"));
    const auto a = core::assess(kb, names, loaded.saved->profile);
    html(res, 200, meta("Assessment", Nav::assessment), render::html::assessment_page(a, kb));
  }

  void timetable_page(const Request& req, Response& res) {
    const auto loaded = load_profile();
    if (loaded.error) return core_error(req, res, *loaded.error, 500);
    if (!loaded.saved)
      return html(res, 200, meta("Timetable", Nav::timetable), no_profile_body("Your timetable"));
    const auto a = core::assess(kb, names, loaded.saved->profile);
    html(res, 200, meta("Timetable", Nav::timetable),
         render::html::timetable_page(a, loaded.saved->profile));
  }

  void timetable_ics(const Request& req, Response& res) {
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

  std::string chart_for(const DiaryData& data, core::CalendarDate today) const {
    if (data.plan)
      return render::trial_chart_svg(*data.plan, data.entries,
                                    core::evaluate_trial(*data.plan, data.entries, today));
    return render::html::diary_chart_svg(data.entries);
  }

  void render_diary(Response& res, int status, const FormData& form, render::html::DiaryView view) {
    const auto data = load_diary();
    const auto today = options.today();
    view.csrf = csrf;
    view.today = today.str();
    if (data.error)
      view.errors.push_back({"", "The diary could not be read: " + data.error->message});
    html(res, status, meta("Diary", Nav::diary),
         render::html::diary_page(form, data.entries, chart_for(data, today), view));
  }

  void diary_page(const Request& req, Response& res) {
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

  void diary_post(const Request& req, Response& res) {
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

  void render_trial(Response& res, int status, const FormData& form_in,
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
      form.set("treatment_start", core::add_days(today, 2 * core::kMinBaselineDays).str());
      form.set("treatment_weeks", std::to_string(core::kDefaultTreatmentWeeks));
      form.set("withdrawal_weeks", std::to_string(core::kDefaultWithdrawalWeeks));
    }
    std::optional<core::TrialStatus> trial_status;
    std::optional<core::TrialResult> result;
    std::string chart;
    if (data.plan) {
      trial_status = core::trial_status(*data.plan, data.entries, today);
      result = core::evaluate_trial(*data.plan, data.entries, today);
      chart = render::trial_chart_svg(*data.plan, data.entries, *result);
    }
    html(res, status, meta("Trial", Nav::trial),
         render::html::trial_page(data.plan, trial_status, result, chart, form, view));
  }

  void trial_page(const Request& req, Response& res) {
    render::html::TrialView view;
    if (req.has_param("saved"))
      view.notice = "Your trial is planned. Log every evening in the diary.";
    render_trial(res, 200, {}, view);
  }

  void trial_post(const Request& req, Response& res) {
    FormData form = parse_urlencoded(req.body);
    if (!csrf_ok(req, &form)) return csrf_rejected(req, res);
    std::erase_if(form.fields, [](const auto& field) { return field.first == "csrf"; });
    render::html::TrialView view;
    const auto plan = trial_plan_from_form(form);
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
      else if (const auto saved = diary.start_trial(plan.value()); !saved.ok())
        problem = saved.error();
    }
    if (problem) {
      view.errors.push_back({problem->path, problem->message});
      return render_trial(res, 400, form, view);
    }
    res.set_redirect("/trial?saved=1", 303);
  }

  void report_page(const Request& req, Response& res) {
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
      paper = loaded.saved && loaded.saved->profile.jurisdiction == core::Jurisdiction::us
                  ? "letter"
                  : "a4";
    input.paper = paper;
    if (data.plan) {
      input.plan = data.plan;
      input.result = core::evaluate_trial(*data.plan, data.entries, today);
      input.chart_svg = render::trial_chart_svg(*data.plan, data.entries, *input.result);
    }
    auto page_meta = meta("Report for your GP", Nav::report);
    page_meta.stylesheets.push_back("/static/print-" + paper + ".css");
    html(res, 200, page_meta, render::html::report_page(input));
  }

  // ---- evidence, ask and food (http/evidence_pages) ----

  void evidence_page(const Request& req, Response& res) {
    const ClaimFilter filter{req.get_param_value("topic"), req.get_param_value("article"),
                             req.get_param_value("verdict")};
    html(res, 200, meta("Evidence", Nav::evidence), evidence_body(options.evidence, filter));
  }

  void sources_page(const Request&, Response& res) {
    html(res, 200, meta("Sources", Nav::evidence), sources_body(kb, options.evidence));
  }

  void conflicts_page(const Request&, Response& res) {
    html(res, 200, meta("Where sources disagree", Nav::evidence), conflicts_body(options.evidence));
  }

  void ask_page(const Request& req, Response& res) {
    std::string question = req.get_param_value("q");
    if (question.size() > 300) question.resize(300);
    auto page_meta = meta(question.empty() ? "Ask" : "Ask: " + question, Nav::none);
    page_meta.question = question;
    html(res, 200, page_meta, ask_body(kb, options.evidence, question, index_mutex));
  }

  void foods_page(const Request& req, Response& res) {
    std::vector<std::string> items, problems;
    for (std::size_t i = 0, n = req.get_param_value_count("item"); i < n; ++i)
      items.push_back(req.get_param_value("item", i));
    // "Add" sends the food, its portion and servings as separate fields; they join the list.
    if (const std::string add = req.get_param_value("add"); !add.empty())
      items.push_back(add + ":" + req.get_param_value("portion") + ":" +
                      req.get_param_value("servings"));
    const auto picked = picked_foods(items, problems);
    html(res, 200, meta("Magnesium in your food", Nav::profile),
         foods_body(options.evidence, req.get_param_value("q"), picked, problems, index_mutex));
  }

  void static_file(const Request& req, Response& res) {
    const std::string name = req.matches.size() > 1 ? std::string(req.matches[1]) : std::string();
    const Asset* asset = find_asset(name);
    if (!asset || name.find(".html") != std::string::npos)
      return error(req, res, 404, "not_found", status_message(404));
    res.headers.erase("Cache-Control");
    res.set_header("Cache-Control", "no-cache");
    res.set_content(std::string(asset->data), std::string(asset->content_type).c_str());
  }

  // ---- API ----

  void api_assess(const Request& req, Response& res) {
    auto profile = codec::parse_profile(req.body, "request body");
    if (!profile.ok()) return json(res, 400, render::error_json(profile.error()));
    profile.value().as_of = options.today();  // lab dates are judged against today
    json(res, 200, render::assessment_json(core::assess(kb, names, profile.value()), kb, false));
  }

  void api_session(const Request&, Response& res) {
    render::JsonWriter w(false);
    w.begin_object();
    w.member("csrf", csrf);
    w.member("kb_version", kb.version);
    w.end_object();
    json(res, 200, w.take());
  }

  /// GET /api/version: the same three versions as `willis --version`.
  void api_version(const Request&, Response& res) {
    render::JsonWriter w(false);
    w.begin_object();
    w.member("version", std::string(willis::kVersion));
    w.member("kb_version", kb.version);
    w.member("contract", core::Assessment{}.schema);
    w.end_object();
    json(res, 200, w.take());
  }

  void api_profile_get(const Request& req, Response& res) {
    const auto loaded = load_profile();
    if (loaded.error) return core_error(req, res, *loaded.error, 500);
    if (!loaded.saved) return error(req, res, 404, "not_found", "no profile has been saved");
    render::JsonWriter w(false);
    w.begin_object();
    w.member("version", loaded.saved->stored.version);
    w.member("format", loaded.saved->stored.format);
    w.member("saved_at", loaded.saved->stored.saved_at);
    w.member("text", loaded.saved->stored.text);
    w.end_object();
    json(res, 200, w.take());
  }

  void api_profile_post(const Request& req, Response& res) {
    if (!csrf_ok(req, nullptr)) return csrf_rejected(req, res);
    const auto profile = codec::parse_profile(req.body, "request body");
    if (!profile.ok()) return json(res, 400, render::error_json(profile.error()));
    const auto first = req.body.find_first_not_of(" \t\r\n");
    const bool is_json = first != std::string::npos && req.body[first] == '{';
    core::Result<int> saved = 0;
    {
      std::lock_guard lock(diary_mutex);
      saved = diary.save_profile(is_json ? "json" : "yaml", req.body);
    }
    if (!saved.ok()) return core_error(req, res, saved.error(), 500);
    render::JsonWriter w(false);
    w.begin_object();
    w.member("version", saved.value());
    w.end_object();
    json(res, 200, w.take());
  }

  void api_assessment(const Request& req, Response& res) {
    const auto loaded = load_profile();
    if (loaded.error) return core_error(req, res, *loaded.error, 500);
    if (!loaded.saved) return error(req, res, 404, "not_found", "no profile has been saved");
    json(res, 200,
         render::assessment_json(core::assess(kb, names, loaded.saved->profile), kb, false));
  }

  void api_diary_get(const Request& req, Response& res) {
    const auto data = load_diary();
    if (data.error) return core_error(req, res, *data.error, 500);
    json(res, 200, render::export_json(data.entries));
  }

  void api_diary_post(const Request& req, Response& res) {
    if (!csrf_ok(req, nullptr)) return csrf_rejected(req, res);
    const auto today = options.today();
    auto entries = codec::import_json(req.body, "request body", today);
    if (!entries.ok()) return json(res, 400, render::error_json(entries.error()));
    core::Result<store::ImportSummary> summary = store::ImportSummary{};
    {
      std::lock_guard lock(diary_mutex);
      summary = diary.put_entries(entries.value(), today);
    }
    if (!summary.ok()) return json(res, 400, render::error_json(summary.error()));
    render::JsonWriter w(false);
    w.begin_object();
    w.member("added", summary.value().added);
    w.member("updated", summary.value().updated);
    w.member("unchanged", summary.value().unchanged);
    w.end_object();
    json(res, 200, w.take());
  }

  void api_trial_get(const Request& req, Response& res) {
    const auto data = load_diary();
    if (data.error) return core_error(req, res, *data.error, 500);
    if (!data.plan) return json(res, 200, "{\"plan\":null,\"status\":null,\"result\":null}");
    const auto today = options.today();
    // Both parts are complete JSON documents from store/report.h; only joined here.
    std::string status =
        render::trial_status_json(*data.plan, core::trial_status(*data.plan, data.entries, today));
    std::string result =
        render::trial_result_json(*data.plan, core::evaluate_trial(*data.plan, data.entries, today));
    while (!status.empty() && status.back() == '\n') status.pop_back();
    while (!result.empty() && result.back() == '\n') result.pop_back();
    json(res, 200, "{\"status\":" + status + ",\"result\":" + result + "}");
  }

  void api_trial_post(const Request& req, Response& res) {
    if (!csrf_ok(req, nullptr)) return csrf_rejected(req, res);
    const auto plan = trial_plan_from_json(req.body);
    if (!plan.ok()) return json(res, 400, render::error_json(plan.error()));
    std::optional<core::Error> problem;
    int status = 400;
    {
      std::lock_guard lock(diary_mutex);
      const auto existing = diary.current_trial();
      if (!existing.ok()) {
        problem = existing.error();
        status = 500;
      } else if (existing.value() && req.get_param_value("replace") != "true") {
        problem = core::Error{
            core::Errc::invalid_value, "replace",
            "a trial is already planned; POST to /api/trial?replace=true to replace it"};
        status = 409;
      } else if (const auto saved = diary.start_trial(plan.value()); !saved.ok()) {
        problem = saved.error();
      }
    }
    if (problem) return json(res, status, render::error_json(*problem));
    const auto data = load_diary();
    json(res, 200,
         render::trial_status_json(plan.value(),
                                  core::trial_status(plan.value(), data.entries, options.today())));
  }

  // ---- the gate every request passes ----

  /// Answers from the gate. When the request has a body that was not read, the connection is
  /// closed after the answer (what is left of the body cannot be taken for the next request).
  HandlerResponse refuse(const Request& req, Response& res, int status, std::string_view code,
                         std::string_view message, bool unread_body) const {
    if (unread_body) {
      HardenedServer::close_after_response();
      res.set_header("Connection", "close");
    }
    error(req, res, status, code, message);
    return HandlerResponse::Handled;
  }

  HandlerResponse gate(const Request& req, Response& res) {
    t_request_start = std::chrono::steady_clock::now();
    const auto length = declared_body_length(req);
    const bool unread_body = length.malformed || length.chunked || length.bytes > 0;
    const std::string host = req.get_header_value("Host");
    if (!host_allowed(host, policy))
      return refuse(req, res, 403, "forbidden_host",
                    "This address is not how willis was opened (Host not allowed). Use the address "
                    "`willis serve` "
                    "printed.",
                    unread_body);
    const bool service = is_service(req);
    if (service) {
      // Errors from this gate must be readable by a browser-based EHR simulator too.
      res.set_header("Access-Control-Allow-Origin", "*");
      // A CORS preflight never carries credentials; the routes answer it with headers only.
      if (req.method == "OPTIONS") return HandlerResponse::Unhandled;
    }
    if (length.malformed)
      return refuse(req, res, 400, "bad_framing",
                    "The request's length is unclear (one Content-Length of digits, or "
                    "Transfer-Encoding: chunked, "
                    "never both).",
                    true);
    const std::size_t limit = service && options.max_service_body_bytes
                                  ? options.max_service_body_bytes
                                  : options.max_body_bytes;
    if (!service && length.too_large(limit)) {
      // The server accepts service-sized bodies; web routes keep their own, smaller limit.
      return refuse(
          req, res, length.chunked ? 411 : 413,
          length.chunked ? "length_required" : "payload_too_large",
          length.chunked ? "Send the request with a Content-Length." : status_message(413), true);
    }
    if (length.bytes > limit)
      return refuse(req, res, 413, "payload_too_large", status_message(413), true);
    // The server stops reading a body at the limit, chunked or not (chunk framing allowed for).
    HardenedServer::limit_body(length.chunked ? limit + limit / 8 + 4096 : limit);
    const std::string type = lower_trimmed(req.get_header_value("Content-Type"));
    if (type.rfind("multipart/", 0) == 0)
      return refuse(req, res, 415, "unsupported_media_type",
                    "willis does not take multipart bodies.", unread_body);
    if (service && req.method == "POST" && type.substr(0, type.find(';')) != "application/json") {
      // A page in the browser can send text/plain to any address without asking; application/json
      // needs a CORS preflight first, so a page cannot make willis act on its behalf unasked.
      return refuse(req, res, 415, "unsupported_media_type",
                    "CDS Hooks requests must be sent as Content-Type: application/json.",
                    unread_body);
    }
    if (service && options.service_auth) {
      // CDS clients (EHRs) prove who they are with a signed JWT (CDS Hooks security model).
      if (const auto problem =
              options.service_auth(bearer_token(req.get_header_value("Authorization")), req.path)) {
        res.set_header("WWW-Authenticate", "Bearer");
        return refuse(req, res, 401, "unauthorized",
                      "The CDS client's JWT was refused: " + *problem, unread_body);
      }
    } else if (!options.token.empty()) {
      const bool ok =
          constant_time_equal(bearer_token(req.get_header_value("Authorization")), options.token) ||
          constant_time_equal(cookie_value(req.get_header_value("Cookie"), kTokenCookie),
                              options.token);
      if (!ok) {
        if (req.method == "GET" && req.has_param("token") &&
            constant_time_equal(req.get_param_value("token"), options.token)) {
          // The printed link carries the token once; a cookie carries it from then on, and the
          // redirect takes it out of the address bar (to a local path only).
          res.set_header("Set-Cookie", std::string(kTokenCookie) + "=" + options.token +
                                           "; HttpOnly; SameSite=Strict; Path=/");
          res.set_redirect(local_redirect(req.path), 303);
          return HandlerResponse::Handled;
        }
        return refuse(req, res, 401, "unauthorized", status_message(401), unread_body);
      }
    }
    if (is_unsafe(req) && !service) {
      const std::string origin = req.get_header_value("Origin");
      const std::string site = req.get_header_value("Sec-Fetch-Site");
      // Under Referrer-Policy: no-referrer a browser sends "Origin: null" even for its own form
      // posts; Sec-Fetch-Site (and the CSRF token the routes check) decide those.
      if ((!origin.empty() && origin != "null" && !origin_matches(origin, host)) ||
          (!site.empty() && site != "same-origin" && site != "none"))
        return refuse(req, res, 403, "cross_origin", "Requests from other sites are refused.",
                      unread_body);
    }
    return HandlerResponse::Unhandled;
  }

  void log_request(const Request& req, const Response& res) const {
    if (!options.log) return;
    std::string duration = "-";
    if (t_request_start) {
      const auto elapsed = std::chrono::steady_clock::now() - *t_request_start;
      duration =
          fmt::format("{:.1f} ms", std::chrono::duration<double, std::milli>(elapsed).count());
      t_request_start.reset();
    }
    // Method, path without its query, status and time only: never bodies or parameters.
    options.log(
        fmt::format("{} {} {} {}", loggable(req.method), loggable(req.path), res.status, duration));
  }
};

WebApp::WebApp(const core::Kb& kb, store::Diary diary, WebOptions options)
    : impl_(std::make_unique<Impl>(kb, std::move(diary), std::move(options))) {
  csrf_ = impl_->options.csrf_token.empty() ? random_hex(32) : impl_->options.csrf_token;
  impl_->csrf = csrf_;
  impl_->policy = host_policy(impl_->options.bind, impl_->options.allow_hosts, 0);
}

WebApp::~WebApp() = default;

void WebApp::set_port(int port) {
  impl_->port = port;
  impl_->policy = host_policy(impl_->options.bind, impl_->options.allow_hosts, port);
}

std::string WebApp::url() const {
  std::string host = impl_->options.bind;
  if (is_wildcard(host)) host = "127.0.0.1";
  if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
  std::string out = "http://" + host + ":" + std::to_string(impl_->port) + "/";
  if (!impl_->options.token.empty()) out += "?token=" + impl_->options.token;
  return out;
}

void WebApp::install(httplib::Server& server) {
  Impl& app = *impl_;
  httplib::Headers headers;
  for (auto& [name, value] : security_headers()) headers.emplace(name, value);
  server.set_default_headers(headers);
  server.set_payload_max_length(
      std::max(app.options.max_body_bytes, app.options.max_service_body_bytes));
  // Headers and body go out in separate writes; without TCP_NODELAY, Nagle's algorithm and the
  // client's delayed ACK hold each response back by tens of milliseconds.
  server.set_tcp_nodelay(true);
  server.set_pre_routing_handler(
      [&app](const Request& req, Response& res) { return app.gate(req, res); });
  server.set_logger([&app](const Request& req, const Response& res) { app.log_request(req, res); });
  server.set_error_handler(
      httplib::Server::HandlerWithResponse([&app](const Request& req, Response& res) {
        if (HardenedServer::body_over_limit()) {  // the server stopped reading the body at its cap
          res.status = 413;
          res.body.clear();
        }
        if (!res.body.empty())
          return HandlerResponse::Unhandled;  // a route already explained itself
        app.error(req, res, res.status, status_code_name(res.status), status_message(res.status));
        return HandlerResponse::Handled;
      }));
  server.set_exception_handler([&app](const Request& req, Response& res, std::exception_ptr) {
    // Never the exception's text or a trace: it could carry internals or health data.
    app.error(req, res, 500, "internal_error", status_message(500));
  });

  const auto bind = [&app](void (Impl::*method)(const Request&, Response&)) {
    return [&app, method](const Request& req, Response& res) { (app.*method)(req, res); };
  };
  const auto post = [&server](const std::string& pattern, httplib::Server::Handler handler) {
    post_reading_body(server, pattern, std::move(handler));
  };
  server.Get("/", bind(&Impl::start_page));
  server.Get("/profile", bind(&Impl::profile_page));
  post("/profile", bind(&Impl::profile_post));
  server.Get("/assessment", bind(&Impl::assessment_page));
  server.Get("/timetable", bind(&Impl::timetable_page));
  server.Get("/timetable.ics", bind(&Impl::timetable_ics));
  server.Get("/diary", bind(&Impl::diary_page));
  post("/diary", bind(&Impl::diary_post));
  server.Get("/trial", bind(&Impl::trial_page));
  post("/trial", bind(&Impl::trial_post));
  server.Get("/report", bind(&Impl::report_page));
  server.Get("/evidence", bind(&Impl::evidence_page));
  server.Get("/sources", bind(&Impl::sources_page));
  server.Get("/conflicts", bind(&Impl::conflicts_page));
  server.Get("/ask", bind(&Impl::ask_page));
  server.Get("/foods", bind(&Impl::foods_page));
  server.Get(R"(/static/([A-Za-z0-9_.-]+))", bind(&Impl::static_file));
  post("/api/assess", bind(&Impl::api_assess));
  server.Get("/api/session", bind(&Impl::api_session));
  server.Get("/api/version", bind(&Impl::api_version));
  server.Get("/api/profile", bind(&Impl::api_profile_get));
  post("/api/profile", bind(&Impl::api_profile_post));
  server.Get("/api/assessment", bind(&Impl::api_assessment));
  server.Get("/api/diary", bind(&Impl::api_diary_get));
  post("/api/diary", bind(&Impl::api_diary_post));
  server.Get("/api/trial", bind(&Impl::api_trial_get));
  post("/api/trial", bind(&Impl::api_trial_post));
}

}  // namespace willis::http
