#!/bin/bash
# Runs as alice inside a logind session (see as_alice_in_a_session in ../lib.sh).
. /opt/bgtasks/guest/lib.sh
APP=com.example.vm.desktop

the_session_is_a_scope_alice_cannot_write() {
  local own
  loginctl show-session "$XDG_SESSION_ID" -p Type -p Class -p Active -p Scope
  expect_eq "session type" wayland "$(loginctl show-session "$XDG_SESSION_ID" -p Type --value)"
  own="$(cgroup_of $$)"
  echo "this shell is in $own"
  expect_true "in a session scope" test "${own##*/}" = "session-$XDG_SESSION_ID.scope"
  expect_true "alice cannot write it" test ! -w "$own/cgroup.procs" -a ! -w "$own"
  expect_true "her user manager runs" systemctl --user is-system-running --wait
}

the_auto_started_broker_runs_tasks_in_systemd_user_scopes() {
  local broker d id main cg unit run
  # The first bgtask starts the broker. It waits 30 s for it to answer, which a JVM under TCG on a busy host may
  # need more than; the broker it started keeps starting, so wait for its socket and ask again.
  if ! bgtask access always "$APP" >/dev/null; then
    wait_until 300 test -S "$XDG_RUNTIME_DIR/bgtasks/broker.sock" || fail "the auto-started broker made no socket"
    bgtask access always "$APP" >/dev/null
  fi
  bgtask access request --app "$APP"
  broker="$(pid_in "$XDG_RUNTIME_DIR/bgtasks/broker.pid" 10)"
  echo "broker $broker in $(cgroup_of "$broker")"
  expect_eq "the broker (auto-started by bgtask) is in the session scope" "$(cgroup_of $$)" "$(cgroup_of "$broker")"
  bgtask doctor | tee /dev/stderr | grep -q -i 'systemd' || fail "bgtask doctor names no systemd scope sandbox"
  d="$(case_dir desktop-scope)"
  bgtask register --app "$APP" --name scope --trigger scope --memory 64M --max-processes 32 -- /bin/sh -c \
    "sleep 600 & echo \$! > $d/child; echo \$\$ > $d/main; while [ ! -e $d/go ]; do sleep 0.2; done; exec tail /dev/zero" \
    >/dev/null
  id="$(bgtask trigger --app "$APP" --trigger scope --json | jq -r .instanceId)"
  main="$(pid_in "$d/main")"
  cg="$(cgroup_of "$main")"
  unit="${cg##*/}"
  echo "task $main in $cg"
  expect_true "a transient scope of her user manager" \
    test "${cg%/*}" = "/sys/fs/cgroup/user.slice/user-$UID.slice/user@$UID.service/app.slice"
  expect_true "named bgtasks-*.scope" test "${unit#bgtasks-}" != "$unit" -a "${unit%.scope}" != "$unit"
  expect_eq "systemd's MemoryMax" 67108864 "$(systemctl --user show -p MemoryMax --value "$unit")"
  expect_eq memory.max 67108864 "$(cat "$cg/memory.max")"
  expect_eq memory.swap.max 0 "$(cat "$cg/memory.swap.max")"
  expect_eq pids.max 32 "$(cat "$cg/pids.max")"
  expect_eq "child's cgroup" "$cg" "$(cgroup_of "$(cat "$d/child")")"
  touch "$d/go"
  run="$(wait_done "$APP" "$id" 180)" || fail "not done in 180 s: $run"
  echo "$run" | jq .
  expect_eq terminationReason OUT_OF_MEMORY "$(echo "$run" | jq -r .terminationReason)"
  expect_true "the child went with the tail" wait_until 10 gone "$(cat "$d/child")"
  expect_true "the scope is gone" wait_until 20 sh -c "! systemctl --user is-active --quiet $unit"
}

the_auto_started_broker_stops() {
  local broker
  broker="$(pid_in "$XDG_RUNTIME_DIR/bgtasks/broker.pid" 10)"
  kill -TERM "$broker"
  expect_true "broker $broker stopped" wait_until 60 gone "$broker"
}

case_ the_session_is_a_scope_alice_cannot_write 120
case_ the_auto_started_broker_runs_tasks_in_systemd_user_scopes 400
case_ the_auto_started_broker_stops 120
