// A downstream client built on the TypeScript SDK 1.x (@modelcontextprotocol/sdk): connects to an MCP endpoint over
// Streamable HTTP (default) or the deprecated HTTP+SSE transport, lists tools, calls everything__echo and a
// progress-reporting tool, and answers an elicitation. Usage:  node client-v1.mjs <url> [http|sse] [bearer-token]
// Prints one JSON line with what it saw; exits non-zero on any failure.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const [url, mode = 'http', token] = process.argv.slice(2);
const headers = token ? { Authorization: `Bearer ${token}` } : {};
const client = new Client({ name: 'ts-sdk-v1-downstream', version: '1.0.0' }, { capabilities: { elicitation: {} } });
client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: { name: 'Ada' } }));
const transport = mode === 'sse'
  ? new SSEClientTransport(new URL(url), { requestInit: { headers }, eventSourceInit: { fetch: (u, init) => fetch(u, { ...init, headers: { ...init?.headers, ...headers } }) } })
  : new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
try {
  await client.connect(transport);
  // Every progress notification that reached the client, read off the transport: the SDK hands a notification to its
  // handler a microtask late, so one that arrives in the same read as its call's response (which the legacy SSE
  // transport's EventSource dispatches synchronously) is dropped by the SDK as an unknown token. The wire is exact.
  const progressOnWire = [];
  const onmessage = transport.onmessage;
  transport.onmessage = (message, extra) => {
    if (message.method === 'notifications/progress') progressOnWire.push(message.params.progress);
    onmessage?.(message, extra);
  };
  const tools = (await client.listTools()).tools.map((t) => t.name);
  const echo = await client.callTool({ name: 'everything__echo', arguments: { message: 'hi' } });
  const progress = [];
  await client.callTool({ name: 'everything__trigger-long-running-operation', arguments: { duration: 0.3, steps: 3 } },
    undefined, { onprogress: (p) => progress.push(p.progress) });
  const elicited = await client.callTool({ name: 'everything__trigger-elicitation-request', arguments: {} });
  console.log(JSON.stringify({
    protocolVersion: transport.protocolVersion ?? null, sessionId: transport.sessionId ?? null, tools,
    echo: echo.content[0].text, progress, progressOnWire,
    elicited: elicited.content.map((c) => c.text).join('\n'),
  }));
  await client.close();
} catch (e) {
  console.error(e?.stack ?? String(e));
  process.exit(1);
}
