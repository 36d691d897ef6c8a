// CIS Docker Benchmark 1.6.0: its control ids and titles, as data (data/cis-docker-1.6.0.json,
// with its source). Rules cite these ids; a test refuses a citation the benchmark does not have.
import benchmark from "../data/cis-docker-1.6.0.json";

export interface BenchmarkControl {
    readonly id: string;
    readonly title: string;
    /** Automated / Manual (or Scored, as older sections still say); absent on a section heading. */
    readonly assessment?: string;
    /** A heading ("5 Container Runtime"), not a control. */
    readonly section?: boolean;
}

export const CIS_DOCKER: { readonly benchmark: string; readonly version: string; readonly source: string; readonly controls: readonly BenchmarkControl[] } = benchmark;

const byId = new Map(CIS_DOCKER.controls.map((c) => [c.id, c]));

/** The benchmark's control with this id, or undefined. */
export const cisControl = (id: string): BenchmarkControl | undefined => byId.get(id);
