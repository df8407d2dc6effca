#!/bin/sh
# Stands in for systemd-run in SystemdScopeSandboxTest: drops systemd-run's own options and execs what follows
# "--", so the task is a real child process with the pid the sandbox sees; the test supplies the cgroup tree.
while [ "$#" -gt 0 ]; do
  if [ "$1" = "--" ]; then
    shift
    exec "$@"
  fi
  shift
done
echo "fake systemd-run: no -- in the arguments" >&2
exit 1
