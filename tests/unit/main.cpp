// The one doctest runner for every unit test under tests/unit/.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <google/protobuf/stubs/logging.h>

int main(int argc, char** argv) {
  // Tests feed invalid UTF-8 on purpose; libprotobuf would log each occurrence.
  google::protobuf::SetLogHandler(nullptr);
  return doctest::Context(argc, argv).run();
}
