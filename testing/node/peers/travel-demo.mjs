// A small travel MCP server for the memory demo (bin/demo), built on the TypeScript SDK 1.x, over stdio.
// Its one tool, book_flight, answers with the seat it would book and the user context Concierge injected into the
// call (_meta["dev.concierge/context"]): what the user told the assistant before, in another session, through
// another server, reaches this one without the client passing it.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'travel-demo', version: '1.0.0' });
server.registerTool('book_flight', {
  description: 'Books a flight; picks the seat from what it knows of the traveller',
  inputSchema: { to: z.string(), date: z.string() },
}, async ({ to, date }, extra) => {
  const context = extra._meta?.['dev.concierge/context'];
  const known = [...(context?.profile ?? []), ...(context?.relevant ?? []).map((m) => m.text ?? m)];
  const seat = known.some((t) => /window/i.test(String(t))) ? 'a window seat'
    : known.some((t) => /aisle/i.test(String(t))) ? 'an aisle seat' : 'any seat';
  return { content: [{ type: 'text', text: `Booked ${to} on ${date}, ${seat}.\nContext received: ${JSON.stringify(context ?? null)}` }] };
});
await server.connect(new StdioServerTransport());
