#!/usr/bin/env bash
# Checks scripts/systemd/plenum-server.service: `systemd-analyze verify` must accept it without
# a single warning (it only warns about unknown or misspelt keys), it must keep the hardening
# the operator guide promises, and its LimitNOFILE must cover the default `users` of
# config/plenum.ini plus the server's own descriptors.
# Usage: verify_unit.sh UNIT PLENUM_INI PLENUM_SERVER_BINARY. Exit 77 (CTest: skipped) without
# systemd-analyze.
set -euo pipefail
unit=$1 ini=$2 binary=$3

fail() { echo "FAIL: $*" >&2; exit 1; }

for line in "User=plenum" "ProtectSystem=strict" "PrivateTmp=yes" "NoNewPrivileges=yes" \
            "StateDirectory=plenum" "CapabilityBoundingSet=" "AmbientCapabilities=" \
            "ExecReload=/bin/kill -HUP \$MAINPID"; do
  grep -qxF -- "$line" "$unit" || fail "$unit lacks the line '$line'"
done
grep -q -- "--data-dir /var/lib/plenum" "$unit" || fail "ExecStart does not use the StateDirectory"

users=$(sed -n 's/^users *= *\([0-9]*\).*/\1/p' "$ini")
nofile=$(sed -n 's/^LimitNOFILE=\([0-9]*\)$/\1/p' "$unit")
[[ -n "$users" && -n "$nofile" ]] || fail "no users in $ini or no LimitNOFILE in $unit"
(( nofile >= users + 64 )) || fail "LimitNOFILE=$nofile is below users ($users) + 64"
echo "unit: LimitNOFILE=$nofile covers users=$users + 64"

if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "SKIPPED: systemd-analyze is not installed, so the unit was not verified (the static checks above passed)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# verify insists that ExecStart's binary exists: point it at the one just built.
sed "s#/usr/local/bin/plenum-server#${binary}#" "$unit" >"$work/plenum-server.service"
if ! systemd-analyze verify "$work/plenum-server.service" >"$work/out" 2>&1; then
  cat "$work/out" >&2
  fail "systemd-analyze verify refused the unit"
fi
if [[ -s "$work/out" ]]; then
  cat "$work/out" >&2
  fail "systemd-analyze verify warned about the unit"
fi
echo "PASS: systemd-analyze verify accepts $(basename "$unit") without warnings"
