// Patterns used in more than one place, defined once. The fleet file's JSON Schema repeats
// HOST_KEY as text (JSON cannot import); test/unit/patterns.test.ts keeps the two equal.

/** An OpenSSH public host key as known_hosts and the fleet file write it, without a comment. */
export const HOST_KEY = /^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa|sk-ssh-ed25519@openssh\.com) [A-Za-z0-9+/]+={0,3}$/;

/** A CDI device reference as Docker takes it (`vendor/class=name`), whatever the name: for recognising one. */
export const CDI_DEVICE_REFERENCE = /^[a-z0-9][a-z0-9.-]*\/[a-zA-Z0-9][a-zA-Z0-9._-]*=.+$/;

/** A CDI device name we accept as an argument: the reference with a name of the CDI spec's characters. */
export const CDI_DEVICE_NAME = /^[a-z0-9][a-z0-9.-]*\/[a-zA-Z0-9][a-zA-Z0-9._-]*=[a-zA-Z0-9][a-zA-Z0-9._:-]*$/;
