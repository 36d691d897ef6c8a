// What a refresh reads from a node reaches state in the clear only under daemon.json keys known
// never to hold a credential; log-opts (a splunk-token), proxies and keys we do not know are secret.
import { describe, expect, it } from "vitest";
import { secret, unwrapSecrets, withSecretSettings } from "../../provider/secrets";

describe("settings read from a node", () => {
    it("keeps harmless keys in the clear and wraps every other value as a secret", () => {
        const read = { settings: { icc: true, "live-restore": true, "log-opts": { "splunk-token": "t0k3n", "max-size": "100m" }, proxies: { "http-proxy": "http://user:pw@proxy" } } };
        const out = withSecretSettings(read);
        expect(out.settings).toEqual({ icc: true, "live-restore": true, "log-opts": secret(read.settings["log-opts"]), proxies: secret(read.settings.proxies) });
        expect(JSON.stringify(out)).toContain("t0k3n"); // still there, but inside the secret signature the engine encrypts
        expect(unwrapSecrets(out)).toEqual(read);
    });

    it("leaves resources without settings alone", () => {
        const file: { settings?: unknown; path: string } = { path: "/etc/x" };
        expect(withSecretSettings(file)).toEqual({ path: "/etc/x" });
    });
});
