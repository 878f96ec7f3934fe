// src/codec/fhir/text.cc: small text helpers of the FHIR mapper (see text.h).
#include "codec/fhir/text.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace willis::codec::fhir {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string trim_copy(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return std::string(text);
}

std::optional<long> to_long(std::string_view text) {
  long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string unit_key(std::string_view unit) {
  std::string squeezed;
  for (const char c : unit)
    if (!std::isspace(static_cast<unsigned char>(c)))
      squeezed += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // "µ" (U+00B5) and "μ" (U+03BC) are both written for micro.
  std::string out;
  for (std::size_t at = 0; at < squeezed.size(); ++at) {
    const std::string_view rest = std::string_view(squeezed).substr(at);
    if (rest.starts_with("\xc2\xb5") || rest.starts_with("\xce\xbc")) {
      out += 'u';
      ++at;
    } else {
      out += squeezed[at];
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : std::string(sep)) + item;
  return out;
}

std::string times_text(const std::vector<core::ClockTime>& times) {
  std::vector<std::string> parts;
  for (const auto& t : times) parts.push_back(t.str());
  return join(parts, ", ");
}

std::string plural(int count, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", count, count == 1 ? one : many);
}

}  // namespace willis::codec::fhir
