// Drives Debian's chromium (headless, over the DevTools protocol with puppeteer-core; nothing
// downloads a browser) through the web client for web_client_test.cpp, which starts the server
// and the plenum-cli peers and checks the audio. Steps are printed as lines the test waits for;
// the test answers by creating files in --dir (go-*).
//   node drive.mjs --url https://127.0.0.1:PORT/ --mic speech.wav --dir DIR --password PW
//                  [--chromium /usr/bin/chromium] [--artifacts DIR]
import fs from 'node:fs';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => {
  if (arg.startsWith('--')) pairs.push([arg.slice(2), all[i + 1]]);
  return pairs;
}, []));
const dir = args.dir;
const artifacts = args.artifacts || dir;
const kStepMs = 20000;

function say(line) { process.stdout.write(`${line}\n`); }
function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }

// Waits (with a deadline) for the test to create DIR/go-NAME.
async function awaitGo(name) {
  const file = path.join(dir, `go-${name}`);
  const deadline = Date.now() + 60000;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`no go-${name} from the test`);
    await sleep(50);
  }
}

async function openPage(browser, query) {
  const page = await browser.newPage();
  page.on('console', (message) => say(`console: ${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => say(`pageerror: ${error.message}`));
  await page.setViewport({ width: 1280, height: 800 });
  await page.goto(`${args.url}${query}`, { waitUntil: 'load' });
  return page;
}

// Types the password and presses Join with the keyboard (Tab order, Enter), as a person would.
async function join(page, password) {
  await page.waitForSelector('#password');
  await page.$eval('#password', (input) => { input.value = ''; });
  await page.focus('#password');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
}

// Writes the Float32Array that window.plenum[which]() gives in the page to `file` (raw f32).
async function dumpSamples(page, which, file) {
  const base64 = await page.evaluate(async (name) => {
    const samples = await window.plenum[name]();
    const bytes = new Uint8Array(samples.buffer);
    let text = '';
    for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(text);
  }, which);
  fs.writeFileSync(file, Buffer.from(base64, 'base64'));
}

async function waitState(page, states) {
  await page.waitForFunction((wanted) => wanted.includes(window.plenum.state), { timeout: kStepMs }, states);
  return page.evaluate(() => ({ state: window.plenum.state, message: window.plenum.message }));
}

async function main() {
  const browser = await puppeteer.launch({
    executablePath: args.chromium || '/usr/bin/chromium',
    headless: true,
    acceptInsecureCerts: true,
    args: [
      '--no-sandbox', '--ignore-certificate-errors',
      '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${args.mic}`,
      '--autoplay-policy=no-user-gesture-required', '--disable-gpu',
      '--no-first-run', '--no-default-browser-check', '--disable-extensions',
      `--user-data-dir=${path.join(dir, 'chromium-profile')}`,
    ],
  });
  try {
    // 1. Join with the password (name from the link), then talk for a few seconds.
    const page = await openPage(browser, '?name=Ada&record=1');
    const prefilled = await page.$eval('#name', (input) => input.value);
    say(`prefilled: ${prefilled}`);
    const label = await page.$eval('#join-button', (button) => button.textContent.trim());
    say(`join-button: ${label}`);
    await join(page, args.password);
    await waitState(page, ['joined', 'closed']);
    const joined = await page.evaluate(() => window.plenum.state);
    if (joined !== 'joined') throw new Error(`join failed: ${await page.evaluate(() => window.plenum.message)}`);
    say('joined');
    await awaitGo('talk');
    await page.keyboard.down('Space');   // push to talk: the space bar
    await sleep(Number(args.talk_ms || 4000));
    await page.keyboard.up('Space');
    await dumpSamples(page, 'captured', path.join(dir, 'captured.f32'));
    say(`talked ${JSON.stringify(await page.evaluate(() => window.plenum.stats()))}`);

    // 2. The test's plenum-cli speaks; the page plays it. Dump what the speaker played.
    say('listening');
    await awaitGo('dump');
    await dumpSamples(page, 'recorded', path.join(dir, 'heard.f32'));
    say(`dumped ${JSON.stringify(await page.evaluate(() => window.plenum.stats()))}`);

    // 3. Screenshots of the joined page, wide and phone-sized.
    await page.screenshot({ path: path.join(artifacts, 'web-joined-1280x800.png') });
    await page.setViewport({ width: 360, height: 740 });  // isMobile would reload the page
    await sleep(200);
    await page.screenshot({ path: path.join(artifacts, 'web-joined-360x740.png') });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    say(`screenshots (horizontal overflow at 360 px: ${overflow})`);

    // 4. A wrong password: the page says so.
    const wrong = await openPage(browser, '?name=Mallory');
    await join(wrong, 'not-the-password');
    await wrong.waitForFunction(() => document.getElementById('join-error').textContent.length > 0, { timeout: kStepMs });
    say(`wrong-password: ${await wrong.$eval('#join-error', (e) => e.textContent)}`);
    await wrong.close();

    // 5. An invite-style link: a channel and an access token. The token admits; no token, no entry.
    for (const [label, query] of [['token-link', '?name=Tess&channel=Board&token=board-token'],
                                  ['no-token-link', '?name=Nora&channel=Board']]) {
      const guest = await openPage(browser, query);
      await join(guest, args.password);
      await waitState(guest, ['joined', 'closed']);
      await guest.waitForFunction(() => {
        const v = window.plenum.view;
        return v.me() && (v.me().channel !== 0 || v.chat.some((entry) => entry.kind === 'error'));
      }, { timeout: kStepMs });
      const where = await guest.evaluate(() => {
        const v = window.plenum.view;
        const channel = v.channels.get(v.me().channel);
        const errors = v.chat.filter((entry) => entry.kind === 'error').map((entry) => entry.text);
        return [channel.id === 0 ? 'Root' : channel.name, ...errors].join(' | ');
      });
      say(`${label}: ${where}`);
      await guest.close();
    }

    // 6. The test bans Ada (an admin's UserRemove with ban); the page says so, and a new
    //    attempt from this address is refused with a clear message.
    say(`ready-for-ban (page ${await page.evaluate(() => `${window.plenum.state} ${window.plenum.message}`)})`);
    // The test is measuring the audio meanwhile (slow under the sanitizers): wait long enough.
    await page.waitForFunction(() => window.plenum.state === 'closed', { timeout: 90000 });
    say(`kicked: ${await page.$eval('#join-error', (e) => e.textContent)}`);
    await join(page, args.password);
    await page.waitForFunction(() => window.plenum.state === 'closed' &&
                                     /You are banned/.test(document.getElementById('join-error').textContent),
                               { timeout: kStepMs });
    say(`banned: ${await page.$eval('#join-error', (e) => e.textContent)}`);
    say('done');
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  say(`error: ${error.stack || error}`);
  process.exit(1);
});
