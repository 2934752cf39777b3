# Workshop exercises. Each chapter's exercise/ folder holds starter copies of
# some of its lesson files, with the lesson replaced by TODOs
# (docs/workshop.md). A starter has the same file name as the file it stands
# in for: exercise/sync.cpp stands in for sync.cpp, exercise/when_all.hpp for
# when_all.hpp.
#
#   INFLIGHT_EXERCISES=OFF (every preset but `exercises`): the lesson library is
#     built from the chapter's own sources, the solution, and the starters are
#     compiled on the side (an OBJECT library, inflight_chNN_exercise) so that
#     CI notices a starter that no longer compiles. Nothing runs them.
#   INFLIGHT_EXERCISES=ON (the `exercises` preset): the lesson library is built
#     from the starters instead, so the chapter's own tests and executable run
#     the learner's code: `ctest --preset exercises -L ch03`. Only the chapters,
#     their tests, the server and the harness are built (INFLIGHT_EXTRAS, below).

option(INFLIGHT_EXERCISES
       "Build the chapters' lesson libraries from exercise/ (the learner's code)" OFF)

# Everything that runs no learner code: the tour, the benchmarks, the docs'
# tools, and the server's and harness's own tests. On by default, forced off
# in the exercises build, so that a learner's edit rebuilds only the chapters
# and their tests (and a pool-header edit relinks no benchmark).
include(CMakeDependentOption)
cmake_dependent_option(INFLIGHT_EXTRAS
                       "Build the tour, the benchmarks, the docs' tools and the non-chapter tests"
                       ON "NOT INFLIGHT_EXERCISES" OFF)

# An edit rebuilds only its chapter. In the exercises build each lesson
# library is a shared library, and no target relinks because a shared library
# it links has changed (CMAKE_LINK_DEPENDS_NO_SHARED): an edit to
# 01_sync/exercise/sync.cpp recompiles that file and relinks libinflight_ch01.so
# alone, and chapters 02 to 05 load the new one when their tests run. With
# static libraries every later chapter's executable and test would relink. An
# edited header still recompiles every file that includes it. The static
# libraries beneath (harness, server) go into the shared ones, hence -fPIC.
if(INFLIGHT_EXERCISES)
  set(CMAKE_POSITION_INDEPENDENT_CODE ON)
  set(CMAKE_LINK_DEPENDS_NO_SHARED ON)
endif()

# Each starter is generated from its solution by cmake/exercise_starter.cpp,
# which keeps the starter's opening comment, #include lines and TODO regions
# and takes every other line from the solution. Outside the exercises build,
# one ch<NN> test per starter fails when it has drifted, and
#   cmake --build --preset dev --target exercise_starters
# rewrites them all from their solutions. The exercises build leaves both out:
# there the starters hold the learner's code.
if(NOT INFLIGHT_EXERCISES)
  add_executable(exercise_starter "${CMAKE_CURRENT_LIST_DIR}/exercise_starter.cpp")
  target_link_libraries(exercise_starter PRIVATE inflight_options)
  add_custom_target(exercise_starters)
  # An [exercise:] region that is never closed is an error naming its line.
  set(unclosed "${CMAKE_CURRENT_BINARY_DIR}/exercise_starter_unclosed")
  file(WRITE "${unclosed}/solution.cpp"
       "// solution\n#include <cstdio>\n\nint f() {\n  // [exercise:f]\n"
       "  return 1;\n}\n\nint g() { return 2; }\n")
  file(WRITE "${unclosed}/starter.cpp"
       "// starter\n#include <cstdio>\n\nint f() {\n  // [todo:f]\n"
       "  return 0;\n  // [/todo]\n}\n\nint g() { return 2; }\n")
  add_test(NAME exercise_starter_refuses_an_unclosed_exercise_region
           COMMAND exercise_starter "${unclosed}/solution.cpp" "${unclosed}/starter.cpp")
  set_tests_properties(exercise_starter_refuses_an_unclosed_exercise_region PROPERTIES
    LABELS harness
    PASS_REGULAR_EXPRESSION "solution[.]cpp:5: \\[exercise:f\\] has no // \\[/exercise\\]")
endif()

# inflight_lesson_library(<name> <source>... [HEADERS <header>...])
# Defines the chapter's lesson library <name> from <source>..., each replaced
# by exercise/<source> when that file exists and INFLIGHT_EXERCISES is ON.
# Link it as usual afterwards: target_link_libraries(<name> PUBLIC ...).
#
# HEADERS names lesson headers that more than the starters include (04's
# when_all.hpp, all templates; 02's fixed_pool.hpp, whose submit is one): each
# one's starter exercise/<header> must stand in for <header> wherever it is
# included by its lesson path, "04_coroutines/when_all.hpp": in the chapter's
# sources, its tests, and later chapters. A list of sources cannot swap those,
# so the starter shadows the solution on the include path instead:
#   - a generated header, <build>/<chapter>/exercise_headers/04_coroutines/
#     when_all.hpp, includes the starter by its absolute path (so a compiler
#     error names the starter, the file the learner edits);
#   - that directory goes on the compile line with -iquote. For #include "...",
#     GCC and Clang search the including file's own directory, then the
#     -iquote directories, then the -I ones. So the shadow wins over the
#     project root (an -I directory, from inflight_harness) whatever order the
#     link line puts the -I directories in; and no including file's own
#     directory holds a "04_coroutines/when_all.hpp" (every source is one folder
#     down, and none includes a header by a path relative to itself).
# ON, the -iquote is PUBLIC: the library, its tests and executable, and every
# later chapter that links it see the starter, so no program mixes the starter's
# templates with the solution's (that would break the one-definition rule).
# OFF, only the check target has it, compiling a generated source that
# includes each header: a starter that no longer compiles fails the build. That
# check parses the templates but instantiates none; the exercises build, which
# compiles the chapter against the starter, is the complete one.
#
# A header that only the starters include needs no HEADERS entry: they can
# include it by its exercise/ path.
function(inflight_lesson_library name)
  cmake_parse_arguments(PARSE_ARGV 1 lesson "" "" "HEADERS")
  set(solution ${lesson_UNPARSED_ARGUMENTS})
  set(starters "")
  set(learner "")
  set(generated ${lesson_HEADERS})  # every file with a starter
  foreach(source IN LISTS solution)
    if(EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/exercise/${source}")
      list(APPEND generated "${source}")
      list(APPEND starters "exercise/${source}")
      list(APPEND learner "exercise/${source}")
    else()
      list(APPEND learner "${source}")
    endif()
  endforeach()
  if(NOT starters AND NOT lesson_HEADERS)
    message(FATAL_ERROR "${name}: none of ${solution} has a starter in "
                        "${CMAKE_CURRENT_SOURCE_DIR}/exercise/")
  endif()

  # The shadow directory, and a source that includes every shadowed header.
  set(shadow "${CMAKE_CURRENT_BINARY_DIR}/exercise_headers")
  file(RELATIVE_PATH chapter "${PROJECT_SOURCE_DIR}" "${CMAKE_CURRENT_SOURCE_DIR}")
  set(includes "")
  foreach(header IN LISTS lesson_HEADERS)
    set(starter "${CMAKE_CURRENT_SOURCE_DIR}/exercise/${header}")
    if(NOT EXISTS "${starter}")
      message(FATAL_ERROR "${name}: HEADERS ${header} has no starter ${starter}")
    endif()
    file(CONFIGURE OUTPUT "${shadow}/${chapter}/${header}" @ONLY CONTENT
         "// Generated by cmake/exercises.cmake: the exercises build includes\n\
// the starter wherever \"${chapter}/${header}\" is included.\n\
#include \"${starter}\"\n")
    string(APPEND includes "#include \"${chapter}/${header}\"\n")
  endforeach()

  if(INFLIGHT_EXERCISES)
    add_library(${name} SHARED ${learner})
    if(lesson_HEADERS)
      target_compile_options(${name} PUBLIC "-iquote${shadow}")
    endif()
    # Same target name in both modes: here the starters are the library itself.
    add_custom_target(${name}_exercise)
    add_dependencies(${name}_exercise ${name})
  else()
    add_library(${name} ${solution})
    if(lesson_HEADERS)
      set(check "${CMAKE_CURRENT_BINARY_DIR}/${name}_exercise_headers.cpp")
      file(CONFIGURE OUTPUT "${check}" @ONLY CONTENT
           "// Generated by cmake/exercises.cmake: the header starters compile.\n\
${includes}")
      list(APPEND starters "${check}")
    endif()
    # Each starter is its solution with its TODO regions (exercise_starter).
    string(SUBSTRING "${chapter}" 0 2 number)
    set(fix "")
    foreach(file IN LISTS generated)
      set(pair "${CMAKE_CURRENT_SOURCE_DIR}/${file}" "${CMAKE_CURRENT_SOURCE_DIR}/exercise/${file}")
      add_test(NAME ch${number}.starter_${file}_is_its_solution_with_todos
               COMMAND exercise_starter ${pair})
      set_tests_properties(ch${number}.starter_${file}_is_its_solution_with_todos
                           PROPERTIES LABELS ch${number})
      list(APPEND fix COMMAND exercise_starter ${pair} --fix)
    endforeach()
    add_custom_target(${name}_starters ${fix}
                      COMMENT "Regenerating ${chapter}'s starters from its solutions" VERBATIM)
    add_dependencies(exercise_starters ${name}_starters)

    # Compiled, never linked: the starters get the lesson library's include
    # paths, warnings and sanitizer flags through its usage requirements.
    add_library(${name}_exercise OBJECT ${starters})
    target_link_libraries(${name}_exercise PRIVATE ${name})
    if(lesson_HEADERS)
      target_compile_options(${name}_exercise PRIVATE "-iquote${shadow}")
    endif()
  endif()
endfunction()
