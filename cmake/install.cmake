# What `cmake --install` puts where (GNU directories under the prefix):
#   lib/         libprecept.so and libprecept_compiler.so (with their version links)
#   include/     precept/precept.hpp, precept.h and the headers they include
#   bin/         rulec
#   lib/cmake/Precept/   find_package(Precept): Precept::precept, Precept::compiler
#   lib/pkgconfig/       precept.pc, precept-compiler.pc
# Only shared libraries are installed: they carry fmt, simdjson, RE2 and xxHash as
# their own dependencies, so a host needs none of them to link. (Static
# archives would have to bring the runtime's internal libraries and every
# dependency along to each host's link line.)
include(CMakePackageConfigHelpers)

set(PRECEPT_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/Precept)

install(TARGETS precept precept_compiler EXPORT PreceptTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS rulec RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PRECEPT_PUBLIC_HEADERS} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/precept)

install(EXPORT PreceptTargets NAMESPACE Precept:: DESTINATION ${PRECEPT_CMAKE_DIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/PreceptConfig.cmake.in
  ${PROJECT_BINARY_DIR}/PreceptConfig.cmake INSTALL_DESTINATION ${PRECEPT_CMAKE_DIR})
# Before 1.0 only the same minor version is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/PreceptConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/PreceptConfig.cmake ${PROJECT_BINARY_DIR}/PreceptConfigVersion.cmake
  DESTINATION ${PRECEPT_CMAKE_DIR})

# pkg-config files that find their prefix from where they are installed, so
# an installed tree can be moved (prefix=${pcfiledir}/../..).
file(RELATIVE_PATH PRECEPT_PC_TO_PREFIX
  ${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" PRECEPT_PC_TO_PREFIX "${PRECEPT_PC_TO_PREFIX}")
foreach(pc precept precept-compiler)
  configure_file(${CMAKE_CURRENT_LIST_DIR}/${pc}.pc.in ${PROJECT_BINARY_DIR}/${pc}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/${pc}.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endforeach()
