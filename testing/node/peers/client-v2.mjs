// A downstream client built on the TypeScript SDK v2 (@modelcontextprotocol/client), which speaks the 2026-07-28
// revision: lists tools and calls everything__echo over Streamable HTTP, and answers an elicitation (multi round-trip).
// Usage:  node client-v2.mjs <url> [bearer-token]
// Prints one JSON line with what it saw; exits non-zero on any failure.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

const [url, token] = process.argv.slice(2);
const headers = token ? { Authorization: `Bearer ${token}` } : {};
const client = new Client({ name: 'ts-sdk-v2-downstream', version: '1.0.0' },
  { capabilities: { elicitation: {} }, versionNegotiation: { mode: 'auto' } }); // v2 connects legacy unless asked
client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { name: 'Ada' } }));
const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
try {
  await client.connect(transport);
  const tools = (await client.listTools()).tools.map((t) => t.name);
  const echo = await client.callTool({ name: 'everything__echo', arguments: { message: 'hi' } });
  let elicited = null;
  try {
    const r = await client.callTool({ name: 'everything__trigger-elicitation-request', arguments: {} });
    elicited = r.content.map((c) => c.text).join('\n');
  } catch (e) {
    elicited = `error: ${e?.message ?? e}`;
  }
  console.log(JSON.stringify({ protocolVersion: client.getNegotiatedProtocolVersion() ?? null,
    era: client.getProtocolEra() ?? null, transportProtocolVersion: transport.protocolVersion ?? null, tools,
    echo: echo.content[0].text, elicited }));
  await client.close();
} catch (e) {
  console.error(e?.stack ?? String(e));
  process.exit(1);
}
