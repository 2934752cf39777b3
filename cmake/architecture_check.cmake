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

# The server's folders use only those before them in ARCHITECTURE.md's order:
# room, core, http1, then events with h2 (one library, each calling the
# other) and threads. A folder's tests may also use testing/, whose test code
# may use any. SERVER (default ROOT/mock_server) is the tree checked; the
# check's own failing case passes another.
if(NOT DEFINED SERVER)
  set(SERVER "${ROOT}/mock_server")
endif()
set(layers room core http1 events h2 threads)
set(ranks 0 1 2 3 3 3)  # events, h2 and threads: none before another
set(wrong "")
foreach(folder IN LISTS layers)
  list(FIND layers "${folder}" at)
  list(GET ranks ${at} rank)
  file(GLOB sources "${SERVER}/${folder}/*.cpp" "${SERVER}/${folder}/*.hpp")
  foreach(source IN LISTS sources)
    get_filename_component(name "${source}" NAME)
    file(STRINGS "${source}" includes
         REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]mock_server/[a-z0-9_]+/")
    foreach(line IN LISTS includes)
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[<\"]mock_server/([a-z0-9_]+)/.*" "\\1"
                         used "${line}")
      list(FIND layers "${used}" used_at)
      set(used_rank 99)
      if(used_at GREATER -1)
        list(GET ranks ${used_at} used_rank)
      endif()
      if(used STREQUAL folder OR used_rank LESS rank)
        continue()
      elseif("${folder}${used}" STREQUAL "eventsh2" OR "${folder}${used}" STREQUAL "h2events")
        continue()
      elseif(used STREQUAL "testing" AND name MATCHES "_test[.]cpp$|_fixture[.]hpp$")
        continue()
      endif()
      list(APPEND wrong "${folder}/${name} uses ${used}/")
    endforeach()
  endforeach()
endforeach()
if(wrong)
  list(REMOVE_DUPLICATES wrong)
  list(JOIN wrong "\n  " shown)
  message(FATAL_ERROR "mock_server's folders break ARCHITECTURE.md's order:\n  ${shown}")
endif()
message(STATUS "mock_server's folders use only those before them")
