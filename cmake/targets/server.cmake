# The server area (issue 4): storage (SQLite, PostgreSQL), the service layer (workspaces,
# users, the Groundwork -> Transfer -> Follow-up process, background checks and counter-
# proposals) and the HTTP API.
find_package(PkgConfig REQUIRED)
pkg_check_modules(TANDEM_SQLITE REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(TANDEM_PQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(TANDEM_SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(TANDEM_HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
# E-mail of alerts through an SMTP relay (tandem serve --smtp): libcurl (libcurl4-openssl-dev).
pkg_check_modules(TANDEM_CURL REQUIRED IMPORTED_TARGET libcurl)

# Storage: one Database interface, one implementation per database, versioned migrations.
add_library(tandem_store STATIC
  src/store/database.cc
  src/store/migrations.cc
  src/store/pool.cc
  src/store/postgresql_database.cc
  src/store/sqlite_database.cc
)
target_include_directories(tandem_store PUBLIC ${PROJECT_SOURCE_DIR}/include PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_compile_options(tandem_store PRIVATE ${TANDEM_WARNINGS})
target_link_libraries(tandem_store PUBLIC tandem_core PRIVATE PkgConfig::TANDEM_SQLITE PkgConfig::TANDEM_PQ Threads::Threads)

# The demo scenario (examples/greenleaf.yaml) is built in, so that `tandem demo` needs no files.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/examples/greenleaf.yaml
             ${PROJECT_SOURCE_DIR}/src/server/demo_scenario.cc.in)
file(READ ${PROJECT_SOURCE_DIR}/examples/greenleaf.yaml TANDEM_DEMO_YAML)
configure_file(${PROJECT_SOURCE_DIR}/src/server/demo_scenario.cc.in ${CMAKE_BINARY_DIR}/generated/demo_scenario.cc @ONLY)

# The service layer and the HTTP API.
add_library(tandem_server STATIC
  ${CMAKE_BINARY_DIR}/generated/demo_scenario.cc
  src/server/actuals.cc
  src/server/alert_mail.cc
  src/server/alert_service.cc
  src/server/actuals_store.cc
  src/server/api.cc
  src/server/check_jobs.cc
  src/server/crypto.cc
  src/server/demo.cc
  src/server/follow_up.cc
  src/server/impact.cc
  src/server/http_limits.cc
  src/server/http_server.cc
  src/server/http_transport.cc
  src/server/job_claims.cc
  src/server/job_requests.cc
  src/server/jobs.cc
  src/server/process.cc
  src/server/process_actions.cc
  src/server/process_clock.cc
  src/server/process_requests.cc
  src/server/process_rules.cc
  src/server/recommend.cc
  src/server/report.cc
  src/server/openapi.cc
  src/server/routes.cc
  src/server/scenario_doc.cc
  src/server/service.cc
  src/server/service_core.cc
  src/server/ticker.cc
  src/server/user_requests.cc
  src/server/user_service.cc
  src/server/webhook_delivery.cc
  src/server/webhook_requests.cc
  src/server/webhooks.cc
  src/server/workspace_requests.cc
  src/server/workspace_service.cc
)
target_include_directories(tandem_server PUBLIC ${PROJECT_SOURCE_DIR}/include PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_compile_options(tandem_server PRIVATE ${TANDEM_WARNINGS})
target_link_libraries(tandem_server
  PUBLIC tandem_process tandem_store tandem_render tandem_io tandem_core nlohmann_json::nlohmann_json Threads::Threads
  PRIVATE yaml-cpp PkgConfig::TANDEM_SODIUM PkgConfig::TANDEM_HTTPLIB PkgConfig::TANDEM_CURL)
# Counter-proposals (cmake/targets/advise.cmake, included before this file). The fuzz build has
# no tandem_advise, and nothing there links tandem_server.
if(TARGET tandem_advise)
  target_link_libraries(tandem_server PUBLIC tandem_advise)
endif()

set(TANDEM_CLI_LIBRARIES tandem_server tandem_store ${TANDEM_CLI_LIBRARIES})

# Tests: one binary, run once per database. The PostgreSQL run starts a throwaway cluster on a
# free loopback port (test/server/with_postgres.sh).
if(TANDEM_BUILD_TESTS AND NOT TANDEM_BUILD_FUZZ)
  find_package(GTest REQUIRED)
  file(GLOB TANDEM_SERVER_TEST_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/test/server/*_test.cc)
  add_executable(tandem_server_tests ${TANDEM_SERVER_TEST_SOURCES})
  target_include_directories(tandem_server_tests PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/test/server)
  target_compile_options(tandem_server_tests PRIVATE ${TANDEM_WARNINGS})
  target_compile_definitions(tandem_server_tests PRIVATE TANDEM_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  target_link_libraries(tandem_server_tests PRIVATE tandem_server tandem_store tandem_web tandem_io tandem_core
                        PkgConfig::TANDEM_HTTPLIB PkgConfig::TANDEM_SODIUM PkgConfig::TANDEM_PQ PkgConfig::TANDEM_SQLITE GTest::gtest_main)
  add_test(NAME server/sqlite COMMAND tandem_server_tests --gtest_filter=Sqlite/*:JobErrorTextTest.*:*RequestsTest.*:-*Crash*:StoreUrlTest.*)
  add_test(NAME server/postgresql
           COMMAND ${PROJECT_SOURCE_DIR}/test/server/with_postgres.sh $<TARGET_FILE:tandem_server_tests>
                   --gtest_filter=Postgres/*:-*Crash*)
  add_test(NAME server/crash
           COMMAND ${PROJECT_SOURCE_DIR}/test/server/with_postgres.sh $<TARGET_FILE:tandem_server_tests>
                   --gtest_filter=*Crash*:StoreUrlTest.*)
  set_tests_properties(server/sqlite server/postgresql server/crash PROPERTIES LABELS server TIMEOUT 900
                       ENVIRONMENT "TANDEM_BINARY=$<TARGET_FILE:tandem>")

  # Issue 10: hostile, oversized and slow input against the server (both databases) and the CLI.
  file(GLOB TANDEM_SECURITY_TEST_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/test/security/*_test.cc)
  add_executable(tandem_security_tests ${TANDEM_SECURITY_TEST_SOURCES})
  target_include_directories(tandem_security_tests PRIVATE ${PROJECT_SOURCE_DIR}/src
                             ${PROJECT_SOURCE_DIR}/test/server ${PROJECT_SOURCE_DIR}/test/security)
  target_compile_options(tandem_security_tests PRIVATE ${TANDEM_WARNINGS})
  target_compile_definitions(tandem_security_tests PRIVATE TANDEM_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  target_link_libraries(tandem_security_tests PRIVATE tandem_server tandem_store tandem_io tandem_core
                        PkgConfig::TANDEM_HTTPLIB PkgConfig::TANDEM_PQ PkgConfig::TANDEM_SQLITE GTest::gtest_main)
  add_test(NAME security/sqlite COMMAND tandem_security_tests --gtest_filter=Sqlite/*)
  add_test(NAME security/postgresql
           COMMAND ${PROJECT_SOURCE_DIR}/test/server/with_postgres.sh $<TARGET_FILE:tandem_security_tests>
                   --gtest_filter=Postgres/*)
  add_test(NAME security/cli
           COMMAND ${PROJECT_SOURCE_DIR}/test/security/cli_limits.sh $<TARGET_FILE:tandem> ${PROJECT_SOURCE_DIR})
  set_tests_properties(security/sqlite security/postgresql security/cli PROPERTIES LABELS security TIMEOUT 600)
endif()
