#include "render/html.h"

#include <cmath>

namespace willis::render::html {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (const char ch : text) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '\0':
        out += "\xEF\xBF\xBD";
        break;  // U+FFFD: a NUL never reaches the browser
      default:
        out += ch;
    }
  }
  return out;
}

std::string FormData::get(std::string_view name) const {
  for (const auto& [key, value] : fields)
    if (key == name) return value;
  return {};
}

std::vector<std::string> FormData::all(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [key, value] : fields)
    if (key == name) values.push_back(value);
  return values;
}

bool FormData::has(std::string_view name) const {
  for (const auto& field : fields)
    if (field.first == name) return true;
  return false;
}

void FormData::set(std::string_view name, std::string value) {
  std::erase_if(fields, [&](const auto& field) { return field.first == name; });
  fields.emplace_back(std::string(name), std::move(value));
}

namespace {

struct NavItem {
  Nav nav;
  const char* href;
  const char* label;
};

constexpr NavItem kNav[] = {
    {Nav::start, "/", "Start"},
    {Nav::profile, "/profile", "Profile"},
    {Nav::assessment, "/assessment", "Assessment"},
    {Nav::timetable, "/timetable", "Timetable"},
    {Nav::diary, "/diary", "Diary"},
    {Nav::trial, "/trial", "Trial"},
    {Nav::report, "/report", "Report"},
    {Nav::evidence, "/evidence", "Evidence"},
};

}  // namespace

std::string page(const PageMeta& meta, const Raw& main) {
  std::string nav;
  for (const auto& item : kNav)
    nav += format("<li><a href=\"{}\"{}>{}</a></li>", item.href,
                  Raw{item.nav == meta.nav ? " aria-current=\"page\"" : ""}, item.label);
  std::string styles;
  for (const auto& sheet : meta.stylesheets)
    styles += format("<link rel=\"stylesheet\" href=\"{}\">\n", sheet);
  return format(
      "<!doctype html>\n"
      "<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>{0} · willis</title>\n"
      "<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">\n"
      "<link rel=\"stylesheet\" href=\"/static/app.css\">\n{1}"
      "<script src=\"/static/app.js\" defer></script>\n"
      "</head>\n<body>\n"
      "<a class=\"skip\" href=\"#main\">Skip to content</a>\n"
      "<header class=\"site\">\n<p class=\"brand\"><a href=\"/\">willis</a> "
      "<span>magnesium, restless legs and sleep</span></p>\n"
      "<nav aria-label=\"Main\"><ul>{2}</ul></nav>\n"
      "<form class=\"ask-box\" role=\"search\" action=\"/ask\" method=\"get\">"
      "<label for=\"ask-q\">Ask about magnesium</label> "
      "<input id=\"ask-q\" name=\"q\" type=\"search\" value=\"{6}\" maxlength=\"300\" "
      "placeholder=\"can I take magnesium with levothyroxine?\"> <button "
      "type=\"submit\">Ask</button></form>\n"
      "<p class=\"disclaimer\" role=\"note\"><strong>Information, not a diagnosis.</strong> "
      "{3}</p>\n</header>\n"
      "<main id=\"main\" tabindex=\"-1\">\n{4}</main>\n"
      "<footer class=\"site\">\n<p>{3}</p>\n<p>willis · knowledge base {5} · runs on this "
      "computer only; your answers stay in your diary file.</p>\n</footer>\n"
      "</body>\n</html>\n",
      meta.title, Raw{styles}, Raw{nav}, meta.disclaimer, main, meta.kb_version, meta.question);
}

Raw csrf_field(std::string_view token) {
  return Raw{format("<input type=\"hidden\" name=\"csrf\" value=\"{}\">", token)};
}

std::string field_id(std::string_view name) {
  std::string id = "f-";
  for (const char ch : name) {
    const bool keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
    id += keep ? ch : '-';
  }
  return id;
}

Raw error_summary(const std::vector<FieldError>& errors) {
  if (errors.empty()) return Raw{};
  std::string items;
  for (const auto& error : errors) {
    if (error.field.empty())
      items += format("<li>{}</li>", error.message);
    else
      items += format("<li><a href=\"#{}\">{}</a>: {}</li>", field_id(error.field), error.field,
                      error.message);
  }
  return Raw{
      format("<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" id=\"error-summary\">\n"
             "<h2>Please check this</h2>\n<ul>{}</ul>\n</div>\n",
             Raw{items})};
}

std::string error_for(const std::vector<FieldError>& errors, std::string_view field) {
  for (const auto& error : errors)
    if (error.field == field) return error.message;
  return {};
}

std::string described_by(const std::string& id, bool hint, bool error) {
  std::string ids;
  if (hint) ids += id + "-hint";
  if (error) ids += (ids.empty() ? "" : " ") + id + "-err";
  return ids.empty() ? std::string() : format(" aria-describedby=\"{}\"", ids);
}

std::string hint_and_error(const std::string& id, const std::string& hint,
                           const std::string& error) {
  std::string out;
  if (!hint.empty()) out += format("<p class=\"hint\" id=\"{}-hint\">{}</p>", id, hint);
  if (!error.empty())
    out += format(
        "<p class=\"field-error\" id=\"{}-err\"><span aria-hidden=\"true\">\u26A0</span> {}</p>",
        id, error);
  return out;
}

std::string input_field(const FormData& form, const std::vector<FieldError>& errors,
                        const InputSpec& in, std::string_view focus) {
  const std::string id = field_id(in.name);
  const std::string error = error_for(errors, in.name);
  return format(
      "<div class=\"field{0}\"><label for=\"{1}\">{2}</label>{3}<input type=\"{4}\" id=\"{1}\" "
      "name=\"{5}\" value=\"{6}\"{7}{8}{9}{10}></div>\n",
      Raw{error.empty() ? "" : " has-error"}, id, in.label, Raw{hint_and_error(id, in.hint, error)},
      in.type, in.name, form.get(in.name), Raw{in.attrs.empty() ? "" : " " + in.attrs},
      Raw{described_by(id, !in.hint.empty(), !error.empty())},
      Raw{error.empty() ? "" : " aria-invalid=\"true\""},
      Raw{!focus.empty() && focus == in.name ? " autofocus" : ""});
}

std::string number_text(double value, int decimals) {
  if (!std::isfinite(value)) return {};
  std::string text = fmt::format("{:.{}f}", value, decimals);
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  if (text == "-0") text = "0";
  return text;
}

}  // namespace willis::render::html
