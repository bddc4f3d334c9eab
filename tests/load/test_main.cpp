// doctest's main for plenum_load_tests (load.unit and load.smoke).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
