# simdjson and fmt as static archives, built from Debian's own source packages (issue 17).
# Debian ships both only as shared libraries, and each needs libstdc++.so: loading and relocating it
# on every start alone puts `willis --version` past 1.5x /bin/true. scripts/install-deps fetches the
# source packages (the same versions as libsimdjson-dev and libfmt-dev) into .deps/; without them
# the build falls back to the shared libraries, with a note, and everything but the start-up ratio
# is the same. Defines simdjson::simdjson and fmt::fmt either way.
set(WILLIS_DEPS_SOURCE_DIR ${PROJECT_SOURCE_DIR}/.deps
    CACHE PATH "Unpacked Debian source packages of simdjson and fmtlib (scripts/install-deps)")

# Sanitizer builds (scripts/test --sanitize, scripts/fuzz) keep the shared libraries: no static
# `willis` is made there, and instrumenting simdjson.cpp alone took 32 s of CPU in CI's sanitized
# build (as before, the library itself is not instrumented; our calls into it are).
set(willis_static_deps ON)
set(willis_shared_why "scripts/install-deps fetches the source for a static one")
if(CMAKE_CXX_FLAGS MATCHES "-fsanitize")
  set(willis_static_deps OFF)
  set(willis_shared_why "a sanitizer build")
endif()

set(simdjson_source ${WILLIS_DEPS_SOURCE_DIR}/simdjson/singleheader)
if(willis_static_deps AND EXISTS ${simdjson_source}/simdjson.cpp)
  add_library(willis_simdjson STATIC ${simdjson_source}/simdjson.cpp)
  # Their own headers (the amalgamated simdjson.h of the same release), ahead of /usr/include.
  target_include_directories(willis_simdjson SYSTEM PUBLIC ${simdjson_source})
  target_compile_options(willis_simdjson PRIVATE -w)  # third-party code: our -Werror is not its
  add_library(simdjson::simdjson ALIAS willis_simdjson)
  message(STATUS "simdjson: static, from ${simdjson_source}")
else()
  find_package(simdjson REQUIRED)
  message(STATUS "simdjson: Debian's shared library (${willis_shared_why})")
endif()

set(fmt_source ${WILLIS_DEPS_SOURCE_DIR}/fmtlib)
if(willis_static_deps AND EXISTS ${fmt_source}/src/format.cc)
  add_library(willis_fmt STATIC ${fmt_source}/src/format.cc ${fmt_source}/src/os.cc)
  target_include_directories(willis_fmt SYSTEM PUBLIC ${fmt_source}/include)
  target_compile_options(willis_fmt PRIVATE -w)
  add_library(fmt::fmt ALIAS willis_fmt)
  message(STATUS "fmt: static, from ${fmt_source}")
else()
  find_package(fmt REQUIRED)
  message(STATUS "fmt: Debian's shared library (${willis_shared_why})")
endif()
