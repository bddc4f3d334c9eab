// The doctest runner for tests/interop/ (a binary of its own: these tests start servers).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
