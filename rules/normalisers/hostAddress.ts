// Host addresses of published ports: which spellings mean "every interface". Docker parses the
// address with Go's net.ParseIP (via netip); an empty address is every interface too. Pure.
import { isIPv4, isIPv6 } from "node:net";

/** Whether a published port's host address is the unspecified address in any spelling. */
export function isEveryInterface(address: string): boolean {
    const text = address.trim().replace(/^\[(.*)\]$/, "$1");
    if (text === "") {
        return true;
    }
    if (isIPv4(text)) {
        return text.split(".").every((octet) => Number(octet) === 0);
    }
    if (isIPv6(text)) {
        // an IPv4-mapped tail (::ffff:0.0.0.0) counts by its IPv4 value
        const mapped = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
        const head = mapped ? mapped[1] : text;
        const groups = head.split(":").filter((g) => g !== "");
        const headZero = groups.every((g) => /^0+$/.test(g));
        if (mapped) {
            const v4zero = mapped[2].split(".").every((o) => Number(o) === 0);
            return v4zero && (headZero || groups.every((g) => /^0+$/.test(g) || /^ffff$/i.test(g)));
        }
        return headZero;
    }
    return false;
}
