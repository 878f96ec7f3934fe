// Fuzz target: one NDJSON line -> audit::ResourceView (src/audit/resource.*, read only here).
#include <simdjson.h>

#include <string>

#include "audit/resource.h"
#include "fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace willis;
  static simdjson::ondemand::parser parser;
  // The audit hands read_resource a padded view of each line; do the same.
  std::string line(fuzz::text_of(data, size));
  line.resize(size + simdjson::SIMDJSON_PADDING, ' ');
  audit::ResourceView view;
  const std::string problem = audit::read_resource(
      parser, simdjson::padded_string_view(line.data(), size, line.size()), view);
  if (problem.empty()) (void)view.subject_patient();
  (void)audit::has_timing_words(fuzz::text_of(data, size));
  return 0;
}
