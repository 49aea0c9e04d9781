# faults/tests.cmake -- fault injection (tests/faults/run.sh), label "faults".
add_test(NAME faults COMMAND ${CMAKE_SOURCE_DIR}/tests/faults/run.sh $<TARGET_FILE:terbit> ${CMAKE_SOURCE_DIR}/assets)
set_tests_properties(faults PROPERTIES LABELS "faults" TIMEOUT 900)
