// A legacy (2025-11-25 and earlier) MCP test peer built on the TypeScript SDK 1.x (@modelcontextprotocol/sdk 1.32.2).
// Usage:  node server-v1.mjs stdio      |      PORT=0 node server-v1.mjs http
// HTTP is stateful Streamable HTTP (Mcp-Session-Id; POST/GET/DELETE) on 127.0.0.1 only; prints
// "listening 127.0.0.1:<port>" on stderr once ready. Tools: echo, ask-name (a real server-to-client
// elicitation/create), slow (progress). Resource test://greeting, template test://item/{id}, prompt greet.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

const makeServer = () => {
  const s = new McpServer({ name: 'ts-v1-peer', version: '1.0.0' });
  s.registerTool('echo', { description: 'Echoes a message', inputSchema: { message: z.string() } },
    async ({ message }) => ({ content: [{ type: 'text', text: `Echo: ${message}` }] }));
  s.registerTool('ask-name', { description: 'Elicits a name (server-to-client elicitation/create)' }, async () => {
    const r = await s.server.elicitInput({ message: 'Your name?',
      requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } });
    return { content: [{ type: 'text', text: r.action === 'accept' ? `Hello, ${r.content.name}!` : `(${r.action})` }] };
  });
  s.registerTool('slow', { description: 'Reports progress, then answers', inputSchema: { steps: z.number().int().optional() } },
    async ({ steps = 3 }, extra) => {
      const progressToken = extra._meta?.progressToken;
      for (let i = 1; i <= steps; i++) {
        if (progressToken !== undefined) {
          await s.server.notification({ method: 'notifications/progress', params: { progressToken, progress: i, total: steps, message: `step ${i}` } },
            { relatedRequestId: extra.requestId });
        }
      }
      return { content: [{ type: 'text', text: `done after ${steps} steps` }] };
    });
  s.registerResource('greeting', 'test://greeting', { mimeType: 'text/plain' },
    async (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: 'Hello from a resource' }] }));
  s.registerResource('item', new ResourceTemplate('test://item/{id}', { list: undefined }), { mimeType: 'text/plain' },
    async (uri, { id }) => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: `Item ${id}` }] }));
  s.registerPrompt('greet', { description: 'Greets someone', argsSchema: { who: z.string() } },
    ({ who }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `Say hello to ${who}` } }] }));
  return s;
};

if ((process.argv[2] ?? 'stdio') === 'stdio') {
  await makeServer().connect(new StdioServerTransport());
} else {
  const sessions = new Map();                                      // mcp-session-id -> transport
  const server = http.createServer(async (req, res) => {
    const sid = req.headers['mcp-session-id'];
    let t = sid && sessions.get(sid);
    if (!t) {
      if (sid) { res.writeHead(404).end(); return; }               // unknown or ended session
      t = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => sessions.set(id, t) });      // a non-initialize POST without a session gets 400
      t.onclose = () => t.sessionId && sessions.delete(t.sessionId);
      await makeServer().connect(t);
    }
    await t.handleRequest(req, res);
  });
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.error(`listening 127.0.0.1:${server.address().port}`));
  process.on('SIGTERM', () => process.exit(0));
}
