/** A TCP listener: accepts connections and runs a `Connection` for each. */
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { Connection } from './connection.js';
import type { ConnectionContext } from './connection.js';
import { RelayError, RelayErrorCode } from './errors.js';
import { ListenerBase } from './listener-base.js';
import type { Listener, ListenerHost, ListenerStats } from './listener-base.js';
import { SOCKET_BUFFER } from './options.js';
import type { ListenerOptions } from './options.js';

export class TcpListener extends ListenerBase implements ConnectionContext, Listener {
  readonly connections = new Set<Connection>();
  private readonly server: Server;

  constructor(opts: ListenerOptions, host: ListenerHost) {
    super(opts, host);
    this.server = createServer({ allowHalfOpen: true, highWaterMark: SOCKET_BUFFER }, this.onSocket);
  }

  get noDelay(): boolean {
    return this.host.noDelay;
  }
  get keepAliveMs(): number {
    return this.host.keepAliveMs;
  }
  get openCount(): number {
    return this.connections.size;
  }

  /** Binds the socket; rejects with GDNS_ERR_RELAY_LISTEN. */
  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        reject(new RelayError(RelayErrorCode.listen, `listener ${this.opts.name}: cannot listen on ${this.address}: ${err.message}`, { cause: err }));
      };
      this.server.once('error', onError);
      this.server.listen({ host: this.opts.host, port: this.opts.port, backlog: this.opts.backlog }, () => {
        this.server.removeListener('error', onError);
        resolve();
      });
    });
  }

  get address(): string {
    const a = this.server.address();
    if (a && typeof a === 'object') return a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
    return `${this.opts.host}:${this.opts.port}`;
  }

  /** The bound port (useful with port 0). */
  get port(): number {
    const a = this.server.address();
    return a && typeof a === 'object' ? a.port : this.opts.port;
  }

  private readonly onSocket = (sock: Socket): void => {
    this.counters.accepted++;
    if (this.draining || (this.opts.maxConnections > 0 && this.counters.active >= this.opts.maxConnections)) {
      this.reject(sock.remoteAddress ?? '', this.draining ? 'draining' : 'max-connections');
      sock.on('error', () => {});
      sock.destroy();
      return;
    }
    this.counters.active++;
    const trusted = !this.trusted.empty && this.trusted.has(sock.remoteAddress ?? '');
    this.connections.add(new Connection(this, sock, trusted));
  };

  done(conn: Connection): void {
    if (this.connections.delete(conn)) this.counters.active--;
  }

  /** Stops accepting; open connections continue (server.close's callback would wait for them). */
  stopAccepting(): void {
    this.draining = true;
    this.stopSweeper();
    this.server.close();
  }

  /** Ends every open connection now. */
  destroyAll(reason: string): void {
    for (const c of [...this.connections]) c.abort(reason);
  }

  stats(): ListenerStats {
    return this.baseStats(this.address);
  }
}
