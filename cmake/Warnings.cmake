# Warnings live on an INTERFACE target that every project target links PRIVATE.
add_library(tongwen_warnings INTERFACE)
target_compile_options(tongwen_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Wunused
  -Woverloaded-virtual -Wnull-dereference -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
