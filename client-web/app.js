// The web client's wiring: join form -> Connection + Voice; server messages -> ServerView ->
// views; user actions -> messages. Link parameters: ?name=Ada (prefill), ?channel=Path/To/Room,
// ?token=T (an access token, Mumble's #token ACL groups), ?record=1 (keep what the speaker
// played, for tests: window.plenum.recorded()).
import { Connection } from './connection.js';
import { readVersion, RejectType, versionV1, versionV2 } from './messages.js';
import { ServerView } from './server_view.js';
import { Voice, voiceSupported } from './voice.js';
import { ChannelTree } from './views/channel_tree.js';
import { ChatView } from './views/chat_view.js';
import { JoinView } from './views/join_view.js';
import { TalkControls } from './views/talk_controls.js';

const kPingIntervalMs = 5000;  // as Mumble's clients (MUMBLE_PROTOCOL.md §3.5)
const params = new URLSearchParams(location.search);
const view = new ServerView();
let connection = null;
let voice = null;
let pingTimer = 0;
let lastPingSent = 0;
let pingAnswered = true;
let leaving = false;
let endMessage = '';

// What the page shows a person whose join failed (Reject, MUMBLE_PROTOCOL.md §2.5).
function rejectText(reject) {
  switch (reject.type) {
    case RejectType.WrongServerPW: return 'Wrong password. Please check it and try again.';
    case RejectType.WrongUserPW: return 'Wrong password for this registered name.';
    case RejectType.InvalidUsername: return 'This name is not allowed here. Please choose another.';
    case RejectType.UsernameInUse: return 'Someone with this name is already here. Please choose another.';
    case RejectType.ServerFull: return 'The meeting is full.';
    case RejectType.WrongVersion: return 'This server does not accept this client version.';
    case RejectType.NoCertificate: return 'This server only admits clients with a certificate (the desktop Mumble app).';
    default: return reject.reason || 'The server refused the connection.';
  }
}

function closeText(reason) {
  if (reason === 'banned') return 'You are banned from this server.';
  if (reason === 'server shutting down') return 'The server is shutting down.';
  return reason ? `Disconnected: ${reason}.` : 'The connection to the server was lost.';
}

const join = new JoinView({ params, onJoin: (form) => start(form) });
const tree = new ChannelTree({ view, onEnter: (channel) => moveTo(channel) });
const chat = new ChatView({ view, onSend: (text) => sendChat(text) });
const talk = new TalkControls({
  onTalk: (on) => { if (voice) voice.pressed = on; },
  onTransmit: (mode) => { if (voice) voice.transmit = mode; },
  onMute: (muted) => {
    if (voice) voice.muted = muted;
    if (connection && view.session !== null) connection.send('UserState', { session: view.session, self_mute: muted });
  },
  onListenMode: () => {},
});
talk.setListenModeAvailable(false,
  'Listening modes arrive with the server\'s plenary audio engine; until then you hear everyone.');

const quality = document.getElementById('quality');
const qualityText = document.getElementById('quality-text');
const leaveButton = document.getElementById('leave');
leaveButton.addEventListener('click', () => leave(''));
view.addEventListener('change', (event) => {
  if (event.detail === 'quality') {
    const q = view.quality();
    qualityText.textContent = q.text;
    quality.dataset.level = q.level;
  }
});

async function start({ name, password }) {
  if (!voiceSupported()) {
    join.showError('This browser cannot do Opus audio (WebCodecs). Please use a current Chromium, Chrome, Edge or Firefox.');
    return;
  }
  join.busy('Connecting…');
  window.plenum.state = 'connecting';
  leaving = false;
  endMessage = '';
  view.reset();
  chat.reset();
  voice = new Voice({
    record: params.get('record') === '1',
    onPacket: (packet) => connection && connection.sendTunnel(packet),
    onSpeaking: (session, on) => {
      if (session === null) talk.showSending(on);
      view.setSpeaking(session === null ? view.session : session, on);
    },
    onLevel: (rms) => talk.showLevel(rms),
  });
  voice.transmit = talk.transmit;
  voice.muted = talk.muted;
  try {
    await voice.start();
  } catch (error) {
    join.showError(`The microphone could not be opened (${error.message}). Allow it in the browser and try again.`);
    voice.stop();
    voice = null;
    return;
  }
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  connection = new Connection(url);
  connection.addEventListener('message', (event) => onMessage(event.detail.name, event.detail.message));
  connection.addEventListener('tunnel', (event) => voice && voice.receive(event.detail.packet));
  connection.addEventListener('close', (event) => onClosed(event.detail));
  try {
    await connection.open();
  } catch (error) {
    join.showError(`Could not reach the server (${error.message}). Please try again in a moment.`);
    stopVoice();
    connection = null;
    window.plenum.state = 'closed';
    window.plenum.message = join.error.textContent;
    return;
  }
  connection.send('Version', {
    version_v1: versionV1(1, 5, 0), version_v2: versionV2(1, 5, 0),
    release: 'Plenum web', os: 'Browser', os_version: navigator.userAgent.slice(0, 60),
  });
  const token = params.get('token');
  connection.send('Authenticate', { username: name, password, opus: true, tokens: token ? [token] : [] });
}

function onMessage(name, message) {
  switch (name) {
    case 'Version': {
      const v = readVersion(message);
      view.serverVersion = v;
      // Protobuf voice iff the server is 1.5.0 or later (§4.7); we announced 1.5.0 ourselves.
      voice.protobuf = v.major > 1 || (v.major === 1 && v.minor >= 5);
      return;
    }
    case 'Reject':
      endMessage = rejectText(message);
      return;
    case 'Ping':
      if (message.timestamp !== undefined) {
        view.rttMs = performance.now() - Number(message.timestamp);
        pingAnswered = true;
        view.missedPings = 0;
        view.changed('quality');
      }
      return;
    case 'UserRemove':
      if (message.session === view.session) {
        endMessage = message.ban ? `You were banned${message.reason ? `: ${message.reason}` : '.'}`
                                 : `You were removed${message.reason ? `: ${message.reason}` : '.'}`;
      } else if (voice) {
        voice.forget(message.session);
      }
      break;
    default: break;
  }
  view.apply(name, message);
  if (name === 'ServerSync') onJoined();
}

function onJoined() {
  join.busy('');
  join.show(false);
  document.getElementById('room').hidden = false;
  quality.hidden = false;
  leaveButton.hidden = false;
  startPings();
  const wanted = params.get('channel');
  if (wanted) {
    const channel = view.channelByPath(wanted);
    if (channel) moveTo(channel.id);
    else view.note(`There is no channel “${wanted}” on this server.`, 'error');
  }
  document.getElementById('ptt').focus();
  window.plenum.state = 'joined';
}

function startPings() {
  const ping = () => {
    if (!pingAnswered) {
      view.missedPings++;
      view.changed('quality');
    }
    pingAnswered = false;
    lastPingSent = performance.now();
    connection.send('Ping', { timestamp: Math.floor(lastPingSent), tcp_packets: 0 });
  };
  ping();
  if (typeof Worker !== 'undefined') {
    pingTimer = new Worker('ping-clock.js');
    pingTimer.onmessage = ping;
    pingTimer.postMessage(kPingIntervalMs);
  } else {
    pingTimer = setInterval(ping, kPingIntervalMs);
  }
}

function moveTo(channel) {
  connection.send('UserState', { session: view.session, channel_id: channel });
}

function sendChat(text) {
  const me = view.me();
  if (!me) return;
  connection.send('TextMessage', { channel_id: [me.channel], message: escapeHtml(text) });
  view.chat.push({ from: me.name, text, time: new Date(), kind: 'chat self' });
  view.changed('chat');
}

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function stopVoice() {
  if (voice) voice.stop();
  voice = null;
}

function leave(message) {
  leaving = true;
  endMessage = message;
  if (connection) connection.close();
}

function onClosed({ reason }) {
  if (typeof pingTimer === 'object') pingTimer.terminate();
  else clearInterval(pingTimer);
  pingTimer = 0;
  stopVoice();
  const wasJoined = view.synced;
  const text = leaving ? endMessage : (endMessage || closeText(reason));
  connection = null;
  document.getElementById('room').hidden = true;
  quality.hidden = true;
  leaveButton.hidden = true;
  join.show(true);
  join.showError(text);
  if (!text && wasJoined) join.busy('');
  window.plenum.state = 'closed';
  window.plenum.message = text;
}

// For tests and the curious: state, the last message, what the speaker played (?record=1).
window.plenum = {
  state: 'idle',
  message: '',
  view,
  recorded: () => (voice ? voice.recorded() : Promise.resolve(new Float32Array(0))),
  captured: () => (voice ? voice.captured() : new Float32Array(0)),
  stats: () => (voice ? { sent: voice.packetsOut, received: voice.packetsIn, decodeErrors: voice.decodeErrors } : null),
  send: (name, message) => connection && connection.send(name, message),
};
