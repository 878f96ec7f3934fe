// src/audit/engine.h: per-patient accumulation. Facts are folded into the patient's state in a
// table sharded by the hash of the patient id (one mutex per shard), from any number of worker
// threads; every fold is order-independent (core/audit.h), so results do not depend on threads
// or chunk size. At the end every patient is evaluated and the flagged ones rendered.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit.h"
#include "audit/classify.h"
#include "audit/medication_table.h"
#include "audit/patient_table.h"
#include "codec/audit_codes.h"
#include "core/audit.h"
#include "core/kb.h"
#include "core/result.h"

namespace willis::audit {

inline constexpr std::size_t kShards = 256;

/// A medicine that refers to a Medication not read yet.
struct Deferred {
  std::string patient, reference;
  core::audit::MedicineFact fact;
};

/// The counters a worker keeps, added up at the end.
struct Counters {
  std::uint64_t resources = 0, skipped = 0;
};

/// Refuses sinks that take flagged lines without saying how to write them (Sinks::flagged_line).
std::optional<core::Error> check_sinks(const Sinks& sinks);

class Engine {
 public:
  Engine(const core::Kb& kb, const codec::AuditCodes& codes, core::CalendarDate as_of);

  const core::audit::Params& params() const { return params_; }
  const codec::AuditCodes& codes() const { return codes_; }
  MedicationTable& meds() { return meds_; }
  const MedicationTable& meds() const { return meds_; }

  /// Folds one fact into its patient's state (thread-safe).
  void apply(const Fact& fact, Counters& counters);
  void add_counters(const Counters& counters);
  /// Medicines that waited for their Medication, now that all are read.
  void resolve_deferred();

  using Flagged = FlaggedPatient;
  static_assert(kShards <= 256, "FlaggedPatient::shard is 8 bits");
  static_assert(sizeof(Flagged) == 16);
  /// The id of a flagged patient, a view into its table or into `buffer` (IdArena::kUuidText
  /// chars).
  std::string_view id_of(const Flagged& patient, char* buffer) const {
    return shards_[patient.shard].table.id_of(*patient.state, buffer);
  }

  /// Evaluates every patient (summary counts) and returns the flagged ones, sorted by id.
  std::vector<Flagged> evaluate();

  /// Renders the flagged lines of [from, to) with `line` into `emit(line)`; `evidence_of(position)`
  /// gives the evidence item of a position (or nullptr), valid until `next_patient()` is called
  /// (before each patient). Thread-safe (reads only) when `line` is.
  template <typename EvidenceOf, typename NextPatient, typename Emit>
  void render_flagged(const Flagged* from, const Flagged* to, const FlaggedLine& line,
                      EvidenceOf&& evidence_of, NextPatient&& next_patient, Emit&& emit) const {
    std::vector<const core::audit::EvidenceItem*> items;
    for (const Flagged* it = from; it != to; ++it) {
      const Flagged& patient = *it;
      next_patient();
      for (int indicator = 0; indicator < core::audit::kIndicatorCount; ++indicator) {
        if (!((patient.numerator >> indicator) & 1)) continue;
        const auto ev = core::audit::evidence(params_, *patient.state, indicator);
        items.clear();
        for (int index = 0; index < ev.count; ++index)
          if (const core::audit::EvidenceItem* item =
                  evidence_of(ev.positions[static_cast<std::size_t>(index)]))
            items.push_back(item);
        char buffer[IdArena::kUuidText];
        emit(line(id_of(patient, buffer), core::audit::indicator_id(indicator), items));
      }
    }
  }
  /// Writes the flagged lines with the evidence items of `evidence_items`.
  void write_flagged(
      const std::vector<Flagged>& flagged,
      const std::map<core::audit::Position, core::audit::EvidenceItem>& evidence_items,
      const Sinks& sinks) const;

  /// Calls `visit(position)` for every evidence position of the flagged patients (repeats
  /// included), without holding them.
  template <typename Visit>
  void for_each_evidence(const std::vector<Flagged>& flagged, Visit&& visit) const {
    for (const auto& patient : flagged)
      for (int indicator = 0; indicator < core::audit::kIndicatorCount; ++indicator)
        if ((patient.numerator >> indicator) & 1) {
          const auto ev = core::audit::evidence(params_, *patient.state, indicator);
          for (int index = 0; index < ev.count; ++index)
            visit(ev.positions[static_cast<std::size_t>(index)]);
        }
  }
  /// Every evidence position of the flagged patients for which `keep(position)`, sorted and unique.
  template <typename Keep>
  std::vector<core::audit::Position> evidence_positions(const std::vector<Flagged>& flagged,
                                                        Keep&& keep) const {
    std::vector<core::audit::Position> positions;
    for_each_evidence(flagged, [&](core::audit::Position pos) {
      if (keep(pos)) positions.push_back(pos);
    });
    std::sort(positions.begin(), positions.end());
    positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
    return positions;
  }
  std::vector<core::audit::Position> evidence_positions(const std::vector<Flagged>& flagged) const {
    return evidence_positions(flagged, [](core::audit::Position) { return true; });
  }

  core::audit::Summary& summary() { return summary_; }
  std::size_t state_bytes() const;

 private:
  struct Shard {
    std::mutex mutex;
    PatientTable table;
  };

  const core::Kb& kb_;
  const codec::AuditCodes& codes_;
  core::audit::Params params_;
  std::unique_ptr<Shard[]> shards_;
  MedicationTable meds_;
  std::mutex deferred_mutex_;
  std::vector<Deferred> deferred_;
  core::audit::Summary summary_;
};

}  // namespace willis::audit
