#include "client-cli/tui/input_line.hpp"

namespace plenum::client {
namespace {

constexpr std::size_t kMaxLength = 5000;  // Murmur's default textmessagelength

bool is_continuation(char byte) { return (static_cast<unsigned char>(byte) & 0xC0) == 0x80; }

}  // namespace

void InputLine::type(char byte) {
  const auto value = static_cast<unsigned char>(byte);
  if ((value < 0x20 || value == 0x7F) || text_.size() >= kMaxLength) {
    return;
  }
  text_ += byte;
}

void InputLine::backspace() {
  while (!text_.empty() && is_continuation(text_.back())) {
    text_.pop_back();
  }
  if (!text_.empty()) {
    text_.pop_back();
  }
}

std::string InputLine::take() {
  std::string out;
  out.swap(text_);
  return out;
}

std::string InputLine::tail(std::size_t columns) const {
  std::size_t characters = 0;
  std::size_t start = text_.size();
  while (start > 0) {
    std::size_t previous = start - 1;
    while (previous > 0 && is_continuation(text_[previous])) {
      --previous;
    }
    if (characters == columns) {
      break;
    }
    ++characters;
    start = previous;
  }
  return text_.substr(start);
}

}  // namespace plenum::client
