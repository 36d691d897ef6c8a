// Docker's local volume driver mounts a volume with mount(2) from its options (type, o, device):
// with "bind" or "rbind" among the o flags, the volume is the host path `device`, a bind mount
// whatever it is called. Pure.

/** The host path a volume binds, or undefined when it is an ordinary volume. */
export function volumeBindSource(driver: string | undefined, options: Readonly<Record<string, string>> | undefined): string | undefined {
    if ((driver ?? "local") !== "local" || options === undefined) {
        return undefined;
    }
    const flags = (options.o ?? "").split(",").map((f) => f.trim());
    return flags.includes("bind") || flags.includes("rbind") ? options.device : undefined;
}
