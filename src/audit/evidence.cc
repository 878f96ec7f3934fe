// src/audit/evidence.cc: the flagged lines with their evidence read again (evidence.h).
#include "audit/evidence.h"

#include <algorithm>
#include <memory>
#include <string_view>
#include <thread>

#include "audit/input.h"
#include "audit/reader.h"

namespace willis::audit {

using core::audit::Position;

core::Result<std::map<Position, core::audit::EvidenceItem>> read_evidence(
    const std::vector<std::string>& files, const std::vector<Position>& positions,
    Classifier& classifier, const MedicationTable& meds) {
  std::map<Position, core::audit::EvidenceItem> items;
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

namespace {

/// One rendering thread's classifier and output.
struct Renderer {
  explicit Renderer(const codec::AuditCodes& c) : classifier(c) {}
  Classifier classifier;
  std::map<Position, core::audit::EvidenceItem> patient_items;  // this patient's plain-file items
  std::string padded_line, out;
  std::vector<std::size_t> ends;  // end of each line in out
};

class FlaggedWriter {
 public:
  FlaggedWriter(const Engine& engine, const std::vector<Engine::Flagged>& flagged,
                const std::vector<std::string>& files, const codec::AuditCodes& codes,
                unsigned threads, const Sinks& sinks)
      : engine_(engine),
        flagged_(flagged),
        files_(files),
        codes_(codes),
        threads_(threads),
        sinks_(sinks),
        open_files_(files.size()) {}

  std::optional<core::Error> write() {
    auto gzip_positions = open_evidence_files();
    if (!gzip_positions.ok()) return gzip_positions.error();
    Classifier gzip_classifier(codes_);
    auto gzip_read = read_evidence(files_, gzip_positions.value(), gzip_classifier, engine_.meds());
    if (!gzip_read.ok()) return gzip_read.error();
    gzip_evidence_ = std::move(gzip_read).value();
    for (unsigned index = 0; index < threads_; ++index)
      renderers_.push_back(std::make_unique<Renderer>(codes_));
    constexpr std::size_t kBatch = 4096;  // patients per batch: bounded output held in memory
    for (std::size_t start = 0; start < flagged_.size(); start += kBatch)
      write_batch(start, std::min(flagged_.size(), start + kBatch));
    return std::nullopt;
  }

 private:
  /// Opens the files that hold evidence (without keeping every position, only those of gzip
  /// files). Plain files stay open for pread (safe from many threads); gzip files are read whole
  /// by read_evidence(). Returns the evidence positions in gzip files.
  core::Result<std::vector<Position>> open_evidence_files() {
    std::vector<char> has_evidence(files_.size(), 0), gzip(files_.size(), 0);
    engine_.for_each_evidence(
        flagged_, [&](Position pos) { has_evidence[core::audit::position_file(pos)] = 1; });
    bool any_gzip = false;
    for (std::size_t file = 0; file < files_.size(); ++file) {
      if (!has_evidence[file]) continue;
      auto& slot = open_files_[file];
      slot = std::make_unique<InputFile>();
      if (auto error = slot->open(files_[file]); !error.empty())
        return core::Error(core::Errc::io_error, "", error);
      gzip[file] = slot->gzip();
      any_gzip = any_gzip || slot->gzip();
    }
    std::vector<Position> gzip_positions;
    if (any_gzip)
      gzip_positions = engine_.evidence_positions(
          flagged_, [&](Position pos) { return gzip[core::audit::position_file(pos)] != 0; });
    for (auto& slot : open_files_)
      if (slot && slot->gzip()) slot.reset();
    return gzip_positions;
  }

  /// Renders the patients [start, end) on up to `threads_` threads, then writes them in order.
  void write_batch(std::size_t start, std::size_t end) {
    const std::size_t parts = std::min<std::size_t>(threads_, end - start);
    const auto bound = [&](std::size_t part) { return start + (end - start) * part / parts; };
    std::vector<std::thread> helpers;
    for (std::size_t part = 1; part < parts; ++part)
      helpers.emplace_back([&, part] {
        render(*renderers_[part], flagged_.data() + bound(part), flagged_.data() + bound(part + 1));
      });
    render(*renderers_[0], flagged_.data() + bound(0), flagged_.data() + bound(1));
    for (auto& helper : helpers) helper.join();
    for (std::size_t part = 0; part < parts; ++part) {
      const Renderer& r = *renderers_[part];
      std::size_t from = 0;
      for (const std::size_t to : r.ends) {
        sinks_.flagged(std::string_view(r.out).substr(from, to - from));
        from = to;
      }
    }
  }

  void render(Renderer& r, const Engine::Flagged* from, const Engine::Flagged* to) const {
    r.out.clear();
    r.ends.clear();
    engine_.render_flagged(
        from, to, sinks_.flagged_line, [&](Position pos) { return evidence_of(r, pos); },
        [&] { r.patient_items.clear(); },
        [&](std::string line) {
          r.out += line;
          r.ends.push_back(r.out.size());
        });
  }

  /// The evidence item at `pos`: read from a gzip file already, or read now from a plain file.
  const core::audit::EvidenceItem* evidence_of(Renderer& r, Position pos) const {
    if (const auto found = gzip_evidence_.find(pos); found != gzip_evidence_.end())
      return &found->second;
    if (const auto found = r.patient_items.find(pos); found != r.patient_items.end())
      return &found->second;
    InputFile* input = open_files_[core::audit::position_file(pos)].get();
    if (!input) return nullptr;
    input->line_at(core::audit::position_offset(pos), r.padded_line);
    const std::size_t size = r.padded_line.size();
    r.padded_line.append(kPadding, ' ');
    const simdjson::padded_string_view line(r.padded_line.data(), size, r.padded_line.size());
    return &r.patient_items.emplace(pos, r.classifier.evidence(line, engine_.meds())).first->second;
  }

  const Engine& engine_;
  const std::vector<Engine::Flagged>& flagged_;
  const std::vector<std::string>& files_;
  const codec::AuditCodes& codes_;
  const unsigned threads_;
  const Sinks& sinks_;
  std::vector<std::unique_ptr<InputFile>> open_files_;
  std::map<Position, core::audit::EvidenceItem> gzip_evidence_;
  std::vector<std::unique_ptr<Renderer>> renderers_;
};

}  // namespace

std::optional<core::Error> write_flagged_lines(const Engine& engine,
                                               const std::vector<Engine::Flagged>& flagged,
                                               const std::vector<std::string>& files,
                                               const codec::AuditCodes& codes, unsigned threads,
                                               const Sinks& sinks) {
  return FlaggedWriter(engine, flagged, files, codes, threads, sinks).write();
}

}  // namespace willis::audit
