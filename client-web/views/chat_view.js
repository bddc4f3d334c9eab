// ChatView: the chat log (messages and server notices, as text, never HTML) and the input,
// which sends to the channel we are in (onSend).
export class ChatView {
  constructor({ view, onSend }) {
    this.view = view;
    this.log = document.getElementById('chat-log');
    this.input = document.getElementById('chat-input');
    this.shown = 0;
    document.getElementById('chat-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const text = this.input.value.trim();
      if (!text) return;
      onSend(text);
      this.input.value = '';
    });
    view.addEventListener('change', (event) => { if (event.detail === 'chat') this.render(); });
  }

  render() {
    for (; this.shown < this.view.chat.length; ++this.shown) {
      const entry = this.view.chat[this.shown];
      const item = document.createElement('li');
      item.className = entry.kind;
      const time = document.createElement('time');
      time.dateTime = entry.time.toISOString();
      time.textContent = entry.time.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
      item.append(time, ' ');
      if (entry.from) {
        const from = document.createElement('strong');
        from.textContent = `${entry.from}: `;
        item.append(from);
      }
      item.append(entry.text);
      this.log.append(item);
    }
    this.log.scrollTop = this.log.scrollHeight;
  }

  reset() {
    this.log.replaceChildren();
    this.shown = 0;
  }
}
