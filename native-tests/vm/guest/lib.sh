# Sourced by every guest test file: cases, assertions, waiting, and the bgtask command.
# A test file calls `case_ FUNCTION [DEADLINE]` per case; each case runs in its own subshell, so a failed assertion ends only that
# case, and its pass or failure is appended to $VM_RESULTS/cases.tsv (file, case, result, seconds, message).

VM_HOME=/opt/bgtasks
VM_RESULTS="${VM_RESULTS:-/var/tmp/bgtasks-vm-results}"
VM_FILE="${VM_FILE:-$(basename "$0" .sh)}"
export PATH="$VM_HOME/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

say() { echo "vm-test: $*"; }

# Ends the case; the first failure is the one reported (a failure inside $(...) ends that subshell, and set -e the case).
fail() {
  echo "FAILED: $*" >&2
  [ -e "$VM_RESULTS/.failure" ] || echo "$*" >"$VM_RESULTS/.failure"
  exit 1
}

# Runs one case (a function) with a deadline (seconds, default 300); its output goes to the case's log.
case_() {
  local fn="$1" name="$1" deadline="${2:-300}" start=$SECONDS rc message
  rm -f "$VM_RESULTS/.failure"
  say "$VM_FILE.$name ..."
  ( set -eu; "$fn" ) >"$VM_RESULTS/$VM_FILE.$name.log" 2>&1 &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    if [ $((SECONDS - start)) -ge "$deadline" ]; then
      echo "FAILED: deadline of $deadline s passed" >>"$VM_RESULTS/$VM_FILE.$name.log"
      [ -e "$VM_RESULTS/.failure" ] || echo "deadline of $deadline s passed" >"$VM_RESULTS/.failure"
      kill -TERM "$pid" 2>/dev/null; sleep 5; kill -KILL "$pid" 2>/dev/null
      break
    fi
    sleep 1
  done
  wait "$pid"; rc=$?
  message="$(cat "$VM_RESULTS/.failure" 2>/dev/null || true)"
  if [ "$rc" -eq 0 ] && [ -z "$message" ]; then
    printf '%s\t%s\tpassed\t%s\t\n' "$VM_FILE" "$name" "$((SECONDS - start))" >>"$VM_RESULTS/cases.tsv"
    say "$VM_FILE.$name passed ($((SECONDS - start)) s)"
  else
    [ -n "$message" ] || message="exit $rc$( [ "$rc" -ge 128 ] && echo " (deadline ${deadline} s?)")"
    printf '%s\t%s\tfailed\t%s\t%s\n' "$VM_FILE" "$name" "$((SECONDS - start))" "$message" \
      >>"$VM_RESULTS/cases.tsv"
    say "$VM_FILE.$name FAILED ($((SECONDS - start)) s): $message"
    tail -n 30 "$VM_RESULTS/$VM_FILE.$name.log" | sed 's/^/    | /'
  fi
}

expect_eq() {   # expect_eq WHAT EXPECTED ACTUAL
  [ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
  echo "ok: $1 = $3"
}

expect_true() {   # expect_true WHAT COMMAND...
  local what="$1"; shift
  "$@" || fail "$what (false: $*)"
  echo "ok: $what"
}

# wait_until SECONDS COMMAND...: true as soon as COMMAND succeeds, false after SECONDS.
wait_until() {
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

gone() { ! kill -0 "$1" 2>/dev/null; }
alive() { kill -0 "$1" 2>/dev/null; }

# The instance of `bgtask runs --json` with this id, as one JSON object.
run_of() {   # run_of APP INSTANCE
  bgtask runs --app "$1" --json | jq -c --arg id "$2" '.[] | select(.instanceId == $id)'
}

run_state() { run_of "$1" "$2" | jq -r .state; }

# Waits until the instance is no longer PENDING or RUNNING and prints it.
wait_done() {   # wait_done APP INSTANCE SECONDS
  local deadline=$((SECONDS + $3)) run
  while :; do
    run="$(run_of "$1" "$2")"
    case "$(echo "$run" | jq -r .state)" in
      PENDING|RUNNING|'') ;;
      *) echo "$run"; return 0 ;;
    esac
    [ "$SECONDS" -lt "$deadline" ] || { echo "$run"; return 1; }
    sleep 1
  done
}

# The cgroup2 directory of a process (its line "0::/path" of /proc/PID/cgroup).
cgroup_of() { echo "/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$1/cgroup")"; }

# Root's broker for the cgroup tests: `bgtask daemon` as a systemd service of its own, as a system integrator would
# run it: Delegate=yes (the broker owns its cgroup subtree) and KillMode=process (tasks outlive a broker that dies).
# Alone in its cgroup, the broker moves itself into the leaf <unit>/broker and makes task cgroups beside it.
ROOT_BROKER_UNIT=bgtasks-root.service
ROOT_BROKER_CG=/sys/fs/cgroup/system.slice/$ROOT_BROKER_UNIT
ROOT_HOME=/var/lib/bgtasks-root
BROKER_JAVA="/usr/bin/java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar $VM_HOME/bgtask.jar daemon"
start_root_broker() {
  systemctl reset-failed "$ROOT_BROKER_UNIT" 2>/dev/null || true
  systemd-run --quiet --unit="$ROOT_BROKER_UNIT" -p Delegate=yes -p KillMode=process \
    -E BGTASKS_HOME="$ROOT_HOME" -E BGTASKS_READOPT_SECONDS=60 $BROKER_JAVA \
    || fail "systemd-run could not start $ROOT_BROKER_UNIT"
  wait_until 180 test -S "$ROOT_HOME/run/broker.sock" || fail "root's broker made no socket in 180 s"
}
root_broker_pid() { cat "$ROOT_HOME/run/broker.pid"; }

# A second broker after the first died, where systemd >= 254 would start it with DelegateSubgroup=broker: in the
# leaf <unit>/broker. (systemd 252 cannot restart the unit itself: the unit's cgroup has controllers enabled for the
# task cgroups, so no process may join it, and the start fails with status 219/CGROUP.)
restart_root_broker_in_its_leaf() {
  local old="$1"
  rm -f "$ROOT_HOME/run/broker.sock"
  mkdir -p "$ROOT_BROKER_CG/broker"     # systemd removed the empty leaf when the unit failed
  BGTASKS_HOME="$ROOT_HOME" BGTASKS_READOPT_SECONDS=60 setsid sh -c \
    "echo \$\$ > $ROOT_BROKER_CG/broker/cgroup.procs && exec $BROKER_JAVA" \
    </dev/null >>"$ROOT_HOME/logs/restarted-broker.out" 2>&1 &
  wait_until 180 sh -c "test -S $ROOT_HOME/run/broker.sock && [ \"\$(cat $ROOT_HOME/run/broker.pid)\" != $old ]" \
    || { tail -n 30 "$ROOT_HOME/logs/restarted-broker.out"; fail "the restarted broker made no socket in 180 s"; }
}

# A fresh directory for one case's pid files and signals.
case_dir() { local d="/var/tmp/vm-cases-$(id -u)/$1"; rm -rf "$d"; mkdir -p "$d"; echo "$d"; }

# Reads a pid a task wrote into FILE, waiting for it.
pid_in() {   # pid_in FILE SECONDS
  wait_until "${2:-120}" test -s "$1" || fail "no pid in $1 after ${2:-120} s"
  cat "$1"
}

# The desktop user, uid 1000, with a systemd user manager from boot (linger). as_alice_in_a_session runs a script of
# guest/user/ as alice inside a fresh login session: `su -` opens a PAM session and pam_systemd registers it with
# logind, typed wayland as a display manager types a desktop login, so the script runs in a session scope owned by
# root (which alice cannot write) with XDG_RUNTIME_DIR and her user manager, as a desktop app would.
ALICE=alice
ALICE_UID=1000
as_alice_in_a_session() {   # as_alice_in_a_session SCRIPT
  chmod 0777 "$VM_RESULTS"; touch "$VM_RESULTS/cases.tsv"; chmod 0666 "$VM_RESULTS/cases.tsv"
  XDG_SESSION_TYPE=wayland XDG_SESSION_CLASS=user su - "$ALICE" -c \
    "VM_RESULTS=$VM_RESULTS VM_FILE=$VM_FILE bash $VM_HOME/guest/user/$1"
}

# Runs a command as alice outside any session (as root's scripts look at her broker), with her runtime directory.
as_alice() {
  runuser -u "$ALICE" -- env XDG_RUNTIME_DIR="/run/user/$ALICE_UID" \
    DBUS_SESSION_BUS_ADDRESS="unix:path=/run/user/$ALICE_UID/bus" PATH="$PATH" "$@"
}
