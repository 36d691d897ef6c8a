// Which platform a node is, and whether we have proven it (data/platforms.json). Read before the
// first change on a node: a platform we have not proven is refused by name, with what is
// supported, and nothing on the node is touched. Pure: provider/platformPreflight.ts reads the node.
import platforms from "../data/platforms.json";

export interface PlatformFacts {
    readonly osId: string;
    readonly osVersion: string;
    readonly osName: string;
    readonly packageManager: string;
    /** Installed Docker packages we know of -> version. */
    readonly packages: Readonly<Record<string, string>>;
}

/** remote/platform-probe.sh's "key value" lines. */
export function parsePlatformProbe(stdout: string): PlatformFacts {
    const packages: Record<string, string> = {};
    const fields = new Map<string, string>();
    for (const line of stdout.split("\n")) {
        const space = line.indexOf(" ");
        if (space < 0) {
            continue;
        }
        const [key, value] = [line.slice(0, space), line.slice(space + 1).trim()];
        if (key === "package") {
            const [name, version] = value.split(" ");
            if (name && version) {
                packages[name] = version;
            }
        } else {
            fields.set(key, value);
        }
    }
    return {
        osId: fields.get("os-id") ?? "",
        osVersion: fields.get("os-version") ?? "",
        osName: fields.get("os-name") ?? "",
        packageManager: fields.get("package-manager") ?? "",
        packages,
    };
}

const supportedText = platforms.platforms
    .map((p) => `${p.name} ${p.versions.join(", ")} with ${p.packageManager === "apt-get" ? "apt" : p.packageManager}, ${p.dockerPackage} and ${p.containerdPackage}`)
    .join("; ");

/** What Docker packaging the node has, said the way a person recognises it. */
function dockerPackaging(facts: PlatformFacts): string {
    const names = Object.keys(facts.packages).filter((name) => name !== "runc");
    return names.length === 0 ? "no Docker package we know of" : names.map((name) => `${name} ${facts.packages[name]}`).join(", ");
}

/**
 * Why this node's platform is not one we have proven, or undefined when it is. Fails closed: a
 * node whose os-release cannot be read is refused too.
 */
export function platformRefusal(facts: PlatformFacts): string | undefined {
    const described = `${facts.osName || "an unknown system (no readable /etc/os-release)"} (ID=${facts.osId || "?"}, VERSION_ID=${facts.osVersion || "?"}; package manager ${facts.packageManager || "none found"}; ${dockerPackaging(facts)})`;
    const platform = platforms.platforms.find((p) => p.id === facts.osId);
    const refuse = (why: string) =>
        `the platform ${described} is not one we have proven: ${why}. Supported: ${supportedText} (see docs/platforms.md). Nothing on the node was changed`;
    if (platform === undefined) {
        return refuse(`${facts.osId || "an unknown system"} is not supported`);
    }
    if (!platform.versions.includes(facts.osVersion)) {
        return refuse(`${platform.name} ${facts.osVersion || "(no version)"} is not one of ${platform.versions.join(", ")}`);
    }
    if (facts.packageManager !== platform.packageManager) {
        return refuse(`its package manager is ${facts.packageManager || "missing"}, not ${platform.packageManager}`);
    }
    const foreignDocker = Object.keys(facts.packages).filter((name) => name !== platform.dockerPackage && name !== platform.containerdPackage && name !== "runc");
    if (foreignDocker.length > 0) {
        return refuse(`Docker comes from ${foreignDocker.join(" and ")}, not ${platform.name}'s ${platform.dockerPackage} (other unit paths, package names and version strings)`);
    }
    if (facts.packages[platform.dockerPackage] === undefined) {
        return refuse(`${platform.dockerPackage} is not installed`);
    }
    return undefined;
}
