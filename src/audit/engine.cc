// src/audit/engine.cc: per-patient accumulation and evaluation (engine.h).
#include "audit/engine.h"

namespace willis::audit {

using core::audit::Position;

std::optional<core::Error> check_sinks(const Sinks& sinks) {
  if (sinks.flagged && !sinks.flagged_line)
    return core::Error(core::Errc::invalid_value, "flagged_line",
                       "flagged lines are asked for without a way to write them");
  return std::nullopt;
}

Engine::Engine(const core::Kb& kb, const codec::AuditCodes& codes, core::CalendarDate as_of)
    : kb_(kb),
      codes_(codes),
      params_(core::audit::params_from_kb(kb, as_of)),
      shards_(new Shard[kShards]) {
  summary_.as_of = as_of;
}

void Engine::apply(const Fact& fact, Counters& counters) {
  ++counters.resources;
  if (fact.kind == Fact::Kind::skipped) {
    ++counters.skipped;
    return;
  }
  if (fact.kind == Fact::Kind::medication) {
    meds_.add(fact.patient, fact.medication);
    return;
  }
  if (fact.kind == Fact::Kind::medicine && !fact.medication_ref.empty()) {
    std::lock_guard lock(deferred_mutex_);
    deferred_.push_back(
        {std::string(fact.patient), std::string(fact.medication_ref), fact.medicine});
  }
  const std::uint64_t hash = PatientTable::hash(fact.patient);
  Shard& shard = shards_[hash % kShards];
  std::lock_guard lock(shard.mutex);
  core::audit::PatientState& state = shard.table.get(fact.patient, hash);
  switch (fact.kind) {
    case Fact::Kind::patient:
      state.add_patient(params_, fact.deceased_date, fact.has_deceased_date, fact.deceased_flag);
      return;
    case Fact::Kind::medicine:
      ++state.resources;
      if (!fact.medication_ref.empty()) return;  // folded in by resolve_deferred()
      if (fact.unrecognised) state.add_unrecognised();
      state.add(params_, fact.medicine);
      return;
    case Fact::Kind::condition:
      ++state.resources;
      state.add(params_, fact.condition);
      return;
    case Fact::Kind::observation:
      ++state.resources;
      state.add(params_, fact.observation);
      return;
    default:
      ++state.resources;
      return;
  }
}

void Engine::add_counters(const Counters& counters) {
  std::lock_guard lock(deferred_mutex_);
  summary_.resources += counters.resources;
  summary_.skipped_resources += counters.skipped;
}

void Engine::resolve_deferred() {
  for (const auto& item : deferred_) {
    const auto entry = meds_.find(item.reference);
    core::audit::MedicineFact fact = item.fact;
    fact.lists = entry ? entry->lists : 0;
    const std::uint64_t hash = PatientTable::hash(item.patient);
    core::audit::PatientState& state = shards_[hash % kShards].table.get(item.patient, hash);
    if (!entry || !entry->known) state.add_unrecognised();
    state.add(params_, fact);
  }
  deferred_.clear();
}

std::vector<Engine::Flagged> Engine::evaluate() {
  std::vector<Flagged> flagged;
  for (std::size_t shard = 0; shard < kShards; ++shard) {
    const PatientTable& table = shards_[shard].table;
    for (std::size_t index = 0; index < table.size(); ++index) {
      const core::audit::PatientState& state = table.state(index);
      if (!state.exists()) {
        summary_.orphan_resources += state.resources;
        continue;
      }
      ++summary_.patients;
      summary_.unrecognised_medicines += state.unrecognised;
      const auto evaluation = core::audit::evaluate(params_, state);
      summary_.count(state, evaluation);
      if (evaluation.numerator)
        flagged.push_back({&state, evaluation.numerator, static_cast<std::uint8_t>(shard)});
    }
  }
  std::sort(flagged.begin(), flagged.end(), [this](const Flagged& a, const Flagged& b) {
    char buffer_a[IdArena::kUuidText], buffer_b[IdArena::kUuidText];
    return id_of(a, buffer_a) < id_of(b, buffer_b);
  });
  return flagged;
}

void Engine::write_flagged(const std::vector<Flagged>& flagged,
                           const std::map<Position, core::audit::EvidenceItem>& evidence_items,
                           const Sinks& sinks) const {
  if (!sinks.flagged) return;
  render_flagged(
      flagged.data(), flagged.data() + flagged.size(), sinks.flagged_line,
      [&](Position pos) -> const core::audit::EvidenceItem* {
        const auto found = evidence_items.find(pos);
        return found == evidence_items.end() ? nullptr : &found->second;
      },
      [] {}, [&](const std::string& line) { sinks.flagged(line); });
}

std::size_t Engine::state_bytes() const {
  std::size_t bytes = 0;
  for (std::size_t shard = 0; shard < kShards; ++shard) bytes += shards_[shard].table.bytes();
  return bytes;
}

}  // namespace willis::audit
