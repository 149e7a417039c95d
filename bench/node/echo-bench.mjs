// Echo-call benchmark of the TypeScript SDK 1.x client, run by dev.concierge.bench.ClientBench (or by hand).
//
//   node echo-bench.mjs --sdk <dir of @modelcontextprotocol/sdk> --calls N [--concurrentCalls M] --concurrency C --warmup W \
//        (stdio <command> [args...] | http <url>)
//
// Prints one JSON object on stdout: {"sequential":{...},"concurrent":{...}}, each with calls (successful), failed,
// seconds, callsPerSec, p50Ms and p99Ms (nearest-rank percentiles, the same definition the Java side uses) and
// firstError. "Concurrent" means C async loops sharing one client, which is how a Node program issues parallel calls.
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const argv = process.argv.slice(2);
const opts = { calls: 2000, concurrentCalls: 0, concurrency: 8, warmup: 500, warmupSeconds: 0, sdk: null };
while (argv.length && argv[0].startsWith('--')) {
  const key = argv.shift().slice(2);
  const value = argv.shift();
  opts[key] = key === 'sdk' ? value : Number(value);
}
const [mode, ...target] = argv;
if (!opts.sdk || !['stdio', 'http'].includes(mode) || target.length === 0) {
  console.error('usage: echo-bench.mjs --sdk DIR [--calls N] [--concurrentCalls M] [--concurrency C] [--warmup W] (stdio CMD [ARGS...] | http URL)');
  process.exit(2);
}

// The SDK lives in testing/node/node_modules, not next to this script, so import it by path.
const sdk = (sub) => import(pathToFileURL(path.join(opts.sdk, 'dist/esm', sub)).href);
const { Client } = await sdk('client/index.js');
const transport = mode === 'stdio'
  ? new (await sdk('client/stdio.js')).StdioClientTransport({ command: target[0], args: target.slice(1), stderr: 'ignore' })
  : new (await sdk('client/streamableHttp.js')).StreamableHTTPClientTransport(new URL(target[0]));

const client = new Client({ name: 'ts-sdk-bench', version: '1.0.0' });
await client.connect(transport);

async function echo(i) {
  const r = await client.callTool({ name: 'echo', arguments: { message: 'm' + i } });
  if (r.content?.[0]?.text !== 'Echo: m' + i) throw new Error('unexpected answer ' + JSON.stringify(r));
}

// A failed call is counted and the batch goes on, as on the Java side.
async function run(calls, concurrency) {
  const latencies = new Float64Array(calls).fill(-1);
  let next = 0;
  let firstError = null;
  const t0 = performance.now();
  async function loop() {
    for (let i = next++; i < calls; i = next++) {
      const s = performance.now();
      try {
        await echo(i);
        latencies[i] = performance.now() - s;
      } catch (e) {
        firstError ??= String(e);
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, loop));
  const seconds = (performance.now() - t0) / 1000;
  const ok = latencies.filter((v) => v >= 0).sort();
  if (ok.length === 0) throw new Error('every call failed: ' + firstError);
  const rank = (p) => ok[Math.max(0, Math.ceil(p * ok.length) - 1)];
  return { calls: ok.length, failed: calls - ok.length, seconds, callsPerSec: ok.length / seconds, p50Ms: rank(0.5),
    p99Ms: rank(0.99), firstError };
}

try {
  // Each warm-up phase repeats batches of `warmup` calls until `warmupSeconds` have passed, as on the Java side.
  for (const concurrency of [1, opts.concurrency]) {
    const end = performance.now() + Number(opts.warmupSeconds) * 1000;
    do {
      await run(Number(opts.warmup), concurrency);
    } while (performance.now() < end);
  }
  const sequential = await run(opts.calls, 1);
  const concurrent = await run(opts.concurrentCalls || opts.calls * 2, opts.concurrency);
  process.stdout.write(JSON.stringify({ sequential, concurrent }) + '\n');
} finally {
  await client.close();
}
