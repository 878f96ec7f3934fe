// src/audit/run.cc: the streaming audit (audit.h run), in steps. The reader (this thread, see
// reader.h) cuts the input into chunks; workers parse each line, classify it (classify.h) and fold
// it into the patient's state (engine.h); then every patient is evaluated, the bad lines are
// written with their line numbers and the flagged lines with their evidence (evidence.h).
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "audit/audit.h"
#include "audit/bad_lines.h"
#include "audit/classify.h"
#include "audit/engine.h"
#include "audit/evidence.h"
#include "audit/progress.h"
#include "audit/reader.h"

namespace willis::audit {

using core::audit::ListMask;
using core::audit::Position;

namespace {

/// What one worker thread keeps until it is done.
struct Worker {
  explicit Worker(const codec::AuditCodes& codes) : classifier(codes) {}
  Classifier classifier;
  Counters counters;
  std::vector<BadLine> bad;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> lines;  // (chunk seq, lines)
  Fact fact;
};

std::uint64_t total_size(const std::vector<std::string>& files) {
  std::uint64_t total = 0;
  for (const auto& file : files) {
    std::error_code ec;
    total += std::filesystem::file_size(file, ec);
  }
  return total;
}

/// One run over the input files: the workers and what they found.
class Run {
 public:
  Run(const core::Kb& kb, const codec::AuditCodes& codes, const Options& options,
      const Sinks& sinks, const std::vector<std::string>& files)
      : codes_(codes),
        options_(options),
        sinks_(sinks),
        files_(files),
        engine_(kb, codes, options.as_of),
        threads_(
            std::max(1u, options.threads ? options.threads : std::thread::hardware_concurrency())),
        chunk_size_(std::max<std::size_t>(options.chunk_size, 64)),
        max_line_(std::max<std::size_t>(options.max_line_bytes, 64)),
        queue_(threads_ * 2 + 1) {}

  core::Result<RunResult> go() {
    std::vector<std::uint32_t> chunk_file;
    if (auto failure = read(chunk_file)) return *failure;
    RunResult result;
    result.stopped = stopped_.load();
    result.texts.assign(texts_.begin(), texts_.end());
    engine_.summary().errors = static_cast<std::uint64_t>(error_count_.load());
    write_errors(bad_, files_, first_lines(chunk_file), sinks_);
    if (result.stopped) {
      result.summary = engine_.summary();
      return result;
    }
    engine_.resolve_deferred();
    const auto flagged = engine_.evaluate();
    if (sinks_.flagged && !flagged.empty())
      if (auto error = write_flagged_lines(engine_, flagged, files_, codes_, threads_, sinks_))
        return *error;
    result.summary = engine_.summary();
    return result;
  }

 private:
  /// Reads every file on this thread while the workers fold its lines in; returns the first
  /// failure. `chunk_file`: the file of each chunk, by sequence number.
  std::optional<core::Error> read(std::vector<std::uint32_t>& chunk_file) {
    std::vector<std::thread> pool;
    for (unsigned index = 0; index < threads_; ++index) pool.emplace_back([this] { work(); });
    Progress progress(options_.progress, total_size(files_));
    ChunkReader reader(files_, queue_, chunk_size_, max_line_, progress);
    auto failure = reader.read_all();
    queue_.finish();
    for (auto& thread : pool) thread.join();
    progress.update(reader.done_bytes(), true);
    chunk_file = reader.chunk_file();
    return failure;
  }

  /// A worker: takes chunks until none are left, then hands in what it found.
  void work() {
    Worker worker(codes_);
    while (auto chunk = queue_.pop()) {
      if (chunk->overlong) {
        add_bad(worker, {chunk->file, chunk->seq, 1, overlong_reason(max_line_)});
        worker.lines.emplace_back(chunk->seq, 1);
      } else {
        worker.lines.emplace_back(chunk->seq, fold_lines(*chunk, worker));
      }
      queue_.recycle(std::move(*chunk));
    }
    engine_.add_counters(worker.counters);
    std::lock_guard lock(results_mutex_);
    if (options_.collect_texts) worker.classifier.known_texts(texts_);
    bad_.insert(bad_.end(), std::make_move_iterator(worker.bad.begin()),
                std::make_move_iterator(worker.bad.end()));
    chunk_lines_.insert(chunk_lines_.end(), worker.lines.begin(), worker.lines.end());
  }

  /// Classifies and folds in every line of `chunk`; returns the number of lines.
  std::uint64_t fold_lines(const Chunk& chunk, Worker& worker) {
    const char* data = chunk.begin();
    const char* end = data + chunk.size;
    const char* buffer_end = chunk.buffer_end();
    std::uint64_t line_no = 0;
    for (const char* line = data; line < end;) {
      const char* newline =
          static_cast<const char*>(std::memchr(line, '\n', static_cast<std::size_t>(end - line)));
      const char* line_end = newline ? newline : end;
      ++line_no;
      const std::string_view text(line, static_cast<std::size_t>(line_end - line));
      if (text.size() > max_line_) {
        add_bad(worker, {chunk.file, chunk.seq, line_no, overlong_reason(max_line_)});
      } else if (!blank(text)) {
        const Position pos = core::audit::make_position(
            chunk.file, chunk.offset + static_cast<std::uint64_t>(line - data));
        std::string reason = worker.classifier.classify(padded(line, text.size(), buffer_end), pos,
                                                        engine_.meds(), worker.fact);
        if (reason.empty())
          engine_.apply(worker.fact, worker.counters);
        else
          add_bad(worker, {chunk.file, chunk.seq, line_no, std::move(reason)});
      }
      line = newline ? newline + 1 : end;
    }
    return line_no;
  }

  /// Notes a bad line; stops the run when there are more than --max-errors.
  void add_bad(Worker& worker, BadLine line) {
    worker.bad.push_back(std::move(line));
    const std::int64_t count = ++error_count_;
    if (options_.max_errors >= 0 && count > options_.max_errors && !stopped_.exchange(true))
      queue_.stop();
  }

  /// Absolute line numbers: each chunk's first line follows the lines of the earlier chunks of
  /// its file. The processed chunks are a prefix of the sequence (the queue is first in, first
  /// out).
  std::vector<std::uint64_t> first_lines(const std::vector<std::uint32_t>& chunk_file) {
    std::sort(chunk_lines_.begin(), chunk_lines_.end());
    std::vector<std::uint64_t> first_line(chunk_file.size(), 0);
    std::uint64_t running = 0;
    for (std::size_t index = 0; index < chunk_lines_.size(); ++index) {
      const std::uint64_t chunk_seq = chunk_lines_[index].first;
      if (index == 0 || chunk_file[chunk_seq] != chunk_file[chunk_lines_[index - 1].first])
        running = 0;
      first_line[chunk_seq] = running;
      running += chunk_lines_[index].second;
    }
    return first_line;
  }

  const codec::AuditCodes& codes_;
  const Options& options_;
  const Sinks& sinks_;
  const std::vector<std::string>& files_;
  Engine engine_;
  const unsigned threads_;
  const std::size_t chunk_size_, max_line_;
  ChunkQueue queue_;

  std::mutex results_mutex_;
  std::vector<BadLine> bad_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> chunk_lines_;  // (seq, lines)
  std::atomic<std::int64_t> error_count_{0};
  std::atomic<bool> stopped_{false};
  std::map<std::string, ListMask> texts_;
};

}  // namespace

core::Result<RunResult> run(const core::Kb& kb, const codec::AuditCodes& codes,
                            const Options& options, const Sinks& sinks) {
  if (auto refused = check_sinks(sinks)) return *refused;
  auto listed = input_files(options.paths);
  if (!listed.ok()) return listed.error();
  const std::vector<std::string> files = std::move(listed).value();
  if (files.size() > core::audit::kMaxFiles)
    return core::Error(
        core::Errc::invalid_value, "PATH",
        fmt::format("{} input files: at most {} (evidence positions keep 12 bits of file index)",
                    files.size(), core::audit::kMaxFiles));
  return Run(kb, codes, options, sinks, files).go();
}

}  // namespace willis::audit
