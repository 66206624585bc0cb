# One switch: -DTONGWEN_SANITIZE=ON instruments every target (the asan-ubsan preset sets it).
if(TONGWEN_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
