# The campaign process as data (issue 11): states, the transition table, guards and the question
# "may this user do this now, and why not". No I/O; the server, the docs and the tests read it.
add_library(tandem_process STATIC src/process/process.cc src/process/alerts.cc)
target_include_directories(tandem_process PUBLIC ${PROJECT_SOURCE_DIR}/include PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_compile_options(tandem_process PRIVATE ${TANDEM_WARNINGS})
target_link_libraries(tandem_process PUBLIC tandem_core)

if(TANDEM_BUILD_TESTS AND NOT TANDEM_BUILD_FUZZ)
  find_package(GTest REQUIRED)
  add_executable(tandem_process_tests test/process/process_table_test.cc)
  target_compile_options(tandem_process_tests PRIVATE ${TANDEM_WARNINGS})
  target_compile_definitions(tandem_process_tests PRIVATE TANDEM_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  target_link_libraries(tandem_process_tests PRIVATE tandem_process GTest::gtest_main)
  add_test(NAME process/table COMMAND tandem_process_tests)
endif()
