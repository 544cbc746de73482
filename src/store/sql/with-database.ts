/** A server URL naming another database (scratch databases for tests and benchmarks). */
export function withDatabase(admin: string, db: string): string {
  const u = new URL(admin);
  u.pathname = `/${db}`;
  return u.toString();
}
