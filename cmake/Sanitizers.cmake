# One switch: -DTONGWEN_SANITIZE=ON instruments every target (the asan-ubsan preset sets it).
if(TONGWEN_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
# -DTONGWEN_FUZZ=ON (the `fuzz` preset, clang only): every target instrumented for libFuzzer's coverage
# plus ASan and UBSan; the fuzz targets in tests/fuzz link libFuzzer's main (-fsanitize=fuzzer).
if(TONGWEN_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "TONGWEN_FUZZ needs clang (cmake --preset fuzz; scripts/setup --fuzz installs it)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
