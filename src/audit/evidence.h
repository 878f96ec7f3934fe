// src/audit/evidence.h: the flagged lines of a run, with their evidence read again from the input.
// Only the lines that are evidence for flagged patients are read: gzip files in one sequential
// pass each (held in memory until written), plain files one line at a time (pread) while the
// flagged lines are rendered, on all workers, a batch of patients at a time, written in patient
// order. Nothing held in memory grows with the resources.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit.h"
#include "audit/classify.h"
#include "audit/engine.h"
#include "core/result.h"

namespace willis::audit {

/// Reads the evidence lines of `positions` (sorted) from the input files.
core::Result<std::map<core::audit::Position, core::audit::EvidenceItem>> read_evidence(
    const std::vector<std::string>& files, const std::vector<core::audit::Position>& positions,
    Classifier& classifier, const MedicationTable& meds);

/// Writes the lines of `flagged` (sorted by id) to `sinks.flagged`, rendering on `threads`
/// threads. Returns an error when an input file cannot be read again.
std::optional<core::Error> write_flagged_lines(const Engine& engine,
                                               const std::vector<Engine::Flagged>& flagged,
                                               const std::vector<std::string>& files,
                                               const codec::AuditCodes& codes, unsigned threads,
                                               const Sinks& sinks);

}  // namespace willis::audit
