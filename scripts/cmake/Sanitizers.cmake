# plenum_sanitizers: applies PLENUM_SANITIZE to the targets that link it (ours only).
add_library(plenum_sanitizers INTERFACE)
if(PLENUM_SANITIZE)
  target_compile_options(plenum_sanitizers INTERFACE
    -fsanitize=${PLENUM_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(plenum_sanitizers INTERFACE -fsanitize=${PLENUM_SANITIZE})
  # GCC warns that Asio's std::atomic_thread_fence is invisible to TSan; Asio's own locking is.
  if(PLENUM_SANITIZE MATCHES "thread" AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(plenum_sanitizers INTERFACE -Wno-tsan)
  endif()
endif()

# A libFuzzer build instruments every Plenum library for coverage, not just the fuzz targets
# (which add -fsanitize=fuzzer to link libFuzzer's main); else fuzzing is blind to our code.
if(PLENUM_FUZZ_ENGINE STREQUAL "libfuzzer")
  target_compile_options(plenum_sanitizers INTERFACE -fsanitize=fuzzer-no-link)
endif()

# plenum_project_options: what every Plenum target links.
add_library(plenum_project_options INTERFACE)
target_link_libraries(plenum_project_options INTERFACE plenum_warnings plenum_sanitizers)
