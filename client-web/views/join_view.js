// JoinView: the join form. Prefills the name from the link (?name=Ada) or from the name this
// browser used last (localStorage, the only thing the client stores), and reports 'join'.
const kNameKey = 'plenum.name';

export class JoinView {
  constructor({ params, onJoin }) {
    this.form = document.getElementById('join-form');
    this.name = document.getElementById('name');
    this.password = document.getElementById('password');
    this.button = document.getElementById('join-button');
    this.error = document.getElementById('join-error');
    this.status = document.getElementById('join-status');
    this.section = document.getElementById('join');
    const channel = params.get('channel');
    document.getElementById('join-channel').textContent = channel ? `“${channel}”` : 'the meeting';
    this.name.value = params.get('name') || localStorage.getItem(kNameKey) || '';
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      const name = this.name.value.trim();
      if (!name) {
        this.showError('Please type your name.');
        this.name.focus();
        return;
      }
      localStorage.setItem(kNameKey, name);
      this.showError('');
      onJoin({ name, password: this.password.value });
    });
    (this.name.value ? this.password : this.name).focus();
  }

  busy(text) {
    this.button.disabled = !!text;
    this.status.textContent = text || '';
  }

  showError(text) {
    this.error.textContent = text;
    if (text) this.busy('');
  }

  show(visible) {
    this.section.hidden = !visible;
    if (visible) this.name.focus();
  }
}
