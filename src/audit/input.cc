// src/audit/input.cc: POSIX read/pread for plain files, zlib for gzip (multi-member files too).
#include "audit/input.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace willis::audit {

InputFile::~InputFile() {
  if (gz_) gzclose(gz_);
  else if (fd_ >= 0) ::close(fd_);
}

std::string InputFile::open(const std::string& path) {
  path_ = path;
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) return path + ": cannot open: " + std::strerror(errno);
  unsigned char magic[2] = {0, 0};
  const ssize_t got = ::pread(fd_, magic, 2, 0);
  if (got == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
    gz_ = gzdopen(fd_, "rb");
    if (!gz_) {
      ::close(fd_);
      fd_ = -1;
      return path + ": cannot open as gzip";
    }
    gzbuffer(gz_, 1 << 18);
  }
  return {};
}

long InputFile::read(char* into, std::size_t size) {
  if (gz_) {
    const int got = gzread(gz_, into, static_cast<unsigned>(size));
    if (got < 0) {
      int code = 0;
      error_ = path_ + ": " + gzerror(gz_, &code);
      return -1;
    }
    return got;
  }
  for (;;) {
    const ssize_t got = ::read(fd_, into, size);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      error_ = path_ + ": " + std::strerror(errno);
      return -1;
    }
    plain_offset_ += static_cast<std::uint64_t>(got);
    return static_cast<long>(got);
  }
}

std::uint64_t InputFile::disk_offset() const {
  if (gz_) return static_cast<std::uint64_t>(gzoffset(gz_));
  return plain_offset_;
}

bool InputFile::seek(std::uint64_t offset) {
  if (::lseek(fd_, static_cast<off_t>(offset), SEEK_SET) < 0) {
    error_ = path_ + ": " + std::strerror(errno);
    return false;
  }
  plain_offset_ = offset;
  return true;
}

std::string InputFile::error() const { return error_; }

void InputFile::line_at(std::uint64_t offset, std::string& line) {
  // Resources are one or two kB: read 2 kB first, then double (not 64 kB per line: thousands of
  // lines are read this way). Thread-safe: pread does not move the file offset.
  line.clear();
  std::size_t block = 2048;
  char buffer[1 << 16];
  std::uint64_t at = offset;
  for (;;) {
    const ssize_t got = ::pread(fd_, buffer, block, static_cast<off_t>(at));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return;
    const void* newline = std::memchr(buffer, '\n', static_cast<std::size_t>(got));
    if (newline) {
      line.append(buffer, static_cast<const char*>(newline) - buffer);
      return;
    }
    line.append(buffer, static_cast<std::size_t>(got));
    at += static_cast<std::uint64_t>(got);
    block = std::min(block * 2, sizeof buffer);
  }
}

std::vector<std::string> InputFile::lines_at(const std::vector<std::uint64_t>& offsets) {
  std::vector<std::string> lines(offsets.size());
  if (offsets.empty()) return lines;
  if (!gz_) {
    for (std::size_t index = 0; index < offsets.size(); ++index) line_at(offsets[index], lines[index]);
    return lines;
  }
  // gzip: decompress from the start, keeping the wanted lines.
  gzrewind(gz_);
  std::vector<char> buffer(1 << 18);
  std::uint64_t base = 0;  // decompressed offset of buffer[0]
  std::size_t next = 0;    // next wanted offset
  bool in_line = false;    // collecting lines[next] across a buffer boundary
  for (;;) {
    const int got = gzread(gz_, buffer.data(), static_cast<unsigned>(buffer.size()));
    if (got <= 0) break;
    const std::uint64_t end = base + static_cast<std::uint64_t>(got);
    while (next < offsets.size()) {
      const std::uint64_t start = in_line ? base : offsets[next];
      if (start >= end) break;
      const char* from = buffer.data() + (start - base);
      const std::size_t left = static_cast<std::size_t>(end - start);
      const void* newline = std::memchr(from, '\n', left);
      if (!newline) {
        lines[next].append(from, left);
        in_line = true;
        break;
      }
      lines[next].append(from, static_cast<const char*>(newline) - from);
      in_line = false;
      ++next;
      // Several evidence positions may name the same line.
      while (next < offsets.size() && offsets[next] == offsets[next - 1]) {
        lines[next] = lines[next - 1];
        ++next;
      }
    }
    if (next >= offsets.size()) break;
    base = end;
  }
  return lines;
}

}  // namespace willis::audit
