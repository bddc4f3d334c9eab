#include "server/web/static_files.hpp"

#include <algorithm>

namespace plenum::server::web {

const EmbeddedFile* find_file(std::string_view target) noexcept {
  std::string_view path = target.substr(0, target.find_first_of("?#"));
  if (path == "/") path = "/index.html";
  const auto files = embedded_files();
  const auto it = std::find_if(files.begin(), files.end(),
                               [&](const EmbeddedFile& file) { return file.path == path; });
  return it == files.end() ? nullptr : &*it;
}

std::string_view content_type(std::string_view path) noexcept {
  struct Type {
    std::string_view extension;
    std::string_view mime;
  };
  static constexpr Type kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".json", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const Type& type : kTypes) {
    if (path.ends_with(type.extension)) return type.mime;
  }
  return "application/octet-stream";
}

}  // namespace plenum::server::web
