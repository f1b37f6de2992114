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
  const raw: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]!.toLowerCase() !== PEER_HEADER) raw.push(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  }
  const peer = req.socket.remoteAddress ?? '';
  raw.push(PEER_HEADER, peer);
  req.rawHeaders.splice(0, req.rawHeaders.length, ...raw);
  req.headers[PEER_HEADER] = peer;
}
