// The apt source rules: every third-party source signed by its own keyring of pinned keys, over
// https where it is public, and with no option that weakens apt's verification. Judged on the
// sources as apt reads them (one-line and deb822), in preview from the toolkit resource's inputs.
import { BlockList, isIP } from "node:net";
import { NVIDIA_KEY_FINGERPRINT } from "../lib/toolkitConfig";
import { fail, notApplicable, pass, seed, Verdict } from "./rule";
import type { ToolkitFacts, ToolkitRule, ToolkitRuleOptions } from "./toolkitRules";

export interface AptSourceFact {
    /** Where the line is: a file path (audit) or a resource name (preview). */
    readonly origin: string;
    /** The repository URI ("https://nvidia.github.io/libnvidia-container/stable/deb/amd64"). */
    readonly uri: string;
    /** The signed-by option: a keyring path or inline fingerprints; undefined = none. */
    readonly signedBy?: string;
    /**
     * Primary key fingerprints that the source trusts: those in the signed-by keyring (audit) or
     * the one the resource pins (preview). undefined = not known.
     */
    readonly fingerprints?: readonly string[];
    /** The source's options as apt reads them, keys lower case ("trusted" -> "yes"); undefined = not known. */
    readonly options?: Readonly<Record<string, string>>;
}


function onSources(check: (source: AptSourceFact, options: ToolkitRuleOptions) => string | undefined) {
    return (facts: ToolkitFacts): Verdict => {
        if (facts.aptSources === undefined) {
            return notApplicable("the apt sources are not known");
        }
        const problems = facts.aptSources.map((s) => check(s, facts.options ?? {})).filter((p): p is string => p !== undefined);
        return problems.length > 0 ? fail(problems.join("; ")) : pass;
    };
}

export const aptSignedBy: ToolkitRule = {
    id: "GNH-APT-SIGNED-BY",
    title: "Every third-party apt source is signed-by its own keyring",
    severity: "high",
    controls: [seed("repository key pinned")],
    rationale: "A source without signed-by accepts any key in apt's global trust store: whoever controls any trusted key can serve you a toolkit package.",
    remediation: "Add [signed-by=/usr/share/keyrings/<vendor>-keyring.gpg] to the deb line (Signed-By: in .sources files), with only that vendor's key in the keyring.",
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    evaluate: onSources((s) => (s.signedBy === undefined || s.signedBy.trim() === "" ? `${s.origin}: ${s.uri} has no signed-by` : undefined)),
};

export const aptPinnedFingerprint: ToolkitRule = {
    id: "GNH-APT-PINNED-FINGERPRINT",
    title: "An apt source trusts only pinned key fingerprints",
    severity: "high",
    controls: [seed("repository key pinned")],
    rationale: "A keyring fetched from a URL without checking its fingerprint trusts whoever answered that URL; a keyring with extra keys trusts them too.",
    remediation: `Pin the repository key's primary fingerprint (NVIDIA's is ${NVIDIA_KEY_FINGERPRINT}) and keep only that key in the signed-by keyring. An internal mirror's key goes in the fleet file's mirror.fingerprint and, for pull-request previews, in the policy pack's configuration (GNH-APT-PINNED-FINGERPRINT trustedFingerprints); the audit trusts the fleet file's.`,
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    evaluate: onSources((s, options) => {
        if (s.signedBy === undefined) {
            return undefined; // GNH-APT-SIGNED-BY reports it
        }
        const trusted = new Set([NVIDIA_KEY_FINGERPRINT, ...(options.trustedFingerprints ?? [])].map(normalizeFingerprint));
        if (s.fingerprints === undefined || s.fingerprints.length === 0) {
            return `${s.origin}: ${s.uri} is signed by ${s.signedBy}, which holds no key with a pinned fingerprint`;
        }
        const unknown = s.fingerprints.map(normalizeFingerprint).filter((f) => !trusted.has(f));
        return unknown.length > 0 ? `${s.origin}: ${s.uri} trusts key${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}, not pinned` : undefined;
    }),
};

export function normalizeFingerprint(fpr: string): string {
    return fpr.replace(/\s+/g, "").toUpperCase();
}

/** Private, loopback and link-local ranges (IPv6 link-local as fe80::/16, unique local fc00::/7). */
const PRIVATE_ADDRESSES = (() => {
    const list = new BlockList();
    for (const [network, prefix] of [["10.0.0.0", 8], ["127.0.0.0", 8], ["172.16.0.0", 12], ["192.168.0.0", 16], ["169.254.0.0", 16]] as const) {
        list.addSubnet(network, prefix, "ipv4");
    }
    list.addAddress("::1", "ipv6");
    list.addSubnet("fc00::", 7, "ipv6");
    list.addSubnet("fe80::", 16, "ipv6");
    return list;
})();

/**
 * Is this host reachable only on a private network? IP literals in private, loopback or
 * link-local ranges, single-label names ("gnh-mirror") and the .local/.internal/.lan/.home.arpa
 * suffixes. Public otherwise.
 */
export function isPrivateHost(host: string): boolean {
    const h = host.toLowerCase().replace(/^\[|\]$/g, "");
    const family = isIP(h);
    if (family === 4) {
        return PRIVATE_ADDRESSES.check(h, "ipv4");
    }
    if (family === 6) {
        return PRIVATE_ADDRESSES.check(h, "ipv6");
    }
    return !h.includes(".") || /\.(local|internal|lan|home\.arpa)$/.test(h) || h === "localhost";
}

export const aptHttps: ToolkitRule = {
    id: "GNH-APT-HTTPS",
    title: "Public apt sources are served over https",
    severity: "medium",
    controls: [seed("repository over https")],
    rationale: "Signatures protect the packages, but plain http shows everyone on the path which packages and versions a GPU fleet installs and lets them hold back updates (freeze attacks). Hosts on a private network (an air-gapped mirror) may use http; list others in the allow-list.",
    remediation: "Use the https:// URL of the repository (NVIDIA's is https://nvidia.github.io/libnvidia-container/stable/deb/$(ARCH)), or allow-list an internal mirror's host.",
    enforcement: "mandatory",
    checkedAt: ["preview", "audit"],
    evaluate: onSources((s, options) => {
        const match = /^http:\/\/([^/:]+|\[[^\]]+\])/.exec(s.uri);
        if (!match) {
            return undefined;
        }
        const host = match[1];
        if (isPrivateHost(host) || (options.httpAllowedHosts ?? []).map((x) => x.toLowerCase()).includes(host.toLowerCase())) {
            return undefined;
        }
        return `${s.origin}: ${s.uri} is plain http to public host ${host}`;
    }),
};

/**
 * Options that turn apt's verification off or down, and the values that do (apt.conf(5), sources.list(5)):
 * trusted=yes skips signatures altogether; allow-insecure / allow-weak / allow-downgrade-to-insecure
 * accept unsigned or weakly signed (SHA1) repositories. A value apt does not read as no is taken as yes.
 */
const WEAKENING_OPTIONS = ["trusted", "allow-insecure", "allow-weak", "allow-downgrade-to-insecure"];
const APT_NO = new Set(["no", "false", "without", "off", "disable", "0"]);

export const aptVerification: ToolkitRule = {
    id: "GNH-APT-VERIFICATION",
    title: "No apt source turns signature verification off or down",
    severity: "critical",
    controls: [seed("repository key pinned")],
    rationale: "Mandatory: [trusted=yes] (Trusted: yes in .sources) makes apt install from the repository without checking any signature, and allow-insecure, allow-weak and allow-downgrade-to-insecure accept unsigned, SHA1-signed or stripped repositories: a pinned signed-by key is then decoration. Option names are read case-insensitively, deb822's and one-line's spellings alike, as apt does.",
    remediation: "Remove trusted=, allow-insecure=, allow-weak= and allow-downgrade-to-insecure= from the source (or set them to no).",
    enforcement: "mandatory",
    checkedAt: ["audit"],
    evaluate: onSources((s) => {
        if (s.options === undefined) {
            return undefined;
        }
        const weakening = WEAKENING_OPTIONS.filter((key) => s.options?.[key] !== undefined && !APT_NO.has((s.options[key] ?? "").trim().toLowerCase()));
        return weakening.length > 0 ? `${s.origin}: ${s.uri} sets ${weakening.map((k) => `${k}=${s.options?.[k]}`).join(", ")}` : undefined;
    }),
};
