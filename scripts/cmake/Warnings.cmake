# plenum_warnings: the warning set every Plenum target links (STYLE.md §9).
# Generated protobuf code does not link it.
add_library(plenum_warnings INTERFACE)
target_compile_options(plenum_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Woverloaded-virtual -Wimplicit-fallthrough)
if(PLENUM_WARNINGS_AS_ERRORS)
  target_compile_options(plenum_warnings INTERFACE -Werror)
endif()
