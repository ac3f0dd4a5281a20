# The Python package (issue 15, docs/python.md): build/python/tandem/ (_tandem.cpython-*.so) for
# Debian's /usr/bin/python3 (pybind11-dev; NumPy for the series). `make python` builds it alone;
# it is part of the release build, so `make test` builds it and runs its pytest. Not in the
# sanitizer and fuzz builds: an instrumented module cannot load into an uninstrumented
# interpreter.
option(TANDEM_BUILD_PYTHON "Build the Python module (pybind11, for /usr/bin/python3)" ON)
if(TANDEM_BUILD_PYTHON AND NOT TANDEM_SANITIZE AND NOT TANDEM_BUILD_FUZZ)
  # The interpreter the module is for, whatever python3 comes first on the PATH (a pyenv one on
  # this machine): Debian's, with its python3-numpy and python3-pytest.
  set(TANDEM_PYTHON /usr/bin/python3 CACHE FILEPATH "The Python the module is built for")
  set(Python_EXECUTABLE ${TANDEM_PYTHON})
  find_package(Python 3 REQUIRED COMPONENTS Interpreter Development.Module)
  set(PYBIND11_FINDPYTHON ON)
  find_package(pybind11 CONFIG REQUIRED)
  # The libraries' sources compiled once more, as position-independent code with hidden symbols:
  # the static libraries are compiled as an executable's code (Debian's GCC defaults to -fPIE),
  # which reaches other shared objects' data directly and cannot be linked into a shared object;
  # compiling every library -fPIC instead would change the code of the CLI and the server. Kept
  # out of compile_commands.json, where a second entry per source would make clang-tidy
  # (`make lint`) check each library file twice.
  add_library(tandem_python_libraries OBJECT ${TANDEM_CORE_SOURCES} ${TANDEM_FOLLOWUP_SOURCES}
              ${TANDEM_IO_SOURCES} ${TANDEM_RENDER_SOURCES} ${TANDEM_ADVISE_SOURCES})
  set_target_properties(tandem_python_libraries PROPERTIES POSITION_INDEPENDENT_CODE ON
                        CXX_VISIBILITY_PRESET hidden EXPORT_COMPILE_COMMANDS OFF)
  target_include_directories(tandem_python_libraries PRIVATE ${PROJECT_SOURCE_DIR}/include
                             ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(tandem_python_libraries PRIVATE ${TANDEM_WARNINGS})
  # What the libraries' own targets define and link (CMakeLists.txt, advise.cmake, render.cmake).
  target_compile_definitions(tandem_python_libraries PRIVATE TANDEM_VERSION="${PROJECT_VERSION}")
  target_link_libraries(tandem_python_libraries PUBLIC Threads::Threads PkgConfig::HWY
                        PkgConfig::COIN yaml-cpp nlohmann_json::nlohmann_json fmt::fmt)

  # NO_EXTRAS: no LTO (a link of minutes over the whole engine, which ccache cannot keep).
  # The package build/python/tandem/: the compiled module tandem._tandem and the Python sources
  # of apps/python/tandem/ (__init__.py re-exports the module; dask.py is `python3 -m
  # tandem.dask`, docs/scale-out.md), copied at each build.
  pybind11_add_module(tandem_python MODULE NO_EXTRAS apps/python/tandem_module.cc)
  set_target_properties(tandem_python PROPERTIES OUTPUT_NAME _tandem
                        LIBRARY_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/python/tandem)
  target_include_directories(tandem_python PRIVATE ${PROJECT_SOURCE_DIR}/include)
  target_compile_options(tandem_python PRIVATE ${TANDEM_WARNINGS})
  target_link_libraries(tandem_python PRIVATE tandem_python_libraries)
  set(TANDEM_PYTHON_SOURCES apps/python/tandem/__init__.py apps/python/tandem/dask.py)
  set(TANDEM_PYTHON_COPIES)
  foreach(source ${TANDEM_PYTHON_SOURCES})
    get_filename_component(name ${source} NAME)
    set(copy ${PROJECT_BINARY_DIR}/python/tandem/${name})
    add_custom_command(OUTPUT ${copy} DEPENDS ${PROJECT_SOURCE_DIR}/${source}
                       COMMAND ${CMAKE_COMMAND} -E copy ${PROJECT_SOURCE_DIR}/${source} ${copy})
    list(APPEND TANDEM_PYTHON_COPIES ${copy})
  endforeach()
  add_custom_target(tandem_python_package ALL DEPENDS ${TANDEM_PYTHON_COPIES})
  add_dependencies(tandem_python tandem_python_package)
  # The module of part 1 was build/python/tandem.cpython-*.so: a stale one would shadow nothing
  # (a package directory comes first) but misleads; removed.
  file(GLOB stale_module ${PROJECT_BINARY_DIR}/python/tandem.cpython-*.so)
  if(stale_module)
    file(REMOVE ${stale_module})
  endif()

  if(TANDEM_BUILD_TESTS)
    # The module against the CLI's JSON on the shipped examples (test/python/test_tandem.py).
    add_test(NAME python/module COMMAND ${TANDEM_PYTHON} -m pytest -q -p no:cacheprovider
                                        ${PROJECT_SOURCE_DIR}/test/python)
    # The check over Dask (test/python_dask/test_dask.py: LocalClusters of worker processes,
    # python3-distributed) against the CLI's JSON, byte for byte.
    add_test(NAME python/dask COMMAND ${TANDEM_PYTHON} -m pytest -q -p no:cacheprovider
                                      ${PROJECT_SOURCE_DIR}/test/python_dask)
    set_tests_properties(python/module python/dask PROPERTIES LABELS python ENVIRONMENT
      "PYTHONPATH=${PROJECT_BINARY_DIR}/python;PYTHONDONTWRITEBYTECODE=1;TANDEM_BINARY=$<TARGET_FILE:tandem>;TANDEM_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
  endif()
endif()
