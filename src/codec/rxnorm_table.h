// src/codec/rxnorm_table.h: RxNorm drug codes -> ingredient codes (an NLM RxNorm subset,
// generated).
//
// Why a generated C++ table and not a KB file: the KB loader refuses files it does not know, and
// this is terminology, not clinical knowledge (nothing here is cited or reviewed by a clinician).
// A constexpr table needs no parsing at start-up, no CMake change and no file at run time; the
// generator (tools/gen_rxnorm_table.py, from the shipped subset data/rxnorm/rxnorm-subset.tsv)
// records the KB codes it was made for; a unit test fails when kb/ gains a code the table was not
// generated with, and ctest rxnorm-table-up-to-date when the table is not what the subset
// generates.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace willis::codec::rxnorm {

/// One ingredient (RxNorm TTY=IN) with its name ("magnesium oxide"; RxTerms's where it has one).
struct Ingredient {
  long rxcui;
  const char* name;
};

/// One drug concept with an ingredient (SCDC, SCD, SBD, GPCK, BPCK): its ingredients are
/// product_ingredients()[first .. first + count), indices into ingredients().
struct Product {
  long rxcui;
  std::uint16_t first;
  std::uint16_t count;
};

std::span<const Ingredient> ingredients();  ///< sorted by rxcui
std::span<const Product> products();        ///< sorted by rxcui
std::span<const std::uint16_t> product_ingredients();
/// The KB ingredient codes the table was generated for (sorted).
std::span<const long> kb_codes_at_generation();

/// Ingredient RXCUIs of a product RXCUI; empty when the table does not hold it.
std::vector<long> product_ingredient_codes(long rxcui);
/// Name of an ingredient RXCUI held by the table.
std::optional<std::string_view> ingredient_name(long rxcui);

}  // namespace willis::codec::rxnorm
