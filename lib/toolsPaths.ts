// Where set-up puts what it fetches (scripts/setup.sh writes them; keep the two in step).
import * as path from "node:path";

export const MOBY_PROFILES_VERSION = "v0.1.0";

export function mobyDefaultProfilePath(projectRoot: string): string {
    return path.join(process.env.GNH_TOOLS_DIR ?? path.join(projectRoot, ".tools"), "seccomp", `moby-default-${MOBY_PROFILES_VERSION}.json`);
}
