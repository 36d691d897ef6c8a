// Which fleet node name last applied our configuration to a host: /etc/docker/.gnh/owner. A node
// renamed in the fleet file is replaced (the new resources write first, the old are deleted
// last), and the old resources' destroy reads this record to leave the host to the new ones
// (lib/destroyPlan.ts ownedByAnother).
import { remoteScript } from "../lib/remoteScripts";
import { SshSession } from "../transport/ssh";

export const OWNER_RECORD = "/etc/docker/.gnh/owner";

const READ_OWNER_SCRIPT = remoteScript("owner-read", { OWNER_RECORD });


/** The record's text, "" when there is none (a host last applied by a version without it). */
export async function readOwner(session: SshSession): Promise<string> {
    return session.check("reading the owner record", READ_OWNER_SCRIPT);
}
