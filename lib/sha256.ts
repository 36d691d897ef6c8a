// The sha256 of text as the node's sha256sum computes it over the UTF-8 bytes we send.
import * as crypto from "node:crypto";

export const sha256Hex = (text: string): string => crypto.createHash("sha256").update(text, "utf8").digest("hex");
