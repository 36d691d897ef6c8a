// What daemon.json is to every part of this project: a JSON object read or written as a whole.
// Its own module, so that lib/ (merge, reload, destroy plans) does not import the rule catalog
// for a type.
export type DaemonJson = Readonly<Record<string, unknown>>;
