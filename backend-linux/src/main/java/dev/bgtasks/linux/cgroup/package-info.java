/**
 * Tasks in cgroups: {@link dev.bgtasks.linux.cgroup.CgroupSandbox} makes a cgroup per task beneath the broker's own
 * (cgroup2 through {@code CgroupV2Driver}, cgroup v1 memory, pids, freezer and cpuacct through
 * {@code CgroupV1Driver}), and {@link dev.bgtasks.linux.cgroup.SystemdScopeSandbox} asks the systemd user manager
 * for a transient scope per task where the broker's cgroup is not writable. Both read and write cgroupfs through
 * {@code CgroupFs}; the text of {@code /proc/self/cgroup}, {@code mountinfo} and the counter files is parsed by the
 * pure functions of {@code CgroupParsers}; one task's cgroup is a {@code CgroupTask}, and its process tree a
 * {@code CgroupProcess}.
 *
 * <p>May use: the SPI, SLF4J and the {@code jna} package (pidfd_open and poll, to see a re-adopted task exit).
 */
package dev.bgtasks.linux.cgroup;
