// src/codec/audit_codes.h: the audit's code lists (kb/indicators.yaml `lists`) expanded into codes:
// RxNorm ingredients and the products that contain them (codec/rxnorm_table.h), ATC, SNOMED CT and
// LOINC (codec/fhir_profile.h). Built once per KB; read-only afterwards, so threads share it.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/audit.h"
#include "core/kb.h"
#include "core/names.h"

namespace willis::codec {

/// One row of `willis audit --codelists`.
struct CodeListRow {
  std::string list;    ///< list id ("magnesium")
  std::string system;  ///< FHIR system URI
  std::string code;
};

/// The code lists, and look-ups from a coding or a medicine's text to the lists it is in.
///
///     const core::NameIndex names(kb);
///     const codec::AuditCodes codes(kb, names);
///     core::audit::ListMask lists = codes.medicine_code(codec::kRxNormSystem, "2551");  //
///     chelation-partner
class AuditCodes {
 public:
  /// `kb` and `names` must outlive this.
  AuditCodes(const core::Kb& kb, const core::NameIndex& names);

  /// Every (list, system, code), lists in kb/indicators.yaml order, then by system and code.
  const std::vector<CodeListRow>& rows() const { return rows_; }

  /// The medicine lists a coding is in (0: the coding is in no list).
  core::audit::ListMask medicine_code(std::string_view system, std::string_view code) const;
  /// The condition lists (rls, ckd-4-5) a coding is in.
  core::audit::ListMask condition_code(std::string_view system, std::string_view code) const;
  /// The lab list a coding is in.
  std::optional<core::audit::Lab> lab_code(std::string_view system, std::string_view code) const;
  /// The KB the lists come from (its lab units convert values: codec/fhir/labs.h).
  const core::Kb& kb() const { return kb_; }

  /// A medicine named by free text, through willis's name resolution (names.h).
  struct TextMatch {
    bool known = false;               ///< the text names a KB medicine, form, salt or product
    core::audit::ListMask lists = 0;  ///< the medicine lists of what it names
  };
  TextMatch medicine_text(std::string_view text) const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };
  using CodeMap = std::unordered_map<std::string, core::audit::ListMask, Hash, std::equal_to<>>;
  using CodeSet = std::set<std::pair<std::string, std::string>>;  ///< (system, code)

  // The steps of the constructor: one list's codes into `codes` and the look-up maps.
  void add_lab_list(const core::AuditList& list, bool read, CodeSet& codes);
  void add_condition_list(const core::AuditList& list, core::audit::ListMask mask, CodeSet& codes);
  void add_medicine_list(const core::AuditList& list, core::audit::ListMask mask, CodeSet& codes);
  void add_codes(const std::vector<long>& rxnorm, const std::vector<std::string>& atc,
                 core::audit::ListMask mask, CodeSet& codes);
  void add_products(core::audit::ListMask mask, CodeSet& codes);
  void add_rows(const std::string& list, const CodeSet& codes);

  const core::Kb& kb_;
  const core::NameIndex& names_;
  CodeMap rxnorm_, atc_, snomed_;
  std::unordered_map<std::string, core::audit::Lab, Hash, std::equal_to<>> loinc_;
  std::unordered_map<std::string, core::audit::ListMask> medicine_lists_, form_lists_;
  std::vector<CodeListRow> rows_;
};

}  // namespace willis::codec
