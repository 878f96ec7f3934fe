// src/core/names.h: free-text medicines, supplements, conditions and red flags -> KB ids.
// Case, punctuation, strengths, units and dose forms are ignored; brands and salts map to the
// ingredient. Unknown names are reported by the caller, never auto-corrected.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/kb.h"

namespace willis::core {

/// Lower case; letters and digits kept; '.' kept between digits; everything else a single space.
std::string normalize_name(std::string_view text);

/// True when `phrase` occurs in `normalized` (a normalize_name result) as whole words.
bool has_phrase(std::string_view normalized, std::string_view phrase);

/// What a medicine name turned out to be: the KB ingredients found, and any part that matched
/// nothing.
struct MedicineMatch {
  std::vector<std::string> ids;  ///< one for a single medicine, several for a combination
  std::vector<std::string>
      unknown;  ///< parts of a combination (or the whole name) that are unknown
};

/// What a supplement name turned out to be.
struct SupplementMatch {
  enum class Kind { unknown, form, salt, product, topical };
  Kind kind = Kind::unknown;
  std::string id;       ///< form, salt or medicine (product) id; for topical, the form if named
  std::string form_id;  ///< the form of a salt or form match
};

/// Look-up tables built once from a KB; cheap to query.
class NameIndex {
 public:
  /// Uses the KB's precomputed tables when it has them, else builds its own.
  explicit NameIndex(const Kb& kb);

  /// Builds the tables from scratch (the KB loader stores them in the KB).
  static NameTables build_tables(const Kb& kb, std::vector<std::string>* clashes);

  /// Medicines named by `text` ("Fosamax 70 mg", "amiloride/furosemide"). An unknown part of a
  /// combination is reported in `unknown`, never dropped.
  MedicineMatch medicine(std::string_view text) const;
  /// The ids alone (empty unless every part is known); for tests and simple callers.
  std::vector<std::string> medicines(std::string_view text) const;
  SupplementMatch supplement(std::string_view text) const;
  std::optional<std::string> condition(std::string_view text) const;
  std::optional<std::string> red_flag(std::string_view text) const;
  /// True when the text names the kidneys (kb/rules.yaml kidney_words): kidney disease of some
  /// stage.
  bool mentions_kidneys(std::string_view text) const;

  /// A close KB name for an unknown one ("levothyroxin" -> "levothyroxine"), for "did you mean".
  std::optional<std::string> suggest_medicine(std::string_view text) const;
  std::optional<std::string> suggest_condition(std::string_view text) const;
  std::optional<std::string> suggest_supplement(std::string_view text) const;

  /// Lower-case hyphenated slug of an unknown name, for `unrecognised:<slug>` ids.
  std::string slug(std::string_view text) const;

  /// Names that point at two different entries (a KB error).
  std::vector<std::string> clashes() const { return clashes_; }

 private:
  std::string strip_words(const std::string& normalized, bool salts) const;
  std::optional<std::string> lookup_medicine(const std::string& part, bool leading_words) const;
  MedicineMatch combination(std::string_view text) const;
  void add(std::map<std::string, std::string>& index, const std::string& key, const std::string& id,
           const char* what);
  void build();
  void build_medicines();
  void build_supplements();
  void build_conditions_and_flags();
  void add_supplement(const std::string& name, const std::string& value);

  const Kb& kb_;
  std::unordered_set<std::string> ignore_, salt_words_, topical_;
  struct Building {
    std::map<std::string, std::string> medicines, supplements, conditions, flags;
  } building_;                ///< the tables while build() fills them
  NameTables owned_;          ///< built here when the KB carries no tables
  const NameTables* tables_;  ///< the KB's tables or owned_
  std::vector<std::string> clashes_;
};

/// Names that point at two different entries in `kb` (checked by the KB loader).
std::vector<std::string> find_name_clashes(const Kb& kb);

/// Edit distance between two short strings (for "did you mean"); any value above `limit` is
/// reported as limit + 1.
int edit_distance(std::string_view a, std::string_view b, int limit = 1 << 20);

}  // namespace willis::core
