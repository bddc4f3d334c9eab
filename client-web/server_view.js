// ServerView: what the page knows of the server, built only from server messages (as
// plenum-cli's core/server_view): channels, users, who speaks, chat, our own session and the
// connection's health. Views render from it and subscribe to 'change'; nothing else writes it.

function stripHtml(html) {
  // Mumble chat may carry HTML. Show its text only: DOMParser builds an inert document (no
  // scripts run, nothing loads), and we read textContent.
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  return doc.body.textContent || '';
}

export class ServerView extends EventTarget {
  constructor() {
    super();
    this.reset();
  }

  reset() {
    this.channels = new Map();  // id -> {id, parent, name, position, description}
    this.users = new Map();     // session -> {session, name, channel, mute, deaf, selfMute, ...}
    this.speaking = new Set();  // sessions heard in the last moments
    this.chat = [];             // {from, text, time, kind: 'chat'|'server'|'error'}
    this.session = null;        // ours, from ServerSync
    this.synced = false;
    this.welcome = '';
    this.maxBandwidth = 0;
    this.rttMs = null;
    this.missedPings = 0;
    this.underruns = 0;
    this.serverVersion = null;
  }

  changed(what) { this.dispatchEvent(new CustomEvent('change', { detail: what })); }

  me() { return this.session === null ? null : this.users.get(this.session); }

  apply(name, message) {
    switch (name) {
      case 'ChannelState': return this.applyChannel(message);
      case 'ChannelRemove':
        this.channels.delete(message.channel_id);
        return this.changed('channels');
      case 'UserState': return this.applyUser(message);
      case 'UserRemove': {
        const user = this.users.get(message.session);
        this.users.delete(message.session);
        this.speaking.delete(message.session);
        if (user && message.session !== this.session) this.note(`${user.name} left`);
        return this.changed('users');
      }
      case 'ServerSync':
        this.session = message.session;
        this.synced = true;
        this.welcome = message.welcome_text ? stripHtml(message.welcome_text) : '';
        this.maxBandwidth = message.max_bandwidth || 0;
        if (this.welcome) this.note(this.welcome);
        return this.changed('sync');
      case 'TextMessage': {
        const from = this.users.get(message.actor);
        this.chat.push({ from: from ? from.name : 'Server', text: stripHtml(message.message),
                         time: new Date(), kind: 'chat' });
        return this.changed('chat');
      }
      case 'PermissionDenied': {
        let text = message.reason || 'Not allowed.';
        if (message.type === 1) {  // DenyType Permission: say where
          const channel = this.channels.get(message.channel_id);
          text = `Permission denied${channel ? ` in “${channel.name}”` : ''}` +
                 (message.reason ? `: ${message.reason}` : '.');
        }
        return this.note(text, 'error');
      }
      default: return undefined;
    }
  }

  applyChannel(message) {
    const id = message.channel_id;
    const channel = this.channels.get(id) || { id, parent: null, name: '', position: 0, description: '' };
    if (message.parent !== undefined) channel.parent = message.parent;
    if (message.name !== undefined) channel.name = message.name;
    if (message.position !== undefined) channel.position = message.position;
    if (message.description !== undefined) channel.description = stripHtml(message.description);
    this.channels.set(id, channel);
    this.changed('channels');
  }

  applyUser(message) {
    const session = message.session;
    let user = this.users.get(session);
    const isNew = !user;
    if (!user) {
      user = { session, name: '', channel: 0, mute: false, deaf: false, suppress: false,
               selfMute: false, selfDeaf: false, prioritySpeaker: false, registered: false };
      this.users.set(session, user);
    }
    if (message.name !== undefined) user.name = message.name;
    if (message.channel_id !== undefined) user.channel = message.channel_id;
    if (message.mute !== undefined) user.mute = message.mute;
    if (message.deaf !== undefined) user.deaf = message.deaf;
    if (message.suppress !== undefined) user.suppress = message.suppress;
    if (message.self_mute !== undefined) user.selfMute = message.self_mute;
    if (message.self_deaf !== undefined) user.selfDeaf = message.self_deaf;
    if (message.priority_speaker !== undefined) user.prioritySpeaker = message.priority_speaker;
    if (message.user_id !== undefined) user.registered = message.user_id !== 0xffffffff;
    if (isNew && this.synced && session !== this.session) this.note(`${user.name} joined`);
    this.changed('users');
  }

  setSpeaking(session, on) {
    if (on) this.speaking.add(session);
    else this.speaking.delete(session);
    this.changed('speaking');
  }

  note(text, kind = 'server') {
    this.chat.push({ from: '', text, time: new Date(), kind });
    this.changed('chat');
  }

  // Children of `parent` in Mumble's order: position, then name.
  childrenOf(parent) {
    return [...this.channels.values()]
      .filter((c) => c.parent === parent && c.id !== parent)
      .sort((a, b) => a.position - b.position || a.name.localeCompare(b.name));
  }

  usersIn(channel) {
    return [...this.users.values()].filter((u) => u.channel === channel)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  // "A/B" under the root; the root itself is "".
  channelByPath(path) {
    let current = this.channels.get(0);
    for (const part of path.split('/').filter(Boolean)) {
      current = this.childrenOf(current.id).find((c) => c.name.toLowerCase() === part.toLowerCase());
      if (!current) return null;
    }
    return current || null;
  }

  // Good | Fair | Poor from the WebSocket's round trip and the playback's gaps.
  quality() {
    if (this.rttMs === null) return { level: 'unknown', text: 'Measuring…' };
    const rtt = Math.round(this.rttMs);
    if (this.missedPings >= 2 || rtt > 400) return { level: 'poor', text: `Poor (${rtt} ms)` };
    if (this.missedPings === 1 || rtt > 150) return { level: 'fair', text: `Fair (${rtt} ms)` };
    return { level: 'good', text: `Good (${rtt} ms)` };
  }
}
