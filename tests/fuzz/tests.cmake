# fuzz/tests.cmake -- ctest entries for the fuzz targets (included by tests/fuzz/CMakeLists.txt,
# which defines the targets; TERBIT_FUZZ=ON). Label "fuzz".
#   fuzz_smoke_*   each libFuzzer target for 20 s from the seeds (about 60 s together)
#   fuzz_replay_*  every file in tests/fuzz/regressions/TARGET and tests/fuzz/seeds, once; an input
#                  taking over 10 s (TB_FUZZ_BUDGET) fails too
set(TB_FUZZ_DIR ${CMAKE_SOURCE_DIR}/tests/fuzz)
foreach(t fuzz_frontmatter fuzz_load fuzz_export)
  set(corpus ${CMAKE_BINARY_DIR}/fuzz-corpus/${t})
  file(MAKE_DIRECTORY ${corpus} ${CMAKE_BINARY_DIR}/fuzz-artifacts)
  add_test(NAME fuzz_smoke_${t}
    COMMAND ${t} -max_total_time=20 -rss_limit_mb=2048 -timeout=10 -seed=1
            -dict=${TB_FUZZ_DIR}/dict.txt -artifact_prefix=${CMAKE_BINARY_DIR}/fuzz-artifacts/${t}-
            ${corpus} ${TB_FUZZ_DIR}/seeds)
  set(replay_dirs ${TB_FUZZ_DIR}/seeds)
  if(EXISTS ${TB_FUZZ_DIR}/regressions/${t})
    list(APPEND replay_dirs ${TB_FUZZ_DIR}/regressions/${t})
  endif()
  add_test(NAME fuzz_replay_${t} COMMAND ${t}_replay ${replay_dirs})
  set_tests_properties(fuzz_smoke_${t} fuzz_replay_${t} PROPERTIES LABELS "fuzz" TIMEOUT 300)
  # a runaway allocation is a failure, not the CI machine's OOM killer (libFuzzer has -rss_limit_mb)
  set_tests_properties(fuzz_replay_${t} PROPERTIES
    ENVIRONMENT "ASAN_OPTIONS=hard_rss_limit_mb=2048:detect_leaks=1;UBSAN_OPTIONS=print_stacktrace=1;TB_FUZZ_BUDGET=10")
endforeach()
