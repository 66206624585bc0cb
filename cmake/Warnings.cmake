# Warnings live on an INTERFACE target that every project target links PRIVATE.
add_library(tongwen_warnings INTERFACE)
target_compile_options(tongwen_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Wunused
  -Woverloaded-virtual -Wnull-dereference -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
# -Werror where it is asked for (the asan-ubsan preset that scripts/test builds): a warning fails the
# suite instead of scrolling past.
option(TONGWEN_WERROR "Treat compiler warnings as errors" OFF)
if(TONGWEN_WERROR)
  target_compile_options(tongwen_warnings INTERFACE -Werror)
endif()
