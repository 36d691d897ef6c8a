// dockerd's command line read as its flag parser (spf13/pflag) reads it: "--name value",
// "--name=value", "-H value", "-H=value" and "-Hvalue"; booleans bare or "--name=BOOL" (Go's
// ParseBool); "--" ends the flags. Only the flags the rules judge are collected. Pure.
import { goParseBool } from "./goBool";

export interface DockerdFlags {
    /** Every -H/--host value, in order. */
    readonly hosts: readonly string[];
    /** --tlsverify as given (true for a bare flag); undefined when absent. */
    readonly tlsverify?: boolean;
    /** --config-file's value; undefined when absent (dockerd reads /etc/docker/daemon.json). */
    readonly configFile?: string;
    /** Flags whose value could not be read (a boolean pflag would refuse): dockerd would not start that way. */
    readonly unreadable: readonly string[];
}

const VALUE_FLAGS: Readonly<Record<string, "hosts" | "configFile">> = { "-H": "hosts", "--host": "hosts", "--config-file": "configFile" };

export function parseDockerdFlags(argv: readonly string[]): DockerdFlags {
    const hosts: string[] = [];
    const unreadable: string[] = [];
    let tlsverify: boolean | undefined;
    let configFile: string | undefined;
    for (let i = 1; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--") {
            break;
        }
        const eq = arg.indexOf("=");
        const name = arg.startsWith("--") ? (eq > 0 ? arg.slice(0, eq) : arg) : arg.slice(0, 2);
        const attached = arg.startsWith("--") ? (eq > 0 ? arg.slice(eq + 1) : undefined) : arg.length > 2 ? arg.slice(2).replace(/^=/, "") : undefined;
        if (name === "--tlsverify") {
            const value = attached === undefined ? true : goParseBool(attached);
            if (value === undefined) {
                unreadable.push(arg);
            } else {
                tlsverify = value;
            }
            continue;
        }
        const target = VALUE_FLAGS[name];
        if (target === undefined) {
            continue;
        }
        const value = attached ?? argv[++i];
        if (value === undefined) {
            unreadable.push(arg);
        } else if (target === "hosts") {
            hosts.push(value);
        } else {
            configFile = value;
        }
    }
    return { hosts, tlsverify, configFile, unreadable };
}
