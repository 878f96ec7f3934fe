// src/audit/reader.h: reading the input. One reader thread cuts the input files into chunks at
// line ends (plain files: read-only mappings of a few MB, no copy; gzip: decompressed into
// buffers) and hands them to the workers through a bounded queue; a line longer than the cap is
// skipped without being held, its chunk marked `overlong`.
#pragma once

#include <simdjson.h>

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/input.h"
#include "audit/progress.h"
#include "core/result.h"

namespace willis::audit {

inline constexpr std::size_t kPadding = simdjson::SIMDJSON_PADDING;
/// Bytes of a plain file mapped at a time.
inline constexpr std::size_t kMappedChunk = std::size_t{2} << 20;

/// A line of the input with room for simdjson's padding after it.
inline simdjson::padded_string_view padded(const char* data, std::size_t size,
                                           const char* buffer_end) {
  return simdjson::padded_string_view(data, size, static_cast<std::size_t>(buffer_end - data));
}

/// True when the line holds only spaces, tabs and carriage returns (ignored, not an error).
bool blank(std::string_view line);

/// An input file (decompressed) too large for the 36-bit offsets of evidence positions.
core::Error too_large(const std::string& file);

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
  bool push(Chunk chunk);
  /// The next chunk; nullopt when the reader is done (or the run stopped) and nothing is left.
  std::optional<Chunk> pop();
  /// Gives a processed chunk's buffer back for reuse.
  void recycle(Chunk chunk);
  /// A buffer of at least `capacity` bytes (reused when one is free).
  Chunk buffer(std::size_t capacity);
  void finish();
  void stop();
  bool stopped() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable ready_, room_;
  std::deque<Chunk> chunks_;
  std::vector<Chunk> buffers_;
  std::size_t free_slots_;
  bool done_ = false, stopped_ = false;
};

/// The reader: cuts `files` into chunks of about `chunk_size` bytes and pushes them, numbered in
/// sequence, until every file is read or the queue is stopped.
class ChunkReader {
 public:
  ChunkReader(const std::vector<std::string>& files, ChunkQueue& queue, std::size_t chunk_size,
              std::size_t max_line, Progress& progress)
      : files_(files),
        queue_(queue),
        chunk_size_(chunk_size),
        max_line_(max_line),
        progress_(progress) {}

  /// Reads the files. Returns the first failure (a file that cannot be read or is too large).
  std::optional<core::Error> read_all();
  /// The file of each chunk, by sequence number.
  const std::vector<std::uint32_t>& chunk_file() const { return chunk_file_; }
  /// Bytes of the files on disk read so far.
  std::uint64_t done_bytes() const { return done_bytes_; }

 private:
  void read_file(std::uint32_t file);
  bool map_plain(InputFile& input);
  void read_buffered(InputFile& input);
  bool fill(InputFile& input, Chunk& chunk, std::size_t& have, std::size_t& cut,
            std::uint64_t& overlong);
  std::uint64_t skip_overlong(InputFile& input, Chunk& chunk, std::size_t& have);
  bool hand_over_overlong(InputFile& input, Chunk chunk, std::size_t have, std::uint64_t skipped);
  bool hand_over_lines(InputFile& input, Chunk chunk, std::size_t have, std::size_t cut);
  void stamp(Chunk& chunk, std::uint64_t length);

  const std::vector<std::string>& files_;
  ChunkQueue& queue_;
  const std::size_t chunk_size_, max_line_;
  Progress& progress_;
  std::optional<core::Error> failure_;
  std::vector<std::uint32_t> chunk_file_;
  std::uint64_t seq_ = 0, done_bytes_ = 0;
  // The file being read.
  std::uint32_t file_ = 0;
  std::uint64_t offset_ = 0;      ///< decompressed bytes of the file cut into chunks so far
  std::uint64_t file_start_ = 0;  ///< done_bytes_ when the file was opened
  bool eof_ = false;
  std::vector<char> carry_;  ///< the start of a line cut at the end of the last buffer
};

}  // namespace willis::audit
