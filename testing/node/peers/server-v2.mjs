// A 2026-07-28 (and dual-era) MCP test peer built on the TypeScript SDK v2 (@modelcontextprotocol/server 2.4.0).
// Usage:  node server-v2.mjs stdio      |      PORT=0 node server-v2.mjs http
// HTTP binds 127.0.0.1 only and prints "listening 127.0.0.1:<port>" on stderr once ready; every path is the endpoint.
// Tools: echo, ask-name (MRTR elicitation; bridged to a real elicitation/create on a 2025 stdio connection),
// slow (progress), add-tool (adds added-N and announces tools/list_changed). Resource test://greeting, template
// test://item/{id}, prompt greet.
import http from 'node:http';
import { McpServer, ResourceTemplate, createMcpHandler, inputRequired, acceptedContent } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { z } from 'zod';

const added = [];                 // names of tools added at run time; every instance registers them
const live = new Set();           // stdio: the instances serving this process, to announce added tools
let handler;                      // http: the createMcpHandler handle, whose notify reaches listen streams

const Name = z.object({ name: z.string() });
const echo = async ({ message }) => ({ content: [{ type: 'text', text: `Echo: ${message}` }] });

function registerAdded(s, name) {
  s.registerTool(name, { description: 'Added at run time; echoes', inputSchema: z.object({ message: z.string() }) }, echo);
}

const factory = () => {
  const s = new McpServer({ name: 'ts-v2-peer', version: '1.0.0' },
    { capabilities: { resources: { subscribe: true, listChanged: true }, tools: { listChanged: true }, prompts: { listChanged: true } } });
  s.registerTool('echo', { description: 'Echoes a message', inputSchema: z.object({ message: z.string() }) }, echo);
  s.registerTool('ask-name', { description: 'Asks the user for a name (MRTR elicitation)' }, async (ctx) => {
    const got = acceptedContent(ctx.mcpReq.inputResponses, 'who', Name);
    if (!got) return inputRequired({ inputRequests: { who: inputRequired.elicit({ message: 'Your name?', requestedSchema: Name }) } });
    return { content: [{ type: 'text', text: `Hello, ${got.name}!` }] };
  });
  s.registerTool('slow', { description: 'Reports progress, then answers', inputSchema: z.object({ steps: z.number().int().optional() }) },
    async ({ steps = 3 }, ctx) => {
      const progressToken = ctx.mcpReq._meta?.progressToken;
      for (let i = 1; i <= steps; i++) {
        if (progressToken !== undefined) {
          await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken, progress: i, total: steps, message: `step ${i}` } });
        }
      }
      return { content: [{ type: 'text', text: `done after ${steps} steps` }] };
    });
  s.registerTool('add-tool', { description: 'Adds a tool and announces tools/list_changed' }, async () => {
    const name = `added-${added.length + 1}`;
    added.push(name);
    if (handler) {
      // Announce once a listen stream is open, so a call made right after connecting does not race the client's listen.
      for (let i = 0; i < 500 && handler.bus.listenerCount === 0; i++) await new Promise((r) => setTimeout(r, 20));
      handler.notify.toolsChanged();
    }
    for (const other of live) registerAdded(other, name);   // a connected instance announces the new tool itself
    return { content: [{ type: 'text', text: `added ${name}` }] };
  });
  for (const name of added) registerAdded(s, name);
  s.registerResource('greeting', 'test://greeting', { mimeType: 'text/plain' },
    async (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: 'Hello from a resource' }] }));
  s.registerResource('item', new ResourceTemplate('test://item/{id}', { list: undefined }), { mimeType: 'text/plain' },
    async (uri, { id }) => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: `Item ${id}` }] }));
  s.registerPrompt('greet', { description: 'Greets someone', argsSchema: z.object({ who: z.string() }) },
    ({ who }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `Say hello to ${who}` } }] }));
  return s;
};

if ((process.argv[2] ?? 'stdio') === 'stdio') {
  serveStdio(() => { const s = factory(); live.add(s); return s; });
} else {
  handler = createMcpHandler(factory);
  const server = http.createServer(async (req, res) => {   // minimal node:http -> fetch adapter
    const chunks = []; for await (const c of req) chunks.push(c);
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD', ac = new AbortController();
    res.on('close', () => ac.abort());                       // the client went away: cancels the exchange / listen stream
    const request = new Request(`http://${req.headers.host}${req.url}`,
      { method: req.method, headers: req.headers, body: hasBody ? Buffer.concat(chunks) : undefined, signal: ac.signal });
    try {
      const response = await handler.fetch(request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body) for await (const chunk of response.body) res.write(chunk);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500);
    }
    res.end();
  });
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.error(`listening 127.0.0.1:${server.address().port}`));
  process.on('SIGTERM', () => process.exit(0));
}
