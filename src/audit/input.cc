// src/audit/input.cc: POSIX read/pread for plain files, zlib inflate for gzip (multi-member files
// too; a truncated member or trailing bytes that are not a gzip member are errors).
#include "audit/input.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace willis::audit {

/// The inflate state of a gzip file and its compressed input buffer.
struct InputFile::Gzip {
  z_stream stream{};
  bool initialised = false;
  std::vector<unsigned char> in = std::vector<unsigned char>(std::size_t{1} << 18);
  std::uint64_t consumed_before = 0;  ///< compressed bytes before in[0]
  bool file_eof = false;              ///< nothing more to read from the file
  bool member_done = false;           ///< the last inflate ended a member (between members)
  bool finished = false;              ///< the whole file was decoded
  ~Gzip() {
    if (initialised) inflateEnd(&stream);
  }
};

InputFile::InputFile() = default;

InputFile::~InputFile() {
  gz_.reset();
  if (fd_ >= 0) ::close(fd_);
}

std::string InputFile::open(const std::string& path) {
  path_ = path;
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) return path + ": cannot open: " + std::strerror(errno);
  unsigned char magic[2] = {0, 0};
  const ssize_t got = ::pread(fd_, magic, 2, 0);
  if (got == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
    gz_ = std::make_unique<Gzip>();
    if (inflateInit2(&gz_->stream, 16 + MAX_WBITS) != Z_OK) return path + ": cannot open as gzip";
    gz_->initialised = true;
  }
  return {};
}

bool InputFile::gz_rewind() {
  if (::lseek(fd_, 0, SEEK_SET) < 0) {
    error_ = path_ + ": " + std::strerror(errno);
    return false;
  }
  Gzip& g = *gz_;
  inflateReset(&g.stream);
  g.stream.next_in = nullptr;
  g.stream.avail_in = 0;
  g.consumed_before = 0;
  g.file_eof = g.member_done = g.finished = false;
  return true;
}

long InputFile::gz_read(char* into, std::size_t size) {
  Gzip& g = *gz_;
  z_stream& z = g.stream;
  // Moves the unread input to the front and reads more after it; false on a read error.
  const auto fill = [&]() -> bool {
    const std::size_t left = z.avail_in;
    if (left && z.next_in != g.in.data()) std::memmove(g.in.data(), z.next_in, left);
    g.consumed_before += static_cast<std::uint64_t>(z.next_in ? z.next_in - g.in.data() : 0);
    z.next_in = g.in.data();
    for (;;) {
      const ssize_t got = ::read(fd_, g.in.data() + left, g.in.size() - left);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) {
        error_ = path_ + ": " + std::strerror(errno);
        return false;
      }
      if (got == 0) g.file_eof = true;
      z.avail_in = static_cast<uInt>(left + static_cast<std::size_t>(got));
      return true;
    }
  };
  const auto clamp = static_cast<uInt>(std::min<std::size_t>(size, 1u << 30));
  z.next_out = reinterpret_cast<Bytef*>(into);
  z.avail_out = clamp;
  while (z.avail_out > 0 && !g.finished) {
    if (g.member_done) {
      // Between members: the file ends here, or another gzip member follows; anything else is
      // trailing garbage (zlib's gzread would ignore it).
      while (z.avail_in < 2 && !g.file_eof)
        if (!fill()) return -1;
      if (z.avail_in == 0) {
        g.finished = true;
        break;
      }
      if (z.avail_in < 2 || z.next_in[0] != 0x1f || z.next_in[1] != 0x8b) {
        error_ =
            path_ +
            ": bytes after the end of the gzip data that are not another gzip member (a damaged or "
            "concatenated file)";
        return -1;
      }
      inflateReset(&z);
      g.member_done = false;
    }
    if (z.avail_in == 0) {
      if (!g.file_eof && !fill()) return -1;
      if (z.avail_in == 0) {
        error_ =
            path_ +
            ": truncated: the file ends inside its gzip data (an incomplete download or copy?)";
        return -1;
      }
    }
    const int ret = inflate(&z, Z_NO_FLUSH);
    if (ret == Z_STREAM_END) {
      g.member_done = true;
      continue;
    }
    if (ret == Z_OK) continue;
    if (ret == Z_BUF_ERROR && z.avail_in == 0) continue;  // needs more input: read it above
    error_ = path_ + ": damaged gzip data: " + (z.msg ? z.msg : "inflate failed");
    return -1;
  }
  return static_cast<long>(clamp - z.avail_out);
}

long InputFile::read(char* into, std::size_t size) {
  if (gz_) return gz_read(into, size);
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
  if (gz_)
    return gz_->consumed_before +
           static_cast<std::uint64_t>(gz_->stream.next_in ? gz_->stream.next_in - gz_->in.data()
                                                          : 0);
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

std::string InputFile::error() const {
  return error_;
}

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
    for (std::size_t index = 0; index < offsets.size(); ++index)
      line_at(offsets[index], lines[index]);
    return lines;
  }
  // gzip: decompress from the start, keeping the wanted lines.
  if (!gz_rewind()) return lines;
  std::vector<char> buffer(1 << 18);
  std::uint64_t base = 0;  // decompressed offset of buffer[0]
  std::size_t next = 0;    // next wanted offset
  bool in_line = false;    // collecting lines[next] across a buffer boundary
  for (;;) {
    const long got = gz_read(buffer.data(), buffer.size());
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
