# tests.cmake -- the end-to-end tests: the real terbit binary on real sources, its outputs
# checked with third-party tools only (qpdf, poppler, mupdf, xmllint, EPUBCheck).  Included by
# tests/CMakeLists.txt.  No test is timed: TIMEOUT only guards against hangs.  A test whose
# tools are missing exits 77 and is reported as skipped.
# Labels: e2e (all of them), pdf, epub, epubcheck (starts a JVM: slow), corpus, html, heavy, memory.
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND)
  message(STATUS "python3 not found: end-to-end tests not registered")
  return()
endif()

set(TB_E2E ${CMAKE_SOURCE_DIR}/tests/e2e)
set(TB_FIX ${CMAKE_SOURCE_DIR}/tests/fixtures)

function(tb_e2e_test name labels)
  add_test(NAME ${name} COMMAND ${ARGN})
  set_tests_properties(${name} PROPERTIES LABELS "e2e;${labels}" TIMEOUT 600 SKIP_RETURN_CODE 77)
endfunction()

tb_e2e_test(e2e_cli "cli" bash ${TB_E2E}/check_cli.sh
  --terbit $<TARGET_FILE:terbit> --source ${TB_FIX}/malay-long.md)
tb_e2e_test(e2e_repro_constructs "repro" bash ${TB_E2E}/check_repro.sh
  --terbit $<TARGET_FILE:terbit> --source ${TB_FIX}/constructs.md)
tb_e2e_test(e2e_repro_malay_long "repro" bash ${TB_E2E}/check_repro.sh
  --terbit $<TARGET_FILE:terbit> --source ${TB_FIX}/malay-long.md)
# the benchmark's peak memory targets on its 500-chapter book (maximum RSS, not time); not in a
# sanitizer build, whose shadow memory is no measure (registered there, it would only skip)
if(NOT TERBIT_SANITIZE AND NOT TERBIT_TSAN)
  tb_e2e_test(e2e_memory_500_chapters "memory" bash ${TB_E2E}/check_memory.sh
    --terbit $<TARGET_FILE:terbit> --source ${CMAKE_SOURCE_DIR}/source/pemasar-digital.md)
endif()

tb_e2e_test(e2e_pdf_constructs "pdf" ${Python3_EXECUTABLE} ${TB_E2E}/check_pdf.py
  --terbit $<TARGET_FILE:terbit> --source ${TB_FIX}/constructs.md)
tb_e2e_test(e2e_pdf_constructs_letter "pdf" ${Python3_EXECUTABLE} ${TB_E2E}/check_pdf.py
  --terbit $<TARGET_FILE:terbit> --source ${TB_FIX}/constructs.md --paper letter)
tb_e2e_test(e2e_pdf_malay_long "pdf" ${Python3_EXECUTABLE} ${TB_E2E}/check_pdf.py
  --terbit $<TARGET_FILE:terbit> --source ${TB_FIX}/malay-long.md)
tb_e2e_test(e2e_pdf_malay_long_a5 "pdf" ${Python3_EXECUTABLE} ${TB_E2E}/check_pdf.py
  --terbit $<TARGET_FILE:terbit> --source ${TB_FIX}/malay-long.md --paper a5)
tb_e2e_test(e2e_pdf_default_article "pdf" ${Python3_EXECUTABLE} ${TB_E2E}/check_pdf.py
  --terbit $<TARGET_FILE:terbit> --source ${CMAKE_SOURCE_DIR}/source/pemasar-digital.md --max-pages 4 --max-bytes 40000)
# The classes of document (tests/fixtures/classes): an article's sections flow, a book's chapters
# open pages; the page counts are the targets of issue 13, stable facts of these fixtures.
tb_e2e_test(e2e_pdf_note "pdf;class" ${Python3_EXECUTABLE} ${TB_E2E}/check_pdf.py
  --terbit $<TARGET_FILE:terbit> --source ${TB_FIX}/classes/note.md --max-pages 2)
tb_e2e_test(e2e_pdf_howto "pdf;class" ${Python3_EXECUTABLE} ${TB_E2E}/check_pdf.py
  --terbit $<TARGET_FILE:terbit> --source ${TB_FIX}/classes/howto.md --max-pages 3)
tb_e2e_test(e2e_pdf_howto_a5 "pdf;class" ${Python3_EXECUTABLE} ${TB_E2E}/check_pdf.py
  --terbit $<TARGET_FILE:terbit> --source ${TB_FIX}/classes/howto.md --paper a5)
tb_e2e_test(e2e_pdf_36_chapters_book "pdf;class;book" ${Python3_EXECUTABLE} ${TB_E2E}/check_pdf.py
  --terbit $<TARGET_FILE:terbit> --source ${TB_FIX}/classes/chapters36-book.md)
tb_e2e_test(e2e_pdf_36_sections_article "pdf;class" ${Python3_EXECUTABLE} ${TB_E2E}/check_pdf.py
  --terbit $<TARGET_FILE:terbit> --source ${TB_FIX}/classes/chapters36-article.md)
tb_e2e_test(e2e_pdf_book_front_only "pdf;class;book" ${Python3_EXECUTABLE} ${TB_E2E}/check_pdf.py
  --terbit $<TARGET_FILE:terbit> --source ${TB_FIX}/classes/front-only.md
  --source ${TB_FIX}/book/chapter-a.md --source ${TB_FIX}/book/chapter-b.md)
tb_e2e_test(e2e_pdf_book "pdf;book" ${Python3_EXECUTABLE} ${TB_E2E}/check_pdf.py
  --terbit $<TARGET_FILE:terbit> --source ${TB_FIX}/book/chapter-a.md --source ${TB_FIX}/book/chapter-b.md)

# PDF/UA-1's machine-checkable rules (check_pdfua.py names them)
tb_e2e_test(e2e_pdfua_default_article "pdf;pdfua" ${Python3_EXECUTABLE} ${TB_E2E}/check_pdfua.py
  --terbit $<TARGET_FILE:terbit> --source ${CMAKE_SOURCE_DIR}/source/pemasar-digital.md)
tb_e2e_test(e2e_pdfua_constructs "pdf;pdfua" ${Python3_EXECUTABLE} ${TB_E2E}/check_pdfua.py
  --terbit $<TARGET_FILE:terbit> --source ${TB_FIX}/constructs.md)
tb_e2e_test(e2e_pdfua_malay_long "pdf;pdfua" ${Python3_EXECUTABLE} ${TB_E2E}/check_pdfua.py
  --terbit $<TARGET_FILE:terbit> --source ${TB_FIX}/malay-long.md)
tb_e2e_test(e2e_pdfua_unicode_marks "pdf;pdfua" ${Python3_EXECUTABLE} ${TB_E2E}/check_pdfua.py
  --terbit $<TARGET_FILE:terbit> --source ${TB_FIX}/unicode-marks.md)
if(TERBIT_HEAVY_TESTS)
  tb_e2e_test(e2e_epub_constructs "epub;epubcheck" ${Python3_EXECUTABLE} ${TB_E2E}/check_epub.py
    --terbit $<TARGET_FILE:terbit> --source ${TB_FIX}/constructs.md)
  tb_e2e_test(e2e_epub_malay_long_a5 "epub;epubcheck" ${Python3_EXECUTABLE} ${TB_E2E}/check_epub.py
    --terbit $<TARGET_FILE:terbit> --source ${TB_FIX}/malay-long.md --paper a5)
  tb_e2e_test(e2e_epub_book "epub;epubcheck;book" ${Python3_EXECUTABLE} ${TB_E2E}/check_epub.py
    --terbit $<TARGET_FILE:terbit> --source ${TB_FIX}/book/chapter-a.md --source ${TB_FIX}/book/chapter-b.md)
  tb_e2e_test(e2e_pdfua_gfm_corpus "pdf;pdfua;corpus" ${Python3_EXECUTABLE} ${TB_E2E}/check_pdfua.py
    --terbit $<TARGET_FILE:terbit> --gfm-corpus ${TB_FIX}/gfm)
  tb_e2e_test(e2e_epub_default_article "epub;epubcheck;class" ${Python3_EXECUTABLE} ${TB_E2E}/check_epub.py
    --terbit $<TARGET_FILE:terbit> --source ${CMAKE_SOURCE_DIR}/source/pemasar-digital.md)
  tb_e2e_test(e2e_epub_36_sections_article "epub;epubcheck;class" ${Python3_EXECUTABLE} ${TB_E2E}/check_epub.py
    --terbit $<TARGET_FILE:terbit> --source ${TB_FIX}/classes/chapters36-article.md)
  tb_e2e_test(e2e_epub_36_chapters_book "epub;epubcheck;class;book" ${Python3_EXECUTABLE} ${TB_E2E}/check_epub.py
    --terbit $<TARGET_FILE:terbit> --source ${TB_FIX}/classes/chapters36-book.md)
  tb_e2e_test(e2e_epub_howto_a5 "epub;epubcheck;class" ${Python3_EXECUTABLE} ${TB_E2E}/check_epub.py
    --terbit $<TARGET_FILE:terbit> --source ${TB_FIX}/classes/howto.md --paper a5)
  tb_e2e_test(e2e_epub_book_front_only "epub;epubcheck;class;book" ${Python3_EXECUTABLE} ${TB_E2E}/check_epub.py
    --terbit $<TARGET_FILE:terbit> --source ${TB_FIX}/classes/front-only.md
    --source ${TB_FIX}/book/chapter-a.md --source ${TB_FIX}/book/chapter-b.md)
  tb_e2e_test(e2e_gfm_corpus "epub;epubcheck;corpus" ${Python3_EXECUTABLE} ${TB_E2E}/check_gfm_corpus.py
    --terbit $<TARGET_FILE:terbit> --corpus ${TB_FIX}/gfm)
  # raw HTML as GitHub renders it, both formats (issue 12)
  tb_e2e_test(e2e_html "pdf;epub;epubcheck;html" ${Python3_EXECUTABLE} ${TB_E2E}/check_html.py
    --terbit $<TARGET_FILE:terbit> --source ${TB_FIX}/html/README.md)
  # Markdown nobody here wrote: a fixed sample of 50 of the READMEs of the Ace install's npm
  # packages (tests/a11y/setup.sh installs them; --all for every one of them, by hand)
  tb_e2e_test(e2e_readme_corpus "pdf;epub;epubcheck;corpus;heavy" ${Python3_EXECUTABLE}
    ${TB_E2E}/check_readme_corpus.py --terbit $<TARGET_FILE:terbit>
    --modules ${CMAKE_SOURCE_DIR}/tests/a11y/node_modules)
endif()
