// src/audit/input.h: sequential reading of one input file, plain or gzip (detected by its magic
// bytes, not its name), and random re-reading of single lines for evidence. gzip is decoded with
// zlib's inflate directly (not gzread, which returns a truncated file's data as if complete and
// ignores bytes after the last member): a file that ends inside a gzip member, or has anything but
// another gzip member after one, is an error naming the file.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace willis::audit {

class InputFile {
 public:
  InputFile();
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  /// Opens `path`. Returns "" or why it cannot be read.
  std::string open(const std::string& path);
  /// Reads up to `size` bytes (decompressed). Returns the count, 0 at the end, -1 on error (see
  /// error()).
  long read(char* into, std::size_t size);
  /// Bytes of the file on disk consumed so far (compressed bytes for gzip), for progress.
  std::uint64_t disk_offset() const;
  bool gzip() const { return gz_ != nullptr; }
  /// The file descriptor (plain files: for mmap).
  int fd() const { return fd_; }
  /// Plain files: continue reading at `offset`. False on error (see error()).
  bool seek(std::uint64_t offset);
  std::string error() const;

  /// The lines starting at each of the sorted decompressed `offsets`, without their newline.
  /// Plain files are read at the offsets; gzip files are decompressed up to the last one.
  std::vector<std::string> lines_at(const std::vector<std::uint64_t>& offsets);
  /// Plain files only: the line starting at `offset`, without its newline, into `line`.
  void line_at(std::uint64_t offset, std::string& line);

 private:
  struct Gzip;
  /// Reads decompressed bytes (gzip files); -1 on error.
  long gz_read(char* into, std::size_t size);
  /// Back to the start of a gzip file.
  bool gz_rewind();
  int fd_ = -1;
  std::unique_ptr<Gzip> gz_;
  std::uint64_t plain_offset_ = 0;
  std::string path_, error_;
};

}  // namespace willis::audit
