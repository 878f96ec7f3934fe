// Fuzz target: diary import, CSV and JSON (store::import_csv, store::import_json).
// Property: whatever an import accepts survives export and re-import unchanged (both formats),
// so the formula-injection quoting of CSV cells never changes a note.
#include "fuzz.h"
#include "store/diary_io.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace willis;
  const core::CalendarDate today{2026, 11, 22};
  const std::string_view text = fuzz::text_of(data, size);
  for (const bool json : {false, true}) {
    const auto entries =
        json ? store::import_json(text, "fuzz", today) : store::import_csv(text, "fuzz", today);
    if (!entries.ok()) continue;
    const auto csv = store::import_csv(store::export_csv(entries.value()), "export.csv", today);
    fuzz::require(csv.ok(), "an export re-imports (CSV)");
    fuzz::require(csv.value() == entries.value(), "the CSV round trip keeps every entry");
    const auto again =
        store::import_json(store::export_json(entries.value()), "export.json", today);
    fuzz::require(again.ok(), "an export re-imports (JSON)");
    fuzz::require(again.value() == entries.value(), "the JSON round trip keeps every entry");
  }
  return 0;
}
