#!/usr/bin/env node
// gnh-audit: the rule catalog against what really runs on every node of a fleet file.
//   npm run audit -- [--stack NAME | --fleet FILE] [--format table|json|sarif|junit] [--output FILE]
//                    [--report FORMAT:FILE]... [--concurrency N] [--timeout SECONDS] [--fail-on mandatory|advisory]
//                    [--exclude ID[,ID]] [--include ID[,ID]] [--node NAME[,NAME]]
//                    [--trust-fingerprint FPR] [--allow-http-host HOST] [--allow-capability CAP] [--allow-device PATH] [--allow-device PATH]
//                    [--writable-host-path PATH] [--seccomp-sha256 HEX] [--benchmark cis-docker-1.6.0] [--verbose]
// Exit codes: 0 clean, 1 violations, 2 could not run (bad arguments, or a node not audited).
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs as parseCommandLine } from "node:util";
import { AdvisoryData, advisoryDataStatus, loadAdvisories } from "../lib/advisories";
import { FleetError, parseFleet } from "../lib/fleet";
import { auditShardId, nodesOfPool } from "../lib/fleetPools";
import { fleetFromStack } from "./stackFleet";
import { renderHardenedProfile, SeccompProfileJson } from "../lib/seccompProfile";
import { mobyDefaultProfilePath } from "../lib/toolsPaths";
import { catalog } from "../rules/catalog";
import { EnforcementLevel } from "../rules/rule";
import { closeAllSessions, installSessionCleanup } from "../transport/ssh";
import { exitCode, NodeResult } from "./evaluate";
import { Format, FORMATS, render } from "./report";
import { auditFleet } from "./run";
import { BenchmarkName, BENCHMARKS } from "./benchmark";
import { renderBenchmark } from "./benchmarkReport";
import { findProjectRoot } from "../lib/projectRoot";
import { DEFAULT_ALLOWED_REGISTRIES } from "../rules/containerRules";

const projectRoot = findProjectRoot(__dirname);

export class UsageError extends Error {}

export interface CliOptions {
    fleet: string;
    format: Format;
    output?: string;
    /** More reports from the same run: [format, file]. */
    reports: [Format, string][];
    concurrency: number;
    timeoutS: number;
    failOn: EnforcementLevel;
    exclude: string[];
    include: string[];
    nodes: string[];
    /** One pool of the fleet file: one shard of a sharded audit, with its own SARIF automationDetails.id. */
    pool?: string;
    trustFingerprints: string[];
    allowHttpHosts: string[];
    allowCapabilities: string[];
    allowDevices: string[];
    writableHostPaths: string[];
    allowRegistries: string[];
    seccompSha256: string[];
    /** A newer advisory data file than the built-in one. */
    advisories?: string;
    /** Report per control of this benchmark instead of per rule. */
    benchmark?: BenchmarkName;
    verbose: boolean;
}

const USAGE = `usage: gnh-audit [--stack NAME | --fleet FILE] [--format ${FORMATS.join("|")}] [--output FILE] [--report FORMAT:FILE]...
                 [--concurrency N] [--timeout SECONDS]
                 [--fail-on mandatory|advisory] [--exclude ID,...] [--include ID,...] [--node NAME,...] [--pool NAME]
                 [--trust-fingerprint FPR] [--allow-http-host HOST] [--allow-capability CAP] [--allow-device PATH]
                 [--writable-host-path PATH] [--allow-registry HOST[:PORT]] [--seccomp-sha256 HEX]
                 [--advisories FILE] [--benchmark ${BENCHMARKS.join("|")}] [--verbose]
exit codes: 0 clean, 1 violations, 2 could not run`;

const VALUE_OPTIONS = ["fleet", "stack", "format", "output", "report", "concurrency", "timeout", "fail-on", "exclude", "include", "node", "pool",
    "trust-fingerprint", "allow-http-host", "allow-capability", "allow-device", "writable-host-path", "allow-registry", "seccomp-sha256", "advisories", "benchmark"] as const;
const CLI_OPTIONS = {
    ...Object.fromEntries(VALUE_OPTIONS.map((name) => [name, { type: "string" as const, multiple: true }])),
    output: { type: "string" as const, short: "o", multiple: true },
    verbose: { type: "boolean" as const, short: "v" },
    help: { type: "boolean" as const, short: "h" },
};

/** node's parser's errors, worded as this CLI words them. */
function usageMessage(error: Error & { code?: string }): string {
    const quoted = /'([^']+)'/.exec(error.message)?.[1] ?? "";
    const option = /--[a-z0-9-]+/.exec(quoted)?.[0] ?? quoted.split(/[ ,]/)[0];
    switch (error.code) {
        case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
            return /does not take an argument/.test(error.message) ? `${option} takes no value` : `${option} needs a value`;
        case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
        case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
            return `unknown argument ${JSON.stringify(quoted)}`;
        default:
            return error.message;
    }
}

export function parseArgs(argv: readonly string[]): CliOptions {
    const options: CliOptions = {
        fleet: process.env.GNH_FLEET_FILE ?? path.join(projectRoot, ".lab", "fleet.yaml"),
        format: "table",
        concurrency: 8,
        timeoutS: 60,
        failOn: "mandatory",
        reports: [], exclude: [], include: [], nodes: [], trustFingerprints: [], allowHttpHosts: [], allowCapabilities: [], allowDevices: [], writableHostPaths: [], allowRegistries: [], seccompSha256: [],
        verbose: false,
    };
    const list = (value: string) => value.split(",").map((v) => v.trim()).filter((v) => v !== "");
    // node's own parser (long options, --opt=value, -o/-v/-h), read token by token so that the
    // order of --stack and --node keeps its meaning
    let tokens: ReturnType<typeof parseCommandLine>["tokens"];
    try {
        tokens = parseCommandLine({ args: [...argv], options: CLI_OPTIONS, strict: true, allowPositionals: false, tokens: true }).tokens;
    } catch (error) {
        throw new UsageError(usageMessage(error as Error & { code?: string }));
    }
    for (const token of tokens) {
        if (token.kind !== "option") {
            continue;
        }
        const flag = token.rawName;
        const value = () => token.value as string;
        const positive = (v: string) => {
            const n = Number(v);
            if (!Number.isInteger(n) || n < 1) {
                throw new UsageError(`${flag} must be a positive integer, not ${JSON.stringify(v)}`);
            }
            return n;
        };
        switch (token.name) {
            case "fleet": options.fleet = value(); break;
            case "stack": {
                try {
                    // a stack's configuration lives in the Pulumi project: this checkout, or the consumer's (cwd) when installed
                    const fromStack = fleetFromStack(projectRoot.split(path.sep).includes("node_modules") ? process.cwd() : projectRoot, value());
                    options.fleet = fromStack.fleetFile;
                    if (options.nodes.length === 0) {
                        options.nodes.push(...fromStack.nodes);
                    }
                    options.pool ??= fromStack.pool;
                } catch (error) {
                    throw new UsageError((error as Error).message);
                }
                break;
            }
            case "format": {
                const v = value();
                if (!(FORMATS as readonly string[]).includes(v)) {
                    throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, not ${JSON.stringify(v)}`);
                }
                options.format = v as Format;
                break;
            }
            case "output": options.output = value(); break;
            case "report": {
                const v = value();
                const colon = v.indexOf(":");
                const format = v.slice(0, colon);
                if (colon < 1 || !(FORMATS as readonly string[]).includes(format) || colon === v.length - 1) {
                    throw new UsageError(`--report takes FORMAT:FILE with FORMAT one of ${FORMATS.join(", ")}, not ${JSON.stringify(v)}`);
                }
                options.reports.push([format as Format, v.slice(colon + 1)]);
                break;
            }
            case "concurrency": options.concurrency = positive(value()); break;
            case "timeout": options.timeoutS = positive(value()); break;
            case "fail-on": {
                const v = value();
                if (v !== "mandatory" && v !== "advisory") {
                    throw new UsageError(`--fail-on must be mandatory or advisory, not ${JSON.stringify(v)}`);
                }
                options.failOn = v;
                break;
            }
            case "exclude": options.exclude.push(...list(value())); break;
            case "include": options.include.push(...list(value())); break;
            case "node": options.nodes.push(...list(value())); break;
            case "pool": options.pool = value(); break;
            case "trust-fingerprint": options.trustFingerprints.push(...list(value())); break;
            case "allow-http-host": options.allowHttpHosts.push(...list(value())); break;
            case "allow-capability": options.allowCapabilities.push(...list(value())); break;
            case "allow-device": options.allowDevices.push(...list(value())); break;
            case "writable-host-path": options.writableHostPaths.push(...list(value())); break;
            case "allow-registry": options.allowRegistries.push(...list(value())); break;
            case "seccomp-sha256": options.seccompSha256.push(...list(value())); break;
            case "advisories": options.advisories = value(); break;
            case "benchmark": {
                const v = value();
                if (!(BENCHMARKS as readonly string[]).includes(v)) {
                    throw new UsageError(`--benchmark must be one of ${BENCHMARKS.join(", ")}, not ${JSON.stringify(v)}`);
                }
                options.benchmark = v as BenchmarkName;
                break;
            }
            case "verbose": options.verbose = true; break;
            case "help": throw new UsageError("");
        }
    }
    const known = new Set(catalog.flatMap((r) => [r.id, ...(r.aliases ?? [])]));
    const unknown = [...options.exclude, ...options.include].filter((id) => !known.has(id));
    if (unknown.length > 0) {
        throw new UsageError(`unknown rule id${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}`);
    }
    return options;
}

/** The sha256 of the profile SeccompProfile deploys, when set-up has fetched its base. */
export function deployedSeccompSha256(): string | undefined {
    const base = mobyDefaultProfilePath(projectRoot);
    if (!fs.existsSync(base)) {
        return undefined;
    }
    const content = renderHardenedProfile(JSON.parse(fs.readFileSync(base, "utf8")) as SeccompProfileJson);
    return crypto.createHash("sha256").update(content).digest("hex");
}

function toolVersion(): string {
    try {
        return (JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8")) as { version: string }).version;
    } catch {
        return "0.0.0";
    }
}

export async function main(argv: readonly string[]): Promise<number> {
    installSessionCleanup();
    let options: CliOptions;
    try {
        options = parseArgs(argv);
    } catch (error) {
        if (error instanceof UsageError) {
            process.stderr.write(error.message ? `gnh-audit: ${error.message}\n${USAGE}\n` : `${USAGE}\n`);
            return error.message ? 2 : 0;
        }
        throw error;
    }
    let fleetText: string;
    let nodes;
    let mirrorFingerprint: string | undefined;
    let fleetRegistry: string | undefined;
    try {
        fleetText = fs.readFileSync(options.fleet, "utf8");
        const fleet = parseFleet(fleetText, options.fleet);
        mirrorFingerprint = fleet.mirror?.fingerprint;
        fleetRegistry = fleet.registry?.host;
        nodes = nodesOfPool(fleet, options.pool, options.fleet).filter((n) => options.nodes.length === 0 || options.nodes.includes(n.name));
        const missing = options.nodes.filter((n) => !fleet.nodes.some((f) => f.name === n));
        if (missing.length > 0) {
            throw new FleetError(`${options.fleet}: no node named ${missing.join(", ")}`);
        }
    } catch (error) {
        process.stderr.write(`gnh-audit: ${error instanceof FleetError ? error.message : `cannot read the fleet file ${options.fleet}: ${(error as Error).message}`}\n`);
        return 2;
    }
    let advisories: AdvisoryData;
    try {
        advisories = loadAdvisories(options.advisories);
    } catch (error) {
        process.stderr.write(`gnh-audit: ${(error as Error).message}\n`);
        return 2;
    }
    const deployed = deployedSeccompSha256();
    const startedAt = new Date();
    const progress = process.stderr.isTTY === true && nodes.length > 3;
    const results: NodeResult[] = await auditFleet(nodes, {
        concurrency: options.concurrency,
        timeoutMs: options.timeoutS * 1000,
        exclude: options.exclude,
        include: options.include,
        advisories,
        toolkit: {
            trustedFingerprints: [...options.trustFingerprints, ...(mirrorFingerprint ? [mirrorFingerprint] : [])],
            httpAllowedHosts: options.allowHttpHosts,
        },
        container: {
            allowedCapabilities: options.allowCapabilities,
            allowedDevices: options.allowDevices,
            writableHostPaths: options.writableHostPaths,
            // nvcr.io, the fleet's own registry, and what the command line adds
            allowedRegistries: [...DEFAULT_ALLOWED_REGISTRIES, ...(fleetRegistry ? [fleetRegistry] : []), ...options.allowRegistries],
        },
        live: { seccompSha256: options.seccompSha256.length > 0 ? options.seccompSha256 : deployed ? [deployed] : [] },
        onNodeDone: progress ? (result, done, total) => {
            process.stderr.write(`\r\u001b[K[${done}/${total}] ${result.node}: ${result.status}`);
            if (done === total) {
                process.stderr.write("\r\u001b[K");
            }
        } : undefined,
    });
    closeAllSessions();
    const fleetName = path.relative(process.cwd(), path.resolve(options.fleet)).split(path.sep).join("/");
    const context = {
        toolVersion: toolVersion(), automationId: auditShardId(options.pool), fleetFile: fleetName.startsWith("..") ? path.resolve(options.fleet) : fleetName, fleetText, startedAt, verbose: options.verbose,
        advisories: { updated: advisories.updated, origin: advisories.origin, ...advisoryDataStatus(advisories, startedAt) },
    };
    const renderAs = (format: Format) => (options.benchmark ? renderBenchmark(format, results, context) : render(format, results, context));
    for (const [format, file] of options.reports) {
        fs.writeFileSync(file, renderAs(format));
    }
    const text = renderAs(options.format);
    if (options.output) {
        fs.writeFileSync(options.output, text);
        if (options.format !== "table") {
            // a one-line summary for the log; the report itself is in the file
            const code = exitCode(results, options.failOn);
            process.stderr.write(`gnh-audit: wrote ${options.output} (${options.format}); exit ${code}\n`);
        }
    } else {
        process.stdout.write(text);
    }
    return exitCode(results, options.failOn);
}

if (require.main === module) {
    main(process.argv.slice(2)).then((code) => {
        process.exitCode = code;
    }, (error: unknown) => {
        process.stderr.write(`gnh-audit: ${(error as Error).stack ?? String(error)}\n`);
        process.exitCode = 2;
    });
}
