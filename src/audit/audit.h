// src/audit/audit.h: `willis audit`, the population audit over a FHIR Bulk Data export
// (docs/audit.md). The adapter around core/audit.h: reads NDJSON (plain or gzip) in large chunks on
// all cores, keeps one compact PatientState per patient, and re-reads only the few lines that
// are evidence for flagged patients.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/audit_codes.h"
#include "core/audit.h"
#include "core/kb.h"
#include "core/result.h"

namespace willis::audit {

/// The default cap on one NDJSON line (64 MiB, DuckDB's largest maximum_object_size we use; a
/// FHIR resource is a few kB).
inline constexpr std::size_t kDefaultMaxLineBytes = std::size_t{64} << 20;

/// What a run reads and how.
struct Options {
  std::vector<std::string> paths;  ///< files and folders (a folder: its *.ndjson and *.ndjson.gz)
  core::CalendarDate as_of;        ///< D (docs/audit.md "Dates")
  unsigned threads = 0;            ///< workers; 0 = std::thread::hardware_concurrency()
  std::size_t chunk_size = std::size_t{8} << 20;  ///< bytes read at a time (lines are never split)
  std::int64_t max_errors = -1;  ///< stop when more lines than this are bad; < 0 = never
  /// A line longer than this (decompressed) is a bad line, skipped without being held in memory.
  std::size_t max_line_bytes = kDefaultMaxLineBytes;
  bool progress = false;       ///< draw a progress bar on stderr
  bool collect_texts = false;  ///< fill RunResult::texts
};

/// Writes one flagged (patient, indicator) line with its evidence, '\n' included (the composition
/// passes render::audit_flagged_line). Called on worker threads at once: must be thread-safe.
using FlaggedLine =
    std::function<std::string(std::string_view patient, std::string_view indicator,
                              const std::vector<const core::audit::EvidenceItem*>& evidence)>;

/// Where the lines go; `flagged` and `error` may be empty (dropped). With `flagged`,
/// `flagged_line` is required (a run without it is refused).
struct Sinks {
  std::function<void(std::string_view)> flagged;  ///< one flagged.ndjson line, '\n' included
  std::function<void(std::string_view)> error;    ///< "FILE:LINE: reason\n", in file and line order
  FlaggedLine flagged_line;                       ///< how a flagged line is written
};

/// What a run found.
struct RunResult {
  core::audit::Summary summary;
  bool stopped = false;  ///< more than max_errors bad lines: the run stopped early
  /// With Options::collect_texts: every medicine text (or display) the run looked up by name and
  /// willis identified, with the lists it is in (0: known, in no list), sorted by text (bytes);
  /// render::audit_text_lists_csv writes them as CSV.
  std::vector<std::pair<std::string, core::audit::ListMask>> texts;
};

/// The files a run reads: files as given, folders' *.ndjson / *.ndjson.gz, in sorted path order.
/// Errors: io_error naming a path that does not exist or a folder with no NDJSON.
core::Result<std::vector<std::string>> input_files(const std::vector<std::string>& paths);

/// Runs the audit.
///
///     const core::NameIndex names(kb);
///     const codec::AuditCodes codes(kb, names);
///     audit::Options options{.paths = {"export/"}, .as_of = *core::parse_date("2026-11-22")};
///     auto result = audit::run(kb, codes, options,
///                              {.flagged = write_line, .error = write_error,
///                               .flagged_line = render::audit_flagged_line});
///
/// Results never depend on `threads` or `chunk_size`.
/// Errors: io_error when a file cannot be read (the message names it); invalid_value when
/// `sinks.flagged` is given without `sinks.flagged_line`.
core::Result<RunResult> run(const core::Kb& kb, const codec::AuditCodes& codes,
                            const Options& options, const Sinks& sinks);

/// `--grouped`: each line of `in` is one patient's resources, as a JSON array of resources or a
/// Bundle; writes that line's flagged lines (and its bad resources as "<stdin>:LINE: reason").
/// Summary counts cover all lines. Errors: io_error when `in` cannot be read; invalid_value as
/// run's.
core::Result<RunResult> run_grouped(const core::Kb& kb, const codec::AuditCodes& codes,
                                    core::CalendarDate as_of, std::FILE* in, const Sinks& sinks,
                                    std::size_t max_line_bytes = kDefaultMaxLineBytes);

}  // namespace willis::audit
