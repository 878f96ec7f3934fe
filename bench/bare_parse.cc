// bench/bare_parse.cc: the practical limit for `willis audit` (issue 6): a bare multi-threaded
// simdjson pass that parses every line of every file and does nothing else.
//
//   willis_bare_parse [--threads N] EXPORT_DIR|FILE...
//
// One reader thread reads the files (in sorted name order): plain files mapped 2 MiB at a time
// (as `willis audit` reads them), .gz in 16 MiB blocks, each cut at the last newline; N workers
// (default: all cores) each take a block and parse every line with simdjson's DOM parse_many (a
// full parse: the whole tape is built). Prints one line:
//   bare_parse: D documents, E errors, B bytes in T s: X GB/s (N threads)
// Used by bench/audit_vs_duckdb.sh; not a test.
#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

constexpr std::size_t kBlock = 16u << 20;

struct Block {
  std::unique_ptr<char[]> data;  // size + SIMDJSON_PADDING
  std::size_t size = 0;
  // Or a read-only mapping of a plain file (as `willis audit` reads them): the lines start at
  // `mapped`, and at least SIMDJSON_PADDING readable bytes of the file follow `size`.
  const char* mapped = nullptr;
  std::shared_ptr<void> mapping;
  const char* begin() const { return mapped ? mapped : data.get(); }
};

class Queue {
 public:
  explicit Queue(std::size_t limit) : limit_(limit) {}
  void push(Block block) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return items_.size() < limit_; });
    items_.push_back(std::move(block));
    not_empty_.notify_one();
  }
  bool pop(Block& out) {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return !items_.empty() || closed_; });
    if (items_.empty()) return false;
    out = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return true;
  }
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable not_full_, not_empty_;
  std::deque<Block> items_;
  std::size_t limit_;
  bool closed_ = false;
};

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

std::vector<std::string> list_inputs(int argc, char** argv, int first) {
  std::vector<std::string> files;
  for (int i = first; i < argc; ++i) {
    struct stat st {};
    if (::stat(argv[i], &st) != 0) {
      std::fprintf(stderr, "bare_parse: cannot read %s\n", argv[i]);
      std::exit(2);
    }
    if (!S_ISDIR(st.st_mode)) {
      files.emplace_back(argv[i]);
      continue;
    }
    std::vector<std::string> names;
    if (DIR* dir = ::opendir(argv[i])) {
      while (const dirent* entry = ::readdir(dir)) {
        const std::string_view name = entry->d_name;
        if (ends_with(name, ".ndjson") || ends_with(name, ".ndjson.gz")) names.emplace_back(name);
      }
      ::closedir(dir);
    }
    std::sort(names.begin(), names.end());
    for (const auto& name : names) files.push_back(std::string(argv[i]) + "/" + name);
  }
  return files;
}

/// A worker: parses every line of every block it takes; counts documents and errors.
void parse_blocks(Queue& queue, std::atomic<std::uint64_t>& documents,
                  std::atomic<std::uint64_t>& errors) {
  simdjson::dom::parser parser;
  Block block;
  std::uint64_t docs = 0, errs = 0;
  while (queue.pop(block)) {
    simdjson::dom::document_stream stream;
    std::uint64_t block_docs = 0;
    bool clean =
        !parser
             .parse_many(reinterpret_cast<const std::uint8_t*>(block.begin()), block.size, 1u << 20)
             .get(stream);
    if (clean) {
      for (auto doc : stream) {
        if (doc.error()) {
          clean = false;
          break;
        }
        ++block_docs;
      }
    }
    if (clean) {
      docs += block_docs;
      continue;
    }
    // A bad line stops a document stream: parse this block again line by line.
    std::string_view rest(block.begin(), block.size);
    while (!rest.empty()) {
      const std::size_t end = std::min(rest.find('\n'), rest.size());
      const std::string_view line = rest.substr(0, end);
      rest.remove_prefix(std::min(end + 1, rest.size()));
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      simdjson::dom::element element;
      if (parser.parse(line.data(), line.size(), /*realloc_if_needed=*/true).get(element))
        ++errs;
      else
        ++docs;
    }
  }
  documents += docs;
  errors += errs;
}

/// Plain files: mapped a window at a time, cut at the last newline (no copy), as willis does;
/// the end of the file (where no padding bytes follow) is left to read_rest(). Returns the
/// offset reached, or -1 when the file cannot be opened.
long long map_plain(const std::string& path, Queue& queue, std::atomic<std::uint64_t>& bytes) {
  static const std::uint64_t page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  std::uint64_t offset = 0;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  unsigned char magic[2] = {0, 0};
  struct stat st {};
  const bool plain = !(::pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b) &&
                     ::fstat(fd, &st) == 0;
  constexpr std::uint64_t kWindow = 2u << 20;
  std::uint64_t window = kWindow;
  while (plain &&
         offset + window + simdjson::SIMDJSON_PADDING <= static_cast<std::uint64_t>(st.st_size)) {
    const std::uint64_t base = offset & ~(page - 1);
    const std::uint64_t length = offset + window + simdjson::SIMDJSON_PADDING - base;
    void* map = ::mmap(nullptr, length, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd,
                       static_cast<off_t>(base));
    if (map == MAP_FAILED) break;
    const char* at = static_cast<const char*>(map) + (offset - base);
    const char* last = static_cast<const char*>(::memrchr(at, '\n', window));
    if (last == nullptr) {
      ::munmap(map, length);
      window *= 2;
      continue;
    }
    Block block;
    block.mapping = std::shared_ptr<void>(map, [length](void* p) { ::munmap(p, length); });
    block.mapped = at;
    block.size = static_cast<std::size_t>(last - at) + 1;
    offset += block.size;
    bytes += block.size;
    window = kWindow;
    queue.push(std::move(block));
  }
  ::close(fd);
  return static_cast<long long>(offset);
}

/// The rest of a file from `offset` (all of a .gz): blocks cut at the last newline; the tail moves
/// to the next block. Data is read straight into the block (no extra copy) and zero-padded for
/// simdjson. Prints why and returns false when the file cannot be read.
bool read_rest(const std::string& path, std::uint64_t offset, Queue& queue,
               std::atomic<std::uint64_t>& bytes) {
  gzFile in = gzopen(path.c_str(), "rb");  // reads plain files too
  if (in == nullptr) {
    std::fprintf(stderr, "bare_parse: cannot open %s\n", path.c_str());
    return false;
  }
  gzbuffer(in, 1 << 20);
  if (offset && gzseek(in, static_cast<z_off_t>(offset), SEEK_SET) < 0) {
    std::fprintf(stderr, "bare_parse: cannot read %s\n", path.c_str());
    return false;
  }
  std::string carry;
  for (;;) {
    Block block;
    const std::size_t have = carry.size();
    block.data.reset(new char[have + kBlock + simdjson::SIMDJSON_PADDING]);
    std::memcpy(block.data.get(), carry.data(), have);
    const int got = gzread(in, block.data.get() + have, static_cast<unsigned>(kBlock));
    if (got < 0) {
      std::fprintf(stderr, "bare_parse: cannot read %s\n", path.c_str());
      return false;
    }
    const std::size_t total = have + static_cast<std::size_t>(got);
    const char* last_newline = static_cast<const char*>(::memrchr(block.data.get(), '\n', total));
    std::size_t cut =
        last_newline == nullptr ? 0 : static_cast<std::size_t>(last_newline - block.data.get()) + 1;
    if (got == 0) cut = total;  // the file's last line may have no newline
    carry.assign(block.data.get() + cut, total - cut);
    if (cut > 0) {
      std::memset(block.data.get() + cut, 0, simdjson::SIMDJSON_PADDING);
      block.size = cut;
      bytes += cut;
      queue.push(std::move(block));
    }
    if (got == 0) break;
  }
  gzclose(in);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  int first = 1;
  if (argc > 2 && std::string_view(argv[1]) == "--threads") {
    threads = static_cast<unsigned>(std::max(1, std::atoi(argv[2])));
    first = 3;
  }
  const std::vector<std::string> files = list_inputs(argc, argv, first);
  if (files.empty()) {
    std::fprintf(stderr, "usage: willis_bare_parse [--threads N] EXPORT_DIR|FILE...\n");
    return 2;
  }

  const auto start = std::chrono::steady_clock::now();
  Queue queue(threads * 2);
  std::atomic<std::uint64_t> documents{0}, errors{0}, bytes{0};
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; ++t)
    workers.emplace_back([&] { parse_blocks(queue, documents, errors); });

  // The reader: this thread.
  for (const auto& path : files) {
    const long long offset = map_plain(path, queue, bytes);
    if (offset < 0) {
      std::fprintf(stderr, "bare_parse: cannot open %s\n", path.c_str());
      return 1;
    }
    if (!read_rest(path, static_cast<std::uint64_t>(offset), queue, bytes)) return 1;
  }
  queue.close();
  for (auto& worker : workers) worker.join();
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "bare_parse: %llu documents, %llu errors, %llu bytes in %.3f s: %.3f GB/s (%u threads)\n",
      static_cast<unsigned long long>(documents.load()),
      static_cast<unsigned long long>(errors.load()), static_cast<unsigned long long>(bytes.load()),
      secs, static_cast<double>(bytes.load()) / 1e9 / secs, threads);
  return errors.load() == 0 ? 0 : 1;
}
