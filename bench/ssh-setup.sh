#!/usr/bin/env bash
# Measures what an SSH connection set-up costs, the figure behind the latency model's `ssh` fields
# (docs/fidelity.md, "ssh-per-action"): a throw-away sshd on 127.0.0.1 with its own keys, N
# connections each running `true` (a new connection per command, as OpenNebula 4.4's drivers
# did), then N commands over one multiplexed connection (ControlMaster: a persistent one).
# Prints wall ms per command, and CPU ms per connection on the client side (ssh) and on the
# server side (sshd and the session it forks). Needs openssh-client and openssh-server.
#   bash bench/ssh-setup.sh [N]        default N = 200
set -euo pipefail
N=${1:-200}
SSHD=$(command -v sshd || echo /usr/sbin/sshd)
[ -x "$SSHD" ] || { echo "sshd not found: apt-get install openssh-server" >&2; exit 2; }
dir=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key"
ssh-keygen -q -t rsa -b 2048 -N '' -f "$dir/id"
cp "$dir/id.pub" "$dir/authorized_keys"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$dir/sshd_config" <<CONF
ListenAddress 127.0.0.1
Port $port
HostKey $dir/host_key
AuthorizedKeysFile $dir/authorized_keys
PidFile $dir/sshd.pid
StrictModes no
UsePAM no
UseDNS no
PermitRootLogin yes
CONF
mkdir -p /run/sshd
# sshd in the foreground, under bash's `times`, so the CPU of every connection it forked and reaped is counted
bash -c "'$SSHD' -D -f '$dir/sshd_config' -E '$dir/sshd.log' & p=\$!; trap 'kill \$p' TERM; wait \$p; wait \$p; times > '$dir/server-times'" &
pid=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
opts=(-p "$port" -i "$dir/id" -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no -o LogLevel=ERROR -o BatchMode=yes)
ssh "${opts[@]}" 127.0.0.1 true  # warm-up (disk cache of the binaries)
now() { date +%s%N; }
sec() { awk -v t="$1" 'BEGIN { split(t, a, "m"); sub("s", "", a[2]); print a[1] * 60 + a[2] }'; }
t0=$(now)
# the loop in a shell of its own whose `times` (children's line) is the CPU of the N ssh clients
client=$(bash -c 'for _ in $(seq "$1"); do ssh "${@:2}" -o ControlMaster=no -o ControlPath=none 127.0.0.1 true; done; times' _ "$N" "${opts[@]}" | tail -1)
t1=$(now)
ssh "${opts[@]}" -o ControlMaster=yes -o ControlPath="$dir/cm" -o ControlPersist=60 -fN 127.0.0.1
t2=$(now)
for _ in $(seq "$N"); do ssh "${opts[@]}" -o ControlPath="$dir/cm" 127.0.0.1 true; done
t3=$(now)
ssh "${opts[@]}" -o ControlPath="$dir/cm" -O exit 127.0.0.1 2>/dev/null || true
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; pid=""
cu=$(sec "$(echo "$client" | awk '{print $1}')"); cs=$(sec "$(echo "$client" | awk '{print $2}')")
server=$(tail -1 "$dir/server-times")   # children's user and system time, e.g. "0m1.234s 0m0.567s"
su=$(sec "$(echo "$server" | awk '{print $1}')"); ss=$(sec "$(echo "$server" | awk '{print $2}')")
awk -v n="$N" -v w1="$(( (t1 - t0) / 1000 ))" -v w2="$(( (t3 - t2) / 1000 ))" -v cu="$cu" -v cs="$cs" -v su="$su" -v ss="$ss" 'BEGIN {
  printf "new connection per command: %.1f ms wall, client CPU %.1f ms, server CPU %.1f ms per connection\n", w1 / n / 1000, (cu + cs) * 1000 / n, (su + ss) * 1000 / n
  printf "multiplexed (persistent):   %.1f ms wall per command\n", w2 / n / 1000
}'
