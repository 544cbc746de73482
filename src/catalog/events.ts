import { channel } from 'node:diagnostics_channel';

/** Published after a zone's snapshot was swapped (or the zone removed). */
export interface ZoneChangedEvent {
  zone: string;
  /** The serial now served; null when the zone was removed. */
  serial: number | null;
  /** local: written through this node; remote: seen by polling the store. */
  origin: 'local' | 'remote';
  seq: number;
  /** The store the zone came from (several catalogs may run in one process). */
  store: string;
}

export const zoneChangedChannel = channel('gdns:zone:changed');

/** Published when polling the store fails (the node keeps serving what it has). */
export interface StorePollErrorEvent { error: Error }
export const storePollErrorChannel = channel('gdns:store:poll-error');
