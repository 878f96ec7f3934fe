// src/render/html.h: the one HTML escaper, a format helper that escapes every argument, the page
// layout every web page shares, and form data. Pure: no files, sockets or clock.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace willis::render::html {

/// Escapes & < > " ' for HTML text and (quoted) attribute values, and for the text and
/// attributes of embedded SVG (the one escaper: ' becomes &#39;, valid in HTML and XML alike).
/// Every value a page or chart shows goes through here or through `format` below.
std::string escape(std::string_view text);

/// HTML made by these functions (already escaped); `format` inserts it unchanged.
struct Raw {
  std::string html;
};

/// A value to escape when formatted (what `format` turns every string argument into).
struct Escaped {
  std::string_view text;
};

namespace detail {
template <typename T>
auto wrap(const T& value) {
  if constexpr (std::is_same_v<T, Raw>) {
    return std::string_view(value.html);
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    return Escaped{std::string_view(value)};
  } else {
    static_assert(std::is_arithmetic_v<T>, "html::format takes strings, Raw and numbers");
    return value;
  }
}
template <typename T>
using wrapped_t = decltype(wrap(std::declval<const std::remove_cvref_t<T>&>()));
}  // namespace detail

/// fmt::format for HTML: every string argument is escaped; Raw is inserted as it is; numbers
/// are formatted as numbers. The format string is checked at compile time.
///
///     html::format("<p class=\"{}\">{}</p>", css_class, user_text)
template <typename... Args>
std::string format(fmt::format_string<detail::wrapped_t<Args>...> pattern, const Args&... args) {
  return fmt::format(pattern, detail::wrap(args)...);
}

/// Form fields as submitted (or prefilled), in order; a name may repeat (checkbox groups).
struct FormData {
  std::vector<std::pair<std::string, std::string>> fields;

  /// The first value of `name`, or "" when absent.
  std::string get(std::string_view name) const;
  /// Every value of `name`, in order.
  std::vector<std::string> all(std::string_view name) const;
  bool has(std::string_view name) const;
  /// Replaces every value of `name` with one value.
  void set(std::string_view name, std::string value);
  void add(std::string name, std::string value) {
    fields.emplace_back(std::move(name), std::move(value));
  }
};

/// A problem with one form field, shown beside it.
struct FieldError {
  std::string field;    ///< the form field's name, e.g. "medicines[1].times"
  std::string message;  ///< what is wrong and how to fix it
};

/// The pages of the app, for the navigation bar.
enum class Nav { start, profile, assessment, timetable, diary, trial, report, evidence, none };

/// What the layout needs besides the page's own content.
struct PageMeta {
  std::string title;  ///< the page's own title ("Your assessment")
  Nav nav = Nav::none;
  std::string disclaimer;  ///< the KB's "information, not a diagnosis" text
  std::string kb_version;
  std::vector<std::string> stylesheets;  ///< extra /static/… stylesheets (print CSS)
  std::string question;  ///< the Ask box's current question (the /ask page fills it in)
};

/// A whole HTML document: lang, landmarks (header/nav/main/footer), skip link, the stylesheet
/// and script from /static, the Ask box (a search landmark posting to GET /ask) and the disclaimer
/// on every page. `main` is the page's content.
std::string page(const PageMeta& meta, const Raw& main);

/// `<input type="hidden" name="csrf" …>` for every state-changing form.
Raw csrf_field(std::string_view token);

/// An error summary (role=alert) linking to each field, or nothing when `errors` is empty.
Raw error_summary(const std::vector<FieldError>& errors);

/// The message for one field (empty when none), and the element id forms use for it.
std::string error_for(const std::vector<FieldError>& errors, std::string_view field);
/// A form field's element id: its name with every character outside [A-Za-z0-9_-] as '-'.
std::string field_id(std::string_view name);

/// One labelled text-like input, with its hint and error wired up by aria-describedby.
struct InputSpec {
  std::string name;
  std::string label;
  std::string hint;
  std::string type = "text";
  std::string attrs;  ///< extra attributes: fixed text from the caller, never user data
};
std::string input_field(const FormData& form, const std::vector<FieldError>& errors,
                        const InputSpec& spec, std::string_view focus = {});

/// The hint and error paragraphs for a field with element id `id` (either may be empty).
std::string hint_and_error(const std::string& id, const std::string& hint,
                           const std::string& error);
/// ` aria-describedby="…"` for a field with a hint and/or an error, or "".
std::string described_by(const std::string& id, bool hint, bool error);

/// A number for a form field or table: at most `decimals` decimals, no trailing zeros.
std::string number_text(double value, int decimals = 1);

}  // namespace willis::render::html

template <>
struct fmt::formatter<willis::render::html::Escaped> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const willis::render::html::Escaped& value, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(willis::render::html::escape(value.text), ctx);
  }
};
