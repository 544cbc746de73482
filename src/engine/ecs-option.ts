import { EdnsOptionCode } from '../wire/index.js';
import type { EdnsOption } from '../wire/index.js';
import type { QueryContext } from './context.js';

/**
 * The ECS option of a response (RFC 7871 §7.2.1): the query's family, source prefix and address, and
 * the scope prefix that decided the answer (0 when the answer is the same for every client). Written
 * into one option object reused per engine (a response is assembled before the next query starts).
 */
export class EcsOption {
  private readonly buf = new Uint8Array(4 + 16);
  private readonly option: EdnsOption = { code: EdnsOptionCode.CLIENT_SUBNET, data: this.buf };
  private readonly list: EdnsOption[] = [this.option];

  /** The options to write for this response, or undefined when the query carried no ECS. */
  of(ctx: QueryContext): EdnsOption[] | undefined {
    const ecs = ctx.query.ecs;
    if (ecs === null || !ctx.edns) return undefined;
    const n = (ecs.sourcePrefix + 7) >> 3;
    const b = this.buf;
    b[0] = 0;
    b[1] = ecs.family;
    b[2] = ecs.sourcePrefix;
    b[3] = Math.min(ctx.ecsScope, ecs.family === 1 ? 32 : 128);
    for (let i = 0; i < n; i++) b[4 + i] = ecs.address[i] ?? 0;
    this.option.data = b.subarray(0, 4 + n);
    return this.list;
  }
}
