#!/bin/bash
# The desktop case: a user's app starts the broker from inside a login session, whose cgroup (a session scope owned
# by root) the broker cannot write, so tasks run in transient systemd user scopes. The cases are in
# guest/user/desktop.sh and run as alice.
. /opt/bgtasks/guest/lib.sh
as_alice_in_a_session desktop.sh
