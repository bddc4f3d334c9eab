# Every external library, found once. All come from Debian 12 packages (scripts/deps).
find_package(Threads REQUIRED)
# Boost 1.81 (libboost1.81-dev), not Debian's 1.74 default: Asio's as_tuple and awaitable
# operators and boost::system::result are needed.
find_package(Boost 1.81...<1.82 REQUIRED CONFIG COMPONENTS program_options)
find_package(OpenSSL 3 REQUIRED)
find_package(Protobuf REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(fmt REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(OPUS REQUIRED IMPORTED_TARGET opus)
# The audio engine's even loudness: EBU R128 momentary loudness (libebur128-dev).
pkg_check_modules(EBUR128 REQUIRED IMPORTED_TARGET libebur128)

# Asio as used by Plenum: standalone-free Boost.Asio without deprecated names.
add_library(plenum_asio INTERFACE)
target_link_libraries(plenum_asio INTERFACE Boost::headers Threads::Threads OpenSSL::SSL OpenSSL::Crypto)
target_compile_definitions(plenum_asio INTERFACE BOOST_ASIO_NO_DEPRECATED BOOST_ASIO_DISABLE_BOOST_COROUTINE)
