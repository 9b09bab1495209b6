#!/usr/bin/env bash
# A throwaway Dovecot 2.3 on loopback: the IMAP/POP3 peer for tests and benchmarks.
#
#   dovecot-peer.sh start DIR [options] USER:PASS [USER:PASS ...]
#       Writes DIR/dovecot.conf (from dovecot.conf.in beside this script) and
#       DIR/users, starts Dovecot, waits for its IMAP greeting and prints the IMAP
#       port as the only line on stdout. The other ports and the master PID go to
#       stderr and to DIR/peer.env. Mail lives in DIR/mail (Maildir, "/" as
#       hierarchy separator, INBOX + Sent/Drafts/Junk/Trash).
#     --port N            IMAP port (STARTTLS with --tls); default a free one
#     --pop3-port N       POP3 port (STLS with --tls); default a free one
#     --tls               also TLS: STARTTLS/STLS, IMAPS and POP3S, with a throwaway
#                         CA and certificate for localhost/127.0.0.1 in DIR/tls/
#                         (clients trust DIR/tls/ca.pem)
#     --imaps-port N      with --tls; default a free one
#     --pop3s-port N      with --tls; default a free one
#     --mailbox NAME      one more folder for every user, subscribed (UTF-8, e.g. 项目)
#     --max-userip N      sessions per user and IP (default 1000)
#     --process-limit N   imap and pop3 processes (Dovecot's default: 1024 each)
#     --password-scheme S store passwords hashed with S (doveadm pw -s S: SHA512-CRYPT,
#                         ARGON2ID, BLF-CRYPT …); default PLAIN, which costs nothing
#   dovecot-peer.sh stop DIR      stops it by the PID in DIR/run/master.pid
#   dovecot-peer.sh status DIR    prints DIR/peer.env if it is running
#
# Runs as root (login processes as dovenull, mail as nobody) or as any other user
# (everything as that user). Needs: apt-get install dovecot-imapd dovecot-pop3d
# (and openssl for --tls). Passwords may not contain ':'. Many users: u{1..50}:secret.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
die() { echo "dovecot-peer: $*" >&2; exit 1; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

port_free() {
  python3 -c 'import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null
}

greets() { # port -> 0 when an IMAP/POP3 greeting ("* OK" / "+OK") arrives
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1 && head -c 4 <&3" 2>/dev/null | grep -q 'OK'
}

pid_of() { [ -s "$1/run/master.pid" ] && cat "$1/run/master.pid"; }

running() { local p; p="$(pid_of "$1" 2>/dev/null)" && [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

make_tls() { # dir -> ca.pem, server.pem (+ chain), server.key: a throwaway CA and a localhost certificate
  local d="$1"
  command -v openssl >/dev/null || die "--tls needs openssl"
  mkdir -p "$d"
  (
    cd "$d"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
      -subj "/CN=jdmail test peer CA" -keyout ca.key -out ca.pem
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=localhost" \
      -keyout server.key -out server.csr
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' > ext.cnf
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
      -extfile ext.cnf -out server.pem
  ) >"$d/openssl.log" 2>&1 || { cat "$d/openssl.log" >&2; die "openssl failed"; }
  chmod 644 "$d/server.key" # read by Dovecot's config process; a throwaway key for loopback tests
}

start() {
  local dir="" port="" pop3="" imaps="" pop3s="" tls=0 maxuserip=1000 plimit="" scheme=PLAIN users=() mailboxes=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --port) port="$2"; shift 2 ;;
      --pop3-port) pop3="$2"; shift 2 ;;
      --imaps-port) imaps="$2"; shift 2 ;;
      --pop3s-port) pop3s="$2"; shift 2 ;;
      --tls) tls=1; shift ;;
      --mailbox) mailboxes+=("$2"); shift 2 ;;
      --max-userip) maxuserip="$2"; shift 2 ;;
      --process-limit) plimit="$2"; shift 2 ;;
      --password-scheme) scheme="$2"; shift 2 ;;
      -*) die "unknown option $1" ;;
      *) if [ -z "$dir" ]; then dir="$1"; else users+=("$1"); fi; shift ;;
    esac
  done
  [ -n "$dir" ] || die "usage: dovecot-peer.sh start DIR [--port N] [--pop3-port N] USER:PASS ..."
  [ ${#users[@]} -gt 0 ] || die "give at least one USER:PASS"
  command -v dovecot >/dev/null || die "dovecot is not installed (apt-get install dovecot-imapd dovecot-pop3d)"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  running "$dir" && die "a Dovecot already runs in $dir (pid $(pid_of "$dir")); stop it first"
  [ -n "$port" ] && [ "$port" != 0 ] || port="$(free_port)"
  [ -n "$pop3" ] && [ "$pop3" != 0 ] || pop3="$(free_port)"
  port_free "$port" || die "port $port is already in use"
  port_free "$pop3" || die "port $pop3 is already in use"
  if [ "$tls" = 1 ]; then
    [ -n "$imaps" ] && [ "$imaps" != 0 ] || imaps="$(free_port)"
    [ -n "$pop3s" ] && [ "$pop3s" != 0 ] || pop3s="$(free_port)"
    port_free "$imaps" || die "port $imaps is already in use"
    port_free "$pop3s" || die "port $pop3s is already in use"
  else
    imaps=0; pop3s=0
  fi

  local login internal igroup uid gid chroot achroot
  if [ "$(id -u)" = 0 ]; then
    login=dovenull; internal=dovecot; igroup=dovecot; uid="$(id -u nobody)"; gid="$(id -g nobody)"; chroot=login; achroot=empty
  else
    login="$(id -un)"; internal="$(id -un)"; igroup="$(id -gn)"; uid="$(id -u)"; gid="$(id -g)"; chroot=""; achroot=""
  fi
  mkdir -p "$dir/run" "$dir/state" "$dir/mail" "$dir/home"
  : > "$dir/users"
  local u hash
  for u in "${users[@]}"; do
    case "$u" in *:*) ;; *) die "user '$u' is not USER:PASS" ;; esac
    if [ "$scheme" = PLAIN ]; then hash="{PLAIN}${u#*:}"
    else hash="$(doveadm pw -s "$scheme" -p "${u#*:}")" || die "doveadm pw -s $scheme failed"; fi
    printf '%s:%s::::::\n' "${u%%:*}" "$hash" >> "$dir/users"
  done
  sed -e "s|@DIR@|$dir|g" -e "s|@IMAP_PORT@|$port|g" -e "s|@POP3_PORT@|$pop3|g" \
      -e "s|@LOGIN_USER@|$login|g" -e "s|@INTERNAL_USER@|$internal|g" -e "s|@INTERNAL_GROUP@|$igroup|g" \
      -e "s|@MAIL_UID@|$uid|g" -e "s|@MAIL_GID@|$gid|g" -e "s|@LOGIN_CHROOT@|$chroot|g" \
      -e "s|@ANVIL_CHROOT@|$achroot|g" -e "s|@IMAPS_PORT@|$imaps|g" -e "s|@POP3S_PORT@|$pop3s|g" \
      -e "s|@MAX_USERIP@|$maxuserip|g" \
      "$here/dovecot.conf.in" > "$dir/dovecot.conf"
  if [ "$tls" = 1 ]; then
    make_tls "$dir/tls"
    {
      echo "ssl = yes"
      echo "ssl_cert = <$dir/tls/server.pem"
      echo "ssl_key = <$dir/tls/server.key"
      if [ -f /usr/share/dovecot/dh.pem ]; then echo "ssl_dh = </usr/share/dovecot/dh.pem"; fi
    } > "$dir/tls.conf"
  else
    echo "ssl = no" > "$dir/tls.conf"
  fi
  local mb
  : > "$dir/mailboxes.conf"
  for mb in ${mailboxes[@]+"${mailboxes[@]}"}; do
    case "$mb" in *'"'*|*'\'*) die "mailbox name '$mb' may not contain a quote or a backslash" ;; esac
    printf '  mailbox "%s" {\n    auto = subscribe\n  }\n' "$mb" >> "$dir/mailboxes.conf"
  done
  : > "$dir/limits.conf"
  if [ -n "$plimit" ]; then
    printf 'service imap {\n  process_limit = %s\n}\nservice pop3 {\n  process_limit = %s\n}\n' "$plimit" "$plimit" > "$dir/limits.conf"
  fi
  if [ "$(id -u)" = 0 ]; then
    chmod 755 "$dir"
    chown "$uid:$gid" "$dir/mail" "$dir/home"
    chmod 640 "$dir/users"; chgrp "$internal" "$dir/users" 2>/dev/null || true
  fi
  # Dovecot daemonizes; its stdio must not hold the caller's pipes (PORT=$(dovecot-peer.sh start ...)).
  dovecot -c "$dir/dovecot.conf" </dev/null >"$dir/startup.log" 2>&1 \
    || { cat "$dir/startup.log" >&2; die "dovecot failed to start; see $dir/dovecot.log"; }
  local i
  for i in $(seq 1 50); do
    greets "$port" && break
    sleep 0.2
  done
  greets "$port" || { tail -5 "$dir/dovecot.log" >&2 || true; stop "$dir"; die "no IMAP greeting on port $port"; }
  grep -v '^$' "$dir/startup.log" >&2 || true
  printf 'IMAP_PORT=%s\nPOP3_PORT=%s\nIMAPS_PORT=%s\nPOP3S_PORT=%s\nCA_FILE=%s\nPID=%s\nDIR=%s\n' \
    "$port" "$pop3" "$imaps" "$pop3s" "$([ "$tls" = 1 ] && echo "$dir/tls/ca.pem")" "$(pid_of "$dir")" "$dir" > "$dir/peer.env"
  echo "dovecot-peer: Dovecot $(dovecot --version | cut -d' ' -f1) pid $(pid_of "$dir"), IMAP 127.0.0.1:$port, POP3 127.0.0.1:$pop3$([ "$tls" = 1 ] && echo ", IMAPS $imaps, POP3S $pop3s"), log $dir/dovecot.log" >&2
  echo "$port"
}

stop() {
  local dir="${1:?usage: dovecot-peer.sh stop DIR}" pid i
  pid="$(pid_of "$dir" 2>/dev/null)" || { echo "dovecot-peer: nothing runs in $dir" >&2; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$dir/run/master.pid"
  echo "dovecot-peer: stopped pid $pid" >&2
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  status) shift; running "${1:?DIR}" && cat "$1/peer.env" || { echo "not running" >&2; exit 1; } ;;
  *) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
