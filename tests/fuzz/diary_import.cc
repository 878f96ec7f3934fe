// Fuzz target: diary import, CSV and JSON (codec::import_csv, codec::import_json).
// Property: whatever an import accepts survives export and re-import unchanged (both formats),
// so the formula-injection quoting of CSV cells never changes a note.
#include "fuzz.h"
#include "codec/diary_import.h"
#include "render/diary_export.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace willis;
  const core::CalendarDate today{2026, 11, 22};
  const std::string_view text = fuzz::text_of(data, size);
  for (const bool json : {false, true}) {
    const auto entries =
        json ? codec::import_json(text, "fuzz", today) : codec::import_csv(text, "fuzz", today);
    if (!entries.ok()) continue;
    const auto csv = codec::import_csv(render::export_csv(entries.value()), "export.csv", today);
    fuzz::require(csv.ok(), "an export re-imports (CSV)");
    fuzz::require(csv.value() == entries.value(), "the CSV round trip keeps every entry");
    const auto again =
        codec::import_json(render::export_json(entries.value()), "export.json", today);
    fuzz::require(again.ok(), "an export re-imports (JSON)");
    fuzz::require(again.value() == entries.value(), "the JSON round trip keeps every entry");
  }
  return 0;
}
