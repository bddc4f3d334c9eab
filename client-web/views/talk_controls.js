// TalkControls: push-to-talk (the big button, by mouse, touch or keyboard, and the space bar
// anywhere outside a text field), voice activation, mute, the level meter and the listener
// mode. Reports intentions through callbacks; shows what it is told.
export class TalkControls {
  constructor({ onTalk, onTransmit, onMute, onListenMode }) {
    this.ptt = document.getElementById('ptt');
    this.label = this.ptt.querySelector('.ptt-label');
    this.mute = document.getElementById('mute');
    this.level = document.getElementById('level');
    this.listenMode = document.getElementById('listen-mode');
    this.listenNote = document.getElementById('listen-mode-note');
    this.onTalk = onTalk;
    this.talking = false;
    this.muted = false;
    this.transmit = 'ptt';

    const press = (event) => { event.preventDefault(); this.setTalking(true); };
    const release = () => this.setTalking(false);
    this.ptt.addEventListener('pointerdown', (event) => {
      this.ptt.setPointerCapture(event.pointerId);
      press(event);
    });
    this.ptt.addEventListener('pointerup', release);
    this.ptt.addEventListener('pointercancel', release);
    this.ptt.addEventListener('lostpointercapture', release);
    this.ptt.addEventListener('contextmenu', (event) => event.preventDefault());
    // Keyboard on the button itself (Enter or Space) as well as the global space bar.
    this.ptt.addEventListener('keydown', (event) => {
      if ((event.key === 'Enter' || event.key === ' ') && !event.repeat) press(event);
    });
    this.ptt.addEventListener('keyup', (event) => {
      if (event.key === 'Enter' || event.key === ' ') release();
    });
    this.ptt.addEventListener('click', (event) => event.preventDefault());
    window.addEventListener('keydown', (event) => {
      if (event.key !== ' ' || event.repeat || this.typing(event.target) || event.target === this.ptt) return;
      if (this.ptt.closest('[hidden]')) return;
      press(event);
    });
    window.addEventListener('keyup', (event) => {
      if (event.key === ' ' && event.target !== this.ptt && !this.typing(event.target)) release();
    });
    window.addEventListener('blur', release);

    for (const radio of document.querySelectorAll('input[name="transmit"]')) {
      radio.addEventListener('change', () => {
        this.transmit = radio.value;
        this.ptt.disabled = this.transmit !== 'ptt';
        this.label.textContent = this.transmit === 'ptt' ? 'Hold to talk' : 'Voice activation on';
        onTransmit(this.transmit);
      });
    }
    this.mute.addEventListener('click', () => {
      this.muted = !this.muted;
      this.mute.setAttribute('aria-pressed', String(this.muted));
      this.mute.textContent = this.muted ? 'Unmute microphone' : 'Mute microphone';
      onMute(this.muted);
    });
    this.listenMode.addEventListener('change', () => onListenMode(this.listenMode.value));
  }

  typing(target) {
    return target && (target.tagName === 'INPUT' && target.type !== 'radio' ||
                      target.tagName === 'TEXTAREA' || target.tagName === 'SELECT');
  }

  setTalking(on) {
    if (on === this.talking) return;
    this.talking = on;
    this.ptt.setAttribute('aria-pressed', String(on));
    this.ptt.classList.toggle('active', on);
    if (this.transmit === 'ptt') this.label.textContent = on ? 'Talking…' : 'Hold to talk';
    this.onTalk(on);
  }

  showSending(on) { this.ptt.classList.toggle('sending', on); }
  showLevel(rms) { this.level.value = Math.min(1, rms * 4); }
  // Listener modes come with the server's `/mode` command; until then the selector explains.
  setListenModeAvailable(available, note) {
    this.listenMode.disabled = !available;
    this.listenNote.textContent = note || '';
  }
}
