#include "core/formula.h"

#include <cctype>
#include <map>
#include <string>
#include <vector>

namespace willis::core {

namespace {

// sources: facts-s6-computed atomic weights; the KB's stated percentages were computed with these.
const std::map<std::string, double, std::less<>>& atomic_weights() {
  static const std::map<std::string, double, std::less<>> weights = {
      {"Mg", 24.305}, {"C", 12.011}, {"H", 1.008}, {"O", 15.999},
      {"N", 14.007},  {"Cl", 35.45}, {"S", 32.06}, {"P", 30.974}};
  return weights;
}

struct Counts {
  double mass = 0;
  double magnesium = 0;
};

int read_number(std::string_view text, std::size_t& pos, int fallback) {
  if (pos >= text.size() || !std::isdigit(static_cast<unsigned char>(text[pos]))) return fallback;
  int number = 0;
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])))
    number = number * 10 + (text[pos++] - '0');
  return number;
}

Result<Counts> parse_group(std::string_view text, const std::string& whole) {
  std::vector<Counts> stack(1);
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == '(') {
      stack.emplace_back();
      ++pos;
    } else if (c == ')') {
      if (stack.size() < 2)
        return Error{Errc::invalid_value, "formula", "unbalanced ')' in \"" + whole + "\""};
      ++pos;
      const int times = read_number(text, pos, 1);
      const Counts inner = stack.back();
      stack.pop_back();
      stack.back().mass += inner.mass * times;
      stack.back().magnesium += inner.magnesium * times;
    } else if (std::isupper(static_cast<unsigned char>(c))) {
      std::string symbol(1, c);
      ++pos;
      while (pos < text.size() && std::islower(static_cast<unsigned char>(text[pos])))
        symbol += text[pos++];
      const auto weight = atomic_weights().find(symbol);
      if (weight == atomic_weights().end())
        return Error{Errc::invalid_value, "formula",
                     "unknown element \"" + symbol + "\" in \"" + whole + "\""};
      const int times = read_number(text, pos, 1);
      stack.back().mass += weight->second * times;
      if (symbol == "Mg") stack.back().magnesium += times;
    } else {
      return Error{Errc::invalid_value, "formula",
                   std::string("unexpected character '") + c + "' in \"" + whole + "\""};
    }
  }
  if (stack.size() != 1)
    return Error{Errc::invalid_value, "formula", "unbalanced '(' in \"" + whole + "\""};
  return stack.front();
}

}  // namespace

double FormulaMass::elemental_percent() const {
  return molar_mass_g_mol > 0 ? magnesium_atoms * 24.305 / molar_mass_g_mol * 100 : 0;
}

Result<FormulaMass> formula_mass(std::string_view formula) {
  const std::string whole(formula);
  // The hydrate part follows a middle dot (U+00B7, UTF-8 C2 B7) or '.': "·9H2O".
  std::string_view salt = formula, hydrate;
  for (std::string_view dot : {std::string_view("\xC2\xB7"), std::string_view(".")}) {
    const auto at = formula.find(dot);
    if (at != std::string_view::npos) {
      salt = formula.substr(0, at);
      hydrate = formula.substr(at + dot.size());
      break;
    }
  }
  auto salt_counts = parse_group(salt, whole);
  if (!salt_counts.ok()) return salt_counts.error();
  FormulaMass mass{salt_counts.value().mass, salt_counts.value().magnesium};
  if (!hydrate.empty()) {
    std::size_t pos = 0;
    const int waters = read_number(hydrate, pos, 1);
    auto water = parse_group(hydrate.substr(pos), whole);
    if (!water.ok()) return water.error();
    mass.molar_mass_g_mol += water.value().mass * waters;
  }
  if (mass.magnesium_atoms <= 0)
    return Error{Errc::invalid_value, "formula", "\"" + whole + "\" contains no magnesium"};
  return mass;
}

}  // namespace willis::core
