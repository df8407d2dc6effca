#!/bin/bash
# Runs as alice inside a logind session (see as_alice_in_a_session in ../lib.sh).
. /opt/bgtasks/guest/lib.sh
APP=com.example.vm.service
UNIT=bgtasks.service
APP_SLICE="/sys/fs/cgroup/user.slice/user-$UID.slice/user@$UID.service/app.slice"
SERVICE_CG="$APP_SLICE/$UNIT"
# systemd 254 added DelegateSubgroup=: from there the unit delegates its cgroup and starts the broker in the leaf
# <unit>/broker, with task cgroups beside it; before (Debian 12's 252), tasks run in user scopes (issue 21).
SYSTEMD_VERSION="$(systemctl --version | sed -n '1s/^systemd \([0-9]*\).*/\1/p')"
delegated() { [ "${SYSTEMD_VERSION:-0}" -ge 254 ]; }

service_install_starts_the_broker_under_systemd() {
  local leftover
  leftover="$(cat "$XDG_RUNTIME_DIR/bgtasks/broker.pid" 2>/dev/null || true)"
  [ -z "$leftover" ] || gone "$leftover" || fail "a broker ($leftover) runs already; the service's would not start"
  bgtask service install
  expect_true "the unit is active" wait_until 60 systemctl --user is-active --quiet "$UNIT"
  systemctl --user cat "$UNIT"
  wait_until 120 test -S "$XDG_RUNTIME_DIR/bgtasks/broker.sock" || fail "the service's broker made no socket"
  local broker; broker="$(systemctl --user show -p MainPID --value "$UNIT")"
  # The daemon writes broker.pid just after its socket serves (a run under TCG read it in between, empty).
  wait_until 30 sh -c "[ \"\$(cat $XDG_RUNTIME_DIR/bgtasks/broker.pid 2>/dev/null)\" = $broker ]" || true
  expect_eq "the broker that answers is the service's" "$broker" "$(cat "$XDG_RUNTIME_DIR/bgtasks/broker.pid")"
  echo "systemd $SYSTEMD_VERSION"
  if delegated; then
    expect_true "the unit delegates a subgroup" sh -c "systemctl --user cat $UNIT | grep -qx DelegateSubgroup=broker"
    expect_eq "the broker's cgroup (DelegateSubgroup=broker)" "$SERVICE_CG/broker" "$(cgroup_of "$broker")"
  else
    expect_true "the unit asks for user scopes" \
      sh -c "systemctl --user cat $UNIT | grep -qx 'Environment=\"BGTASKS_SANDBOX=systemd-scope\"'"
    expect_true "the unit's cgroup is not delegated" sh -c "! systemctl --user cat $UNIT | grep -q '^Delegate'"
    expect_eq "the broker's cgroup (the unit's own)" "$SERVICE_CG" "$(cgroup_of "$broker")"
    expect_eq "the unit's cgroup hands no controllers to children" "" "$(cat "$SERVICE_CG/cgroup.subtree_control")"
  fi
  expect_eq "bgtask service status" true "$(bgtask service status --json | jq -r .running)"
}

a_broker_killed_by_sigkill_is_restarted_and_readopts_its_task() {
  local d id main cg old new run
  bgtask access always "$APP" >/dev/null
  bgtask access request --app "$APP"
  d="$(case_dir service-readopt)"
  bgtask register --app "$APP" --name readopt --trigger readopt --memory 64M -- /bin/sh -c \
    "echo \$\$ > $d/main; while [ ! -e $d/go ]; do sleep 0.5; done; exit 0" >/dev/null
  id="$(bgtask trigger --app "$APP" --trigger readopt --json | jq -r .instanceId)"
  main="$(pid_in "$d/main")"; cg="$(cgroup_of "$main")"
  echo "task $main in $cg"
  if delegated; then
    expect_true "a task cgroup beneath the service" test "${cg#$SERVICE_CG/bgtasks/instances/}" != "$cg"
  else
    expect_true "a user scope of the task, outside the service" sh -c "case '$cg' in
      $APP_SLICE/bgtasks-*.scope) exit 0;; *) exit 1;; esac"
    expect_eq "the scope's pids.max" 512 "$(cat "$cg/pids.max")"
  fi
  expect_eq memory.max 67108864 "$(cat "$cg/memory.max")"
  old="$(systemctl --user show -p MainPID --value "$UNIT")"
  kill -KILL "$old"
  sleep 2
  expect_true "the task outlived its broker (KillMode=process)" alive "$main"
  # Restarted means: a new broker that systemd runs as the unit's main process, and that serves the socket.
  if ! wait_until 180 sh -c "p=\$(systemctl --user show -p MainPID --value $UNIT); [ \"\$p\" != 0 ] &&
       [ \"\$p\" != $old ] && kill -0 \$p 2>/dev/null && [ \"\$(cat $XDG_RUNTIME_DIR/bgtasks/broker.pid)\" = \$p ]"; then
    systemctl --user status "$UNIT" --no-pager || true
    journalctl --user -u "$UNIT" --no-pager 2>/dev/null | tail -n 20 || true
    fail "systemd did not restart the broker ($(systemctl --user show -p NRestarts -p Result -p ExecMainStatus "$UNIT" \
      | tr '\n' ' ')); on cgroup v2 the unit's cgroup has controllers enabled for the task cgroups, so no process may join it"
  fi
  new="$(systemctl --user show -p MainPID --value "$UNIT")"
  echo "broker $old killed; systemd started $new"
  expect_eq "task's state under the new broker" RUNNING "$(run_state "$APP" "$id")"
  expect_eq "task's cgroup" "$cg" "$(cgroup_of "$main")"
  touch "$d/go"
  run="$(wait_done "$APP" "$id" 120)" || fail "not done in 120 s: $run"
  echo "$run" | jq .
  expect_eq state COMPLETED "$(echo "$run" | jq -r .state)"
  expect_eq terminationReason null "$(echo "$run" | jq -r .terminationReason)"
  # SPEC B5: the new broker is not the task's parent, but its supervisor recorded the true exit code.
  expect_eq outcome SUCCEEDED "$(echo "$run" | jq -r .outcome)"
  expect_eq exitCode 0 "$(echo "$run" | jq -r .exitCode)"
  expect_true "the task cgroup is removed" wait_until 10 test ! -d "$cg"
}

case_ service_install_starts_the_broker_under_systemd 300
case_ a_broker_killed_by_sigkill_is_restarted_and_readopts_its_task 400

# Leave a running service for 40-logind: end the task, let systemd remove the unit's empty cgroup tree (a stop and
# reset-failed do), and start the unit afresh.
touch "/var/tmp/vm-cases-$UID/service-readopt/go" 2>/dev/null
main="$(cat "/var/tmp/vm-cases-$UID/service-readopt/main" 2>/dev/null || true)"
[ -z "$main" ] || wait_until 60 gone "$main"
if ! systemctl --user is-active --quiet "$UNIT"; then
  systemctl --user stop "$UNIT"; systemctl --user reset-failed "$UNIT"; systemctl --user start "$UNIT"
fi
