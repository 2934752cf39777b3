# `cmake --build --preset dev --target format-check` fails when a source file
# is not formatted per .clang-format; `--target format` rewrites them.

find_program(CLANG_FORMAT_EXE NAMES clang-format clang-format-14)
if(CLANG_FORMAT_EXE)
  # Each source folder at the top, globbed on its own, never build/: there the
  # build itself makes files (the exercises' generated headers, other presets'
  # trees), and CONFIGURE_DEPENDS re-runs every glob before each build, so a
  # glob from the root printed "GLOB mismatch!" and re-ran CMake. A build tree
  # elsewhere at the top (cmake -B out) is known by its CMakeCache.txt.
  file(GLOB top_level LIST_DIRECTORIES true RELATIVE "${PROJECT_SOURCE_DIR}"
       "${PROJECT_SOURCE_DIR}/*")
  set(inflight_format_sources "")
  foreach(folder IN LISTS top_level)
    set(path "${PROJECT_SOURCE_DIR}/${folder}")
    if(NOT IS_DIRECTORY "${path}" OR folder STREQUAL "build" OR folder MATCHES "^\\."
       OR EXISTS "${path}/CMakeCache.txt")
      continue()
    endif()
    file(GLOB_RECURSE folder_sources CONFIGURE_DEPENDS "${path}/*.cpp" "${path}/*.hpp")
    list(APPEND inflight_format_sources ${folder_sources})
  endforeach()
  add_custom_target(format-check
    COMMAND ${CLANG_FORMAT_EXE} --dry-run --Werror ${inflight_format_sources}
    COMMENT "Checking formatting (clang-format)" VERBATIM)
  add_custom_target(format
    COMMAND ${CLANG_FORMAT_EXE} -i ${inflight_format_sources}
    COMMENT "Formatting sources (clang-format)" VERBATIM)
endif()
