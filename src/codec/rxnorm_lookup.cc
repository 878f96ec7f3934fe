// src/codec/rxnorm_lookup.cc: look-ups over the generated RxNorm table (codec/rxnorm_table.cc).
#include <algorithm>

#include "codec/rxnorm_table.h"

namespace willis::codec::rxnorm {

std::vector<long> product_ingredient_codes(long rxcui) {
  const auto all = products();
  const auto it = std::lower_bound(all.begin(), all.end(), rxcui,
                                   [](const Product& p, long code) { return p.rxcui < code; });
  std::vector<long> codes;
  if (it == all.end() || it->rxcui != rxcui) return codes;
  const auto indices = product_ingredients().subspan(it->first, it->count);
  for (const auto idx : indices) codes.push_back(ingredients()[idx].rxcui);
  return codes;
}

std::optional<std::string_view> ingredient_name(long rxcui) {
  const auto all = ingredients();
  const auto it = std::lower_bound(all.begin(), all.end(), rxcui,
                                   [](const Ingredient& i, long code) { return i.rxcui < code; });
  if (it == all.end() || it->rxcui != rxcui) return std::nullopt;
  return std::string_view(it->name);
}

}  // namespace willis::codec::rxnorm
