// src/audit/reader.cc: listing the input files and cutting them into chunks (reader.h).
#include "audit/reader.h"

#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "audit/audit.h"
#include "core/audit.h"

namespace willis::audit {

bool blank(std::string_view line) {
  for (const char c : line)
    if (c != ' ' && c != '\t' && c != '\r') return false;
  return true;
}

core::Error too_large(const std::string& file) {
  return core::Error(
      core::Errc::invalid_value, "PATH",
      fmt::format("{}: more than {} bytes (decompressed): evidence positions keep 36 bits of "
                  "offset (64 GiB); split the file",
                  file, core::audit::kMaxFileBytes));
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

// ================================================================= the queue

bool ChunkQueue::push(Chunk chunk) {
  std::unique_lock lock(mutex_);
  room_.wait(lock, [&] { return free_slots_ > 0 || stopped_; });
  if (stopped_) return false;
  --free_slots_;
  chunks_.push_back(std::move(chunk));
  ready_.notify_one();
  return true;
}

std::optional<Chunk> ChunkQueue::pop() {
  std::unique_lock lock(mutex_);
  ready_.wait(lock, [&] { return !chunks_.empty() || done_ || stopped_; });
  if (stopped_ || chunks_.empty()) return std::nullopt;
  Chunk chunk = std::move(chunks_.front());
  chunks_.pop_front();
  return chunk;
}

void ChunkQueue::recycle(Chunk chunk) {
  chunk.unmap();
  chunk.overlong = false;
  std::lock_guard lock(mutex_);
  ++free_slots_;
  if (chunk.data) buffers_.push_back(std::move(chunk));
  room_.notify_one();
}

Chunk ChunkQueue::buffer(std::size_t capacity) {
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

void ChunkQueue::finish() {
  std::lock_guard lock(mutex_);
  done_ = true;
  ready_.notify_all();
}

void ChunkQueue::stop() {
  std::lock_guard lock(mutex_);
  stopped_ = true;
  ready_.notify_all();
  room_.notify_all();
}

bool ChunkQueue::stopped() const {
  std::lock_guard lock(mutex_);
  return stopped_;
}

// ================================================================= the reader

std::optional<core::Error> ChunkReader::read_all() {
  for (std::uint32_t file = 0; file < files_.size() && !failure_ && !queue_.stopped(); ++file)
    read_file(file);
  return failure_;
}

void ChunkReader::read_file(std::uint32_t file) {
  InputFile input;
  if (auto error = input.open(files_[file]); !error.empty()) {
    failure_ = core::Error(core::Errc::io_error, "", error);
    return;
  }
  file_ = file;
  offset_ = 0;
  file_start_ = done_bytes_;
  carry_.clear();
  eof_ = false;
  if (!input.gzip() && !map_plain(input)) return;
  read_buffered(input);
}

/// Gives `chunk` the next place in the sequence, at the current offset, `length` bytes long.
void ChunkReader::stamp(Chunk& chunk, std::uint64_t length) {
  chunk.file = file_;
  chunk.offset = offset_;
  chunk.seq = seq_++;
  offset_ += length;
  chunk_file_.push_back(file_);
}

// Plain files are mapped, not copied: each chunk is a read-only window cut at its last line end,
// with the file's next bytes as simdjson's padding. The end of the file (where no such bytes
// follow) is read into a buffer by read_buffered(). False on failure.
bool ChunkReader::map_plain(InputFile& input) {
  struct stat st {};
  const std::uint64_t file_size =
      ::fstat(input.fd(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
  if (file_size > core::audit::kMaxFileBytes) {
    failure_ = too_large(files_[file_]);
    return false;
  }
  static const std::uint64_t page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  // Mapped windows are small: nothing is gained by large ones, and every mapped page counts in
  // the resident set until its chunk is done.
  const std::uint64_t map_chunk = std::min<std::uint64_t>(chunk_size_, kMappedChunk);
  std::uint64_t window = map_chunk;
  while (!queue_.stopped() && offset_ + window + kPadding <= file_size) {
    const std::uint64_t base = offset_ & ~(page - 1);
    const std::uint64_t map_end = offset_ + window + kPadding;
    void* map = ::mmap(nullptr, map_end - base, PROT_READ, MAP_PRIVATE | MAP_POPULATE, input.fd(),
                       static_cast<off_t>(base));
    if (map == MAP_FAILED) break;  // read the rest
    const char* at = static_cast<const char*>(map) + (offset_ - base);
    const void* last = memrchr(at, '\n', window);
    if (!last) {  // a line longer than the window: a larger one, up to the cap
      ::munmap(map, map_end - base);
      if (window > max_line_) break;  // read_buffered() skips it
      window *= 2;
      continue;
    }
    Chunk chunk;
    chunk.mapping =
        std::shared_ptr<void>(map, [length = map_end - base](void* p) { ::munmap(p, length); });
    chunk.mapped = at;
    chunk.size = static_cast<std::size_t>(static_cast<const char*>(last) - at) + 1;
    stamp(chunk, chunk.size);
    window = map_chunk;
    done_bytes_ = file_start_ + offset_;
    progress_.update(done_bytes_);
    if (!queue_.push(std::move(chunk))) break;
  }
  if (offset_ && !input.seek(offset_)) {
    failure_ = core::Error(core::Errc::io_error, "", input.error());
    return false;
  }
  return true;
}

void ChunkReader::read_buffered(InputFile& input) {
  while (!eof_ && !queue_.stopped()) {
    // One size for every buffer (room for a line carried over), so that buffers are reused.
    Chunk chunk = queue_.buffer(std::max(carry_.size(), chunk_size_ / 8) + chunk_size_ + kPadding);
    if (!carry_.empty()) std::memcpy(chunk.data.get(), carry_.data(), carry_.size());
    std::size_t have = carry_.size();
    std::size_t cut = 0;
    std::uint64_t overlong = 0;
    if (!fill(input, chunk, have, cut, overlong)) return;
    const bool handed = overlong ? hand_over_overlong(input, std::move(chunk), have, overlong)
                                 : hand_over_lines(input, std::move(chunk), have, cut);
    if (!handed) return;
  }
}

/// Reads into `chunk` after its `have` bytes until it holds a line end (`cut`: the bytes up to the
/// last one), the end of the file (`cut` = `have`), or one line longer than the cap (`overlong`:
/// its length, skipped; `have`: the bytes after it). False on a read error.
bool ChunkReader::fill(InputFile& input, Chunk& chunk, std::size_t& have, std::size_t& cut,
                       std::uint64_t& overlong) {
  for (;;) {
    if (chunk.capacity < have + chunk_size_ + kPadding) {  // a line longer than the chunk: grow
      const std::size_t capacity = (have + chunk_size_ + kPadding) * 2;
      std::unique_ptr<char[]> bigger(new char[capacity]);
      std::memcpy(bigger.get(), chunk.data.get(), have);
      chunk.data = std::move(bigger);
      chunk.capacity = capacity;
    }
    const long got = input.read(chunk.data.get() + have, chunk_size_);
    if (got < 0) {
      failure_ = core::Error(core::Errc::io_error, "", input.error());
      return false;
    }
    if (got == 0) eof_ = true;
    have += static_cast<std::size_t>(got);
    const void* last = have ? memrchr(chunk.data.get(), '\n', have) : nullptr;
    if (last) {
      cut = static_cast<std::size_t>(static_cast<const char*>(last) - chunk.data.get()) + 1;
      return true;
    }
    if (eof_) {
      cut = have;
      return true;
    }
    if (have > max_line_) {  // one line, longer than the cap: skip to its end, holding none of it
      overlong = skip_overlong(input, chunk, have);
      return !failure_;
    }
  }
}

/// Reads on to the end of the overlong line whose first `have` bytes are in `chunk`; leaves the
/// bytes after it at the start of `chunk` (`have`). Returns the line's length.
std::uint64_t ChunkReader::skip_overlong(InputFile& input, Chunk& chunk, std::size_t& have) {
  std::uint64_t skipped = have;
  have = 0;
  for (;;) {
    const long more = input.read(chunk.data.get(), chunk_size_);
    if (more < 0) {
      failure_ = core::Error(core::Errc::io_error, "", input.error());
      return skipped;
    }
    if (more == 0) {
      eof_ = true;
      return skipped;
    }
    const void* newline = std::memchr(chunk.data.get(), '\n', static_cast<std::size_t>(more));
    if (!newline) {
      skipped += static_cast<std::uint64_t>(more);
      continue;
    }
    const std::size_t at =
        static_cast<std::size_t>(static_cast<const char*>(newline) - chunk.data.get()) + 1;
    skipped += at;
    have = static_cast<std::size_t>(more) - at;
    std::memmove(chunk.data.get(), chunk.data.get() + at, have);
    return skipped;
  }
}

/// Hands over the one bad line a chunk stands for; the bytes after the long line start the next
/// buffer. False when the run must end (too large, or stopped).
bool ChunkReader::hand_over_overlong(InputFile& input, Chunk chunk, std::size_t have,
                                     std::uint64_t skipped) {
  carry_.assign(chunk.data.get(), chunk.data.get() + have);
  chunk.overlong = true;
  chunk.size = 0;
  stamp(chunk, skipped);
  done_bytes_ = file_start_ + input.disk_offset();
  progress_.update(done_bytes_);
  if (offset_ > core::audit::kMaxFileBytes) {
    failure_ = too_large(files_[file_]);
    return false;
  }
  return queue_.push(std::move(chunk));
}

/// Hands over the `cut` bytes of whole lines; the rest is carried to the next buffer. False when
/// the run must end (too large, or stopped).
bool ChunkReader::hand_over_lines(InputFile& input, Chunk chunk, std::size_t have,
                                  std::size_t cut) {
  if (offset_ + cut > core::audit::kMaxFileBytes) {  // gzip: known only once decompressed
    failure_ = too_large(files_[file_]);
    return false;
  }
  carry_.assign(chunk.data.get() + cut, chunk.data.get() + have);
  std::memset(chunk.data.get() + cut, ' ', std::min(kPadding, chunk.capacity - cut));
  chunk.size = cut;
  stamp(chunk, cut);
  done_bytes_ = file_start_ + input.disk_offset();
  progress_.update(done_bytes_);
  if (cut == 0) {
    queue_.recycle(std::move(chunk));
    --seq_;
    chunk_file_.pop_back();
    return true;
  }
  return queue_.push(std::move(chunk));
}

}  // namespace willis::audit
