// Security advisories as data (data/advisories.json): NVIDIA Container Toolkit and GPU driver
// bulletins, runc and Docker engine CVEs with fixed versions per distribution, each entry with its
// source. The audit, the policy pack and the toolkit component read the same data; a newer file
// replaces the built-in one without a release (audit --advisories FILE, stack config
// advisoriesFile, the pack's GNH-TOOLKIT-ADVISORIES advisoriesFile). Pure, apart from reading a file.
import * as fs from "node:fs";
import builtIn from "../data/advisories.json";
import { compareVersions, upstreamToolkitVersion } from "./toolkitConfig";

export type AdvisorySeverity = "critical" | "high" | "medium" | "low";

export interface ToolkitMitigation {
    readonly text: string;
    /** config.toml keys that, all set to these values, are the mitigation. */
    readonly config: Readonly<Record<string, string | boolean>>;
    /** The first toolkit version that has the setting. */
    readonly from?: string;
    /** The CVEs it covers; all of the entry's when absent. */
    readonly covers?: readonly string[];
}

export interface ToolkitAdvisory {
    readonly id: string;
    readonly cves: readonly string[];
    readonly severity: AdvisorySeverity;
    readonly cvss?: number;
    /** The last affected toolkit version (inclusive). */
    readonly affectedUpTo: string;
    /** The first fixed toolkit version; every release below it is affected. */
    readonly fixedIn: string;
    /** Release lines that received no fix ("1.17"): the only way out is fixedIn or later. */
    readonly noFixOnBranches?: readonly string[];
    readonly gpuOperator?: { readonly affectedUpTo: string; readonly fixedIn: string };
    readonly source: string;
    readonly csaf?: string;
    /** How the fixed version was verified, or "unverified: why". */
    readonly verified: string;
    /** Whether CDI mode changes exposure. */
    readonly cdi?: string;
    /** Whether crun as the low-level runtime changes exposure. */
    readonly crun?: string;
    readonly mitigations: readonly ToolkitMitigation[];
}

export interface DistroFix {
    readonly versions: readonly string[];
    readonly source: string;
    /** false: recorded, but this project cannot order that distribution's versions (rpm). */
    readonly judged?: boolean;
}

export interface RuntimeAdvisory {
    readonly id: string;
    readonly cves: readonly string[];
    readonly severity: AdvisorySeverity;
    /** Upstream versions below this are affected ... */
    readonly fixedIn: string;
    /** ... unless they are in a maintained branch at or above its fix: [branch prefix, fixed]. */
    readonly branchFixes?: readonly (readonly [string, string])[];
    /** Branches that received no fix at all. */
    readonly unpatchedBranches?: readonly string[];
    /** Distribution package versions known to carry the fix, per distribution ("debian", "ubuntu"). */
    readonly distroFixed?: Readonly<Record<string, DistroFix>>;
    readonly mitigation?: string;
    readonly source: string;
    readonly verified: string;
}

export interface DriverAdvisory {
    readonly id: string;
    readonly cves: readonly string[];
    readonly severity: AdvisorySeverity;
    readonly cvss?: number;
    /** Per driver branch ("580."), the first fixed version. */
    readonly branchFixes: readonly (readonly [string, string])[];
    readonly unlistedBranches: string;
    readonly source: string;
    readonly csaf?: string;
    readonly verified: string;
}

export interface AdvisoryData {
    /** The day the data was last checked against its sources (YYYY-MM-DD). */
    readonly updated: string;
    /** Where the data came from: the built-in file or the one a user pointed at. */
    readonly origin: string;
    readonly toolkit: readonly ToolkitAdvisory[];
    readonly runc: readonly RuntimeAdvisory[];
    readonly engine: readonly RuntimeAdvisory[];
    readonly driver: readonly DriverAdvisory[];
    /** Packages the upstream project builds itself, judged by upstream fix versions. */
    readonly upstreamPackages: { readonly engine: readonly string[]; readonly runc: readonly string[] };
}

export class AdvisoryDataError extends Error {}

const SEVERITIES = ["critical", "high", "medium", "low"];
const VERSION = /^\d+(\.\d+)*(-[0-9A-Za-z.]+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Checks the shape of advisory data; every problem names the origin, the list, the entry and the key. */
export function parseAdvisories(raw: unknown, origin: string): AdvisoryData {
    const problems: string[] = [];
    const data = (raw ?? {}) as Record<string, unknown>;
    if (typeof data.updated !== "string" || !DATE.test(data.updated) || Number.isNaN(Date.parse(data.updated))) {
        problems.push(`${origin}: "updated" must be a date (YYYY-MM-DD), the day the data was checked against its sources`);
    }
    const list = (key: string): Record<string, unknown>[] => {
        const value = data[key];
        if (!Array.isArray(value)) {
            problems.push(`${origin}: "${key}" must be a list`);
            return [];
        }
        return value as Record<string, unknown>[];
    };
    const check = (key: string, entries: Record<string, unknown>[], versionKeys: readonly string[]) => {
        entries.forEach((entry, index) => {
            const where = `${origin}: ${key}[${index}]${typeof entry.id === "string" ? ` (${entry.id})` : ""}`;
            if (typeof entry.id !== "string" || entry.id === "") {
                problems.push(`${where}: "id" is required`);
            }
            if (!Array.isArray(entry.cves) || entry.cves.length === 0 || !entry.cves.every((c) => typeof c === "string" && /^CVE-\d{4}-\d{4,}$/.test(c))) {
                problems.push(`${where}: "cves" must list CVE ids ("CVE-2026-24260")`);
            }
            if (!SEVERITIES.includes(entry.severity as string)) {
                problems.push(`${where}: "severity" must be one of ${SEVERITIES.join(", ")}`);
            }
            if (typeof entry.source !== "string" || !/^https:\/\//.test(entry.source)) {
                problems.push(`${where}: "source" must be the https URL the entry was taken from`);
            }
            if (typeof entry.verified !== "string" || entry.verified === "") {
                problems.push(`${where}: "verified" must say where the fixed version was read, or "unverified: why"`);
            }
            for (const versionKey of versionKeys) {
                if (typeof entry[versionKey] !== "string" || !VERSION.test(entry[versionKey] as string)) {
                    problems.push(`${where}: "${versionKey}" must be a version ("1.19.1")`);
                }
            }
            for (const pair of (entry.branchFixes ?? []) as unknown[]) {
                if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string" || typeof pair[1] !== "string" || !VERSION.test(pair[1])) {
                    problems.push(`${where}: "branchFixes" must be pairs of [branch prefix, fixed version]`);
                    break;
                }
            }
        });
    };
    const toolkit = list("toolkit");
    check("toolkit", toolkit, ["affectedUpTo", "fixedIn"]);
    toolkit.forEach((entry, index) => {
        if (!Array.isArray(entry.mitigations)) {
            problems.push(`${origin}: toolkit[${index}] (${String(entry.id)}): "mitigations" must be a list (empty when the bulletin names none)`);
        }
    });
    const runc = list("runc");
    const engine = list("engine");
    check("runc", runc, ["fixedIn"]);
    check("engine", engine, ["fixedIn"]);
    const driver = list("driver");
    check("driver", driver, []);
    driver.forEach((entry, index) => {
        if (!Array.isArray(entry.branchFixes) || entry.branchFixes.length === 0) {
            problems.push(`${origin}: driver[${index}] (${String(entry.id)}): "branchFixes" must list [branch prefix, fixed version] pairs`);
        }
    });
    const upstream = (data.upstreamPackages ?? {}) as Record<string, unknown>;
    if (!Array.isArray(upstream.engine) || !Array.isArray(upstream.runc)) {
        problems.push(`${origin}: "upstreamPackages" must list the "engine" and "runc" packages built by the upstream projects`);
    }
    if (problems.length > 0) {
        throw new AdvisoryDataError(`advisory data is not usable (nothing was judged with it):\n${problems.join("\n")}`);
    }
    return {
        updated: data.updated as string,
        origin,
        toolkit: toolkit as unknown as ToolkitAdvisory[],
        runc: runc as unknown as RuntimeAdvisory[],
        engine: engine as unknown as RuntimeAdvisory[],
        driver: driver as unknown as DriverAdvisory[],
        upstreamPackages: upstream as unknown as AdvisoryData["upstreamPackages"],
    };
}

export const BUILT_IN_ADVISORIES: AdvisoryData = parseAdvisories(builtIn, "data/advisories.json (built in)");

/** The advisory data in FILE (JSON, the shape of data/advisories.json); the built-in data without one. */
export function loadAdvisories(file?: string): AdvisoryData {
    if (file === undefined || file === "") {
        return BUILT_IN_ADVISORIES;
    }
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        throw new AdvisoryDataError(`advisory data ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    let raw: unknown;
    try {
        raw = JSON.parse(text);
    } catch (error) {
        throw new AdvisoryDataError(`advisory data ${file} is not JSON: ${(error as Error).message}`);
    }
    return parseAdvisories(raw, file);
}

/** Advisory data older than this many days gets a warning in every report. */
export const ADVISORY_DATA_MAX_AGE_DAYS = 90;

/** "advisory data of 2026-11-30 (origin)", and a warning when it is older than 90 days. */
export function advisoryDataStatus(data: AdvisoryData, now: Date): { readonly summary: string; readonly warning?: string } {
    const ageDays = Math.floor((now.getTime() - Date.parse(`${data.updated}T00:00:00Z`)) / 86_400_000);
    const summary = `advisory data of ${data.updated} (${data.origin})`;
    return ageDays > ADVISORY_DATA_MAX_AGE_DAYS
        ? { summary, warning: `${summary} is ${ageDays} days old (more than ${ADVISORY_DATA_MAX_AGE_DAYS}): newer advisories are not judged; update it (docs/advisories.md)` }
        : { summary };
}

/** The toolkit advisories that affect this version (upstream or Debian form), oldest first. */
export function toolkitAdvisoriesFor(version: string, data: AdvisoryData = BUILT_IN_ADVISORIES): ToolkitAdvisory[] {
    const upstream = upstreamToolkitVersion(version);
    return data.toolkit.filter((a) => compareVersions(upstream, a.fixedIn) < 0);
}

/** An advisory that blocks a new pin: high or critical, and fixed in some release. */
export const blocksNewPins = (advisory: ToolkitAdvisory): boolean => advisory.severity === "critical" || advisory.severity === "high";

/**
 * The mitigation in place for an advisory on this version and config.toml, if any: every key it
 * names has its value, and the version has the setting. The CVEs it does not cover stay open.
 */
export function mitigationInPlace(advisory: ToolkitAdvisory, version: string, runtimeConfig: Readonly<Record<string, string | boolean>> | undefined): ToolkitMitigation | undefined {
    if (runtimeConfig === undefined) {
        return undefined;
    }
    const upstream = upstreamToolkitVersion(version);
    return advisory.mitigations.find((m) =>
        (m.from === undefined || compareVersions(upstream, m.from) >= 0)
        && (m.covers === undefined || advisory.cves.every((cve) => m.covers?.includes(cve)))
        && Object.entries(m.config).every(([key, value]) => runtimeConfig[key] === value));
}

/** The driver version in /proc/driver/nvidia/version ("580.95.05"), or undefined. */
export function parseDriverVersion(procText: string): string | undefined {
    // "NVRM version: NVIDIA UNIX x86_64 Kernel Module  580.95.05  Tue Sep 23 ..." and the open
    // modules' "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.95.05  Release Build ..."
    const match = /^NVRM version:.*?Kernel Module(?: for \S+)?\s+(\d+\.\d+(?:\.\d+)?)\s/m.exec(procText);
    return match?.[1];
}

/** Driver advisories that affect this version: an older fix on its branch, or a branch left without one. */
export function driverAdvisoriesFor(version: string, data: AdvisoryData = BUILT_IN_ADVISORIES): { advisory: DriverAdvisory; reason: string }[] {
    const major = Number(version.split(".")[0]);
    const result: { advisory: DriverAdvisory; reason: string }[] = [];
    for (const advisory of data.driver) {
        const branch = advisory.branchFixes.find(([prefix]) => version.startsWith(prefix));
        if (branch !== undefined) {
            if (compareVersions(version, branch[1]) < 0) {
                result.push({ advisory, reason: `fixed in ${branch[1]} on the R${branch[0].replace(/\.$/, "")} branch` });
            }
            continue;
        }
        const newest = Math.max(...advisory.branchFixes.map(([prefix]) => Number(prefix.replace(/\.$/, ""))));
        if (major <= newest) {
            result.push({ advisory, reason: `the R${major} branch has no fix: ${advisory.unlistedBranches} (fixed branches: ${advisory.branchFixes.map(([p, v]) => `R${p.replace(/\.$/, "")} ${v}`).join(", ")})` });
        }
    }
    return result;
}
