# Workshop exercises. Each chapter's exercise/ folder holds starter copies of
# some of its lesson sources, with the lesson replaced by TODOs
# (docs/workshop.md). A starter has the same file name as the source it stands
# in for: exercise/sync.cpp stands in for sync.cpp.
#
#   INFLIGHT_EXERCISES=OFF (every preset but `exercises`): the lesson library is
#     built from the chapter's own sources, the solution, and the starters are
#     compiled on the side (an OBJECT library, inflight_chNN_exercise) so that
#     CI notices a starter that no longer compiles. Nothing runs them.
#   INFLIGHT_EXERCISES=ON (the `exercises` preset): the lesson library is built
#     from the starters instead, so the chapter's own tests and executable run
#     the learner's code: `ctest --preset exercises -L ch03`.

option(INFLIGHT_EXERCISES
       "Build the chapters' lesson libraries from exercise/ (the learner's code)" OFF)

# inflight_lesson_library(<name> <source>...)
# Defines the chapter's lesson library <name> from <source>..., each replaced
# by exercise/<source> when that file exists and INFLIGHT_EXERCISES is ON.
# Link it as usual afterwards: target_link_libraries(<name> PUBLIC ...).
function(inflight_lesson_library name)
  set(solution ${ARGN})
  set(starters "")
  set(learner "")
  foreach(source IN LISTS solution)
    if(EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/exercise/${source}")
      list(APPEND starters "exercise/${source}")
      list(APPEND learner "exercise/${source}")
    else()
      list(APPEND learner "${source}")
    endif()
  endforeach()
  if(NOT starters)
    message(FATAL_ERROR "${name}: none of ${solution} has a starter in "
                        "${CMAKE_CURRENT_SOURCE_DIR}/exercise/")
  endif()

  if(INFLIGHT_EXERCISES)
    add_library(${name} ${learner})
    # Same target name in both modes: here the starters are the library itself.
    add_custom_target(${name}_exercise)
    add_dependencies(${name}_exercise ${name})
  else()
    add_library(${name} ${solution})
    # Compiled, never linked: the starters get the lesson library's include
    # paths, warnings and sanitizer flags through its usage requirements.
    add_library(${name}_exercise OBJECT ${starters})
    target_link_libraries(${name}_exercise PRIVATE ${name})
  endif()
endfunction()
