// The query log's worker thread: receives batches of JSON lines (query-log-lines.ts) and writes them,
// reopens the file on request. Keeps disk writes (and a slow or full disk) off the answering thread.
import { closeSync, openSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

export type ToWorker =
  | { kind: 'batch'; buf: ArrayBuffer; len: number; records: number }
  | { kind: 'reopen' }
  | { kind: 'close' };
export type FromWorker =
  | { kind: 'done'; buf: ArrayBuffer; written: number; failed: number }
  | { kind: 'reopened'; error: string | null }
  | { kind: 'closed' };

const file = (workerData as { file: string }).file;
const owned = file !== '-';
let fd = owned ? openSync(file, 'a', 0o640) : 1;
const port = parentPort!;

port.on('message', (m: ToWorker) => {
  if (m.kind === 'batch') {
    const bytes = new Uint8Array(m.buf, 0, m.len);
    let written = m.records, failed = 0;
    try {
      for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
    } catch {
      written = 0; failed = m.records; // a full disk or a closed pipe must not stop the server
    }
    port.postMessage({ kind: 'done', buf: m.buf, written, failed } satisfies FromWorker, [m.buf]);
  } else if (m.kind === 'reopen') {
    let error: string | null = null;
    if (owned) {
      try {
        const old = fd;
        fd = openSync(file, 'a', 0o640);
        closeSync(old);
      } catch (err) {
        error = (err as Error).message;
      }
    }
    port.postMessage({ kind: 'reopened', error } satisfies FromWorker);
  } else {
    if (owned) closeSync(fd);
    port.postMessage({ kind: 'closed' } satisfies FromWorker);
    port.close();
  }
});
