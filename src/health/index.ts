export { HealthError } from './errors.js';
export type { HealthErrorCode } from './errors.js';
export { DEFAULT_TIMING, PDNS_USER_AGENT, describeCheck, normalizeTarget } from './check.js';
export type { CheckSpec, NormalTarget, TargetSpec, Timing } from './check.js';
export { probe } from './probes.js';
export type { ProbeResult } from './probes.js';
export type { HistoryEntry, Override, State, TargetView } from './target.js';
export { HealthPlane, healthChangeChannel } from './plane.js';
export type { HealthChange, HealthPlaneOptions, HeartbeatEndpoint, RemoteState, Want } from './plane.js';
