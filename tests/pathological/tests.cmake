# pathological/tests.cmake -- the hostile-input suite (tests/pathological/run.py), label
# "pathological". ASan builds reserve terabytes of address space, so no RLIMIT_AS there.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(TB_PATHO_ARGS --terbit $<TARGET_FILE:terbit> --assets ${CMAKE_SOURCE_DIR}/assets)
if(TERBIT_SANITIZE)
  list(APPEND TB_PATHO_ARGS --no-mem-limit)
endif()
add_test(NAME pathological COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/pathological/run.py ${TB_PATHO_ARGS})
set_tests_properties(pathological PROPERTIES LABELS "pathological" TIMEOUT 1800)
