#!/bin/bash
# `bgtask service install` for the desktop user: systemd's user manager runs the broker, restarts it after a
# SIGKILL, and the restarted broker re-adopts the task that kept running. The cases are in guest/user/service.sh.
. /opt/bgtasks/guest/lib.sh
as_alice_in_a_session service.sh
