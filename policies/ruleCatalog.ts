// The pack's one door to the rule catalog (see ../policyCatalog.ts): in this checkout, the sources;
// in the standalone pack that scripts/buildPackage.js writes, the installed gpu-node-hardening package.
export * from "../policyCatalog";
