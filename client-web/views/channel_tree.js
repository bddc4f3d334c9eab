// ChannelTree: the channels and who is in each, who is speaking, muted or deafened, rendered
// from the ServerView. A channel's button asks to move there (onEnter).
export class ChannelTree {
  constructor({ view, onEnter }) {
    this.view = view;
    this.onEnter = onEnter;
    this.root = document.getElementById('tree');
    view.addEventListener('change', (event) => {
      if (['channels', 'users', 'speaking', 'sync'].includes(event.detail)) this.render();
    });
  }

  render() {
    const focused = document.activeElement && document.activeElement.dataset.channel;
    this.root.replaceChildren();
    const root = this.view.channels.get(0);
    if (root) this.root.append(this.channelItem(root));
    if (focused !== undefined) {
      const again = this.root.querySelector(`[data-channel="${focused}"]`);
      if (again) again.focus();
    }
  }

  channelItem(channel) {
    const item = document.createElement('li');
    const me = this.view.me();
    const here = me && me.channel === channel.id;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'channel' + (here ? ' here' : '');
    button.dataset.channel = String(channel.id);
    button.textContent = channel.name || 'Root';
    button.setAttribute('aria-label', here ? `${channel.name} (you are here)` : `Go to ${channel.name}`);
    if (here) button.setAttribute('aria-current', 'true');
    button.addEventListener('click', () => { if (!here) this.onEnter(channel.id); });
    item.append(button);
    const list = document.createElement('ul');
    for (const user of this.view.usersIn(channel.id)) list.append(this.userItem(user));
    for (const child of this.view.childrenOf(channel.id)) list.append(this.channelItem(child));
    if (list.children.length) item.append(list);
    return item;
  }

  userItem(user) {
    const item = document.createElement('li');
    const speaking = this.view.speaking.has(user.session);
    item.className = 'user' + (speaking ? ' speaking' : '') +
                     (user.session === this.view.session ? ' self' : '');
    const marks = [];
    if (speaking) marks.push('speaking');
    if (user.mute || user.selfMute) marks.push('muted');
    if (user.suppress) marks.push('waiting for the floor');
    if (user.deaf || user.selfDeaf) marks.push('deafened');
    if (user.prioritySpeaker) marks.push('priority speaker');
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = user.name + (user.session === this.view.session ? ' (you)' : '');
    const state = document.createElement('span');
    state.className = 'state';
    state.textContent = marks.length ? `— ${marks.join(', ')}` : '';
    item.append(name, state);
    return item;
  }
}
