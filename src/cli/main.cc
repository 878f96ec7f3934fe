// src/cli/main.cc: the willis command line. Commands live in the command table (commands.h).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include <sys/mman.h>

#include "app/version.h"
#include "cli/commands.h"

// ---- allocation: a bump arena for the first few megabytes (issue 17, start-up) ----
// A CLI call allocates ~15-25 thousand small blocks (KB image, YAML profile, report) and frees few
// of them before exit; malloc/free cost ~180 instructions a block, a fifth of `willis assess`. The
// first kArenaBytes are handed out from a zero-initialised static buffer (pages cost only when
// touched) and reused only when the newest block is freed with its size; beyond that, and for every
// block freed that is not in the arena, malloc and free as usual, so long runs (audit of a large
// export) stay bounded. Only the `willis` executable has this (main.cc); sanitizer builds keep the
// standard allocator so that they still see every heap error.
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define WILLIS_NO_ARENA 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define WILLIS_NO_ARENA 1
#endif

#ifndef WILLIS_NO_ARENA
namespace {

constexpr std::size_t kArenaAlign = __STDCPP_DEFAULT_NEW_ALIGNMENT__;
// Most of the arena is in 2 MiB huge pages where the kernel gives them (transparent huge pages,
// "always" or "madvise"), each populated ahead of use by one madvise call (MADV_POPULATE_WRITE,
// Linux 5.14+). Measured: 4 KiB pages faulted one by one cost ~280 page faults (a trap into the
// kernel each) on a typical profile, most of its time above /bin/true; populated 256 KiB at a
// time, `willis assess` on the heavy profile took 5.8 ms (hyperfine), in one populated huge page
// 3.5 ms with user time halved (TLB misses: the KB and the profile's nodes are spread over the
// arena). Where the kernel refuses either call, pages fault one by one as before.
// The first kEarlyBytes stay ordinary pages, populated by one call on first use: static
// initialisation and `willis --version` fit there and do not pay for zeroing a huge page (--version
// 3.2 -> 2.4 ms, /bin/true 2.0 ms, same run); the first block that does not fit starts the huge
// pages, at kHugePageBytes (the addresses in between are never touched).
constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;
constexpr std::size_t kEarlyBytes = std::size_t{16} << 10;
constexpr std::size_t kArenaBytes = kHugePageBytes + (std::size_t{8} << 20);
alignas(kHugePageBytes) char arena[kArenaBytes];
std::atomic<std::size_t> arena_used{0};
std::atomic<std::size_t> arena_populated{kHugePageBytes};

void populate_arena_to(std::size_t end) {
  std::size_t done = arena_populated.load(std::memory_order_relaxed);
  while (end > done) {
    const std::size_t next =
        std::min(kArenaBytes, (end + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes);
    if (arena_populated.compare_exchange_weak(done, next, std::memory_order_relaxed)) {
      if (done == kHugePageBytes)
        (void)madvise(arena + kHugePageBytes, kArenaBytes - kHugePageBytes, MADV_HUGEPAGE);
      (void)madvise(arena + done, next - done, MADV_POPULATE_WRITE);
      return;
    }
  }
}

/// Offset of a new block of `rounded` bytes in the arena, or kArenaBytes when it is full.
std::size_t take_from_arena(std::size_t rounded) {
  std::size_t used = arena_used.load(std::memory_order_relaxed);
  for (;;) {
    std::size_t start = used;
    if (start < kHugePageBytes && start + rounded > kEarlyBytes) start = kHugePageBytes;
    if (rounded > kArenaBytes - start) return kArenaBytes;
    if (arena_used.compare_exchange_weak(used, start + rounded, std::memory_order_relaxed)) {
      if (start >= kHugePageBytes)
        populate_arena_to(start + rounded);
      else if (start == 0)
        (void)madvise(arena, kEarlyBytes, MADV_POPULATE_WRITE);  // one call, not a fault per page
      return start;
    }
  }
}

bool in_arena(const void* block) {
  const auto at = reinterpret_cast<std::uintptr_t>(block);
  const auto begin = reinterpret_cast<std::uintptr_t>(arena);
  return at >= begin && at < begin + kArenaBytes;
}

void* allocate(std::size_t size) {
  const std::size_t rounded = (size + kArenaAlign - 1) & ~(kArenaAlign - 1);
  if (rounded >= size) {
    const std::size_t at = take_from_arena(rounded);
    if (at < kArenaBytes) return arena + at;
  }
  for (;;) {
    if (void* block = std::malloc(size == 0 ? 1 : size)) return block;
    if (std::new_handler handler = std::get_new_handler())
      handler();
    else
      throw std::bad_alloc();
  }
}

void release(void* block) noexcept {
  if (!in_arena(block)) std::free(block);
}

// A sized release of the newest block in the arena gives its space back (containers free with their
// size; temporaries are often freed right after they are made), which keeps fewer pages touched.
void release(void* block, std::size_t size) noexcept {
  if (!in_arena(block)) {
    std::free(block);
    return;
  }
  const std::size_t rounded = (size + kArenaAlign - 1) & ~(kArenaAlign - 1);
  const std::size_t at = static_cast<std::size_t>(static_cast<char*>(block) - arena);
  std::size_t end = at + rounded;
  arena_used.compare_exchange_strong(end, at, std::memory_order_relaxed);
}

}  // namespace

// The other forms (arrays, nothrow, sized delete) call these in libstdc++.
void* operator new(std::size_t size) {
  return allocate(size);
}
void* operator new[](std::size_t size) {
  return allocate(size);
}
void operator delete(void* block) noexcept {
  release(block);
}
void operator delete[](void* block) noexcept {
  release(block);
}
void operator delete(void* block, std::size_t size) noexcept {
  release(block, size);
}
void operator delete[](void* block, std::size_t size) noexcept {
  release(block, size);
}
#endif

int main(int argc, char** argv) {
  using namespace willis::cli;
  // `willis --version` alone: answered before the command table is built (building it is most of
  // this command's own work; issue 17). Same output as CLI11's --version flag below.
  if (argc == 2 && std::strcmp(argv[1], "--version") == 0) {
    willis::app::print_version_line();
    return 0;
  }
  CLI::App app{
      "willis: evidence-graded decision support for magnesium in restless legs syndrome\n"
      "(Willis-Ekbom disease) and sleep. Every statement cites its source.\n"
      "This is information, not a diagnosis: discuss any change with your GP or pharmacist.\n\n"
      "Examples:\n"
      "  willis assess examples/typical.yaml\n"
      "  willis assess examples/typical.yaml --format json\n"
      "  willis kb check\n"
      "  willis kb show interaction:ciprofloxacin\n",
      "willis"};
  app.set_version_flag("--version", willis::app::version_line);
  GlobalOptions options;
  prepare_command_line(app, options, argc, argv);

  if (assess_alone(argc, argv))
    register_assess_commands(app, options);
  else
    register_commands(app, options);

  return parse_and_run(app, argc, argv, options.exit_code);
}
