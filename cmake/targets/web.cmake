# The web front end (web/): npm + Vite build the report bundle and the web UI into the build
# directory, web/scripts/embed.mjs turns them into a C++ source, and tandem_web (the embedded
# files, the HTML report's page around the data tandem_render gives) links into the CLI for
# `tandem report`. Browser tests (playwright-core driving Debian's Chromium) and the JS unit tests are CTest tests here.
# See docs/report.md.
if(TANDEM_BUILD_FUZZ)
  return()  # the fuzz build has no CLI
endif()

find_program(TANDEM_NODE NAMES node nodejs)
find_program(TANDEM_NPM NAMES npm)
if(NOT TANDEM_NODE OR NOT TANDEM_NPM)
  message(FATAL_ERROR "The web build needs Node.js (>= 20.19) and npm. `make deps` installs them "
                      "(Debian packages nodejs and npm); node: '${TANDEM_NODE}', npm: '${TANDEM_NPM}'.")
endif()
execute_process(COMMAND ${TANDEM_NODE} --version OUTPUT_VARIABLE TANDEM_NODE_VERSION
                OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE TANDEM_NODE_RESULT)
string(REGEX REPLACE "^v" "" TANDEM_NODE_VERSION "${TANDEM_NODE_VERSION}")
if(NOT TANDEM_NODE_RESULT EQUAL 0 OR TANDEM_NODE_VERSION VERSION_LESS 20.19)
  message(FATAL_ERROR "The web build (Vite 8) needs Node.js >= 20.19; ${TANDEM_NODE} is '${TANDEM_NODE_VERSION}'.")
endif()

set(TANDEM_WEB_DIR ${PROJECT_SOURCE_DIR}/web)
set(TANDEM_WEB_OUT ${CMAKE_BINARY_DIR}/web)
set(TANDEM_WEB_ASSETS_CC ${TANDEM_WEB_OUT}/tandem_web_assets.cc)

file(GLOB_RECURSE TANDEM_WEB_INPUTS CONFIGURE_DEPENDS
     ${TANDEM_WEB_DIR}/src/* ${TANDEM_WEB_DIR}/scripts/*)
list(APPEND TANDEM_WEB_INPUTS
     ${TANDEM_WEB_DIR}/index.html ${TANDEM_WEB_DIR}/vite.config.js ${TANDEM_WEB_DIR}/vite.report.config.js
     ${TANDEM_WEB_DIR}/package.json ${TANDEM_WEB_DIR}/package-lock.json)

# npm ci (only when package-lock.json is newer than node_modules), both Vite builds, embed.
# The .cc is rewritten only when its content changes (Ninja's restat skips the recompile).
add_custom_command(
  OUTPUT ${TANDEM_WEB_ASSETS_CC}
  COMMAND ${CMAKE_COMMAND} -E env NODE=${TANDEM_NODE} NPM=${TANDEM_NPM}
          sh ${TANDEM_WEB_DIR}/scripts/build.sh ${TANDEM_WEB_OUT}
  DEPENDS ${TANDEM_WEB_INPUTS}
  WORKING_DIRECTORY ${TANDEM_WEB_DIR}
  COMMENT "Building web/ (npm ci if needed, Vite) and embedding it"
  VERBATIM)

add_library(tandem_web STATIC
  ${PROJECT_SOURCE_DIR}/src/web/assets.cc
  ${PROJECT_SOURCE_DIR}/src/web/report_html.cc
  ${TANDEM_WEB_ASSETS_CC})
target_include_directories(tandem_web PUBLIC ${PROJECT_SOURCE_DIR}/include)
target_compile_options(tandem_web PRIVATE ${TANDEM_WARNINGS})
target_link_libraries(tandem_web PUBLIC tandem_core)
list(APPEND TANDEM_CLI_LIBRARIES tandem_web)

if(TANDEM_BUILD_TESTS)
  enable_testing()
  set(TANDEM_WEB_TEST_DIR ${PROJECT_SOURCE_DIR}/test/web)
  # Screenshots and reports the tests write, kept as artefacts (not in git).
  set(TANDEM_WEB_ARTEFACTS ${CMAKE_BINARY_DIR}/test-artefacts/web)
  set(TANDEM_WEB_TEST_ENV
      TANDEM_BIN=$<TARGET_FILE:tandem>
      TANDEM_SOURCE_DIR=${PROJECT_SOURCE_DIR}
      TANDEM_WEB_DIR=${TANDEM_WEB_DIR}
      TANDEM_ARTEFACTS=${TANDEM_WEB_ARTEFACTS}
      TANDEM_CHROMIUM=/usr/bin/chromium)

  # The embedded files and the report's composition (escaping, slots, data), in C++.
  find_package(GTest REQUIRED)
  include(GoogleTest)
  add_executable(tandem_web_tests ${PROJECT_SOURCE_DIR}/test/web/report_html_test.cc)
  target_compile_options(tandem_web_tests PRIVATE ${TANDEM_WARNINGS})
  target_link_libraries(tandem_web_tests PRIVATE tandem_web tandem_render tandem_io tandem_core nlohmann_json::nlohmann_json
                                                 GTest::gtest_main)
  gtest_discover_tests(tandem_web_tests TEST_PREFIX web/ DISCOVERY_TIMEOUT 60 PROPERTIES LABELS web)

  # The formatting and series functions the charts are drawn from, and the web UI's pure pieces
  # (campaign form conversion, routes, dependencies, quarters) (node's test runner).
  add_test(NAME web/unit
           COMMAND ${TANDEM_NODE} --test --test-reporter=spec
                   ${TANDEM_WEB_TEST_DIR}/format.test.mjs ${TANDEM_WEB_TEST_DIR}/series.test.mjs
                   ${TANDEM_WEB_TEST_DIR}/app_model.test.mjs)
  set_tests_properties(web/unit PROPERTIES LABELS web ENVIRONMENT "${TANDEM_WEB_TEST_ENV}")

  # `tandem report` from the command line: exit codes, whole-or-nothing writes, no network
  # references, the data it embeds.
  add_test(NAME web/report-cli
           COMMAND ${TANDEM_WEB_TEST_DIR}/report_cli.sh $<TARGET_FILE:tandem> ${PROJECT_SOURCE_DIR} ${TANDEM_NODE})
  set_tests_properties(web/report-cli PROPERTIES LABELS "web;cli")

  # A node test file driving Debian's Chromium: label browser, one browser at a time.
  function(tandem_browser_test name script timeout extra_environment)
    add_test(NAME browser/${name}
             COMMAND ${TANDEM_NODE} --test --test-reporter=spec ${TANDEM_WEB_TEST_DIR}/${script})
    set_tests_properties(browser/${name} PROPERTIES
      LABELS browser
      RESOURCE_LOCK chromium
      TIMEOUT ${timeout}
      ENVIRONMENT "${TANDEM_WEB_TEST_ENV};${extra_environment}")
  endfunction()

  # The report in headless Chromium from file:// with the network cut: every chart drawn
  # (canvas and PNG pixels), tables equal to the JSON, keyboard reachability. One test per
  # scenario.
  foreach(example greenleaf support-launch)
    tandem_browser_test(report-${example} report.test.mjs 180
                        "TANDEM_SCENARIO=${PROJECT_SOURCE_DIR}/examples/${example}.yaml")
  endforeach()
  tandem_browser_test(report-edge-cases report.test.mjs 180 "TANDEM_SCENARIO=${TANDEM_WEB_TEST_DIR}/fixtures/edge-cases.yaml")
  # The web UI build served on loopback: its own files only, the components in interactive mode.
  tandem_browser_test(web-ui app.test.mjs 120 "TANDEM_WEB_BUILD=${TANDEM_WEB_OUT}")
  # The web UI end to end: the real `tandem demo` (fresh SQLite file, free port, 40 scenarios per
  # check) serving the built UI, walked through by all four roles from draft to approved.
  # Screenshots in test-artefacts/web/app/ (docs/web.md describes them).
  tandem_browser_test(web-app app_e2e.test.mjs 300 "TANDEM_WEB_BUILD=${TANDEM_WEB_OUT}")
  # The Follow-up stage end to end on `tandem serve`: upload (drop and file input), the drift
  # warning, the review and the alert. Screenshots in test-artefacts/web/followup/.
  tandem_browser_test(web-followup followup_e2e.test.mjs 300 "TANDEM_WEB_BUILD=${TANDEM_WEB_OUT}")
  # The impact preview of a calendar and a capability edit on `tandem serve`, the breaking case
  # (issue 13 item 12). Screenshots in test-artefacts/web/impact/.
  tandem_browser_test(web-impact impact_e2e.test.mjs 240 "TANDEM_WEB_BUILD=${TANDEM_WEB_OUT}")
endif()
