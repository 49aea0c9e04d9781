# lint/tests.cmake -- static analysis of src/, label "lint": clang-tidy with the checks in
# .clang-tidy (on this build's compile_commands.json) and cppcheck. Either reports skipped (77)
# when its tool is missing. clang-tidy is also "heavy": about 80 s of CPU (a minute alone on two
# cores, two minutes beside the rest of the suite), so CI runs it in the normal build only.
find_program(TB_CLANG_TIDY NAMES clang-tidy-14 clang-tidy)
find_program(TB_CPPCHECK NAMES cppcheck)

add_test(NAME lint_clang_tidy COMMAND bash ${CMAKE_SOURCE_DIR}/tests/lint/clang_tidy.sh
  "${TB_CLANG_TIDY}" ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
set_tests_properties(lint_clang_tidy PROPERTIES LABELS "lint;heavy" TIMEOUT 900 SKIP_RETURN_CODE 77)

if(TB_CPPCHECK)
  add_test(NAME lint_cppcheck COMMAND ${TB_CPPCHECK} --enable=warning,portability,performance
    --error-exitcode=1 --inline-suppr --quiet -I src src
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
else()
  add_test(NAME lint_cppcheck COMMAND sh -c "echo 'lint_cppcheck: cppcheck not found; skipped'; exit 77")
endif()
set_tests_properties(lint_cppcheck PROPERTIES LABELS "lint" TIMEOUT 900 SKIP_RETURN_CODE 77)

# clang-format (14, Debian 12) with the repository's .clang-format: every C file under src/ and
# tests/ is formatted (label "lint"; skipped, 77, without clang-format).
find_program(TB_CLANG_FORMAT NAMES clang-format-14 clang-format)
add_test(NAME lint_format COMMAND bash ${CMAKE_SOURCE_DIR}/tests/lint/format.sh "${TB_CLANG_FORMAT}"
  ${CMAKE_SOURCE_DIR})
set_tests_properties(lint_format PROPERTIES LABELS "lint" TIMEOUT 300 SKIP_RETURN_CODE 77)
