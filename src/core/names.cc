#include "core/names.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <sstream>

namespace willis::core {

namespace {

std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find(' ', start);
    const auto stop = end == std::string::npos ? text.size() : end;
    if (stop > start) words.emplace_back(text, start, stop - start);
    start = stop + 1;
  }
  return words;
}

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& word : words) out += (out.empty() ? "" : " ") + word;
  return out;
}

bool has_digit(const std::string& word) {
  return std::any_of(word.begin(), word.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool contains(const std::vector<std::string>& words, const std::string& word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

bool contains(const std::unordered_set<std::string>& words, const std::string& word) {
  return words.count(word) > 0;
}

std::string id_words(const std::string& id) {
  std::string out = id;
  std::replace(out.begin(), out.end(), '-', ' ');
  return out;
}

}  // namespace

std::string normalize_name(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size(); ++pos) {
    const unsigned char c = static_cast<unsigned char>(text[pos]);
    const bool decimal_point = c == '.' && pos > 0 && pos + 1 < text.size() &&
                               std::isdigit(static_cast<unsigned char>(text[pos - 1])) &&
                               std::isdigit(static_cast<unsigned char>(text[pos + 1]));
    if (std::isalnum(c) || decimal_point) {
      out += static_cast<char>(std::tolower(c));
    } else if (c == '\'' || c == 0xE2) {
      // Apostrophes join ("phillips'"); skip UTF-8 curly quotes' lead byte too.
      if (c == 0xE2 && pos + 2 < text.size()) pos += 2;
    } else if (!out.empty() && out.back() != ' ') {
      out += ' ';
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

namespace {

/// True when normalize_name(text) == text: lower-case letters and digits, single inner spaces
/// (the KB's phrases are written so; checking is cheaper than normalizing them on every call).
bool is_normalized(std::string_view text) {
  if (text.empty()) return true;
  if (text.front() == ' ' || text.back() == ' ') return false;
  for (std::size_t pos = 0; pos < text.size(); ++pos) {
    const char c = text[pos];
    const bool plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!plain && !(c == ' ' && text[pos - 1] != ' ')) return false;
  }
  return true;
}

}  // namespace

bool has_phrase(std::string_view normalized, std::string_view phrase) {
  // Whole words: the phrase at a start or after a space, and at the end or before a space.
  std::string normalized_phrase;
  if (!is_normalized(phrase)) {
    normalized_phrase = normalize_name(phrase);
    phrase = normalized_phrase;
  }
  for (std::size_t pos = normalized.find(phrase); pos != std::string_view::npos;
       pos = normalized.find(phrase, pos + 1)) {
    const std::size_t end = pos + phrase.size();
    if ((pos == 0 || normalized[pos - 1] == ' ') &&
        (end == normalized.size() || normalized[end] == ' '))
      return true;
  }
  return false;
}

bool NameIndex::mentions_kidneys(std::string_view text) const {
  const std::string normalized = normalize_name(text);
  return std::any_of(kb_.rules.kidney_words.begin(), kb_.rules.kidney_words.end(),
                     [&](const std::string& word) { return has_phrase(normalized, word); });
}

int edit_distance(std::string_view a, std::string_view b, int limit) {
  // Levenshtein distance; gives up (returns limit + 1) as soon as every cell of a row exceeds
  // `limit`, which makes scanning thousands of names for a "did you mean" cheap.
  std::array<int, 128> row_storage{};
  std::vector<int> heap_row;
  int* row = row_storage.data();
  if (b.size() + 1 > row_storage.size()) {
    heap_row.resize(b.size() + 1);
    row = heap_row.data();
  }
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    int diagonal = row[0];
    row[0] = static_cast<int>(i);
    int row_min = row[0];
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const int above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
      row_min = std::min(row_min, row[j]);
    }
    if (row_min > limit) return limit + 1;
  }
  return row[b.size()];
}

void NameIndex::add(std::map<std::string, std::string>& index, const std::string& key,
                    const std::string& id, const char* what) {
  if (key.empty()) return;
  const auto [it, inserted] = index.emplace(key, id);
  if (!inserted && it->second != id)
    clashes_.push_back(std::string(what) + " name \"" + key + "\" means both \"" + it->second +
                       "\" and \"" + id + "\"");
}

NameIndex::NameIndex(const Kb& kb)
    : kb_(kb),
      ignore_(kb.rules.ignore_words.begin(), kb.rules.ignore_words.end()),
      salt_words_(kb.rules.salt_words.begin(), kb.rules.salt_words.end()),
      topical_(kb.rules.topical_words.begin(), kb.rules.topical_words.end()),
      tables_(&kb.name_tables) {
  if (kb.name_tables.empty()) {
    build();
    tables_ = &owned_;
  }
}

NameTables NameIndex::build_tables(const Kb& kb, std::vector<std::string>* clashes) {
  NameIndex index(kb);  // builds its own tables unless the KB already carries some
  if (!kb.name_tables.empty()) {
    index.owned_ = NameTables{};
    index.clashes_.clear();
    index.build();
  }
  if (clashes) *clashes = index.clashes_;
  return index.owned_;
}

void NameIndex::build() {
  building_ = {};
  build_medicines();
  build_supplements();
  build_conditions_and_flags();
  owned_ = NameTables{NameTable(building_.medicines), NameTable(building_.supplements),
                      NameTable(building_.conditions), NameTable(building_.flags)};
  building_ = {};
}

void NameIndex::build_medicines() {
  // Medicines are matched with strengths and dose forms stripped, so index stripped names too.
  auto add_both = [&](const std::string& name, const std::string& id) {
    const std::string normalized = normalize_name(name);
    add(building_.medicines, normalized, id, "medicine");
    const std::string stripped = strip_words(normalized, false);
    if (stripped != normalized) add(building_.medicines, stripped, id, "medicine");
  };
  for (const auto& med : kb_.medicines) {
    add_both(id_words(med.id), med.id);
    add_both(med.name, med.id);
    for (const auto& name : med.synonyms) add_both(name, med.id);
    for (const auto& name : med.brands) add_both(name, med.id);
  }
}

namespace {

/// How specific a supplement index value is: salt 2, form 1, product 0.
int supplement_rank(const std::string& value) {
  return value.rfind("salt:", 0) == 0 ? 2 : value.rfind("form:", 0) == 0 ? 1 : 0;
}

/// The form a supplement index value names ("" for products).
std::string supplement_form(const Kb& kb, const std::string& value) {
  if (value.rfind("form:", 0) == 0) return value.substr(5);
  if (value.rfind("salt:", 0) == 0)
    if (const Salt* salt = kb.salt(value.substr(5))) return salt->form;
  return "";
}

}  // namespace

void NameIndex::add_supplement(const std::string& name, const std::string& value) {
  std::vector<std::string> keys;
  const std::string normalized = normalize_name(name);
  keys.push_back(normalized);
  if (normalized.rfind("magnesium ", 0) != 0) keys.push_back("magnesium " + normalized);
  for (const auto& key : std::vector<std::string>(keys)) {
    const std::string stripped = strip_words(key, false);
    if (stripped != key) keys.push_back(stripped);
  }
  const auto rank = supplement_rank;
  const auto form_of = [&](const std::string& v) { return supplement_form(kb_, v); };
  for (const auto& key : keys) {
    // "magnesium" alone names no form or product (see NameIndex::supplement).
    if (key.empty() || key == "magnesium") continue;
    const auto [it, inserted] = building_.supplements.emplace(key, value);
    if (inserted || it->second == value) continue;
    const bool same_form = !form_of(it->second).empty() && form_of(it->second) == form_of(value);
    if (rank(value) == 0 && rank(it->second) > 0) continue;  // product loses to form/salt
    if (rank(it->second) == 0 && rank(value) > 0) {
      it->second = value;
      continue;
    }
    if (same_form && rank(value) != rank(it->second)) {
      if (rank(value) > rank(it->second)) it->second = value;
      continue;
    }
    // Two hydrates of one form share a generic name: the name means the form.
    if (same_form) {
      it->second = "form:" + form_of(value);
      continue;
    }
    clashes_.push_back("supplement name \"" + key + "\" means both \"" + it->second + "\" and \"" +
                       value + "\"");
  }
}

void NameIndex::build_supplements() {
  // A salt beats its own form (more specific); forms and salts beat products for generic names
  // ("magnesium oxide" is the form; a product is named by its brand or full name).
  for (const auto& form : kb_.forms) {
    add_supplement(form.id, "form:" + form.id);
    add_supplement(form.name, "form:" + form.id);
    for (const auto& name : form.synonyms) add_supplement(name, "form:" + form.id);
  }
  for (const auto& salt : kb_.salts) {
    add_supplement(id_words(salt.id), "salt:" + salt.id);
    add_supplement(salt.name, "salt:" + salt.id);
    for (const auto& name : salt.synonyms) add_supplement(name, "salt:" + salt.id);
  }
  for (const auto& med : kb_.medicines) {
    if (!med.magnesium) continue;
    for (const auto& name : med.brands) add_supplement(name, "product:" + med.id);
    add_supplement(med.name, "product:" + med.id);
    for (const auto& name : med.synonyms) add_supplement(name, "product:" + med.id);
  }
}

void NameIndex::build_conditions_and_flags() {
  // Conditions and red flags are matched as written (normalized): "ckd stage 3" is not "ckd stage
  // 5".
  for (const auto& condition : kb_.conditions) {
    add(building_.conditions, normalize_name(id_words(condition.id)), condition.id, "condition");
    add(building_.conditions, normalize_name(condition.name), condition.id, "condition");
    for (const auto& name : condition.synonyms)
      add(building_.conditions, normalize_name(name), condition.id, "condition");
  }
  for (const auto& flag : kb_.red_flags) {
    add(building_.flags, normalize_name(id_words(flag.id)), flag.id, "red flag");
    add(building_.flags, normalize_name(flag.name), flag.id, "red flag");
    for (const auto& name : flag.synonyms)
      add(building_.flags, normalize_name(name), flag.id, "red flag");
  }
}

std::string NameIndex::strip_words(const std::string& normalized, bool salts) const {
  std::vector<std::string> kept;
  for (const auto& word : split_words(normalized)) {
    if (has_digit(word) || contains(ignore_, word)) continue;
    if (salts && contains(salt_words_, word)) continue;
    kept.push_back(word);
  }
  return join_words(kept);
}

std::optional<std::string> NameIndex::lookup_medicine(const std::string& part,
                                                      bool leading_words) const {
  const std::string normalized = normalize_name(part);
  for (const std::string& key :
       {normalized, strip_words(normalized, false), strip_words(normalized, true)}) {
    if (key.empty()) continue;
    if (auto found = tables_->medicines.find(key); found != tables_->medicines.end())
      return found->second;
  }
  if (!leading_words) return std::nullopt;
  // A brand or name followed by words we do not know ("Cipro XR tablets pack"): try leading words.
  auto words = split_words(strip_words(normalized, false));
  while (words.size() > 1) {
    words.pop_back();
    if (auto found = tables_->medicines.find(join_words(words)); found != tables_->medicines.end())
      return found->second;
  }
  return std::nullopt;
}

MedicineMatch NameIndex::medicine(std::string_view text) const {
  // Whole name first, then a combination split, then leading words of a single name.
  if (auto whole = lookup_medicine(std::string(text), false)) return {{*whole}, {}};
  MedicineMatch parts = combination(text);
  if (!parts.ids.empty() || !parts.unknown.empty()) return parts;
  if (auto whole = lookup_medicine(std::string(text), true)) return {{*whole}, {}};
  return {{}, {std::string(text)}};
}

std::vector<std::string> NameIndex::medicines(std::string_view text) const {
  MedicineMatch match = medicine(text);
  return match.unknown.empty() ? match.ids : std::vector<std::string>{};
}

MedicineMatch NameIndex::combination(std::string_view text) const {
  // Combination products: "amiloride/furosemide", "paracetamol + codeine", "x and y", "x with y".
  std::string separated(text);
  for (const std::string_view sep : {"/", "+", ","}) {
    for (std::size_t at; (at = separated.find(sep)) != std::string::npos;)
      separated.replace(at, sep.size(), "|");
  }
  std::string lowered = separated;
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  for (const std::string_view sep : {" and ", " with ", " & "}) {
    for (std::size_t at; (at = lowered.find(sep)) != std::string::npos;) {
      lowered.replace(at, sep.size(), "|");
      separated.replace(at, sep.size(), "|");
    }
  }
  MedicineMatch match;
  if (separated.find('|') == std::string::npos) return match;
  std::stringstream parts(separated);
  for (std::string part; std::getline(parts, part, '|');) {
    // A bare strength or unit ("5 ml" in "400 mg/5 ml") is not an ingredient.
    if (strip_words(normalize_name(part), false).empty()) continue;
    if (auto id = lookup_medicine(part, true)) {
      if (!contains(match.ids, *id)) match.ids.push_back(*id);
    } else {
      match.unknown.push_back(part);
    }
  }
  return match;
}

SupplementMatch NameIndex::supplement(std::string_view text) const {
  const std::string normalized = normalize_name(text);
  SupplementMatch match;
  // "Magnesium 400 mg" names no form: a form match with no form id (the caller counts an
  // elemental amount as given and judges a compound amount at the richest salt).
  if (strip_words(normalized, false) == "magnesium") {
    match.kind = SupplementMatch::Kind::form;
    match.id = "magnesium";
    return match;
  }
  bool topical = false;
  std::vector<std::string> words;
  for (const auto& word : split_words(normalized)) {
    if (contains(topical_, word))
      topical = true;
    else
      words.push_back(word);
  }
  const std::string without_topical = join_words(words);
  for (const std::string& key :
       {normalized, without_topical, strip_words(without_topical, false)}) {
    if (key.empty()) continue;
    const auto found = tables_->supplements.find(key);
    if (found == tables_->supplements.end()) continue;
    const std::string& value = found->second;
    const auto colon = value.find(':');
    const std::string kind = value.substr(0, colon);
    match.id = value.substr(colon + 1);
    if (kind == "form") {
      match.kind = SupplementMatch::Kind::form;
      match.form_id = match.id;
    } else if (kind == "salt") {
      match.kind = SupplementMatch::Kind::salt;
      if (const Salt* salt = kb_.salt(match.id)) match.form_id = salt->form;
    } else {
      match.kind = SupplementMatch::Kind::product;
    }
    break;
  }
  // Skin products are magnesium only when they name it ("magnesium oil spray"); a medicine patch or
  // cream ("rotigotine transdermal patch") is not a magnesium product.
  const bool names_magnesium = has_phrase(normalized, "magnesium");
  if (topical && (match.kind != SupplementMatch::Kind::unknown || names_magnesium)) {
    match.kind = SupplementMatch::Kind::topical;
  }
  return match;
}

namespace {

/// "4", "iv", "3a", "iiib", "5d" -> "4", "4", "3a", "3b", "5d"; nullopt for anything else.
std::optional<std::string> kidney_stage(const std::string& word) {
  static const std::pair<const char*, const char*> kRoman[] = {
      {"i", "1"},     {"ii", "2"}, {"iii", "3"}, {"iiia", "3a"},
      {"iiib", "3b"}, {"iv", "4"}, {"v", "5"},   {"vd", "5d"}};
  for (const auto& [roman, arabic] : kRoman)
    if (word == roman) return std::string(arabic);
  static const char* const kArabic[] = {"1", "2", "3", "3a", "3b", "4", "5", "5d"};
  for (const char* arabic : kArabic)
    if (word == arabic) return std::string(arabic);
  return std::nullopt;
}

}  // namespace

std::optional<std::string> NameIndex::condition(std::string_view text) const {
  const std::string normalized = normalize_name(text);
  if (auto found = tables_->conditions.find(normalized); found != tables_->conditions.end())
    return found->second;
  // Kidney disease with a stage or G category, however it is written: "CKD stage IV", "stage 4
  // chronic kidney disease", "CKD G3a", "chronic kidney disease 5D". The stage decides the finding.
  if (!mentions_kidneys(normalized)) return std::nullopt;
  const auto words = split_words(normalized);
  for (std::size_t idx = 0; idx < words.size(); ++idx) {
    std::optional<std::string> stage;
    const std::string& word = words[idx];
    for (const std::string prefix : {"stage", "grade", "category", "ckd", "g"}) {
      if (word == prefix && idx + 1 < words.size())
        stage = kidney_stage(words[idx + 1]);
      else if (word.size() > prefix.size() && word.rfind(prefix, 0) == 0)
        stage = kidney_stage(word.substr(prefix.size()));
      if (stage) break;
    }
    if (!stage) continue;
    const std::string key = "ckd stage " + *stage;
    if (auto found = tables_->conditions.find(key); found != tables_->conditions.end())
      return found->second;
  }
  return std::nullopt;
}

std::optional<std::string> NameIndex::red_flag(std::string_view text) const {
  if (kb_.red_flag(std::string(text))) return std::string(text);
  const std::string normalized = normalize_name(text);
  if (auto found = tables_->flags.find(normalized); found != tables_->flags.end())
    return found->second;
  return std::nullopt;
}

namespace {
std::optional<std::string> closest(const NameTable& index, const std::string& query) {
  if (query.size() < 4) return std::nullopt;
  const int allowed = query.size() <= 6 ? 1 : (query.size() <= 12 ? 2 : 3);
  std::optional<std::string> best;
  int best_distance = allowed + 1;
  for (const auto& [key, id] : index) {
    if (key.size() + allowed < query.size() || query.size() + allowed < key.size()) continue;
    // Misspellings rarely change the first letter; checking only names that share the first or
    // second letter keeps "did you mean" to a few hundred comparisons.
    if (key[0] != query[0] && !(key.size() > 1 && query.size() > 1 && key[1] == query[1])) continue;
    const int distance = edit_distance(query, key, best_distance - 1);
    if (distance < best_distance) {
      best_distance = distance;
      best = key;
    }
  }
  return best;
}
}  // namespace

std::optional<std::string> NameIndex::suggest_medicine(std::string_view text) const {
  return closest(tables_->medicines, strip_words(normalize_name(text), false));
}

std::optional<std::string> NameIndex::suggest_condition(std::string_view text) const {
  // Never suggest for kidney text: "CKD stage IV" must not become "ckd stage 1", a milder
  // condition. An unrecognised kidney condition is handled as kidney disease of unknown stage
  // instead.
  if (mentions_kidneys(text)) return std::nullopt;
  const std::string normalized = normalize_name(text);
  auto suggestion = closest(tables_->conditions, normalized);
  // A suggestion that differs only in a number (a stage, a degree) could be milder: none is made.
  if (suggestion) {
    auto digits = [](const std::string& t) {
      std::string out;
      for (char c : t)
        if (std::isdigit(static_cast<unsigned char>(c))) out += c;
      return out;
    };
    if (digits(*suggestion) != digits(normalized)) return std::nullopt;
  }
  return suggestion;
}

std::optional<std::string> NameIndex::suggest_supplement(std::string_view text) const {
  return closest(tables_->supplements, strip_words(normalize_name(text), false));
}

std::string NameIndex::slug(std::string_view text) const {
  std::string stripped = strip_words(normalize_name(text), false);
  if (stripped.empty()) stripped = normalize_name(text);
  std::replace(stripped.begin(), stripped.end(), ' ', '-');
  std::replace(stripped.begin(), stripped.end(), '.', '-');
  return stripped.empty() ? "unnamed" : stripped;
}

std::vector<std::string> find_name_clashes(const Kb& kb) {
  std::vector<std::string> clashes;
  NameIndex::build_tables(kb, &clashes);
  return clashes;
}

}  // namespace willis::core
