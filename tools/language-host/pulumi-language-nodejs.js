#!/usr/bin/env node
// @ts-check
/*
 * A Node.js language host for the Pulumi engine, written for this project.
 *
 * Why it exists: the upstream host (module github.com/pulumi/pulumi/sdk/nodejs/cmd/
 * pulumi-language-nodejs/v3) has no release tags, and the Go module proxy that our machines
 * reach refuses every pseudo-version of it (HTTP 403 "This module version is not available"),
 * so it cannot be built offline. The engine talks to a language host over the gRPC
 * LanguageRuntime service; @pulumi/pulumi ships the generated stubs for that service, so a
 * small host in Node covers what we need: running TypeScript programs (Run), running policy
 * packs and plugins (RunPlugin), and the informational calls the engine makes around them.
 *
 * Protocol, as the engine expects it from any plugin: start a gRPC server on 127.0.0.1, print
 * its port on stdout, serve until the engine goes away.
 */
"use strict";

const path = require("node:path");
const { spawn } = require("node:child_process");

const HOST_VERSION = "3.276.0-gnh";
const USER_ACTIONABLE_EXIT_CODE = 32; // @pulumi/pulumi's run exits with this after printing a user-facing error

/** Load grpc-js and the generated LanguageRuntime stubs from the program's @pulumi/pulumi. */
function loadRpc(anchorDirectory) {
    const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [anchorDirectory] }));
    return {
        grpc: require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] })),
        languageService: require(path.join(pulumiDir, "proto", "language_grpc_pb.js")),
        language: require(path.join(pulumiDir, "proto", "language_pb.js")),
        plugin: require(path.join(pulumiDir, "proto", "plugin_pb.js")),
        emptyProto: require(require.resolve("google-protobuf/google/protobuf/empty_pb.js", { paths: [pulumiDir] })),
        pulumiDir,
    };
}

/** Runtime options from Pulumi.yaml (`runtime.options`), with the upstream defaults. */
function readRuntimeOptions(programInfo) {
    const options = programInfo && programInfo.getOptions() ? programInfo.getOptions().toJavaScript() : {};
    const typescript = options.typescript === undefined ? true : options.typescript;
    if (typeof typescript !== "boolean") {
        throw new Error("runtime option 'typescript' must be a boolean");
    }
    if (options.tsconfig !== undefined && typeof options.tsconfig !== "string") {
        throw new Error("runtime option 'tsconfig' must be a string");
    }
    if (options.nodeargs !== undefined && typeof options.nodeargs !== "string") {
        throw new Error("runtime option 'nodeargs' must be a string");
    }
    const nodeArgs = options.nodeargs ? options.nodeargs.split(/\s+/).filter(Boolean) : [];
    return { typescript, tsconfig: options.tsconfig, nodeArgs };
}

function typescriptEnv(options) {
    const env = {};
    if (options.typescript) {
        env.PULUMI_NODEJS_TYPESCRIPT = "true";
    }
    if (options.tsconfig) {
        env.PULUMI_NODEJS_TSCONFIG_PATH = options.tsconfig;
    }
    return env;
}

/** Config keys reach @pulumi/pulumi in the legacy `<namespace>:config:<name>` form it reads. */
function legacyConfig(configMap) {
    const out = {};
    for (const [key, value] of configMap.entries()) {
        const separator = key.indexOf(":");
        out[separator < 0 ? key : `${key.slice(0, separator)}:config:${key.slice(separator + 1)}`] = value;
    }
    return out;
}

function main(argv) {
    const flags = argv.filter((a) => a.startsWith("-"));
    const positional = argv.filter((a) => !a.startsWith("-"));
    if (flags.includes("-version") || flags.includes("--version")) {
        process.stdout.write(`${HOST_VERSION}\n`);
        return;
    }
    const tracingFlag = flags.find((f) => f.startsWith("-tracing=") || f.startsWith("--tracing="));
    const tracing = tracingFlag ? tracingFlag.slice(tracingFlag.indexOf("=") + 1) : "";
    let engineAddress = positional[0] || "";

    // The host resolves the SDK from where it is installed: the project's node_modules.
    const rpc = loadRpc(process.env.GNH_PROJECT_ROOT || process.cwd());
    const { grpc, language, plugin } = rpc;
    const running = new Set();

    const service = {
        handshake(call, callback) {
            engineAddress = call.request.getEngineAddress() || engineAddress;
            callback(null, new language.LanguageHandshakeResponse());
        },
        getPluginInfo(_call, callback) {
            const info = new plugin.PluginInfo();
            info.setVersion(HOST_VERSION);
            callback(null, info);
        },
        getRequiredPlugins(_call, callback) {
            // Providers are loaded on demand when resources register; set-up installs them.
            callback(null, new language.GetRequiredPluginsResponse());
        },
        getRequiredPackages(_call, callback) {
            callback(null, new language.GetRequiredPackagesResponse());
        },
        getProgramDependencies(_call, callback) {
            callback(null, new language.GetProgramDependenciesResponse());
        },
        about(_call, callback) {
            const response = new language.AboutResponse();
            response.setExecutable(process.execPath);
            response.setVersion(process.version);
            callback(null, response);
        },
        installDependencies(call) {
            // Dependencies are installed by the project's set-up (`npm ci`), never by the engine.
            call.end();
        },
        cancel(_call, callback) {
            for (const child of running) {
                child.kill("SIGINT");
            }
            callback(null, new rpc.emptyProto.Empty());
        },
        run(call, callback) {
            const request = call.request;
            const response = new language.RunResponse();
            let options;
            try {
                options = readRuntimeOptions(request.getInfo());
            } catch (error) {
                response.setError(String(error.message));
                callback(null, response);
                return;
            }
            const programDirectory = request.getInfo().getProgramDirectory();
            let runPath;
            try {
                runPath = require.resolve("@pulumi/pulumi/cmd/run", { paths: [programDirectory] });
            } catch {
                response.setError(`@pulumi/pulumi is not installed for ${programDirectory}; run npm ci there`);
                callback(null, response);
                return;
            }
            const args = [...options.nodeArgs, runPath];
            const flag = (name, value) => {
                if (value !== undefined && value !== null && value !== "") {
                    args.push(`--${name}`, String(value));
                }
            };
            flag("monitor", request.getMonitorAddress());
            flag("engine", engineAddress);
            flag("organization", request.getOrganization());
            flag("project", request.getProject());
            flag("root-directory", request.getInfo().getRootDirectory());
            flag("stack", request.getStack());
            flag("pwd", programDirectory);
            if (request.getDryrun()) {
                args.push("--dry-run");
            }
            flag("parallel", request.getParallel());
            flag("tracing", tracing);
            args.push(request.getInfo().getEntryPoint() || ".", ...request.getArgsList());

            const env = {
                ...process.env,
                ...typescriptEnv(options),
                PULUMI_CONFIG: JSON.stringify(legacyConfig(request.getConfigMap())),
                PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(request.getConfigsecretkeysList()),
            };
            // The engine reads the program's console output from our stdout and stderr.
            const child = spawn(process.execPath, args, { cwd: programDirectory, env, stdio: ["ignore", "inherit", "inherit"] });
            running.add(child);
            let answered = false; // "exit" may follow "error": answer the call once
            child.on("error", (error) => {
                running.delete(child);
                if (answered) {
                    return;
                }
                answered = true;
                response.setError(`could not start node for the program: ${error.message}`);
                callback(null, response);
            });
            child.on("exit", (code, signal) => {
                running.delete(child);
                if (answered) {
                    return;
                }
                answered = true;
                if (code === 0) {
                    // success
                } else if (code === USER_ACTIONABLE_EXIT_CODE) {
                    response.setBail(true);
                } else {
                    response.setError(`Program exited with non-zero exit code: ${code ?? signal}`);
                }
                callback(null, response);
            });
        },
        runPlugin(call) {
            const request = call.request;
            const info = request.getInfo();
            const programDirectory = info.getProgramDirectory();
            const isPolicyPack = request.getKind() === "analyzer";
            const send = (setter, payload) => {
                const message = new language.RunPluginResponse();
                message[setter](payload);
                call.write(message);
            };
            let options;
            let runPath;
            try {
                options = readRuntimeOptions(info);
                const module = isPolicyPack ? "@pulumi/pulumi/cmd/run-policy-pack" : "@pulumi/pulumi/cmd/run-plugin";
                runPath = require.resolve(module, { paths: [programDirectory] });
            } catch (error) {
                call.emit("error", {
                    code: grpc.status.FAILED_PRECONDITION,
                    details: `cannot run plugin in ${programDirectory}: ${error.message} (run npm ci there)`,
                });
                return;
            }
            const args = [...options.nodeArgs, runPath];
            if (isPolicyPack) {
                args.push(...request.getArgsList(), programDirectory);
            } else {
                args.push(programDirectory, ...request.getArgsList());
            }
            const env = {};
            for (const entry of request.getEnvList()) {
                const separator = entry.indexOf("=");
                if (separator > 0) {
                    env[entry.slice(0, separator)] = entry.slice(separator + 1);
                }
            }
            Object.assign(env, typescriptEnv(options));
            const child = spawn(process.execPath, args, {
                cwd: isPolicyPack ? programDirectory : request.getPwd() || programDirectory,
                env,
                stdio: ["ignore", "pipe", "pipe"],
            });
            running.add(child);
            child.stdout.on("data", (chunk) => send("setStdout", chunk));
            child.stderr.on("data", (chunk) => send("setStderr", chunk));
            child.on("error", (error) => {
                running.delete(child);
                call.emit("error", { code: grpc.status.INTERNAL, details: `could not start plugin: ${error.message}` });
            });
            child.on("close", (code) => {
                running.delete(child);
                send("setExitcode", code ?? 1);
                call.end();
            });
            call.on("cancelled", () => child.kill("SIGINT"));
        },
    };

    const server = new grpc.Server();
    server.addService(rpc.languageService.LanguageRuntimeService, service);
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
        if (error) {
            process.stderr.write(`language host could not listen: ${error.message}\n`);
            process.exit(1);
        }
        process.stdout.write(`${port}\n`);
    });
    const stop = () => server.tryShutdown(() => process.exit(0));
    // The engine owns this process: when it is gone (we are re-parented), stop serving.
    const parent = process.ppid;
    setInterval(() => {
        if (process.ppid !== parent) {
            stop();
        }
    }, 1000).unref();
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
}

main(process.argv.slice(2));
