/**
 * The peer address of a request, as our web server (web-server.ts) saw it on the socket. The
 * server removes any `x-fis-peer` the client sent and sets its own; the app believes the header
 * only in a process that serves through that server (or a test that plays it).
 */
import type { IncomingMessage } from 'node:http';

export const PEER_HEADER = 'x-fis-peer';

const g = globalThis as unknown as { __fisPeerHeader?: boolean };

/** Whether this process serves through startWebServer, i.e. whether `x-fis-peer` was set by us. */
export const peerHeaderTrusted = () => g.__fisPeerHeader === true;

/** Marks the peer header as set by this process (startWebServer; tests that play it). */
export function trustPeerHeader(on = true): void {
  g.__fisPeerHeader = on;
}

/** Replaces whatever the client sent as `x-fis-peer` by the socket's address. */
export function stampPeer(req: IncomingMessage): void {
  setRequestHeaders(req, { [PEER_HEADER]: req.socket.remoteAddress ?? '' });
}

/** Sets request headers as this server decides them: whatever the client sent under these names (and `drop`) is gone. */
export function setRequestHeaders(req: IncomingMessage, set: Record<string, string>, drop: readonly string[] = []): void {
  const gone = new Set([...Object.keys(set), ...drop]);
  const raw: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    if (!gone.has(req.rawHeaders[i]!.toLowerCase())) raw.push(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  }
  for (const name of drop) delete req.headers[name];
  for (const [name, value] of Object.entries(set)) {
    raw.push(name, value);
    req.headers[name] = value;
  }
  req.rawHeaders.splice(0, req.rawHeaders.length, ...raw);
}
