// A dedicated worker that ticks every `interval` ms (its first message). The page's Ping comes
// from here, not from a setInterval on the page: browsers throttle a hidden tab's timers (and
// starve them under load), and a participant who switches tabs must not time out of the
// plenary. Workers' timers are not throttled that way.
let timer = 0;
onmessage = (event) => {
  clearInterval(timer);
  if (event.data > 0) timer = setInterval(() => postMessage('tick'), event.data);
};
