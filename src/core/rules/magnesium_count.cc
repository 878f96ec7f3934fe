// Counting the magnesium in one listed item: products by their label, forms and salts by the
// amount given (elemental or compound), topical magnesium not at all.
#include <cctype>
#include <cstdlib>

#include "core/assess.h"
#include "core/rules/passes.h"

namespace willis::core::rules {
namespace {

/// Elemental magnesium per mmol and per mEq: the atomic mass of magnesium (a physical constant).
constexpr double kMgPerMmol = 24.305;

/// Milligrams in a mass quantity; nullopt for other units.
std::optional<double> mass_mg(const Quantity& q) {
  if (q.unit == "mg") return q.value;
  if (q.unit == "g") return q.value * 1000;
  if (q.unit == "mcg") return q.value / 1000;
  return std::nullopt;
}

/// Elemental mg in an amount of magnesium ions (mmol, mEq); nullopt for other units.
std::optional<double> ion_mg(const Quantity& q) {
  if (q.unit == "mmol") return q.value * kMgPerMmol;
  if (q.unit == "meq") return q.value / 2 * kMgPerMmol;
  return std::nullopt;
}

bool count_unit(const std::string& unit) {
  return unit.empty() || unit == "tablet" || unit == "capsule" || unit == "sachet" ||
         unit == "dose" || unit == "gummy" || unit == "lozenge";
}

/// Strength written in a name ("Magnesium 10 mmol effervescent", "magnesium citrate 200 mg").
std::optional<Quantity> strength_in_name(const std::string& name) {
  const std::string normalized = normalize_name(name);
  std::vector<std::string> words;
  for (std::size_t at = 0; at < normalized.size();) {
    const auto end = normalized.find(' ', at);
    words.push_back(normalized.substr(at, end == std::string::npos ? std::string::npos : end - at));
    if (end == std::string::npos) break;
    at = end + 1;
  }
  for (std::size_t idx = 0; idx < words.size(); ++idx) {
    std::string number = words[idx], unit;
    std::size_t digits = 0;
    while (digits < number.size() &&
           (std::isdigit(static_cast<unsigned char>(number[digits])) || number[digits] == '.'))
      ++digits;
    if (digits == 0) continue;
    unit = number.substr(digits);
    number = number.substr(0, digits);
    if (unit.empty() && idx + 1 < words.size()) unit = words[idx + 1];
    const double value = std::atof(number.c_str());
    if (!(value > 0)) continue;
    if (unit == "mg" || unit == "mmol" || unit == "g" || unit == "mcg" || unit == "meq")
      return Quantity{value, unit};
  }
  return std::nullopt;
}

/// Magnesium willis cannot count: the plan and the timetable wait for the amount.
void not_counted(Findings& out, const Item& item, Contribution& c, const std::string& hint) {
  c.counted = false;
  out.add_text("dose", "amount-not-counted", "unresolved_amount",
               {{"name", item.name}, {"hint", hint}});
  out.unresolve(item.field, item.name, "amount", "unresolved_amount",
                {{"name", item.name}, {"hint", hint}});
}

/// Elemental magnesium per dose of a KB product; nullopt when the amount's unit cannot be read
/// for it.
std::optional<double> product_per_dose(const Item& item, const MagnesiumContent& content,
                                       bool& assumed) {
  if (!item.amount) {
    assumed = true;  // one labelled unit (one tablet, sachet or 5 mL dose), said in the notes
    return content.elemental_mg;
  }
  const Quantity& q = *item.amount;
  if (auto mg = ion_mg(q)) return *mg;
  if (auto mass = mass_mg(q)) {
    const bool elemental = item.basis ? *item.basis == AmountBasis::elemental : !content.salt_mg;
    if (elemental) return *mass;
    return *mass / *content.salt_mg * content.elemental_mg;
  }
  if (q.unit == "ml" || q.unit == "l") {
    if (!content.per_ml) return std::nullopt;
    return (q.unit == "l" ? q.value * 1000 : q.value) / *content.per_ml * content.elemental_mg;
  }
  // A count must be of the unit the label states ("1 sachet" of a tablet product is not
  // countable).
  const bool same_unit = q.unit.empty() || q.unit == "dose" || q.unit == content.per;
  if (count_unit(q.unit) && !content.per_ml && same_unit) return q.value * content.elemental_mg;
  return std::nullopt;
}

/// A KB product (tablet, sachet, antacid, laxative): counted from its labelled content.
void count_product(const Context& cx, Findings& out, const Item& item, Contribution& c) {
  const MagnesiumContent& content = *cx.kb.medicine(item.magnesium.id)->magnesium;
  if (content.use != "supplement") c.source_kind = content.use;
  bool assumed = false;
  const auto per_dose = product_per_dose(item, content, assumed);
  if (!per_dose) {
    not_counted(out, item, c,
                content.per_ml
                    ? "in mL, or in mg of " + content.salt
                    : "as a number of " +
                          (content.per.empty() ? std::string("tablets") : content.per + "s") +
                          ", or mg");
  } else {
    c.elemental_mg_per_day = *per_dose * item.per_day;
    if (assumed)
      out.note(
          "note_one_unit_assumed",
          {{"unit", content.per_ml ? format_number(*content.per_ml) + " mL dose" : content.per},
           {"name", item.name}});
    if (item.per_day_assumed) out.note("note_once_a_day_assumed", {{"name", item.name}});
  }
  if (content.use == "supplement" || item.listed_as_supplement) {
    if (const Salt* salt = cx.kb.salt(content.salt)) out.current_forms.push_back(salt->form);
  } else if (c.counted) {
    out.medicine_magnesium_mg += c.elemental_mg_per_day;
  }
}

/// Milligrams of a salt's whole compound: the salt's fraction, or the range across the form's
/// hydrates (a finding when that range matters).
void count_compound(const Context& cx, Findings& out, const Item& item, double mass,
                    Contribution& c) {
  const SupplementMatch& match = item.magnesium;
  double low = 100, high = 0;
  for (const auto& salt : cx.kb.salts) {
    if (!match.form_id.empty() || match.kind == SupplementMatch::Kind::salt)
      if (match.kind == SupplementMatch::Kind::salt ? salt.id != match.id
                                                    : salt.form != match.form_id)
        continue;
    low = std::min(low, salt.percent());
    high = std::max(high, salt.percent());
  }
  c.elemental_mg_per_day = mass * high / 100 * item.per_day;
  if (high - low <= 1e-9) return;
  c.low_mg_per_day = mass * low / 100 * item.per_day;
  Finding& f = out.add_text("dose", "compound-amount", "dose_compound",
                            {{"name", item.name},
                             {"amount", format_number(mass)},
                             {"low", format_number(mass * low / 100)},
                             {"high", format_number(mass * high / 100)}});
  f.data.emplace_back("elemental_low_mg", mass * low / 100);
  f.data.emplace_back("elemental_high_mg", mass * high / 100);
}

/// A form or salt ("magnesium citrate") or magnesium alone: the amount must say how much.
void count_form(const Context& cx, Findings& out, const Item& item, Contribution& c) {
  std::optional<Quantity> amount = item.amount;
  if (!amount) {
    amount = strength_in_name(item.name);
    if (amount && amount->unit == "mg" && !item.basis)
      out.note("note_strength_in_name",
               {{"amount", format_number(amount->value)}, {"name", item.name}});
  }
  out.current_forms.push_back(item.magnesium.form_id);
  if (!amount) {
    c.counted = false;
    out.add_text("dose", "amount-missing", "dose_amount_missing", {{"name", item.name}});
    out.unresolve(item.field, item.name, "amount", "unresolved_amount",
                  {{"name", item.name}, {"hint", "mg of elemental magnesium per dose"}});
  } else if (auto ion = ion_mg(*amount)) {
    c.elemental_mg_per_day = *ion * item.per_day;
  } else if (auto mass = mass_mg(*amount)) {
    // Grams of a salt ("Epsom salts 10 g") are the salt's weight: no one takes grams of
    // elemental magnesium. Otherwise the contract's default: elemental, as labels state it.
    const AmountBasis basis =
        item.basis.value_or(amount->unit == "g" ? AmountBasis::compound : AmountBasis::elemental);
    if (basis == AmountBasis::elemental)
      c.elemental_mg_per_day = *mass * item.per_day;
    else
      count_compound(cx, out, item, *mass, c);
  } else {
    not_counted(out, item, c,
                "in mg, g or mmol of magnesium: willis knows no strength or concentration for '" +
                    item.name + "'");
  }
}

}  // namespace

const Contribution& count_magnesium(const Context& cx, Findings& out, const Item& item) {
  Contribution c{item.name, "supplement", 0, std::nullopt, true};
  if (item.magnesium.kind == SupplementMatch::Kind::topical) {
    c.source_kind = "topical";
    c.counted = false;
    out.add_text("dose", "topical", "dose_topical", {{"name", item.name}});
    out.add_evidence(cx.kb, "transdermal");
  } else if (item.magnesium_in_combination) {
    not_counted(out, item, c,
                "the mg of elemental magnesium per dose, from the label's magnesium line");
  } else if (item.magnesium.kind == SupplementMatch::Kind::product) {
    count_product(cx, out, item, c);
  } else {
    count_form(cx, out, item, c);
  }
  out.result.magnesium.contributions.push_back(c);
  return out.result.magnesium.contributions.back();
}

}  // namespace willis::core::rules
