# ARCHITECTURE.md names only what exists: every relative link target, and
# every `path/with/a/slash` in backticks, must be a file or folder under ROOT.
#   cmake -DROOT=<repository> [-DDOC=<file>] -P cmake/architecture_check.cmake
# DOC defaults to ROOT/ARCHITECTURE.md; the check's own test passes another.
if(NOT DEFINED ROOT)
  message(FATAL_ERROR
    "usage: cmake -DROOT=<repository> [-DDOC=<file>] -P ${CMAKE_CURRENT_LIST_FILE}")
endif()
if(NOT DEFINED DOC)
  set(DOC "${ROOT}/ARCHITECTURE.md")
endif()
file(READ "${DOC}" text)
# Square brackets would keep CMake's lists from splitting: links become >(target.
string(REPLACE "[" "<" text "${text}")
string(REPLACE "]" ">" text "${text}")

# Links: ](target) or ](target#heading); web addresses are not ours to check.
string(REGEX MATCHALL ">\\([^)# ]+" links "${text}")
# Backticked paths: a slash inside, and nothing that makes it a pattern, a
# command or a URL path (`/stats/live`).
string(REGEX MATCHALL "`[^`/ <>*][^` <>*]*/[^` <>*]*`" quoted "${text}")

set(missing "")
foreach(name IN LISTS links quoted)
  string(REGEX REPLACE "^>\\(|`" "" path "${name}")
  if(path MATCHES "://")
    continue()
  endif()
  if(NOT EXISTS "${ROOT}/${path}")
    list(APPEND missing "${path}")
  endif()
endforeach()
list(REMOVE_DUPLICATES missing)
if(missing)
  list(JOIN missing "\n  " shown)
  message(FATAL_ERROR "${DOC} names what does not exist:\n  ${shown}")
endif()
list(LENGTH links link_count)
list(LENGTH quoted quoted_count)
message(STATUS "${DOC}: ${link_count} links, ${quoted_count} quoted paths, all present")
