// StoreError: a database that cannot be opened, read or written. Its what() is one line naming
// the file; at startup plenum-server prints it and exits 2, at run time the Store logs it.
#pragma once

#include <stdexcept>

namespace plenum::server::store {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace plenum::server::store
