# Language level, warnings, sanitizers and where binaries go.

set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)

# Every executable lands in build/<preset>/bin/ (the build contract in ARCHITECTURE.md).
set(CMAKE_RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/bin")

# Warnings are always on; CI (which sets CI=true) turns them into errors so a
# warning cannot land, while a learner on a newer compiler is not blocked by one.
if(DEFINED ENV{CI} AND NOT "$ENV{CI}" STREQUAL "" AND NOT "$ENV{CI}" STREQUAL "false")
  set(inflight_werror_default ON)
else()
  set(inflight_werror_default OFF)
endif()
option(INFLIGHT_WERROR "Treat compiler warnings as errors" ${inflight_werror_default})

set(INFLIGHT_SANITIZE "" CACHE STRING "Sanitizers: empty, 'address;undefined' or 'thread'")

add_library(inflight_options INTERFACE)
target_compile_options(inflight_options INTERFACE -Wall -Wextra -Wpedantic
                       $<$<BOOL:${INFLIGHT_WERROR}>:-Werror>)

if(INFLIGHT_SANITIZE)
  list(JOIN INFLIGHT_SANITIZE "," inflight_sanitizers)
  # -fno-sanitize-recover: a sanitizer report fails the test instead of
  # scrolling past in the log.
  target_compile_options(inflight_options INTERFACE
                         -fsanitize=${inflight_sanitizers} -fno-sanitize-recover=all
                         -fno-omit-frame-pointer)
  target_link_options(inflight_options INTERFACE -fsanitize=${inflight_sanitizers})
  # Workaround: with sanitizer instrumentation GCC 12 reports maybe-uninitialized
  # false positives inside libstdc++ itself (std::regex's std::function states),
  # which -Werror in CI turns into build failures. The dev and release builds,
  # uninstrumented, keep the warning.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(inflight_options INTERFACE -Wno-maybe-uninitialized)
  endif()
endif()
