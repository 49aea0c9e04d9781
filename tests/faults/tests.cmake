# faults/tests.cmake -- fault injection (tests/faults/run.sh), label "faults".
set(TB_FAULTS_ARGS $<TARGET_FILE:terbit> ${CMAKE_SOURCE_DIR}/assets)
if(TERBIT_SANITIZE OR TERBIT_TSAN)
  list(APPEND TB_FAULTS_ARGS --sanitized)
endif()
add_test(NAME faults COMMAND ${CMAKE_SOURCE_DIR}/tests/faults/run.sh ${TB_FAULTS_ARGS})
set_tests_properties(faults PROPERTIES LABELS "faults" TIMEOUT 900)
