// force-loopback.cjs — preload with: node --require /path/force-loopback.cjs server.js ...
// Forces every TCP net.Server.listen() (http, https, express, ...) onto 127.0.0.1
// (override with FORCE_LOOPBACK_HOST, e.g. ::1). Unix sockets / fd / handle listens are untouched.
// After binding it prints "[force-loopback] listening <host>:<port>" to stderr, so PORT=0 can be used
// and the real port read from stderr.
'use strict';
const net = require('net');
const HOST = process.env.FORCE_LOOPBACK_HOST || '127.0.0.1';
const WILDCARD = new Set([undefined, null, '', '0.0.0.0', '::', '0:0:0:0:0:0:0:0', '::0']);
const isPort = (v) => typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v));
const origListen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (args.length === 0 || typeof args[0] === 'function') {
    args = [{ port: 0, host: HOST }, ...args];                  // listen() / listen(cb)
  } else if (isPort(args[0]) || args[0] === null || args[0] === undefined) {
    const port = args[0] == null ? 0 : Number(args[0]);
    if (typeof args[1] === 'string') {                           // listen(port, host, ...)
      if (WILDCARD.has(args[1])) args[1] = HOST;
      args[0] = port;
    } else {                                                     // listen(port[, backlog][, cb])
      args.splice(0, 1, port, HOST);
    }
  } else if (typeof args[0] === 'object' && args[0] !== null &&
             args[0].path === undefined && args[0].fd === undefined && args[0].handle === undefined &&
             !(args[0] instanceof net.Server) && !('_handle' in args[0])) {
    if (WILDCARD.has(args[0].host)) args[0] = { ...args[0], host: HOST }; // listen({port, host?})
  }
  this.once('listening', () => {
    const a = this.address();
    if (a && typeof a === 'object') process.stderr.write(`[force-loopback] listening ${a.address}:${a.port}\n`);
  });
  return origListen.apply(this, args);
};
