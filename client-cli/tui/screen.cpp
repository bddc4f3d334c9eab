#include "client-cli/tui/screen.hpp"

#define NCURSES_NOMACROS
#include <ncurses.h>

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <clocale>

namespace plenum::client {

const int Keys::kNone = ERR;
const int Keys::kUp = KEY_UP;
const int Keys::kDown = KEY_DOWN;
const int Keys::kEnter = '\n';
const int Keys::kBackspace = KEY_BACKSPACE;
const int Keys::kEscape = 27;
const int Keys::kHelp = KEY_F(1);
const int Keys::kResize = KEY_RESIZE;

namespace {

constexpr int kMinTreeWidth = 24;

void put(int row, int column, const std::string& text, int width, attr_t attributes = A_NORMAL) {
  if (width <= 0 || row < 0) {
    return;
  }
  const std::string fitted = fit_columns(text, static_cast<std::size_t>(width));
  attr_on(attributes, nullptr);
  mvaddstr(row, column, fitted.c_str());
  attr_off(attributes, nullptr);
}

// Splits text into lines of at most `width` characters.
std::vector<std::string> wrap(const std::string& text, std::size_t width) {
  std::vector<std::string> out;
  std::string rest = text;
  while (fit_columns(rest, width).size() < rest.size()) {
    const std::string head = fit_columns(rest, width);
    out.push_back(head);
    rest = rest.substr(head.size());
  }
  out.push_back(rest);
  return out;
}

void draw_help(int rows, int columns) {
  const auto lines = Screen::help_lines();
  const int height = std::min(rows - 2, static_cast<int>(lines.size()) + 2);
  const int width = std::min(columns - 4, 74);
  const int top = std::max(0, (rows - height) / 2);
  const int left = std::max(0, (columns - width) / 2);
  for (int r = 0; r < height; ++r) {
    mvhline(top + r, left, ' ', width);
  }
  attr_on(A_BOLD, nullptr);
  mvhline(top, left, ACS_HLINE, width);
  mvhline(top + height - 1, left, ACS_HLINE, width);
  attr_off(A_BOLD, nullptr);
  for (int i = 0; i + 2 < height && i < static_cast<int>(lines.size()); ++i) {
    put(top + 1 + i, left + 2, lines[static_cast<std::size_t>(i)], width - 4);
  }
}

// Rows 1..rows of the left pane, scrolled so that the selection stays visible.
void draw_tree(const ScreenContent& content, int rows, int width) {
  const auto visible = static_cast<std::size_t>(std::max(rows, 1));
  const std::size_t first = content.selected >= visible ? content.selected - visible + 1 : 0;
  for (std::size_t i = first; i < content.tree.size() && i < first + visible; ++i) {
    const TreeLine& line = content.tree[i];
    attr_t attributes = line.own ? A_BOLD : A_NORMAL;
    if (i == content.selected && !content.typing) {
      attributes |= A_REVERSE;
    }
    put(1 + static_cast<int>(i - first), 0, line.text, width, attributes);
  }
}

// The newest chat lines that fit, wrapped, in rows 1..rows from column `left`.
void draw_chat(const std::deque<std::string>& chat, int rows, int left, int width) {
  std::vector<std::string> wrapped;
  for (const auto& line : chat) {
    for (auto& piece : wrap(line, static_cast<std::size_t>(std::max(width, 1)))) {
      wrapped.push_back(std::move(piece));
    }
  }
  const auto visible = static_cast<std::size_t>(std::max(rows, 0));
  const std::size_t skip = wrapped.size() > visible ? wrapped.size() - visible : 0;
  for (std::size_t i = skip; i < wrapped.size(); ++i) {
    put(1 + static_cast<int>(i - skip), left, wrapped[i], width);
  }
}

}  // namespace

std::string fit_columns(const std::string& text, std::size_t columns) {
  std::size_t characters = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (characters == columns) {
        break;
      }
      ++characters;
    }
    ++i;
  }
  return text.substr(0, i);
}

Screen::Screen() {
  std::setlocale(LC_ALL, "");
  initscr();
  cbreak();
  noecho();
  keypad(stdscr, TRUE);
  nodelay(stdscr, TRUE);
  set_escdelay(25);
  curs_set(0);
}

Screen::~Screen() { endwin(); }

void Screen::resize() {
  winsize size{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_row > 0 && size.ws_col > 0) {
    resizeterm(size.ws_row, size.ws_col);
  }
  clearok(stdscr, TRUE);
}

int Screen::rows() const { return LINES; }
int Screen::columns() const { return COLS; }

int Screen::read_key() { return getch(); }

std::vector<std::string> Screen::help_lines() {
  return {
      "plenum-cli keys",
      "",
      "  t, space   push-to-talk toggle (terminals send no key release)",
      "  m          mute yourself        d   deafen yourself",
      "  Up/Down    select a channel     Enter  join it",
      "  i, /       type a message to your channel (Enter sends, Esc cancels)",
      "  ?, F1      this help            q   quit",
      "",
      "Markers: [*] talking, M muted, D deafened, S suppressed by the server.",
      "Audio: --play FILE is what you transmit, --record FILE what you hear.",
      "Press any key to close this help.",
  };
}

void Screen::draw(const ScreenContent& content) {
  erase();
  const int rows = LINES;
  const int columns = COLS;
  if (rows < 6 || columns < 20) {
    put(0, 0, "terminal too small", columns);
    refresh();
    return;
  }
  const int body = rows - 3;  // tree and chat rows, then separator, input, status
  const int tree_width = std::clamp(columns * 2 / 5, std::min(kMinTreeWidth, columns / 2), 60);
  put(0, 0, " Channels", tree_width, A_BOLD);
  put(0, tree_width + 1, " Chat", columns - tree_width - 1, A_BOLD);
  mvvline(0, tree_width, ACS_VLINE, body);
  draw_tree(content, body - 1, tree_width);
  draw_chat(content.chat, body - 1, tree_width + 2, columns - tree_width - 2);
  mvhline(body, 0, ACS_HLINE, columns);
  if (content.typing) {
    put(body + 1, 0, "> " + content.input, columns, A_BOLD);
  } else {
    put(body + 1, 0, "t talk  m mute  d deafen  Enter join  i message  ? help  q quit", columns);
  }
  attr_on(A_REVERSE, nullptr);
  mvhline(rows - 1, 0, ' ', columns);
  attr_off(A_REVERSE, nullptr);
  put(rows - 1, 0, content.status, columns, A_REVERSE);
  if (content.help) {
    draw_help(rows, columns);
  }
  refresh();
}

}  // namespace plenum::client
