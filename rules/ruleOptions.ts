// The settings a fleet may change per rule, with their defaults: the allow-lists that rules take
// in `options`, and what a preview does when a value the rule needs is not known yet. Declared
// once, here beside the rules: the policy pack's configSchema, docs/policies.md and the tests all
// read this table, so a default cannot differ between them.
import { ContainerRuleOptions, DEFAULT_ALLOWED_REGISTRIES } from "./containerRules";
import { ToolkitRuleOptions } from "./toolkitRules";

/** A list-valued rule option; `key` is both the config property and the key in the rule's options. */
export interface ListOption {
    readonly key: keyof ContainerRuleOptions | keyof ToolkitRuleOptions;
    readonly description: string;
    readonly default: readonly string[];
    /** JSON Schema pattern every item must match (checked by the engine before the pack runs). */
    readonly itemPattern?: string;
}

export const RULE_OPTIONS: Readonly<Record<string, readonly ListOption[]>> = {
    "GNH-TOOLKIT-ADVISORIES": [{
        key: "advisoriesFile",
        description: "At most one path: a newer advisory data file (the shape of data/advisories.json) to judge toolkit versions by instead of the built-in one; see docs/advisories.md.",
        default: [],
        itemPattern: "^/",
    }],
    "GNH-CONTAINER-CAPABILITIES": [{
        key: "allowedCapabilities",
        description: "Capabilities a container may add after dropping ALL (names with or without CAP_, any case).",
        default: [],
        itemPattern: "^[A-Za-z_]+$",
    }],
    "GNH-CONTAINER-SENSITIVE-MOUNTS": [{
        key: "writableHostPaths",
        description: "Sensitive host paths (and what is under them) that containers may bind read-write on purpose.",
        default: [],
        itemPattern: "^/",
    }],
    "GNH-CONTAINER-HOST-DEVICES": [{
        key: "allowedDevices",
        description: "Host devices (absolute paths under /dev) that containers may map besides GPUs, such as /dev/infiniband/uverbs0 for RDMA.",
        default: [],
        itemPattern: "^/dev/",
    }],
    "GNH-CONTAINER-IMAGE-PINNED": [{
        key: "allowedRegistries",
        description: "Registries (host or host:port, as image references spell them) that images may come from. Add the fleet's own registry; Docker Hub is docker.io.",
        default: DEFAULT_ALLOWED_REGISTRIES,
        itemPattern: "^[A-Za-z0-9.-]+(:[0-9]+)?$",
    }],
    "GNH-APT-PINNED-FINGERPRINT": [{
        key: "trustedFingerprints",
        description: "Primary key fingerprints trusted besides NVIDIA's: list the fleet's own mirror key here. Only NVIDIA's key and these are trusted; a resource's own pin never is (a pull request could change it).",
        default: [],
        itemPattern: "^[0-9A-Fa-f ]{40,50}$",
    }],
    "GNH-APT-HTTPS": [{
        key: "httpAllowedHosts",
        description: "Public hosts that may serve apt over plain http (private hosts always may).",
        default: [],
    }],
};

/**
 * What a rule does in preview when a value it reads is unknown (it comes from a resource that is
 * not created yet): "block" reports a violation at the rule's level, "defer" reports advice and
 * leaves the verdict to `pulumi up`, where the value is known and the rule runs at its level.
 */
export type UnknownAtPreview = "block" | "defer";

/** Fail closed: a mandatory rule never turns into advice just because preview lacks a value. */
export const DEFAULT_UNKNOWN_AT_PREVIEW: UnknownAtPreview = "block";

export function optionsOf(ruleId: string): readonly ListOption[] {
    return RULE_OPTIONS[ruleId] ?? [];
}
