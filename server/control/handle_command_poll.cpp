// Anonymous polls (DESIGN.md §4): chairs `/poll "Question" [option ...]` (default yes / no /
// abstain) and `/close`; members `/vote N` or the "Vote: ..." menu entries, which exist while a
// poll is open. Only counts are announced, at close. Nothing here logs or sends who voted what.
#include "protocol/html_escape.hpp"
#include "server/control/command_registry.hpp"
#include "server/control/control_plane.hpp"
#include "server/control/floor_control.hpp"
#include "server/state/command_line.hpp"

#include <fmt/core.h>

#include <charconv>

namespace plenum::server::control {

namespace {

std::string options_text(const state::PollResult& poll) {
  std::string text;
  for (std::size_t i = 0; i < poll.options.size(); ++i) {
    text += fmt::format("{}{}. {}", i == 0 ? "" : ", ", i + 1, protocol::html_escape(poll.options[i]));
  }
  return text;
}

// The vote entries in the menus of everyone in the channel (Server context, as stock clients
// show it wherever the user clicks).
void send_vote_menu(ControlPlane& plane, state::ChannelId channel, const state::PollResult& poll, bool add) {
  for (const auto member : plane.state().users().in_channel(channel)) {
    Session* session = plane.find_session(member);
    if (!session) continue;
    for (std::size_t i = 0; i < poll.options.size(); ++i) {
      MumbleProto::ContextActionModify entry;
      entry.set_action(fmt::format("{}{}", kVoteActionPrefix, i + 1));
      entry.set_text(fmt::format("Vote: {}", poll.options[i]));
      entry.set_context(kServerContext);
      entry.set_operation(add ? MumbleProto::ContextActionModify::Add : MumbleProto::ContextActionModify::Remove);
      session->send(entry);
    }
  }
}

void poll(CommandCall& call) {
  auto& polls = call.plane.state().polls();
  if (call.args.empty()) {
    reply(call.session, "Usage: /poll \"Question\" [option ...] (default: yes no abstain)");
    return;
  }
  if (polls.is_open(call.channel)) {
    reply(call.session, "A poll is open here already; /close it first.");
    return;
  }
  std::vector<std::string> options(call.args.begin() + 1, call.args.end());
  if (options.empty()) options = {"yes", "no", "abstain"};
  if (options.size() == 1 || options.size() > state::kMaxPollOptions) {
    reply(call.session, fmt::format("A poll has 2 to {} options.", state::kMaxPollOptions));
    return;
  }
  for (const auto& text : call.args) {
    if (text.empty() || text.size() > state::kMaxPollTextBytes) {
      reply(call.session, fmt::format("Question and options must be 1 to {} characters.", state::kMaxPollTextBytes));
      return;
    }
  }
  polls.open(call.channel, call.args[0], std::move(options));
  const auto summary = *polls.summary(call.channel);
  send_vote_menu(call.plane, call.channel, summary, true);
  floor_changed(call.plane, call.channel,
                fmt::format("<b>Poll:</b> {} — {}. Vote with /vote N (anonymous; results at close).",
                            protocol::html_escape(summary.question), options_text(summary)));
}

void vote(CommandCall& call) {
  auto& polls = call.plane.state().polls();
  const auto summary = polls.summary(call.channel);
  if (!summary) {
    reply(call.session, "No poll is open here.");
    return;
  }
  std::size_t option = 0;
  const std::string arg = call.args.size() == 1 ? call.args[0] : std::string{};
  const auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), option);
  if (arg.empty() || ec != std::errc{} || end != arg.data() + arg.size()) option = 0;
  switch (polls.vote(call.channel, call.session.id(), option)) {
    case state::VoteOutcome::Counted: reply(call.session, "Your vote is counted."); break;
    case state::VoteOutcome::Changed: reply(call.session, "Your vote is changed."); break;
    case state::VoteOutcome::Unchanged: reply(call.session, "Your vote stays as it was."); break;
    case state::VoteOutcome::NoPoll: reply(call.session, "No poll is open here."); return;
    case state::VoteOutcome::NoSuchOption:
      reply(call.session, fmt::format("Usage: /vote N, with N from 1 to {}: {}.", summary->options.size(),
                                      options_text(*summary)));
      return;
  }
  // The number of ballots, not their content: plenum-cli shows it.
  call.plane.broadcast_message(floor_message(call.plane, call.channel));
}

void close(CommandCall& call) {
  const auto result = call.plane.state().polls().close(call.channel);
  if (!result) {
    reply(call.session, "No poll is open here.");
    return;
  }
  send_vote_menu(call.plane, call.channel, *result, false);
  std::string counts;
  for (std::size_t i = 0; i < result->options.size(); ++i) {
    counts += fmt::format("{}{} {}", i == 0 ? "" : ", ", protocol::html_escape(result->options[i]), result->counts[i]);
  }
  floor_changed(call.plane, call.channel,
                fmt::format("<b>Poll closed:</b> {} — {} ({} vote{}).", protocol::html_escape(result->question), counts,
                            result->votes, result->votes == 1 ? "" : "s"));
}

}  // namespace

void add_poll_commands(CommandRegistry& registry) {
  using state::PlenaryRole;
  registry.add(Command{"poll", "/poll \"Question\" [option ...]", "open an anonymous poll (default: yes no abstain)",
                       PlenaryRole::Chair, poll, {}});
  registry.add(Command{"vote", "/vote N", "vote in the open poll; you may change it until it closes",
                       PlenaryRole::Member, vote, {}});
  registry.add(Command{"close", "/close", "close the poll and announce the counts", PlenaryRole::Chair, close, {}});
}

}  // namespace plenum::server::control
