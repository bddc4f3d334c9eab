# plenum_sanitizers: applies PLENUM_SANITIZE to the targets that link it (ours only).
add_library(plenum_sanitizers INTERFACE)
if(PLENUM_SANITIZE)
  target_compile_options(plenum_sanitizers INTERFACE
    -fsanitize=${PLENUM_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(plenum_sanitizers INTERFACE -fsanitize=${PLENUM_SANITIZE})
endif()

# plenum_project_options: what every Plenum target links.
add_library(plenum_project_options INTERFACE)
target_link_libraries(plenum_project_options INTERFACE plenum_warnings plenum_sanitizers)
