// Before the first change on a node, once per run and machine (like the node's lock: a renamed node
// is one machine under two sessions): is it a platform we have proven? (lib/platform.ts)
import { parsePlatformProbe, platformRefusal } from "../lib/platform";
import { remoteScript } from "../lib/remoteScripts";
import { NodeError, SshSession } from "../transport/ssh";

const PLATFORM_SCRIPT = remoteScript("platform-probe");
const checked = new Map<string, Promise<void>>();

export function requireSupportedPlatform(session: SshSession): Promise<void> {
    let check = checked.get(session.machine);
    if (check === undefined) {
        check = (async () => {
            const facts = parsePlatformProbe(await session.read("reading the node's platform (/etc/os-release, packages)", PLATFORM_SCRIPT));
            const refusal = platformRefusal(facts);
            if (refusal !== undefined) {
                throw new NodeError(session.nodeName, refusal);
            }
        })();
        checked.set(session.machine, check);
    }
    return check;
}
