# Every third-party library comes from Debian 12 packages (scripts/setup installs them).
find_package(xapian 1.4 CONFIG REQUIRED)
if(NOT TARGET Xapian::Xapian)
  # Debian's xapian-config.cmake sets variables only: wrap them in a target.
  add_library(Xapian::Xapian INTERFACE IMPORTED)
  set_target_properties(Xapian::Xapian PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${XAPIAN_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "${XAPIAN_LIBRARIES}")
endif()

find_package(ICU 70 REQUIRED COMPONENTS uc i18n data)
find_package(LibXml2 REQUIRED)
find_package(Poco 1.11 REQUIRED COMPONENTS Foundation Util Net JSON XML Zip)
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
# poppler-cpp: the PDF text layer (the standard PDF library on Linux); Debian ships a .pc file only.
pkg_check_modules(POPPLER_CPP REQUIRED IMPORTED_TARGET poppler-cpp)
if(TONGWEN_BUILD_TESTS)
  find_package(Boost 1.74 REQUIRED COMPONENTS unit_test_framework)
endif()
