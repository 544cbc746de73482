/**
 * The one base class of Geodesic's application errors. `code` is stable (GDNS_ERR_*), meant for
 * programs (API status tables, tests); `message` is for people.
 */
export class AppError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}
