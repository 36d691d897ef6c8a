// The shared probe output of remote/dockerd-command-line.sh, read once for the audit and the
// daemon resource alike. Pure.

/** gnh_dockerd_argv's lines: /proc/PID/cmdline ends with a NUL, so the last line is empty. */
export const parseArgvLines = (text: string): string[] => text.split("\n").filter((arg, i, all) => i < all.length - 1 || arg !== "");

/** gnh_docker_units: systemctl prints the fragment, then the drop-ins, separated by whitespace. */
export const parseUnitFiles = (text: string): string[] => text.split(/\s+/).filter((file) => file.startsWith("/"));
