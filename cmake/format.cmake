# `cmake --build --preset dev --target format-check` fails when a source file
# is not formatted per .clang-format; `--target format` rewrites them.

find_program(CLANG_FORMAT_EXE NAMES clang-format clang-format-14)
if(CLANG_FORMAT_EXE)
  file(GLOB_RECURSE inflight_format_sources CONFIGURE_DEPENDS
       "${PROJECT_SOURCE_DIR}/*/*.cpp" "${PROJECT_SOURCE_DIR}/*/*.hpp"
       "${PROJECT_SOURCE_DIR}/*/*/*.cpp" "${PROJECT_SOURCE_DIR}/*/*/*.hpp")
  list(FILTER inflight_format_sources EXCLUDE REGEX "/build/")
  add_custom_target(format-check
    COMMAND ${CLANG_FORMAT_EXE} --dry-run --Werror ${inflight_format_sources}
    COMMENT "Checking formatting (clang-format)" VERBATIM)
  add_custom_target(format
    COMMAND ${CLANG_FORMAT_EXE} -i ${inflight_format_sources}
    COMMENT "Formatting sources (clang-format)" VERBATIM)
endif()
