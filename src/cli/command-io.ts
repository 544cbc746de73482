/** Where the commands write (tests pass their own). */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
}

/** The default output function (a command compares with it to tell a terminal from a test's collector). */
export const STDOUT_OUT = (t: string): void => { process.stdout.write(t); };

export const STDIO: CommandIo = { out: STDOUT_OUT, err: (t) => { process.stderr.write(t); } };
