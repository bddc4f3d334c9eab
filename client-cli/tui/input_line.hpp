// InputLine: the TUI's one-line text editor for chat messages (UTF-8 aware). Pure state, owned
// by the TuiApp.
#pragma once

#include <cstddef>
#include <string>

namespace plenum::client {

class InputLine {
 public:
  // Appends one byte of typed text (UTF-8 arrives a byte at a time); control bytes are ignored.
  void type(char byte);
  // Removes the last character (all bytes of a multi-byte UTF-8 sequence).
  void backspace();
  // The text so far, and the line emptied.
  std::string take();
  void clear() { text_.clear(); }

  const std::string& text() const noexcept { return text_; }
  bool empty() const noexcept { return text_.empty(); }
  // At most `columns` characters of the end of the text, for a field that narrow.
  std::string tail(std::size_t columns) const;

 private:
  std::string text_;
};

}  // namespace plenum::client
