#!/usr/bin/env bash
# Manual interop check: does a STOCK Mumble desktop client (Debian's `mumble` 1.3.x) hear and get
# heard through Plenum? Runs everything headless and private, then cleans up:
#   a PulseAudio daemon of its own (null sinks micA/micB/spkA/spkB, socket in the work dir),
#   an Xvfb display, plenum-server (or murmurd with --server murmur, for comparison),
#   stock mumble "alice" (mic = micA.monitor, speakers = spkA) and "dave" (micB.monitor/spkB),
#   and plenum-cli --headless.
# Checks (speech synthesised with espeak-ng, or a sox tone pattern without it):
#   1. stock -> cli   : paplay speech into micA, plenum-cli "bob" records; cross-correlate.
#   2. cli -> stock   : plenum-cli "carol" --play speech, parec spkA.monitor; cross-correlate.
#   3. stock -> stock : paplay speech into micA, parec spkB.monitor (dave); cross-correlate.
# A check passes when the envelope NCC >= 0.75 and the 8 kHz waveform NCC >= 0.40 (unrelated
# speech or noise: envelope 0.3-0.65, waveform ~0; a working path: >= 0.9 and >= 0.6).
# Exit status: 0 all passed, 1 a check failed, 2 setup failed.
#
# Usage: scripts/manual/stock_client_voice.sh [--server plenum|murmur] [--build DIR]
#                                              [--keep] [--no-stock-stock]
# Needs: mumble, Xvfb, xdotool, x11-apps (xwd), imagemagick (convert), pulseaudio,
#        pulseaudio-utils, sox, espeak-ng (optional), openssl, python3, iproute2 (ss),
#        mumble-server (for --server murmur).
#   apt-get install -y mumble xvfb xdotool x11-apps imagemagick pulseaudio pulseaudio-utils \
#     sox espeak-ng
# Results, logs and screenshots (alice_with_bob.png, dave.png, screen_end.png) stay in the printed
# work dir when --keep is given (or on failure). Mumble is told to skip its wizards (lastupdate=2,
# a certificate in ~/Documents/MumbleAutomaticCertificateBackup.p12) and the server certificate
# is pre-accepted in its database; stock mumble 1.3.4 sometimes never opens its PulseAudio output
# (with Murmur too), so such a client is restarted and a WARNING line recorded.
set -uo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
server_kind=plenum
build="${PLENUM_BUILD:-$root/build/stock}"
keep=0
stock_stock=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --server) server_kind="$2"; shift 2 ;;
    --build) build="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    --no-stock-stock) stock_stock=0; shift ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

cli="$build/client-cli/plenum-cli"
server_bin="$build/server/plenum-server"
for tool in mumble Xvfb xdotool xwd convert pulseaudio pactl paplay parec sox openssl python3 ss; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 2; }
done
[[ -x "$cli" ]] || { echo "missing $cli (build plenum-cli, or pass --build DIR)" >&2; exit 2; }
if [[ "$server_kind" == plenum ]]; then
  [[ -x "$server_bin" ]] || { echo "missing $server_bin" >&2; exit 2; }
elif [[ "$server_kind" == murmur ]]; then
  command -v murmurd >/dev/null || { echo "missing murmurd (apt-get install mumble-server)" >&2; exit 2; }
else
  echo "--server must be plenum or murmur" >&2; exit 2
fi

work="$(mktemp -d /tmp/stock_voice.XXXXXX)"
chmod 755 "$work"
pids=()
failed=0

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*"; }

cleanup() {
  local pid
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pid="${pids[i]}"
    kill "$pid" 2>/dev/null
  done
  sleep 1
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null; done
  if [[ $keep -eq 1 || $failed -ne 0 ]]; then
    echo "work dir kept: $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 2' INT TERM

free_port() {
  python3 -c 'import socket
for _ in range(50):
    t = socket.socket(); t.bind(("127.0.0.1", 0)); p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p)); print(p); break
    except OSError: pass
    finally: u.close(); t.close()'
}

wait_for() {  # wait_for SECONDS COMMAND... : polls every 0.2 s
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    ((SECONDS >= deadline)) && return 1
    sleep 0.2
  done
}

# ---------------------------------------------------------------- pulseaudio (private daemon)
export XDG_RUNTIME_DIR="$work/pulse"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
export PULSE_SERVER="unix:$work/pulse/native"
{
  echo "load-module module-native-protocol-unix auth-anonymous=1 socket=$work/pulse/native"
  for sink in micA micB spkA spkB; do
    echo "load-module module-null-sink sink_name=$sink rate=48000 channels=1 sink_properties=device.description=$sink"
  done
} >"$work/pa.conf"
# As root pulseaudio only warns ("not intended to be run as root") when --system=false is explicit.
HOME="$work" pulseaudio -n --daemonize=no --exit-idle-time=-1 --disallow-exit --system=false \
  --use-pid-file=no --disable-shm=yes -F "$work/pa.conf" >"$work/pulseaudio.log" 2>&1 &
pids+=($!)
wait_for 10 pactl info >/dev/null 2>&1 || { echo "pulseaudio did not start:"; cat "$work/pulseaudio.log"; exit 2; }
log "pulseaudio up ($PULSE_SERVER)"

# ---------------------------------------------------------------- Xvfb
exec 3>"$work/display"
Xvfb -displayfd 3 -screen 0 1400x900x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
pids+=($!)
exec 3>&-
wait_for 10 test -s "$work/display" || { echo "Xvfb did not start"; cat "$work/xvfb.log"; exit 2; }
export DISPLAY=":$(head -1 "$work/display")"
log "Xvfb on $DISPLAY"

# ---------------------------------------------------------------- test speech
if command -v espeak-ng >/dev/null; then
  espeak-ng -v en -s 150 -w "$work/speech_raw.wav" \
    "The quick brown fox jumps over the lazy dog. Plenum is a voice server for large plenaries. \
One two three four five six seven eight nine ten. Testing the stock client through the server."
  sox "$work/speech_raw.wav" -r 48000 -c 1 -b 16 "$work/speech.wav" norm -3 2>/dev/null
else  # speech-like: syllable-rate bursts of a gliding harmonic tone
  sox -n -r 48000 -c 1 -b 16 "$work/speech.wav" synth 12 sawtooth 120-260 \
    tremolo 4 90 lowpass 3000 norm -3 2>/dev/null
fi
[[ -s "$work/speech.wav" ]] || { echo "could not make speech.wav"; exit 2; }

# ---------------------------------------------------------------- server
port="$(free_port)"
if [[ "$server_kind" == plenum ]]; then
  mkdir -p "$work/server"
  "$server_bin" --port "$port" --host 127.0.0.1 --data-dir "$work/server" --log-level debug \
    >"$work/server.log" 2>&1 &
  pids+=($!)
  wait_for 20 grep -q 'plenum-server listening on' "$work/server.log" \
    || { echo "plenum-server did not start:"; cat "$work/server.log"; exit 2; }
else
  mkdir -p "$work/server"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/server/murmur-key.pem" \
    -out "$work/server/murmur-cert.pem" -days 30 -subj "/CN=murmur" 2>/dev/null
  chmod 644 "$work/server/murmur-key.pem"
  chown -R mumble-server "$work/server" 2>/dev/null
  cat >"$work/server/murmur.ini" <<EOF
port=$port
host=127.0.0.1
database=$work/server/murmur.sqlite
logfile=$work/server/murmur.log
users=100
autobanAttempts=0
kdfiterations=1000
sslCert=$work/server/murmur-cert.pem
sslKey=$work/server/murmur-key.pem
EOF
  murmurd -fg -ini "$work/server/murmur.ini" >"$work/server.log" 2>&1 &
  pids+=($!)
  wait_for 20 grep -q 'Server listening on' "$work/server.log" \
    || { echo "murmurd did not start:"; cat "$work/server.log"; exit 2; }
fi
log "$server_kind server on 127.0.0.1:$port"
if [[ "$server_kind" == plenum ]]; then server_cert="$work/server/plenum-cert.pem"
else server_cert="$work/server/murmur-cert.pem"; fi
# Mumble remembers accepted server certificates as the SHA-1 of their DER form.
server_digest="$(openssl x509 -in "$server_cert" -outform DER 2>/dev/null | sha1sum | cut -d' ' -f1)"
[[ ${#server_digest} -eq 40 ]] || { echo "cannot read server certificate $server_cert"; exit 2; }

# ---------------------------------------------------------------- stock mumble clients
# make_home NAME MIC_SINK SPEAKER_SINK: isolated HOME with settings that skip the audio wizard
# (lastupdate=2) and a certificate backup that mumble imports instead of running its wizard.
make_home() {
  local home="$work/home_$1"
  mkdir -p "$home/.config/Mumble" "$home/Documents" "$home/run"
  chmod 700 "$home/run"
  cat >"$home/.config/Mumble/Mumble.conf" <<EOF
[General]
lastupdate=2

[audio]
input=PulseAudio
output=PulseAudio
transmit=0
echo=false
denoise=false
quality=40000
positional=false
attenuateothers=false
attenuateothersontalk=false

[pulseaudio]
input=$2.monitor
output=$3

[tts]
enable=false

[ui]
askonquit=false
updatecheck=false
plugincheck=false
usage=false
disablepubliclist=true

[net]
autoconnect=false
reconnect=true

[shortcut]
enable=false

[overlay]
enable=false
EOF
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$home/key.pem" -out "$home/cert.pem" \
    -days 30 -subj "/CN=$1" 2>/dev/null
  openssl pkcs12 -export -inkey "$home/key.pem" -in "$home/cert.pem" -passout pass: \
    -out "$home/Documents/MumbleAutomaticCertificateBackup.p12"
  # Pre-accept the server certificate (mumble creates its other tables itself); the
  # xdotool fallback in start_mumble answers the dialog should this stop working.
  mkdir -p "$home/.local/share/Mumble/Mumble"
  python3 - "$home/.local/share/Mumble/Mumble/mumble.sqlite" "$port" "$server_digest" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("CREATE TABLE IF NOT EXISTS `cert` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, "
           "`hostname` TEXT, `port` INTEGER, `digest` TEXT)")
db.execute("CREATE UNIQUE INDEX IF NOT EXISTS `cert_host_port` ON `cert`(`hostname`,`port`)")
db.execute("INSERT OR REPLACE INTO `cert` (`hostname`, `port`, `digest`) VALUES ('127.0.0.1', ?, ?)",
           (int(sys.argv[2]), sys.argv[3]))
db.commit()
PY
}

shot_window() {  # shot_window XID FILE.png
  timeout 20 xwd -id "$1" -silent 2>/dev/null | timeout 20 convert xwd:- "$2" 2>/dev/null
}

mumble_x=0
# mumble_connected PID: an established TCP connection from PID to the server port.
mumble_connected() {
  ss -tnpH state established "( dport = :$port )" 2>/dev/null | grep -q "pid=$1,"
}

# start_mumble NAME: launches mumble, accepts the self-signed server certificate by pressing
# "Yes" in its dialog, and waits until connected. Sets mumble_pid.
start_mumble() {
  local name="$1" home="$work/home_$1"
  # Own XDG_RUNTIME_DIR: mumble's single-instance socket lives there; a shared one would hand
  # the URL to the first instance instead of starting a second client.
  env -i PATH=/usr/bin:/bin HOME="$home" DISPLAY="$DISPLAY" XDG_RUNTIME_DIR="$home/run" \
    PULSE_SERVER="$PULSE_SERVER" QT_X11_NO_MITSHM=1 \
    mumble -m "mumble://$name@127.0.0.1:$port/" >"$work/mumble_$name.log" 2>&1 &
  mumble_pid=$!
  pids+=("$mumble_pid")
  local start=$SECONDS stable=0 last_key=0 win
  while ((SECONDS < start + 40)); do
    if mumble_connected "$mumble_pid"; then
      if ((++stable >= 10)); then
        log "$name: connected"
        # No window manager: place the windows side by side so screenshots do not overlap.
        for win in $(xdotool search --all --onlyvisible --pid "$mumble_pid" --name '^Mumble' 2>/dev/null); do
          xdotool windowmove "$win" "$mumble_x" 0 2>/dev/null
        done
        mumble_x=$((mumble_x + 700))
        return 0
      fi
    else
      stable=0
      # Fallback if the pre-accepted digest did not match: answer "Yes" in the certificate
      # dialog (a QMessageBox titled "Mumble"; alt+y does nothing in the main window).
      if ((SECONDS > start + 10 && SECONDS > last_key + 3)); then
        last_key=$SECONDS
        for win in $(xdotool search --all --onlyvisible --pid "$mumble_pid" --name '^Mumble$' 2>/dev/null); do
          log "$name: not connected yet, pressing alt+y in window $win"
          shot_window "$win" "$work/dialog_${name}_$SECONDS.png"
          xdotool windowfocus --sync "$win" 2>/dev/null
          xdotool key alt+y
        done
      fi
    fi
    sleep 0.3
  done
  echo "stock mumble '$name' did not connect; see $work/mumble_$name.log"
  return 1
}

# start_mumble_checked NAME: start_mumble, then make sure mumble opened its PulseAudio output.
# Mumble 1.3.4 now and then never starts its output stream (no "PulseAudio: Starting output"
# in its log; seen with both servers' timing, server logs clean): such a client hears nothing, so
# it is restarted (at most twice) and the restart is recorded in results.txt.
start_mumble_checked() {
  local attempt
  for attempt in 1 2 3; do
    start_mumble "$1" || return 1
    if wait_for 10 grep -q 'PulseAudio: Starting output' "$work/mumble_$1.log"; then
      return 0
    fi
    echo "WARNING: $1 (attempt $attempt): mumble did not start its audio output; restarting it" \
      | tee -a "$work/results.txt"
    cp "$work/mumble_$1.log" "$work/mumble_$1.noaudio$attempt.log"
    kill "$mumble_pid"; wait "$mumble_pid" 2>/dev/null
    mumble_x=$((mumble_x - 700))
  done
  return 1
}

screenshot() {  # screenshot PID FILE: the main window of that mumble
  local win
  win="$(xdotool search --all --onlyvisible --pid "$1" --name '^Mumble -- ' 2>/dev/null | head -1)"
  [[ -n "$win" ]] || return 0
  # Grab from the root window (xwd -id of a Qt main window often comes out black on Xvfb).
  local X Y WIDTH HEIGHT
  eval "$(xdotool getwindowgeometry --shell "$win" 2>/dev/null | grep -E '^(X|Y|WIDTH|HEIGHT)=')"
  timeout 20 xwd -root -silent 2>/dev/null \
    | timeout 20 convert xwd:- -crop "${WIDTH}x${HEIGHT}+${X}+${Y}" +repage "$2" 2>/dev/null \
    && log "screenshot $2"
}

# ---------------------------------------------------------------- checks
cat >"$work/xcorr.py" <<'PY'
import array, json, math, sys, wave
def read_mono(path):
    with wave.open(path, 'rb') as w:
        ch, sw, rate, n = w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()
        if sw != 2 or rate != 48000:
            raise SystemExit(f"{path}: need 16-bit 48 kHz PCM")
        data = array.array('h', w.readframes(n))
    if sys.byteorder == 'big':
        data.byteswap()
    return list(data[::ch])
def decimate(x, f):  # box average: a crude low-pass, enough for speech below 4 kHz
    return [sum(x[i:i + f]) / f for i in range(0, len(x) - f + 1, f)]
def envelope(x, frame):
    return [math.sqrt(sum(v * v for v in x[i:i + frame]) / frame) for i in range(0, len(x) - frame + 1, frame)]
def ncc_at(a, b, lag, start=0, length=None):  # a[i] against b[i + lag] over the overlap
    lo = max(start, -lag)
    hi = min(len(a), len(b) - lag) if length is None else min(start + length, len(a), len(b) - lag)
    if hi - lo < 10:
        return 0.0
    sa, sb = a[lo:hi], b[lo + lag:hi + lag]
    ma, mb = sum(sa) / len(sa), sum(sb) / len(sb)
    num = sum((p - ma) * (q - mb) for p, q in zip(sa, sb))
    da, db = sum((p - ma) ** 2 for p in sa), sum((q - mb) ** 2 for q in sb)
    return num / math.sqrt(da * db) if da > 0 and db > 0 else 0.0
ref, rec = read_mono(sys.argv[1]), read_mono(sys.argv[2])
ea, eb = envelope(ref, 480), envelope(rec, 480)   # 10 ms frames
env = max((ncc_at(ea, eb, lag), lag) for lag in range(-len(ea) + 50, len(eb) - 50))
da, db = decimate(ref, 6), decimate(rec, 6)      # 8 kHz
win = 4 * 8000                                    # the loudest 4 s of the reference
start = max((sum(v * v for v in da[s:s + win:8]), s) for s in range(0, max(1, len(da) - win), 4000))[1]
coarse = env[1] * 80
wav = max((ncc_at(da, db, lag, start, win), lag) for lag in range(coarse - 160, coarse + 161))
rms = math.sqrt(sum(v * v for v in rec) / max(1, len(rec)))
ok = env[0] >= 0.75 and wav[0] >= 0.40
print(json.dumps({"pass": ok, "envelope_ncc": round(env[0], 3), "waveform_ncc": round(wav[0], 3),
                  "lag_ms": round(wav[1] / 8.0, 1), "rec_rms": round(rms, 1),
                  "rec_seconds": round(len(rec) / 48000, 2)}))
sys.exit(0 if ok else 1)
PY

check() {  # check NAME RECORDING
  local result
  result="$(python3 "$work/xcorr.py" "$work/speech.wav" "$2")"
  local rc=$?
  echo "$1: $result" | tee -a "$work/results.txt"
  if [[ $rc -ne 0 ]]; then
    echo "FAIL: $1" | tee -a "$work/results.txt"
    failed=1
  fi
}

start_parec() {  # start_parec SINK FILE: records the sink's monitor; sets parec_pid
  parec -d "$1.monitor" --rate=48000 --channels=1 --format=s16le --file-format=wav "$2" &
  parec_pid=$!
  pids+=("$parec_pid")
}

make_home alice micA spkA
start_mumble_checked alice || { failed=1; exit 2; }
alice_pid=$mumble_pid

# 1. stock -> cli
log "check 1: stock mumble alice -> plenum-cli bob"
mkdir -p "$work/cli_home"
HOME="$work/cli_home" XDG_CONFIG_HOME="$work/cli_home/.config" "$cli" --headless \
  --server "127.0.0.1:$port" --user bob --record "$work/bob.wav" --duration 18 \
  --stats "$work/bob_stats.json" --trust-new-cert >"$work/bob.log" 2>&1 &
bob_pid=$!
pids+=("$bob_pid")
wait_for 10 grep -qs 'joined' "$work/bob.log" || log "bob has not joined yet: $(cat "$work/bob.log")"
sleep 1
screenshot "$alice_pid" "$work/alice_with_bob.png"
paplay -d micA "$work/speech.wav"
wait "$bob_pid"
log "bob exit code $?; $(tr -d '\n ' <"$work/bob_stats.json" 2>/dev/null | head -c 400)"
check "stock->cli (alice->bob)" "$work/bob.wav"

# 2. cli -> stock
log "check 2: plenum-cli carol -> stock mumble alice"
start_parec spkA "$work/alice_heard.wav"
sleep 0.5
HOME="$work/cli_home" XDG_CONFIG_HOME="$work/cli_home/.config" "$cli" --headless \
  --server "127.0.0.1:$port" --user carol --play "$work/speech.wav" --duration 16 \
  --stats "$work/carol_stats.json" --trust-new-cert >"$work/carol.log" 2>&1
log "carol exit code $?; $(tr -d '\n ' <"$work/carol_stats.json" 2>/dev/null | head -c 200)"
kill "$parec_pid"; wait "$parec_pid" 2>/dev/null
check "cli->stock (carol->alice)" "$work/alice_heard.wav"

# 3. stock -> stock
if [[ $stock_stock -eq 1 ]]; then
  log "check 3: stock mumble alice -> stock mumble dave"
  make_home dave micB spkB
  if start_mumble_checked dave; then
    dave_pid=$mumble_pid
    sleep 2
    start_parec spkB "$work/dave_heard.wav"
    sleep 1
    paplay -d micA "$work/speech.wav"
    sleep 2
    pactl list sink-inputs >"$work/pulse_sink_inputs.txt" 2>&1
    pactl list source-outputs >"$work/pulse_source_outputs.txt" 2>&1
    kill "$parec_pid"; wait "$parec_pid" 2>/dev/null
    check "stock->stock (alice->dave)" "$work/dave_heard.wav"
    screenshot "$dave_pid" "$work/dave.png"
  else
    echo "FAIL: stock->stock (dave could not connect)" | tee -a "$work/results.txt"
    failed=1
  fi
fi
screenshot "$alice_pid" "$work/alice_end.png"
timeout 20 xwd -root -silent 2>/dev/null | timeout 20 convert xwd:- "$work/screen_end.png" 2>/dev/null

if grep -qiE '\b(error|fatal|assert)' "$work/server.log"; then
  log "server log has errors:"; grep -iE '\b(error|fatal|assert)' "$work/server.log" | head -20
fi
echo "---- results ($server_kind) ----"
cat "$work/results.txt"
if [[ $failed -ne 0 ]]; then
  echo "FAILED (logs in $work)"
  exit 1
fi
echo "PASSED"
exit 0
