#!/bin/bash
# The cgroup v2 sandbox on a real kernel, driven as a user would: root's broker as a systemd service, tasks
# registered and triggered with the bgtask command, the kernel's cgroup files read directly.
. /opt/bgtasks/guest/lib.sh
export BGTASKS_HOME="$ROOT_HOME"
APP=com.example.vm.cgroup

setup() {
  start_root_broker
  bgtask access always "$APP" >/dev/null || fail "access always"
  bgtask access request --app "$APP" || fail "access request"
}

# register TRIGGER ARGS... -- COMMAND...: prints the task id.
register() {
  local trigger="$1"; shift
  bgtask register --app "$APP" --name "$trigger" --trigger "$trigger" "$@" || fail "register $trigger"
}
trigger() {
  local out
  out="$(bgtask trigger --app "$APP" --trigger "$1" --json)" || fail "trigger $1: $out"
  expect_eq "trigger $1 result" ALLOWED "$(echo "$out" | jq -r .result)" >&2
  echo "$out" | jq -r .instanceId
}

the_broker_runs_in_a_cgroup2_leaf() {
  local broker cg
  broker="$(root_broker_pid)"
  cg="$(cgroup_of "$broker")"
  echo "broker $broker in $cg"
  expect_eq "broker's cgroup" "/sys/fs/cgroup/system.slice/$ROOT_BROKER_UNIT/broker" "$cg"
  expect_eq "controllers for the task cgroups" "memory pids" \
    "$(cat "/sys/fs/cgroup/system.slice/$ROOT_BROKER_UNIT/bgtasks/instances/cgroup.subtree_control")"
  bgtask doctor | tee /dev/stderr | grep -q 'cgroup2' || fail "bgtask doctor names no cgroup2 sandbox"
}

a_task_past_its_memory_limit_is_oom_killed_with_its_whole_tree() {
  local d id main child cg run
  d="$(case_dir oom)"
  register oom --memory 64M -- /bin/sh -c "sleep 600 & echo \$! > $d/child; echo \$\$ > $d/main;
    while [ ! -e $d/go ]; do sleep 0.2; done; exec tail /dev/zero" >/dev/null
  id="$(trigger oom)"
  main="$(pid_in "$d/main")"; child="$(pid_in "$d/child")"
  cg="$(cgroup_of "$main")"
  echo "task $main (child $child) in $cg"
  expect_eq "child's cgroup" "$cg" "$(cgroup_of "$child")"
  expect_eq memory.max 67108864 "$(cat "$cg/memory.max")"
  expect_eq memory.swap.max 0 "$(cat "$cg/memory.swap.max")"
  expect_eq memory.oom.group 1 "$(cat "$cg/memory.oom.group")"
  expect_eq pids.max 512 "$(cat "$cg/pids.max")"
  touch "$d/go"
  run="$(wait_done "$APP" "$id" 180)" || fail "not done in 180 s: $run"
  echo "$run" | jq .
  expect_eq outcome TERMINATED "$(echo "$run" | jq -r .outcome)"
  expect_eq terminationReason OUT_OF_MEMORY "$(echo "$run" | jq -r .terminationReason)"
  local peak; peak="$(echo "$run" | jq -r .peakMemoryBytes)"
  expect_true "peak $peak at the limit (56..64 MiB)" test "$peak" -ge $((56 << 20)) -a "$peak" -le $((64 << 20))
  expect_true "the tail is gone" wait_until 10 gone "$main"
  expect_true "the sleeping child went with it (memory.oom.group)" wait_until 10 gone "$child"
  expect_true "the task cgroup is removed" wait_until 10 test ! -d "$cg"
}

a_fork_bomb_is_held_at_pids_max() {
  local d id main cg highest=0 now events run members
  d="$(case_dir bomb)"
  # Each f forks another f every half second, for ever: bash survives a refused fork (dash would exit), so the
  # bomb stays at the limit while the test looks. The main process forks only the bomb's root, then becomes a sleep.
  register bomb --memory 256M --max-processes 64 --grace 1s -- \
    /bin/bash -c "echo \$\$ > $d/main; f() { while :; do f & sleep 0.5; done; }; f & exec sleep 300" >/dev/null
  id="$(trigger bomb)"
  main="$(pid_in "$d/main")"
  cg="$(cgroup_of "$main")"
  expect_eq pids.max 64 "$(cat "$cg/pids.max")"
  for _ in $(seq 1 20); do
    now="$(cat "$cg/pids.current")"; [ "$now" -gt "$highest" ] && highest=$now
    sleep 0.25
  done
  events="$(cat "$cg/pids.events")"
  echo "highest pids.current $highest, pids.events: $events"
  expect_true "at most 64 tasks ($highest)" test "$highest" -le 64
  expect_true "the bomb reached the limit ($highest > 32)" test "$highest" -gt 32
  expect_true "forks were refused (pids.events max > 0)" grep -q '^max [1-9]' "$cg/pids.events"
  expect_true "the host still starts processes" timeout 20 /bin/true
  members="$(cat "$cg/cgroup.procs")"
  bgtask cancel --app "$APP" --instance "$id" || fail "cancel"
  run="$(wait_done "$APP" "$id" 120)" || fail "not done in 120 s: $run"
  echo "$run" | jq .
  expect_eq terminationReason PROCESS_LIMIT "$(echo "$run" | jq -r .terminationReason)"
  for p in $members; do wait_until 10 gone "$p" || fail "bomb process $p survived the cancel"; done
  expect_true "the task cgroup is removed" wait_until 10 test ! -d "$cg"
}

# A task that ignores SIGTERM, with a grandchild that left its session: `setsid` takes it out of the process group
# and session, never out of the cgroup, so cgroup.kill takes it.
start_stubborn_tree() {   # start_stubborn_tree DIR TRIGGER: prints the instance id
  register "$2" --grace 2s -- /bin/sh -c "trap '' TERM; echo \$\$ > $1/main;
    /bin/sh -c 'setsid sleep 600 & echo \$! > $1/grandchild'; while :; do sleep 1; done" >"$1/task"
  trigger "$2"
}

check_stubborn_tree() {   # check_stubborn_tree DIR: the tree before the kill
  local main grandchild
  main="$(pid_in "$1/main")"; grandchild="$(pid_in "$1/grandchild")"
  wait_until 10 test "$(ps -o sid= -p "$grandchild" | tr -d ' ')" = "$grandchild" || fail "no setsid grandchild"
  expect_eq "grandchild's cgroup" "$(cgroup_of "$main")" "$(cgroup_of "$grandchild")"
  echo "$main $grandchild $(cgroup_of "$main")"
}

cancel_kills_the_whole_tree_with_a_setsid_grandchild() {
  local d id tree run
  d="$(case_dir cancel)"
  id="$(start_stubborn_tree "$d" cancel)"
  tree="$(check_stubborn_tree "$d")"; set -- $tree
  bgtask cancel --app "$APP" --instance "$id" || fail "cancel"
  run="$(wait_done "$APP" "$id" 120)" || fail "not done in 120 s: $run"
  echo "$run" | jq .
  expect_eq terminationReason KILLED_AFTER_GRACE "$(echo "$run" | jq -r .terminationReason)"
  expect_true "the task is gone" wait_until 10 gone "$1"
  expect_true "the setsid grandchild is gone" wait_until 10 gone "$2"
  expect_true "the task cgroup is removed" wait_until 10 test ! -d "$3"
}

unregister_with_cancel_kills_the_whole_tree() {
  local d id tree run
  d="$(case_dir unregister)"
  id="$(start_stubborn_tree "$d" unregister)"
  tree="$(check_stubborn_tree "$d")"; set -- $tree
  bgtask unregister --app "$APP" --task "$(cat "$d/task")" --cancel || fail "unregister --cancel"
  expect_true "the task is gone" wait_until 60 gone "$1"
  expect_true "the setsid grandchild is gone" wait_until 10 gone "$2"
  expect_true "the task cgroup is removed" wait_until 10 test ! -d "$3"
}

a_restarted_broker_readopts_a_running_task() {
  local d id main cg old new run
  d="$(case_dir readopt)"
  register readopt -- /bin/sh -c "echo \$\$ > $d/main; while [ ! -e $d/go ]; do sleep 0.5; done; exit 0" >/dev/null
  id="$(trigger readopt)"
  main="$(pid_in "$d/main")"; cg="$(cgroup_of "$main")"
  old="$(root_broker_pid)"
  kill -KILL "$old"
  sleep 2
  expect_true "the task outlived its broker" alive "$main"
  restart_root_broker_in_its_leaf "$old"
  new="$(root_broker_pid)"
  echo "broker $old killed, $new started in $(cgroup_of "$new")"
  expect_eq "task's state under the new broker" RUNNING "$(run_state "$APP" "$id")"
  expect_eq "task's cgroup" "$cg" "$(cgroup_of "$main")"
  touch "$d/go"
  run="$(wait_done "$APP" "$id" 120)" || fail "not done in 120 s: $run"
  echo "$run" | jq .
  expect_eq state COMPLETED "$(echo "$run" | jq -r .state)"
  expect_eq terminationReason null "$(echo "$run" | jq -r .terminationReason)"
  # SPEC B5: a re-adopted command is not the new broker's child, but its supervisor saw its end and left the exit
  # code beside its run log, so the true outcome is recorded (before B5 it was FAILED, "exit code cannot be known").
  expect_eq outcome SUCCEEDED "$(echo "$run" | jq -r .outcome)"
  expect_eq exitCode 0 "$(echo "$run" | jq -r .exitCode)"
  expect_true "the task cgroup is removed" wait_until 10 test ! -d "$cg"
}

case_ setup 300
case_ the_broker_runs_in_a_cgroup2_leaf
case_ a_task_past_its_memory_limit_is_oom_killed_with_its_whole_tree
case_ a_fork_bomb_is_held_at_pids_max
case_ cancel_kills_the_whole_tree_with_a_setsid_grandchild
case_ unregister_with_cancel_kills_the_whole_tree
case_ a_restarted_broker_readopts_a_running_task
kill "$(root_broker_pid)" 2>/dev/null
