// src/audit/pipeline.cc: the streaming audit. One reader thread cuts the input into chunks at line
// ends (plain files: read-only mappings of a few MB, no copy; gzip: decompressed into buffers);
// workers parse each line with simdjson On Demand, classify it against the code lists and fold it
// into the patient's state in a table sharded by the hash of the patient id (one mutex per shard).
// Every fold is order-independent (core/audit.h), so results do not depend on threads or chunk
// size. At the end only the lines that are evidence for flagged patients are read again (plain
// files: one pread each while the flagged lines are rendered, on all workers, in batches written
// in patient order), so nothing held in memory grows with the resources.
#include <fmt/format.h>
#include <simdjson.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

#include "audit/audit.h"
#include "audit/input.h"
#include "audit/patient_table.h"
#include "audit/resource.h"
#include "render/audit_report.h"
#include "codec/fhir_profile.h"

namespace willis::audit {

using core::audit::ListMask;
using core::audit::Position;

namespace {

constexpr std::size_t kShards = 256;
constexpr std::size_t kPadding = simdjson::SIMDJSON_PADDING;
constexpr std::size_t kMappedChunk = std::size_t{2}
                                     << 20;  ///< bytes of a plain file mapped at a time

// ---------------------------------------------------------------- the shared Medication table

/// What a Medication resource is, for the requests that refer to it.
struct MedicationEntry {
  ListMask lists = 0;
  bool known = false;  ///< a code or its text identified it
  std::string code;    ///< the code that put it in a list (or its first code), for evidence
  std::string text;
  Position pos = core::audit::kNoPosition;
};

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const {
    return std::hash<std::string_view>{}(text);
  }
};

/// What the table knows of a Medication; the views stay valid as long as the table.
struct MedicationView {
  ListMask lists = 0;
  bool known = false;
  std::string_view code, text;
};

/// "Medication/ID" -> what it is. Compact like PatientTable: ids in an IdArena, a SlotIndex,
/// fixed-size entries; codes and texts interned (a few distinct ones are shared by many).
class MedicationTable {
 public:
  /// Adds Medication `id`. The same id twice: the lists are joined, the words of the first kept.
  void add(std::string_view id, const MedicationEntry& entry) {
    const std::uint64_t h = PatientTable::hash(id);
    std::unique_lock lock(mutex_);
    const auto [index, added] = slots_.insert(
        h, [&](std::uint32_t at) { return ids_.equals(entries_[at].id_ref, id); },
        [&](std::uint32_t at) {
          char buffer[IdArena::kUuidText];
          return PatientTable::hash(ids_.get(entries_[at].id_ref, buffer));
        });
    if (added) {
      entries_.push_back({entry.pos, ids_.add(id), intern(entry.code), intern(entry.text),
                          entry.lists, entry.known});
      return;
    }
    Entry& current = entries_[index];
    current.lists |= entry.lists;
    current.known = current.known || entry.known;
    if (entry.pos < current.pos) {
      current.code = intern(entry.code);
      current.text = intern(entry.text);
      current.pos = entry.pos;
    }
  }
  /// The Medication a reference names ("Medication/ID"), or nullopt.
  std::optional<MedicationView> find(std::string_view reference) const {
    constexpr std::string_view kPrefix = "Medication/";
    if (reference.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
    const std::string_view id = reference.substr(kPrefix.size());
    const std::uint64_t h = PatientTable::hash(id);
    std::shared_lock lock(mutex_);
    const auto index =
        slots_.find(h, [&](std::uint32_t at) { return ids_.equals(entries_[at].id_ref, id); });
    if (!index) return std::nullopt;
    const Entry& entry = entries_[*index];
    return MedicationView{entry.lists, entry.known, *strings_[entry.code], *strings_[entry.text]};
  }

 private:
  struct Entry {
    Position pos;
    std::uint32_t id_ref, code, text;
    ListMask lists;
    bool known;
  };

  std::uint32_t intern(const std::string& text) {
    if (strings_.empty()) strings_.push_back(&interned_.emplace(std::string(), 0).first->first);
    auto [it, inserted] = interned_.try_emplace(text, static_cast<std::uint32_t>(strings_.size()));
    if (inserted) strings_.push_back(&it->first);
    return it->second;
  }
  mutable std::shared_mutex mutex_;
  SlotIndex slots_;            ///< id -> index in entries_
  std::deque<Entry> entries_;  ///< a deque: no doubling, entries never move
  IdArena ids_;
  std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> interned_;
  std::vector<const std::string*> strings_;  ///< interned strings by index (0 = "")
};

// ---------------------------------------------------------------- one resource -> one fact

struct Fact {
  enum class Kind {
    patient,
    medication,
    medicine,
    condition,
    observation,
    counted,
    skipped
  } kind = Kind::skipped;
  std::string_view patient;                           ///< Patient.id, or the subject's id
  std::int32_t deceased_date = core::audit::kNoDate;  ///< Patient: deceasedDateTime
  bool has_deceased_date = false, deceased_flag = false;
  core::audit::MedicineFact medicine;
  core::audit::ConditionFact condition;
  core::audit::ObservationFact observation;
  bool unrecognised = false;
  std::string_view medication_ref;  ///< a medicine whose Medication is not known yet
  MedicationEntry medication;       ///< kind medication: what it is
};

/// Per-thread reading and classification: owns a parser and caches of text look-ups.
class Classifier {
 public:
  explicit Classifier(const codec::AuditCodes& codes) : codes_(codes) {}

  /// Reads the resource in `json` (padded) at `pos`. Returns "" or why the line is bad.
  std::string classify(simdjson::padded_string_view json, Position pos, const MedicationTable& meds,
                       Fact& fact) {
    std::string bad = read_resource(parser_, json, view_);
    if (!bad.empty()) return bad;
    fact = Fact{};
    const auto& v = view_;
    switch (v.type) {
      case ResourceType::patient:
        fact.kind = Fact::Kind::patient;
        fact.patient = v.id;
        fact.has_deceased_date = v.has_deceased_date;
        fact.deceased_date = core::audit::fhir_date_days(v.deceased_date);
        fact.deceased_flag = v.deceased_flag;
        break;
      case ResourceType::medication: {
        fact.kind = Fact::Kind::medication;
        fact.patient = v.id;
        const auto what = classify_medicine();
        fact.medication = {what.lists, what.known, std::string(what.code), std::string(label()),
                           pos};
        break;
      }
      case ResourceType::medication_request:
      case ResourceType::medication_statement: {
        fact.kind = Fact::Kind::medicine;
        fact.patient = v.subject_patient();
        const bool request = v.type == ResourceType::medication_request;
        const std::string_view s = v.status;
        fact.medicine.active =
            request ? (s == "active" || s == "on-hold" || s == "unknown")
                    : (s == "active" || s == "intended" || s == "on-hold" || s == "unknown");
        fact.medicine.entered_in_error = s == "entered-in-error";
        fact.medicine.timed = v.timed;
        fact.medicine.date = core::audit::fhir_date_days(v.date);
        fact.medicine.pos = pos;
        if (v.codings.empty() && v.text.empty() && !v.medication_ref.empty()) {
          if (auto entry = meds.find(v.medication_ref)) {
            fact.medicine.lists = entry->lists;
            fact.unrecognised = !entry->known;
          } else {
            fact.medication_ref = v.medication_ref;  // resolved when every Medication has been read
          }
          break;
        }
        const auto what = classify_medicine();
        fact.medicine.lists = what.lists;
        fact.unrecognised = !what.known;
        break;
      }
      case ResourceType::condition: {
        fact.kind = Fact::Kind::counted;
        fact.patient = v.subject_patient();
        ListMask lists = 0;
        for (const auto& coding : v.codings)
          lists |= codes_.condition_code(coding.system, coding.code);
        if (!lists) break;
        fact.kind = Fact::Kind::condition;
        fact.condition.lists = lists;
        fact.condition.active =
            (!v.has_clinical_status || v.clinical_active) && !v.verification_excluded;
        fact.condition.pos = pos;
        break;
      }
      case ResourceType::observation: {
        fact.kind = Fact::Kind::counted;
        fact.patient = v.subject_patient();
        std::optional<core::audit::Lab> lab;
        for (const auto& coding : v.codings)
          if ((lab = codes_.lab_code(coding.system, coding.code))) break;
        if (!lab) break;
        fact.kind = Fact::Kind::observation;
        auto& o = fact.observation;
        o.lab = *lab;
        const std::string_view s = v.status;
        o.usable_status = s == "final" || s == "amended" || s == "corrected" || s == "preliminary";
        o.date = core::audit::fhir_date_days(v.date);
        o.pos = pos;
        o.comparator = core::audit::parse_comparator(v.comparator);
        if (v.has_value && *lab != core::audit::Lab::magnesium) {
          if (auto value = codec::lab_value_in_profile_unit(lab_kind(*lab), v.value, v.unit)) {
            o.has_value = true;
            o.value = *value;
          }
        }
        break;
      }
      case ResourceType::other:
        fact.kind = Fact::Kind::skipped;
        break;
    }
    return {};
  }

  /// The evidence item of a line read again (its resource was classified in the run).
  render::AuditEvidence evidence(simdjson::padded_string_view json, const MedicationTable& meds) {
    render::AuditEvidence out;
    if (!read_resource(parser_, json, view_).empty()) return out;
    const auto& v = view_;
    out.resource = fmt::format("{}/{}", v.type_name, v.id);
    if (const auto days = core::audit::fhir_date_days(v.date); days != core::audit::kNoDate)
      out.date = core::CalendarDate::from_serial(days).str();
    out.text = std::string(label());
    switch (v.type) {
      case ResourceType::medication_request:
      case ResourceType::medication_statement:
        if (v.codings.empty() && v.text.empty() && !v.medication_ref.empty()) {
          if (auto entry = meds.find(v.medication_ref)) {
            out.code = std::string(entry->code);
            out.text = std::string(entry->text);
          }
        } else {
          out.code = std::string(classify_medicine().code);
        }
        break;
      case ResourceType::condition:
        for (const auto& coding : v.codings)
          if (codes_.condition_code(coding.system, coding.code)) {
            out.code = std::string(coding.code);
            break;
          }
        break;
      case ResourceType::observation:
        for (const auto& coding : v.codings)
          if (codes_.lab_code(coding.system, coding.code)) {
            out.code = std::string(coding.code);
            break;
          }
        if (v.has_value) {
          out.value = v.value;
          out.comparator = std::string(v.comparator);
          out.unit = std::string(v.unit);
        }
        break;
      default:
        break;
    }
    return out;
  }

  simdjson::ondemand::parser& parser() { return parser_; }
  /// Adds the texts this classifier identified to `out`.
  void known_texts(std::map<std::string, ListMask>& out) const {
    for (const auto& [text, match] : text_cache_)
      if (match.known) out[text] |= match.lists;
  }

 private:
  struct MedicineClass {
    ListMask lists = 0;
    bool known = false;
    std::string_view code;
  };

  static codec::LabKind lab_kind(core::audit::Lab lab) {
    switch (lab) {
      case core::audit::Lab::ferritin:
        return codec::LabKind::ferritin;
      case core::audit::Lab::tsat:
        return codec::LabKind::tsat;
      case core::audit::Lab::magnesium:
        return codec::LabKind::magnesium;
      default:
        return codec::LabKind::egfr;
    }
  }

  std::string_view label() const {
    if (!view_.text.empty()) return view_.text;
    for (const auto& coding : view_.codings)
      if (!coding.display.empty()) return coding.display;
    return {};
  }

  // docs/audit.md "What a medicine is": the codings' lists; when no coding is in a list, the
  // text, then each display, through name resolution.
  MedicineClass classify_medicine() {
    MedicineClass out;
    for (const auto& coding : view_.codings)
      if (const ListMask lists = codes_.medicine_code(coding.system, coding.code)) {
        if (!out.lists) out.code = coding.code;
        out.lists |= lists;
      }
    if (out.lists) {
      out.known = true;
      return out;
    }
    if (!view_.codings.empty()) out.code = view_.codings.front().code;
    const auto by_text = [&](std::string_view text) {
      if (text.empty()) return false;
      auto found = text_cache_.find(text);
      if (found == text_cache_.end())
        found = text_cache_.emplace(std::string(text), codes_.medicine_text(text)).first;
      if (!found->second.known) return false;
      out.known = true;
      out.lists = found->second.lists;
      return true;
    };
    if (by_text(view_.text)) return out;
    for (const auto& coding : view_.codings)
      if (by_text(coding.display)) return out;
    return out;
  }

  const codec::AuditCodes& codes_;
  simdjson::ondemand::parser parser_;
  ResourceView view_;
  std::unordered_map<std::string, codec::AuditCodes::TextMatch, StringHash, std::equal_to<>>
      text_cache_;
};

// ---------------------------------------------------------------- patient states

/// A medicine that refers to a Medication not read yet.
struct Deferred {
  std::string patient, reference;
  core::audit::MedicineFact fact;
};

/// A bad line, before its chunk's first line number is known.
struct BadLine {
  std::uint32_t file = 0;
  std::uint64_t chunk = 0;  ///< the chunk's sequence number (grouped mode: 0)
  std::uint64_t line = 0;   ///< 1-based within the chunk
  std::string reason;
};

/// The counters a worker keeps, added up at the end.
struct Counters {
  std::uint64_t resources = 0, skipped = 0;
};

class Engine {
 public:
  Engine(const core::Kb& kb, const codec::AuditCodes& codes, core::CalendarDate as_of)
      : kb_(kb),
        codes_(codes),
        params_(core::audit::params_from_kb(kb, as_of)),
        shards_(new Shard[kShards]) {
    summary_.as_of = as_of;
  }

  const core::audit::Params& params() const { return params_; }
  const codec::AuditCodes& codes() const { return codes_; }
  MedicationTable& meds() { return meds_; }

  /// Folds one fact into its patient's state (thread-safe).
  void apply(const Fact& fact, Counters& counters) {
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

  void add_counters(const Counters& counters) {
    std::lock_guard lock(deferred_mutex_);
    summary_.resources += counters.resources;
    summary_.skipped_resources += counters.skipped;
  }

  /// Medicines that waited for their Medication, now that all are read.
  void resolve_deferred() {
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

  using Flagged = FlaggedPatient;
  static_assert(kShards <= 256, "FlaggedPatient::shard is 8 bits");
  static_assert(sizeof(Flagged) == 16);
  /// The id of a flagged patient, a view into its table or into `buffer` (IdArena::kUuidText
  /// chars).
  std::string_view id_of(const Flagged& patient, char* buffer) const {
    return shards_[patient.shard].table.id_of(*patient.state, buffer);
  }

  /// Evaluates every patient (summary counts) and returns the flagged ones, sorted by id.
  std::vector<Flagged> evaluate() {
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

  /// Renders the flagged lines of [from, to) into `emit(line)`; `evidence_of(position)` gives the
  /// evidence item of a position (or nullptr), valid until `next_patient()` is called (before each
  /// patient). Thread-safe (reads only).
  template <typename EvidenceOf, typename NextPatient, typename Emit>
  void render_flagged(const Flagged* from, const Flagged* to, EvidenceOf&& evidence_of,
                      NextPatient&& next_patient, Emit&& emit) const {
    std::vector<const render::AuditEvidence*> items;
    for (const Flagged* it = from; it != to; ++it) {
      const Flagged& patient = *it;
      next_patient();
      for (int indicator = 0; indicator < core::audit::kIndicatorCount; ++indicator) {
        if (!((patient.numerator >> indicator) & 1)) continue;
        const auto ev = core::audit::evidence(params_, *patient.state, indicator);
        items.clear();
        for (int index = 0; index < ev.count; ++index)
          if (const render::AuditEvidence* item =
                  evidence_of(ev.positions[static_cast<std::size_t>(index)]))
            items.push_back(item);
        char buffer[IdArena::kUuidText];
        emit(render::audit_flagged_line(id_of(patient, buffer), core::audit::indicator_id(indicator),
                                       items));
      }
    }
  }
  /// Writes the flagged lines with the evidence items of `evidence_items`.
  void write_flagged(const std::vector<Flagged>& flagged,
                     const std::map<Position, render::AuditEvidence>& evidence_items,
                     const Sinks& sinks) const {
    if (!sinks.flagged) return;
    render_flagged(
        flagged.data(), flagged.data() + flagged.size(),
        [&](Position pos) -> const render::AuditEvidence* {
          const auto found = evidence_items.find(pos);
          return found == evidence_items.end() ? nullptr : &found->second;
        },
        [] {}, [&](const std::string& line) { sinks.flagged(line); });
  }

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
  std::vector<Position> evidence_positions(const std::vector<Flagged>& flagged, Keep&& keep) const {
    std::vector<Position> positions;
    for_each_evidence(flagged, [&](Position pos) {
      if (keep(pos)) positions.push_back(pos);
    });
    std::sort(positions.begin(), positions.end());
    positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
    return positions;
  }
  std::vector<Position> evidence_positions(const std::vector<Flagged>& flagged) const {
    return evidence_positions(flagged, [](Position) { return true; });
  }

  core::audit::Summary& summary() { return summary_; }
  std::size_t state_bytes() const {
    std::size_t bytes = 0;
    for (std::size_t shard = 0; shard < kShards; ++shard) bytes += shards_[shard].table.bytes();
    return bytes;
  }

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

/// A line of the input with room for simdjson's padding after it.
simdjson::padded_string_view padded(const char* data, std::size_t size, const char* buffer_end) {
  return simdjson::padded_string_view(data, size, static_cast<std::size_t>(buffer_end - data));
}

bool blank(std::string_view line) {
  for (const char c : line)
    if (c != ' ' && c != '\t' && c != '\r') return false;
  return true;
}

// ---------------------------------------------------------------- chunks

struct Chunk {
  std::uint32_t file = 0;
  std::uint64_t offset = 0;  ///< decompressed offset of the first byte in its file
  std::uint64_t seq = 0;
  std::unique_ptr<char[]> data;  ///< a read buffer (gzip, and the end of a plain file)
  std::size_t capacity = 0;      ///< allocated bytes (size + padding at least)
  std::size_t size = 0;
  /// A line longer than the cap stood here and was skipped: the chunk is that one (bad) line.
  bool overlong = false;
  // Or a read-only mapping of a plain file: the lines start at `mapped`, and at least
  // kPadding readable bytes of the file follow `size`.
  const char* mapped = nullptr;
  std::shared_ptr<void> mapping;  ///< unmaps when the last owner lets go

  const char* begin() const { return mapped ? mapped : data.get(); }
  const char* buffer_end() const {
    return mapped ? mapped + size + kPadding : data.get() + capacity;
  }
  void unmap() {
    mapping.reset();
    mapped = nullptr;
  }
};

/// A bounded hand-over of chunks from the reader to the workers, and of buffers back.
class ChunkQueue {
 public:
  explicit ChunkQueue(std::size_t in_flight) : free_slots_(in_flight) {}

  /// Waits for room; false when the run was stopped.
  bool push(Chunk chunk) {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [&] { return free_slots_ > 0 || stopped_; });
    if (stopped_) return false;
    --free_slots_;
    chunks_.push_back(std::move(chunk));
    ready_.notify_one();
    return true;
  }
  /// The next chunk; nullopt when the reader is done (or the run stopped) and nothing is left.
  std::optional<Chunk> pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return !chunks_.empty() || done_ || stopped_; });
    if (stopped_ || chunks_.empty()) return std::nullopt;
    Chunk chunk = std::move(chunks_.front());
    chunks_.pop_front();
    return chunk;
  }
  /// Gives a processed chunk's buffer back for reuse.
  void recycle(Chunk chunk) {
    chunk.unmap();
    chunk.overlong = false;
    std::lock_guard lock(mutex_);
    ++free_slots_;
    if (chunk.data) buffers_.push_back(std::move(chunk));
    room_.notify_one();
  }
  /// A buffer of at least `capacity` bytes (reused when one is free).
  Chunk buffer(std::size_t capacity) {
    std::lock_guard lock(mutex_);
    while (!buffers_.empty()) {
      Chunk chunk = std::move(buffers_.back());
      buffers_.pop_back();
      if (chunk.capacity >= capacity) return chunk;
    }
    Chunk chunk;
    chunk.data.reset(new char[capacity]);
    chunk.capacity = capacity;
    return chunk;
  }
  void finish() {
    std::lock_guard lock(mutex_);
    done_ = true;
    ready_.notify_all();
  }
  void stop() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    ready_.notify_all();
    room_.notify_all();
  }
  bool stopped() const {
    std::lock_guard lock(mutex_);
    return stopped_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable ready_, room_;
  std::deque<Chunk> chunks_;
  std::vector<Chunk> buffers_;
  std::size_t free_slots_;
  bool done_ = false, stopped_ = false;
};

// ---------------------------------------------------------------- progress

std::string human_bytes(double bytes) {
  if (bytes >= 1e9) return fmt::format("{:.1f} GB", bytes / 1e9);
  if (bytes >= 1e6) return fmt::format("{:.1f} MB", bytes / 1e6);
  return fmt::format("{:.0f} kB", bytes / 1e3);
}

class Progress {
 public:
  Progress(bool enabled, std::uint64_t total)
      : enabled_(enabled), total_(total), start_(Clock::now()), last_(start_) {}
  void update(std::uint64_t done, bool final = false) {
    if (!enabled_) return;
    const auto now = Clock::now();
    if (!final && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double fraction =
        total_ ? std::min(1.0, static_cast<double>(done) / static_cast<double>(total_)) : 1.0;
    const int filled = static_cast<int>(fraction * 20);
    const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
    const double eta = rate > 0 ? static_cast<double>(total_ - std::min(done, total_)) / rate : 0;
    std::fprintf(stderr, "\r[%s%s] %3d%% %s/%s %s/s eta %d:%02d ",
                 std::string(static_cast<std::size_t>(filled), '#').c_str(),
                 std::string(static_cast<std::size_t>(20 - filled), '.').c_str(),
                 static_cast<int>(fraction * 100), human_bytes(static_cast<double>(done)).c_str(),
                 human_bytes(static_cast<double>(total_)).c_str(), human_bytes(rate).c_str(),
                 static_cast<int>(eta) / 60, static_cast<int>(eta) % 60);
    if (final) std::fputc('\n', stderr);
    std::fflush(stderr);
  }

 private:
  using Clock = std::chrono::steady_clock;
  bool enabled_;
  std::uint64_t total_;
  Clock::time_point start_, last_;
};

// ---------------------------------------------------------------- evidence

/// Reads the evidence lines of `positions` (sorted) from the input files.
core::Result<std::map<Position, render::AuditEvidence>> read_evidence(
    const std::vector<std::string>& files, const std::vector<Position>& positions,
    Classifier& classifier, const MedicationTable& meds) {
  std::map<Position, render::AuditEvidence> items;
  std::size_t at = 0;
  std::string padded_line;
  while (at < positions.size()) {
    const std::uint32_t file = core::audit::position_file(positions[at]);
    std::vector<std::uint64_t> offsets;
    std::size_t end = at;
    for (; end < positions.size() && core::audit::position_file(positions[end]) == file; ++end)
      offsets.push_back(core::audit::position_offset(positions[end]));
    InputFile input;
    if (auto error = input.open(files[file]); !error.empty())
      return core::Error(core::Errc::io_error, "", error);
    const auto lines = input.lines_at(offsets);
    for (std::size_t index = 0; index < lines.size(); ++index) {
      padded_line.assign(lines[index]);
      const std::size_t size = padded_line.size();
      padded_line.append(kPadding, ' ');
      items[positions[at + index]] = classifier.evidence(
          simdjson::padded_string_view(padded_line.data(), size, padded_line.size()), meds);
    }
    at = end;
  }
  return items;
}

/// An input file (decompressed) too large for the 36-bit offsets of evidence positions.
core::Error too_large(const std::string& file) {
  return core::Error(
      core::Errc::invalid_value, "PATH",
      fmt::format("{}: more than {} bytes (decompressed): evidence positions keep 36 bits of "
                  "offset (64 GiB); split the file",
                  file, core::audit::kMaxFileBytes));
}

/// Sorts the bad lines and writes them as FILE:LINE: reason.
void write_errors(std::vector<BadLine>& bad, const std::vector<std::string>& names,
                  const std::vector<std::uint64_t>& chunk_first_line, const Sinks& sinks) {
  for (auto& item : bad) item.line += chunk_first_line.empty() ? 0 : chunk_first_line[item.chunk];
  std::sort(bad.begin(), bad.end(), [](const BadLine& a, const BadLine& b) {
    return std::tie(a.file, a.line) < std::tie(b.file, b.line);
  });
  if (!sinks.error) return;
  std::string reason;
  for (const auto& item : bad) {
    // One line each: control characters of the input (unescaped from JSON strings) are shown as
    // '?'.
    reason = item.reason;
    for (char& c : reason)
      if (static_cast<unsigned char>(c) < 0x20) c = '?';
    sinks.error(fmt::format("{}:{}: {}\n", names[item.file], item.line, reason));
  }
}

}  // namespace

// ================================================================= text table

std::string text_lists_csv(const std::vector<std::pair<std::string, ListMask>>& texts) {
  std::string out = "text,list\n";
  const auto quoted = [](const std::string& text) {
    std::string q = "\"";
    for (const char c : text) {
      if (c == '"') q += '"';
      q += c;
    }
    return q + "\"";
  };
  for (const auto& [text, lists] : texts) {
    if (!lists) {
      out += quoted(text) + ",\n";
      continue;
    }
    for (int list = 0; list < core::audit::kListCount; ++list)
      if (lists & core::audit::bit(static_cast<core::audit::List>(list)))
        out += quoted(text) + "," +
               std::string(core::audit::list_id(static_cast<core::audit::List>(list))) + "\n";
  }
  return out;
}

// ================================================================= files

core::Result<std::vector<std::string>> input_files(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const auto& path : paths) {
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status))
      return core::Error(core::Errc::io_error, "", path + ": no such file or folder");
    if (!fs::is_directory(status)) {
      files.push_back(path);
      continue;
    }
    std::size_t found = 0;
    for (const auto& entry : fs::directory_iterator(path, ec)) {
      const std::string name = entry.path().filename().string();
      const auto ends_with = [&](std::string_view suffix) {
        return name.size() >= suffix.size() &&
               name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
      };
      if (entry.is_regular_file() && (ends_with(".ndjson") || ends_with(".ndjson.gz"))) {
        files.push_back(entry.path().string());
        ++found;
      }
    }
    if (ec)
      return core::Error(core::Errc::io_error, "",
                         path + ": cannot list the folder: " + ec.message());
    if (!found)
      return core::Error(core::Errc::io_error, "",
                         path + ": no *.ndjson or *.ndjson.gz files in this folder");
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

// ================================================================= run

core::Result<RunResult> run(const core::Kb& kb, const codec::AuditCodes& codes,
                            const Options& options, const Sinks& sinks) {
  auto listed = input_files(options.paths);
  if (!listed.ok()) return listed.error();
  const std::vector<std::string> files = std::move(listed).value();
  if (files.size() > core::audit::kMaxFiles)
    return core::Error(
        core::Errc::invalid_value, "PATH",
        fmt::format("{} input files: at most {} (evidence positions keep 12 bits of file index)",
                    files.size(), core::audit::kMaxFiles));

  Engine engine(kb, codes, options.as_of);
  const unsigned threads =
      std::max(1u, options.threads ? options.threads : std::thread::hardware_concurrency());
  const std::size_t chunk_size = std::max<std::size_t>(options.chunk_size, 64);
  const std::size_t max_line = std::max<std::size_t>(options.max_line_bytes, 64);
  ChunkQueue queue(threads * 2 + 1);

  std::mutex results_mutex;
  std::vector<BadLine> bad;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> chunk_lines;  // (seq, lines)
  std::atomic<std::int64_t> error_count{0};
  std::atomic<bool> stopped{false};
  std::map<std::string, ListMask> texts;

  auto worker = [&] {
    Classifier classifier(codes);
    Counters counters;
    std::vector<BadLine> my_bad;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> my_lines;
    Fact fact;
    while (auto chunk = queue.pop()) {
      if (chunk->overlong) {
        my_bad.push_back(
            {chunk->file, chunk->seq, 1,
             fmt::format("a line longer than {} bytes (--max-line-bytes): skipped", max_line)});
        my_lines.emplace_back(chunk->seq, 1);
        const std::int64_t count = ++error_count;
        if (options.max_errors >= 0 && count > options.max_errors && !stopped.exchange(true))
          queue.stop();
        queue.recycle(std::move(*chunk));
        continue;
      }
      const char* data = chunk->begin();
      const char* end = data + chunk->size;
      const char* buffer_end = chunk->buffer_end();
      std::uint64_t line_no = 0;
      for (const char* line = data; line < end;) {
        const char* newline =
            static_cast<const char*>(std::memchr(line, '\n', static_cast<std::size_t>(end - line)));
        const char* line_end = newline ? newline : end;
        ++line_no;
        const std::string_view text(line, static_cast<std::size_t>(line_end - line));
        if (text.size() > max_line) {
          my_bad.push_back(
              {chunk->file, chunk->seq, line_no,
               fmt::format("a line longer than {} bytes (--max-line-bytes): skipped", max_line)});
          const std::int64_t count = ++error_count;
          if (options.max_errors >= 0 && count > options.max_errors && !stopped.exchange(true))
            queue.stop();
        } else if (!blank(text)) {
          const Position pos = core::audit::make_position(
              chunk->file, chunk->offset + static_cast<std::uint64_t>(line - data));
          std::string reason =
              classifier.classify(padded(line, text.size(), buffer_end), pos, engine.meds(), fact);
          if (reason.empty()) {
            engine.apply(fact, counters);
          } else {
            my_bad.push_back({chunk->file, chunk->seq, line_no, std::move(reason)});
            const std::int64_t count = ++error_count;
            if (options.max_errors >= 0 && count > options.max_errors && !stopped.exchange(true))
              queue.stop();
          }
        }
        line = newline ? newline + 1 : end;
      }
      my_lines.emplace_back(chunk->seq, line_no);
      queue.recycle(std::move(*chunk));
    }
    engine.add_counters(counters);
    std::lock_guard lock(results_mutex);
    if (options.collect_texts) classifier.known_texts(texts);
    bad.insert(bad.end(), std::make_move_iterator(my_bad.begin()),
               std::make_move_iterator(my_bad.end()));
    chunk_lines.insert(chunk_lines.end(), my_lines.begin(), my_lines.end());
  };
  std::vector<std::thread> pool;
  for (unsigned index = 0; index < threads; ++index) pool.emplace_back(worker);

  // The reader: this thread.
  std::uint64_t total_bytes = 0, done_bytes = 0;
  for (const auto& file : files) {
    std::error_code ec;
    total_bytes += std::filesystem::file_size(file, ec);
  }
  Progress progress(options.progress, total_bytes);
  std::optional<core::Error> failure;
  std::vector<std::uint32_t> chunk_file;  // file of each chunk, by seq
  std::uint64_t seq = 0;
  std::vector<char> carry;
  for (std::uint32_t file_idx = 0; file_idx < files.size() && !failure && !queue.stopped();
       ++file_idx) {
    InputFile input;
    if (auto error = input.open(files[file_idx]); !error.empty()) {
      failure = core::Error(core::Errc::io_error, "", error);
      break;
    }
    std::uint64_t offset = 0;
    std::uint64_t file_done_before = done_bytes;
    carry.clear();
    bool eof = false;
    if (!input.gzip()) {
      // Plain files are mapped, not copied: each chunk is a read-only window cut at its last line
      // end, with the file's next bytes as simdjson's padding. The end of the file (where no such
      // bytes follow) is read into a buffer below.
      struct stat st {};
      const std::uint64_t file_size =
          ::fstat(input.fd(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
      if (file_size > core::audit::kMaxFileBytes) {
        failure = too_large(files[file_idx]);
        break;
      }
      static const std::uint64_t page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
      // Mapped windows are small: nothing is gained by large ones, and every mapped page counts in
      // the resident set until its chunk is done.
      const std::uint64_t map_chunk = std::min<std::uint64_t>(chunk_size, kMappedChunk);
      std::uint64_t window = map_chunk;
      while (!queue.stopped() && offset + window + kPadding <= file_size) {
        const std::uint64_t base = offset & ~(page - 1);
        const std::uint64_t map_end = offset + window + kPadding;
        void* map = ::mmap(nullptr, map_end - base, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
                           input.fd(), static_cast<off_t>(base));
        if (map == MAP_FAILED) break;  // read the rest
        const char* at = static_cast<const char*>(map) + (offset - base);
        const void* last = memrchr(at, '\n', window);
        if (!last) {  // a line longer than the window: a larger one, up to the cap
          ::munmap(map, map_end - base);
          if (window > max_line) break;  // the reads below skip it
          window *= 2;
          continue;
        }
        Chunk chunk;
        chunk.mapping =
            std::shared_ptr<void>(map, [length = map_end - base](void* p) { ::munmap(p, length); });
        chunk.mapped = at;
        chunk.size = static_cast<std::size_t>(static_cast<const char*>(last) - at) + 1;
        chunk.file = file_idx;
        chunk.offset = offset;
        chunk.seq = seq++;
        offset += chunk.size;
        window = map_chunk;
        chunk_file.push_back(file_idx);
        done_bytes = file_done_before + offset;
        progress.update(done_bytes);
        if (!queue.push(std::move(chunk))) break;
      }
      if (offset && !input.seek(offset)) {
        failure = core::Error(core::Errc::io_error, "", input.error());
        break;
      }
    }
    while (!eof && !queue.stopped()) {
      // One size for every buffer (room for a line carried over), so that buffers are reused.
      Chunk chunk = queue.buffer(std::max(carry.size(), chunk_size / 8) + chunk_size + kPadding);
      if (!carry.empty()) std::memcpy(chunk.data.get(), carry.data(), carry.size());
      std::size_t have = carry.size();
      std::size_t cut = 0;
      std::uint64_t overlong_skip = 0;
      for (;;) {
        if (chunk.capacity < have + chunk_size + kPadding) {  // a line longer than the chunk: grow
          const std::size_t capacity = (have + chunk_size + kPadding) * 2;
          std::unique_ptr<char[]> bigger(new char[capacity]);
          std::memcpy(bigger.get(), chunk.data.get(), have);
          chunk.data = std::move(bigger);
          chunk.capacity = capacity;
        }
        const long got = input.read(chunk.data.get() + have, chunk_size);
        if (got < 0) {
          failure = core::Error(core::Errc::io_error, "", input.error());
          break;
        }
        if (got == 0) eof = true;
        have += static_cast<std::size_t>(got);
        const void* last = have ? memrchr(chunk.data.get(), '\n', have) : nullptr;
        if (last) {
          cut = static_cast<std::size_t>(static_cast<const char*>(last) - chunk.data.get()) + 1;
          break;
        }
        if (eof) {
          cut = have;
          break;
        }
        if (have >
            max_line) {  // one line, longer than the cap: skip to its end, holding none of it
          std::uint64_t skipped = have;
          have = 0;
          for (;;) {
            const long more = input.read(chunk.data.get(), chunk_size);
            if (more < 0) {
              failure = core::Error(core::Errc::io_error, "", input.error());
              break;
            }
            if (more == 0) {
              eof = true;
              break;
            }
            const void* newline =
                std::memchr(chunk.data.get(), '\n', static_cast<std::size_t>(more));
            if (!newline) {
              skipped += static_cast<std::uint64_t>(more);
              continue;
            }
            const std::size_t at =
                static_cast<std::size_t>(static_cast<const char*>(newline) - chunk.data.get()) + 1;
            skipped += at;
            have = static_cast<std::size_t>(more) - at;
            std::memmove(chunk.data.get(), chunk.data.get() + at, have);
            break;
          }
          if (failure) break;
          overlong_skip = skipped;
          break;
        }
      }
      if (failure) break;
      if (overlong_skip) {
        // The bytes after the long line start the next buffer.
        carry.assign(chunk.data.get(), chunk.data.get() + have);
        chunk.overlong = true;
        chunk.size = 0;
        chunk.file = file_idx;
        chunk.offset = offset;
        chunk.seq = seq++;
        offset += overlong_skip;
        chunk_file.push_back(file_idx);
        done_bytes = file_done_before + input.disk_offset();
        progress.update(done_bytes);
        if (offset > core::audit::kMaxFileBytes) {
          failure = too_large(files[file_idx]);
          break;
        }
        if (!queue.push(std::move(chunk))) break;
        continue;
      }
      if (offset + cut > core::audit::kMaxFileBytes) {  // gzip: known only once decompressed
        failure = too_large(files[file_idx]);
        break;
      }
      carry.assign(chunk.data.get() + cut, chunk.data.get() + have);
      std::memset(chunk.data.get() + cut, ' ', std::min(kPadding, chunk.capacity - cut));
      chunk.file = file_idx;
      chunk.offset = offset;
      chunk.size = cut;
      chunk.seq = seq++;
      offset += cut;
      chunk_file.push_back(file_idx);
      done_bytes = file_done_before + input.disk_offset();
      progress.update(done_bytes);
      if (cut == 0) {
        queue.recycle(std::move(chunk));
        --seq;
        chunk_file.pop_back();
        continue;
      }
      if (!queue.push(std::move(chunk))) break;
    }
  }
  queue.finish();
  for (auto& thread : pool) thread.join();
  progress.update(done_bytes, true);
  if (failure) return *failure;

  // Absolute line numbers: each chunk's first line follows the lines of the earlier chunks of its
  // file. The processed chunks are a prefix of the sequence (the queue is first in, first out).
  std::sort(chunk_lines.begin(), chunk_lines.end());
  std::vector<std::uint64_t> first_line(chunk_file.size(), 0);
  std::uint64_t running = 0;
  for (std::size_t index = 0; index < chunk_lines.size(); ++index) {
    const std::uint64_t chunk_seq = chunk_lines[index].first;
    if (index == 0 || chunk_file[chunk_seq] != chunk_file[chunk_lines[index - 1].first])
      running = 0;
    first_line[chunk_seq] = running;
    running += chunk_lines[index].second;
  }

  RunResult result;
  result.stopped = stopped.load();
  result.texts.assign(texts.begin(), texts.end());
  engine.summary().errors = static_cast<std::uint64_t>(error_count.load());
  write_errors(bad, files, first_line, sinks);
  if (result.stopped) {
    result.summary = engine.summary();
    return result;
  }
  engine.resolve_deferred();
  const auto flagged = engine.evaluate();
  if (sinks.flagged && !flagged.empty()) {
    // Evidence lines are read again: gzip files in one sequential pass each (held in memory until
    // written), plain files one line at a time while the flagged lines are rendered (nothing
    // held). Rendering runs on all workers, a batch of patients at a time, written in order.
    // Which files hold evidence, without keeping every position (only those of gzip files).
    std::vector<std::unique_ptr<InputFile>> open_files(files.size());
    std::vector<char> has_evidence(files.size(), 0), gzip(files.size(), 0);
    engine.for_each_evidence(
        flagged, [&](Position pos) { has_evidence[core::audit::position_file(pos)] = 1; });
    bool any_gzip = false;
    for (std::size_t file = 0; file < files.size(); ++file) {
      if (!has_evidence[file]) continue;
      auto& slot = open_files[file];
      slot = std::make_unique<InputFile>();
      if (auto error = slot->open(files[file]); !error.empty())
        return core::Error(core::Errc::io_error, "", error);
      gzip[file] = slot->gzip();
      any_gzip = any_gzip || slot->gzip();
    }
    std::vector<Position> gzip_positions;
    if (any_gzip)
      gzip_positions = engine.evidence_positions(
          flagged, [&](Position pos) { return gzip[core::audit::position_file(pos)] != 0; });
    // Plain files stay open for pread (safe from many threads); gzip files are read whole here.
    for (auto& slot : open_files)
      if (slot && slot->gzip()) slot.reset();
    Classifier gzip_classifier(codes);
    auto gzip_read = read_evidence(files, gzip_positions, gzip_classifier, engine.meds());
    if (!gzip_read.ok()) return gzip_read.error();
    const std::map<Position, render::AuditEvidence>& gzip_evidence = gzip_read.value();

    struct Renderer {
      explicit Renderer(const codec::AuditCodes& c) : classifier(c) {}
      Classifier classifier;
      std::map<Position, render::AuditEvidence> patient_items;  // this patient's plain-file items
      std::string padded_line, out;
      std::vector<std::size_t> ends;  // end of each line in out
    };
    std::vector<std::unique_ptr<Renderer>> renderers;
    for (unsigned index = 0; index < threads; ++index)
      renderers.push_back(std::make_unique<Renderer>(codes));
    const auto render = [&](Renderer& r, const Engine::Flagged* from, const Engine::Flagged* to) {
      r.out.clear();
      r.ends.clear();
      engine.render_flagged(
          from, to,
          [&](Position pos) -> const render::AuditEvidence* {
            if (const auto found = gzip_evidence.find(pos); found != gzip_evidence.end())
              return &found->second;
            if (const auto found = r.patient_items.find(pos); found != r.patient_items.end())
              return &found->second;
            InputFile* input = open_files[core::audit::position_file(pos)].get();
            if (!input) return nullptr;
            input->line_at(core::audit::position_offset(pos), r.padded_line);
            const std::size_t size = r.padded_line.size();
            r.padded_line.append(kPadding, ' ');
            const simdjson::padded_string_view line(r.padded_line.data(), size,
                                                    r.padded_line.size());
            return &r.patient_items.emplace(pos, r.classifier.evidence(line, engine.meds()))
                        .first->second;
          },
          [&] { r.patient_items.clear(); },
          [&](std::string line) {
            r.out += line;
            r.ends.push_back(r.out.size());
          });
    };
    constexpr std::size_t kBatch = 4096;  // patients per batch: bounded output held in memory
    for (std::size_t start = 0; start < flagged.size(); start += kBatch) {
      const std::size_t end = std::min(flagged.size(), start + kBatch);
      const std::size_t parts = std::min<std::size_t>(threads, end - start);
      const auto bound = [&](std::size_t part) { return start + (end - start) * part / parts; };
      std::vector<std::thread> helpers;
      for (std::size_t part = 1; part < parts; ++part)
        helpers.emplace_back([&, part] {
          render(*renderers[part], flagged.data() + bound(part), flagged.data() + bound(part + 1));
        });
      render(*renderers[0], flagged.data() + bound(0), flagged.data() + bound(1));
      for (auto& helper : helpers) helper.join();
      for (std::size_t part = 0; part < parts; ++part) {
        const Renderer& r = *renderers[part];
        std::size_t from = 0;
        for (const std::size_t to : r.ends) {
          sinks.flagged(std::string_view(r.out).substr(from, to - from));
          from = to;
        }
      }
    }
  }
  result.summary = engine.summary();
  return result;
}

// ================================================================= --grouped

namespace {

namespace ondemand = simdjson::ondemand;

/// The raw JSON of each resource of one grouped line: an array of resources, or a Bundle's
/// entry[].resource. Returns "" or why the line cannot be read.
std::string split_group(ondemand::parser& parser, simdjson::padded_string_view line,
                        std::vector<std::string_view>& resources) {
  resources.clear();
  ondemand::document doc;
  if (auto err = parser.iterate(line).get(doc))
    return std::string("malformed JSON: ") + simdjson::error_message(err);
  ondemand::json_type type;
  if (auto err = doc.type().get(type))
    return std::string("malformed JSON: ") + simdjson::error_message(err);
  const auto take = [&](ondemand::value value) -> simdjson::error_code {
    ondemand::object object;
    if (auto err = value.get_object().get(object)) return err;
    std::string_view raw;
    if (auto err = object.raw_json().get(raw)) return err;
    resources.push_back(raw);
    return simdjson::SUCCESS;
  };
  if (type == ondemand::json_type::array) {
    ondemand::array array;
    if (auto err = doc.get_array().get(array))
      return std::string("malformed JSON: ") + simdjson::error_message(err);
    for (auto element : array) {
      ondemand::value value;
      if (auto err = std::move(element).get(value))
        return std::string("malformed JSON: ") + simdjson::error_message(err);
      if (auto err = take(value))
        return std::string("an element is not a resource: ") + simdjson::error_message(err);
    }
  } else if (type == ondemand::json_type::object) {
    ondemand::object object;
    if (auto err = doc.get_object().get(object))
      return std::string("malformed JSON: ") + simdjson::error_message(err);
    bool bundle = false;
    for (auto member : object) {
      ondemand::field field;
      if (auto err = std::move(member).get(field))
        return std::string("malformed JSON: ") + simdjson::error_message(err);
      std::string_view key;
      if (auto err = field.unescaped_key().get(key))
        return std::string("malformed JSON: ") + simdjson::error_message(err);
      if (key == "resourceType") {
        std::string_view name;
        bundle = !field.value().get_string().get(name) && name == "Bundle";
        if (!bundle) return "expected a JSON array of resources or a Bundle";
      } else if (key == "entry") {
        ondemand::array entries;
        if (auto err = field.value().get_array().get(entries))
          return std::string("Bundle.entry: ") + simdjson::error_message(err);
        for (auto entry_result : entries) {
          ondemand::object entry;
          if (auto err = entry_result.get_object().get(entry))
            return std::string("Bundle.entry: ") + simdjson::error_message(err);
          for (auto entry_member : entry) {
            ondemand::field entry_field;
            if (auto err = std::move(entry_member).get(entry_field))
              return std::string("malformed JSON: ") + simdjson::error_message(err);
            std::string_view entry_key;
            if (auto err = entry_field.unescaped_key().get(entry_key))
              return std::string("malformed JSON: ") + simdjson::error_message(err);
            if (entry_key != "resource") continue;
            if (auto err = take(entry_field.value()))
              return std::string("Bundle.entry.resource: ") + simdjson::error_message(err);
          }
        }
      }
    }
    if (!bundle) return "expected a JSON array of resources or a Bundle";
  } else {
    return "expected a JSON array of resources or a Bundle";
  }
  if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS)
    return "malformed JSON: more than one value on the line";
  return {};
}

}  // namespace

core::Result<RunResult> run_grouped(const core::Kb& kb, const codec::AuditCodes& codes,
                                    core::CalendarDate as_of, std::FILE* in, const Sinks& sinks,
                                    std::size_t max_line_bytes) {
  RunResult total;
  total.summary.as_of = as_of;
  ondemand::parser outer;
  std::string buffer;
  std::vector<std::string_view> resources;
  std::vector<BadLine> bad;
  std::uint64_t line_no = 0;
  // One line of `in` into `buffer` (newline dropped), never holding more than the cap: a longer
  // line is read to its end and dropped (`overlong`). False at the end of input.
  std::vector<char> block(std::size_t{1} << 16);
  bool overlong = false;
  const auto next_line = [&]() -> bool {
    buffer.clear();
    overlong = false;
    bool any = false;
    while (std::fgets(block.data(), static_cast<int>(block.size()), in)) {
      any = true;
      const std::size_t got = std::strlen(block.data());
      const bool ends = got > 0 && block[got - 1] == '\n';
      if (!overlong) {
        if (buffer.size() + got > max_line_bytes + 1) {
          overlong = true;
          buffer.clear();
          buffer.shrink_to_fit();
        } else {
          buffer.append(block.data(), got);
        }
      }
      if (ends) break;
    }
    return any;
  };
  const auto flush_errors = [&] {
    std::vector<std::uint64_t> none;
    write_errors(bad, {"<stdin>"}, none, sinks);
    bad.clear();
  };
  for (;;) {
    if (!next_line()) {
      if (std::ferror(in))
        return core::Error(core::Errc::io_error, "",
                           std::string("<stdin>: ") + std::strerror(errno));
      break;
    }
    ++line_no;
    if (overlong) {
      bad.push_back(
          {0, 0, line_no,
           fmt::format("a line longer than {} bytes (--max-line-bytes): skipped", max_line_bytes)});
      ++total.summary.errors;
      flush_errors();
      continue;
    }
    while (!buffer.empty() && (buffer.back() == '\n' || buffer.back() == '\r')) buffer.pop_back();
    if (blank(buffer)) continue;
    const std::size_t size = buffer.size();
    buffer.append(kPadding, ' ');
    const simdjson::padded_string_view line(buffer.data(), size, buffer.size());
    auto why = size > core::audit::kMaxFileBytes
                   ? std::string("a line of more than 64 GiB")  // 36-bit offsets
                   : split_group(outer, line, resources);
    if (!why.empty()) {
      bad.push_back({0, 0, line_no, std::move(why)});
      ++total.summary.errors;
      flush_errors();
      continue;
    }
    // One engine per line: the line is the whole world of its patient(s).
    Engine engine(kb, codes, as_of);
    Classifier classifier(codes);
    Counters counters;
    Fact fact;
    for (std::size_t index = 0; index < resources.size(); ++index) {
      const std::string_view raw = resources[index];
      const auto offset = static_cast<std::uint64_t>(raw.data() - buffer.data());
      auto reason =
          classifier.classify(padded(raw.data(), raw.size(), buffer.data() + buffer.size()),
                              core::audit::make_position(0, offset), engine.meds(), fact);
      if (!reason.empty()) {
        bad.push_back({0, 0, line_no, fmt::format("resource {}: {}", index + 1, reason)});
        ++total.summary.errors;
        continue;
      }
      engine.apply(fact, counters);
    }
    flush_errors();
    engine.add_counters(counters);
    engine.resolve_deferred();
    const auto flagged = engine.evaluate();
    std::map<Position, render::AuditEvidence> evidence;
    for (const Position pos : engine.evidence_positions(flagged)) {
      const std::string_view raw = [&] {
        const std::size_t offset = core::audit::position_offset(pos);
        for (const auto resource : resources)
          if (static_cast<std::size_t>(resource.data() - buffer.data()) == offset) return resource;
        return std::string_view{};
      }();
      evidence[pos] = classifier.evidence(
          padded(raw.data(), raw.size(), buffer.data() + buffer.size()), engine.meds());
    }
    engine.write_flagged(flagged, evidence, sinks);
    // Add this line's counts to the run's.
    total.summary.add(engine.summary());
  }
  return total;
}

}  // namespace willis::audit
