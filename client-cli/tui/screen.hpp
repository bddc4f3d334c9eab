// Screen: the ncurses terminal of the TUI: channel tree (left), chat (right), input line and
// status line (bottom), and the help overlay. Owns curses' global state from construction to
// destruction; used from the TuiApp's thread only. Drawing is a pure function of ScreenContent.
#pragma once

#include "client-cli/tui/tree_lines.hpp"

#include <cstddef>
#include <deque>
#include <string>
#include <vector>

namespace plenum::client {

struct ScreenContent {
  std::vector<TreeLine> tree;
  std::size_t selected = 0;         // index into tree
  std::deque<std::string> chat;     // oldest first
  std::string input;                // what is being typed
  bool typing = false;
  std::string status;
  bool help = false;
};

// Key codes the app needs, independent of curses' headers.
struct Keys {
  static const int kNone;  // no key waiting
  static const int kUp;
  static const int kDown;
  static const int kEnter;
  static const int kBackspace;
  static const int kEscape;
  static const int kHelp;  // F1
  static const int kResize;
};

class Screen {
 public:
  Screen();
  ~Screen();
  Screen(const Screen&) = delete;
  Screen& operator=(const Screen&) = delete;

  // After SIGWINCH: takes the terminal's new size.
  void resize();
  void draw(const ScreenContent& content);
  // The next key (non-blocking), or Keys::kNone.
  int read_key();
  int rows() const;
  int columns() const;

  // The help text (also printed by tests that look for it).
  static std::vector<std::string> help_lines();
};

// Cuts UTF-8 text to at most `columns` characters.
std::string fit_columns(const std::string& text, std::size_t columns);

}  // namespace plenum::client
