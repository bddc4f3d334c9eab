// The web client's server side: a browser-like client (ALPN "http/1.1") gets the static files
// with their security headers and a WebSocket at /ws that is a Mumble session like any other;
// a client without ALPN is a Mumble client as before; web = false serves no HTTP.
#include "tests/integration/server_fixture.hpp"

#include "protocol/control_frame.hpp"
#include "protocol/control_message.hpp"
#include "protocol/version.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <doctest/doctest.h>

#include <array>
#include <cstring>
#include <optional>
#include <string>

#include "Mumble.pb.h"

using namespace plenum::test;
namespace protocol = plenum::protocol;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using asio::ip::tcp;
using TlsStream = asio::ssl::stream<tcp::socket>;

namespace {

// Counts the server's requests for a client certificate (OpenSSL calls this only then).
int certificate_requests = 0;
int on_certificate_request(SSL* /*ssl*/, X509** /*certificate*/, EVP_PKEY** /*key*/) {
  ++certificate_requests;
  return 0;  // none to give
}

// A TLS connection to the server offering `alpn` ("" = none, as Mumble clients).
struct Browser {
  asio::io_context io;
  asio::ssl::context tls{asio::ssl::context::tls_client};
  std::optional<TlsStream> stream;

  Browser(std::uint16_t port, const std::string& alpn) {
    tls.set_verify_mode(asio::ssl::verify_none);
    SSL_CTX_set_client_cert_cb(tls.native_handle(), on_certificate_request);
    stream.emplace(io, tls);
    if (!alpn.empty()) {
      std::string wire(1, static_cast<char>(alpn.size()));
      wire += alpn;
      SSL_set_alpn_protos(stream->native_handle(), reinterpret_cast<const unsigned char*>(wire.data()),
                          static_cast<unsigned>(wire.size()));
    }
    stream->lowest_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    stream->handshake(asio::ssl::stream_base::client);
  }

  std::string selected_alpn() {
    const unsigned char* protocol = nullptr;
    unsigned length = 0;
    SSL_get0_alpn_selected(stream->native_handle(), &protocol, &length);
    return std::string(reinterpret_cast<const char*>(protocol), length);
  }

  http::response<http::string_body> get(const std::string& target) {
    http::request<http::empty_body> request{http::verb::get, target, 11};
    request.set(http::field::host, "127.0.0.1");
    http::write(*stream, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(*stream, buffer, response);
    return response;
  }
};

PlenumOptions web_options(std::vector<std::pair<std::string, std::string>> extra) {
  PlenumOptions options = integration_options();
  for (auto& line : extra) options.settings.extra_ini.push_back(std::move(line));
  return options;
}

std::string frame_bytes(const protocol::Bytes& frame) {
  return std::string(reinterpret_cast<const char*>(frame.data()), frame.size());
}

// Reads WebSocket messages into a FrameReader until a frame of `type` arrives.
std::optional<std::string> await_frame(websocket::stream<TlsStream&>& ws, protocol::MessageType type) {
  protocol::FrameReader reader{1 << 20};
  for (int messages = 0; messages < 200; ++messages) {
    beast::flat_buffer buffer;
    boost::system::error_code ec;
    ws.read(buffer, ec);
    if (ec) return std::nullopt;
    const auto data = buffer.data();
    auto prepared = reader.prepare(data.size());
    std::memcpy(prepared.data(), data.data(), data.size());
    reader.commit(data.size());
    while (true) {
      auto frame = reader.next();
      if (!frame || !*frame) break;
      if ((*frame)->type == static_cast<std::uint16_t>(type))
        return std::string(reinterpret_cast<const char*>((*frame)->payload.data()), (*frame)->payload.size());
    }
  }
  return std::nullopt;
}

void send_login(websocket::stream<TlsStream&>& ws, const std::string& name, const std::string& password) {
  ws.binary(true);
  MumbleProto::Version version;
  protocol::set_version(version, protocol::Version{1, 5, 0});
  ws.write(asio::buffer(frame_bytes(protocol::encode_frame(version))));
  MumbleProto::Authenticate authenticate;
  authenticate.set_username(name);
  authenticate.set_password(password);
  authenticate.set_opus(true);
  ws.write(asio::buffer(frame_bytes(protocol::encode_frame(authenticate))));
}

}  // namespace

TEST_SUITE("web") {
  TEST_CASE("a browser gets the client's files with a strict policy and no cookie, and the log names the address") {
    auto server = start_plenum(web_options({}));
    // Logged just before the "listening on" line that start() waited for.
    const std::string address = "web client at https://127.0.0.1:" + std::to_string(server->port()) + "/";
    CHECK_MESSAGE(server->log().find(address) != std::string::npos, server->log());
    certificate_requests = 0;
    Browser mumble_like{server->port(), ""};
    CHECK(mumble_like.selected_alpn().empty());
    CHECK(certificate_requests == 1);  // Mumble clients are asked for theirs, as before
    Browser browser{server->port(), "http/1.1"};
    CHECK(browser.selected_alpn() == "http/1.1");
    // A browser is not asked for a client certificate (it would show a chooser).
    CHECK(certificate_requests == 1);
    auto index = browser.get("/?name=Ada");
    CHECK(index.result() == http::status::ok);
    CHECK(index[http::field::content_type] == "text/html; charset=utf-8");
    CHECK(index.body().find("<button id=\"join-button\" type=\"submit\" class=\"primary\">Join</button>") != std::string::npos);
    CHECK(index["Content-Security-Policy"].find("default-src 'none'") != beast::string_view::npos);
    CHECK(index["X-Content-Type-Options"] == "nosniff");
    CHECK(index.find(http::field::set_cookie) == index.end());
    auto script = browser.get("/connection.js");  // same connection: kept alive
    CHECK(script.result() == http::status::ok);
    CHECK(script[http::field::content_type] == "text/javascript; charset=utf-8");
    CHECK(browser.get("/missing.js").result() == http::status::not_found);
  }

  TEST_CASE("the WebSocket at /ws is a Mumble session: password checked, login completes, foreign origins refused") {
    auto server = start_plenum(web_options({{"serverpassword", "sesame"}, {"web_origins", "https://meet.example"}}));
    const std::string host = "127.0.0.1:" + std::to_string(server->port());
    {
      Browser browser{server->port(), "http/1.1"};
      websocket::stream<TlsStream&> ws{*browser.stream};
      ws.set_option(websocket::stream_base::decorator(
          [](websocket::request_type& request) { request.set(http::field::origin, "https://evil.example"); }));
      boost::system::error_code ec;
      ws.handshake(host, "/ws", ec);
      CHECK(ec == websocket::error::upgrade_declined);
    }
    std::vector<std::unique_ptr<Browser>> browsers;
    std::vector<std::unique_ptr<websocket::stream<TlsStream&>>> sockets;
    for (const std::string& origin : {"https://" + host, std::string{"https://meet.example"}}) {
      CAPTURE(origin);
      auto& browser = *browsers.emplace_back(std::make_unique<Browser>(server->port(), "http/1.1"));
      auto& ws = *sockets.emplace_back(std::make_unique<websocket::stream<TlsStream&>>(*browser.stream));
      ws.set_option(websocket::stream_base::decorator(
          [origin](websocket::request_type& request) { request.set(http::field::origin, origin); }));
      ws.handshake(host, "/ws");
      send_login(ws, origin == "https://meet.example" ? "Grace" : "Ada", "sesame");
      const auto sync = await_frame(ws, protocol::MessageType::ServerSync);
      REQUIRE(sync);
      MumbleProto::ServerSync message;
      REQUIRE(message.ParseFromString(*sync));
      CHECK(message.session() != 0);
      CHECK(message.welcome_text() == "Welcome to the integration test");  // integration_options()
    }
    // A Mumble client (no ALPN) sees the Ada sessions like any other users.
    auto mumble = log_in(*server, "bob", "sesame");
    CHECK(mumble.handshake.synced());
    CHECK(mumble.handshake.model.users.size() == 3);  // Ada, Grace and bob
    {
      Browser browser{server->port(), "http/1.1"};
      websocket::stream<TlsStream&> ws{*browser.stream};
      ws.handshake(host, "/ws");
      send_login(ws, "Eve", "wrong");
      const auto reject = await_frame(ws, protocol::MessageType::Reject);
      REQUIRE(reject);
      MumbleProto::Reject message;
      REQUIRE(message.ParseFromString(*reject));
      CHECK(message.type() == MumbleProto::Reject::WrongServerPW);
    }
  }

  TEST_CASE("web = false: no ALPN answer, so an HTTP client meets the Mumble protocol") {
    auto server = start_plenum(web_options({{"web", "false"}}));
    Browser browser{server->port(), "http/1.1"};
    CHECK(browser.selected_alpn().empty());
    // The server speaks first, as to any Mumble client: a Version frame, not HTTP.
    std::array<unsigned char, 6> header{};
    asio::read(*browser.stream, asio::buffer(header));
    CHECK(header[0] == 0);
    CHECK(header[1] == 0);  // type 0: Version
  }
}
