// Which fleet node name last applied our configuration to a host: /etc/docker/.gnh/owner. A node
// renamed in the fleet file is replaced (the new resources write first, the old are deleted
// last), and the old resources' destroy reads this record to leave the host to the new ones
// (lib/destroyPlan.ts ownedByAnother).
import { SshSession } from "./ssh";

export const OWNER_RECORD = "/etc/docker/.gnh/owner";

/** Shell that records $1 as the owner (inside a script that already made /etc/docker/.gnh). */
export const WRITE_OWNER = `printf '%s\\n' "$1" > ${OWNER_RECORD}.tmp; mv -f ${OWNER_RECORD}.tmp ${OWNER_RECORD}`;

/** The record's text, "" when there is none (a host last applied by a version without it). */
export async function readOwner(session: SshSession): Promise<string> {
    return session.check("reading the owner record", `cat ${OWNER_RECORD} 2>/dev/null || true`);
}
