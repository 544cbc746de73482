import { createContext, useContext } from 'react';
import type { SessionState, User } from './api';

export interface SessionCtx { state: SessionState; user: User; refresh: () => Promise<void> }
export const Session = createContext<SessionCtx | null>(null);

export function useSession(): SessionCtx {
  const s = useContext(Session);
  if (!s) throw new Error('useSession outside a signed-in page');
  return s;
}

/** Whether the signed-in user may change this zone (admin: all; operator: the zones given; viewer: none). */
export function canWrite(user: User, zone?: string): boolean {
  if (user.role === 'admin') return true;
  if (user.role !== 'operator') return false;
  if (zone === undefined) return user.zones.length > 0;
  return user.zones.includes(zone.toLowerCase());
}
