#!/bin/bash
# logind's real session properties through the real system bus: alice's broker (the service of 30-service, else one
# `bgtask` starts) reads her display session's Active, IdleHint and LockedHint as the signals session-connected and
# user-present. Root holds her session open and changes its hints over the bus, as a desktop's idle monitor would.
. /opt/bgtasks/guest/lib.sh

signal() { as_alice bgtask signals --json | jq -r --arg s "$1" '.signals[$s]'; }
expect_signal() {   # expect_signal NAME VALUE SECONDS
  wait_until "$3" sh -c "[ \"\$(runuser -u $ALICE -- env XDG_RUNTIME_DIR=/run/user/$ALICE_UID PATH=$PATH \
    bgtask signals --json | jq -r '.signals[\"$1\"]')\" = $2 ]" \
    || fail "$1 did not become $2 in $3 s (now $(signal "$1"))"
  echo "ok: $1 = $2"
}
SESSION_FILE=/var/tmp/vm-logind-session
open_session() {
  rm -f "$SESSION_FILE"
  XDG_SESSION_TYPE=wayland XDG_SESSION_CLASS=user setsid su - "$ALICE" -c \
    "echo \$XDG_SESSION_ID > $SESSION_FILE; exec sleep 100000" </dev/null >/dev/null 2>&1 &
  wait_until 60 test -s "$SESSION_FILE" || fail "no session for alice"
  cat "$SESSION_FILE"
}

an_open_session_is_connected() {
  local id broker
  # The broker that reads logind here is alice's service from 30-service: in no session, it follows her display one.
  as_alice systemctl --user is-active --quiet bgtasks.service || as_alice bgtask service install \
    || fail "cannot install alice's bgtasks.service"
  wait_until 180 sh -c "[ \"\$(cat /run/user/$ALICE_UID/bgtasks/broker.pid 2>/dev/null)\" = \
    \"\$(runuser -u $ALICE -- env XDG_RUNTIME_DIR=/run/user/$ALICE_UID systemctl --user show -p MainPID --value bgtasks.service)\" ]" \
    || fail "alice's bgtasks.service does not serve her broker socket"
  broker="$(as_alice systemctl --user show -p MainPID --value bgtasks.service)"
  expect_eq "the broker that answers is the service's" "$broker" "$(cat "/run/user/$ALICE_UID/bgtasks/broker.pid")"
  id="$(open_session)"
  loginctl show-session "$id" -p Id -p Type -p Active -p IdleHint -p LockedHint -p State
  expect_eq "alice's display session" "$id" "$(loginctl show-user "$ALICE" -p Display --value)"
  as_alice bgtask signals --json | tee /dev/stderr >/dev/null
  expect_signal session-connected true 60
}

idle_hint_makes_the_user_absent_and_back() {
  local id path
  id="$(cat "$SESSION_FILE")"
  # SetIdleHint on a session: what a desktop's idle monitor calls (logind allows it on graphical sessions).
  path="/org/freedesktop/login1/session/$(busctl call org.freedesktop.login1 /org/freedesktop/login1 \
    org.freedesktop.login1.Manager GetSession s "$id" | awk '{print $2}' | tr -d '"' | sed 's|.*/||')"
  busctl call org.freedesktop.login1 "$path" org.freedesktop.login1.Session SetIdleHint b true \
    || fail "SetIdleHint true"
  expect_eq IdleHint yes "$(loginctl show-session "$id" -p IdleHint --value)"
  expect_signal user-present false 60
  busctl call org.freedesktop.login1 "$path" org.freedesktop.login1.Session SetIdleHint b false \
    || fail "SetIdleHint false"
  expect_signal user-present true 60
  busctl call org.freedesktop.login1 "$path" org.freedesktop.login1.Session SetLockedHint b true \
    || fail "SetLockedHint true"
  expect_signal user-present false 60
  busctl call org.freedesktop.login1 "$path" org.freedesktop.login1.Session SetLockedHint b false
  expect_signal user-present true 60
}

a_closed_session_is_not_connected() {
  local id
  id="$(cat "$SESSION_FILE")"
  loginctl terminate-session "$id" || fail "terminate-session $id"
  wait_until 60 sh -c "! loginctl show-session $id >/dev/null 2>&1" || fail "session $id did not end"
  loginctl list-sessions; loginctl show-user "$ALICE" -p Display -p Sessions
  expect_signal session-connected false 60
  expect_signal user-present false 60
}

case_ an_open_session_is_connected 300
case_ idle_hint_makes_the_user_absent_and_back 300
case_ a_closed_session_is_not_connected 300
