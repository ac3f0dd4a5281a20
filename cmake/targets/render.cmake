# Renderings (issue 11 item 4): every human and JSON rendering of a result — check, follow-up,
# recommend and opportunities, the HTML report's data — as strings. No I/O: the CLI prints them,
# the server stores and serves them. Included after advise.cmake (file-name order): the fuzz
# build has no tandem_advise and links nothing against tandem_render, which it compiles only
# for the server's sake.
add_library(tandem_render STATIC ${TANDEM_RENDER_SOURCES})
target_include_directories(tandem_render PUBLIC ${PROJECT_SOURCE_DIR}/include PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_compile_options(tandem_render PRIVATE ${TANDEM_WARNINGS})
target_compile_definitions(tandem_render PRIVATE TANDEM_VERSION="${PROJECT_VERSION}")
target_link_libraries(tandem_render PUBLIC tandem_followup tandem_core
                      PRIVATE nlohmann_json::nlohmann_json fmt::fmt)
if(TARGET tandem_advise)
  target_link_libraries(tandem_render PUBLIC tandem_advise)
endif()
list(APPEND TANDEM_CLI_LIBRARIES tandem_render)
