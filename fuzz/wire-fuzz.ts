// Longer fuzz run of the wire decoder: node --import tsx fuzz/wire-fuzz.ts --seconds 60 [--seed N]
// Mutates encoded messages of every record type and checks, for each input, that readQuery and
// decodeMessage throw nothing but WireError, that decode -> encode -> decode is stable, and that the
// text of every decoded rdata parses back to the same wire. Exits 1 on the first failures.
import { checkOne, corpus, mutate, prng } from '../src/wire/testdata/fuzz-core.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isFinite(v)) throw new Error(`--${name} needs a number`);
  return v;
}

const seconds = arg('seconds', 60);
const seed = arg('seed', Date.now() & 0x7fffffff);
const rnd = prng(seed);
const seeds = corpus();
const stop = Date.now() + seconds * 1000;
let runs = 0;
let failures = 0;
let pool = [...seeds];
while (Date.now() < stop) {
  const parent = pool[Math.floor(rnd() * pool.length)]!;
  const buf = mutate(parent, rnd);
  const f = checkOne(buf);
  runs++;
  if (f) {
    failures++;
    console.error(`FAIL (seed ${seed}, run ${runs}): ${f}\n  input ${Buffer.from(buf).toString('hex')}`);
    if (failures >= 5) break;
  } else if (rnd() < 0.01) {
    // keep some mutants as parents so mutations stack up
    pool.push(buf);
    if (pool.length > 500) pool = [...seeds, ...pool.slice(-400)];
  }
}
console.log(`wire fuzz: ${runs} inputs in ${seconds} s, seed ${seed}, ${failures} failures`);
process.exit(failures ? 1 : 0);
