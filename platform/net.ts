/**
 * Client addresses. The address a rate limit counts and the audit log records is the TCP peer's —
 * a header is only believed when the peer that wrote it is one of our own reverse proxies
 * (FIS_TRUSTED_PROXIES). Through such proxies the client is the right-most X-Forwarded-For entry
 * that is not itself a trusted proxy: every proxy appends the address it saw, so entries left of
 * it were written by whoever sent the request and prove nothing.
 */
import { isIP } from 'node:net';

export interface Cidr {
  /** 4 or 16 bytes */
  bytes: Uint8Array;
  prefix: number;
  text: string;
}

/** The bytes of an IPv4 or IPv6 address (IPv4-mapped IPv6 as IPv4), or undefined. */
export function ipBytes(address: string): Uint8Array | undefined {
  let a = address.trim();
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  if (mapped) a = mapped[1]!;
  const kind = isIP(a);
  if (kind === 4) return Uint8Array.from(a.split('.').map(Number));
  if (kind !== 6) return undefined;
  let groups: string[];
  const [head, tail] = a.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  // an embedded IPv4 tail (::1.2.3.4) counts as two groups
  const expand = (g: string[]) => g.flatMap((x) => (x.includes('.') ? ((b) => [((b[0]! << 8) | b[1]!).toString(16), ((b[2]! << 8) | b[3]!).toString(16)])(x.split('.').map(Number)) : [x]));
  const eh = expand(h);
  const et = expand(t);
  if (tail === undefined) groups = eh;
  else groups = [...eh, ...Array<string>(8 - eh.length - et.length).fill('0'), ...et];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  return out;
}

/** "10.0.0.0/8, 127.0.0.1, ::1" → ranges; throws on anything else. */
export function parseCidrList(list: string): Cidr[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((text) => {
      const [addr, bits] = text.split('/') as [string, string | undefined];
      const bytes = ipBytes(addr);
      if (!bytes) throw new Error(`"${text}" is not an IP address or CIDR range`);
      const max = bytes.length * 8;
      const prefix = bits === undefined ? max : Number(bits);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (bits !== undefined && !/^\d+$/.test(bits))) throw new Error(`"${text}" has a bad prefix length`);
      return { bytes, prefix, text };
    });
}

export function inCidr(address: string, ranges: readonly Cidr[]): boolean {
  const b = ipBytes(address);
  if (!b) return false;
  return ranges.some((r) => {
    if (r.bytes.length !== b.length) return false;
    let bits = r.prefix;
    for (let i = 0; bits > 0; i++, bits -= 8) {
      const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
      if ((b[i]! & mask) !== (r.bytes[i]! & mask)) return false;
    }
    return true;
  });
}

/** A normalised address for keys and the audit log ("::ffff:1.2.3.4" → "1.2.3.4"). */
export function normaliseAddress(address: string): string {
  let a = address.trim();
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  return (mapped ? mapped[1]! : a).slice(0, 64);
}

/**
 * The client of a request: the socket's peer, unless the peer is a trusted proxy — then the
 * right-most X-Forwarded-For entry that is not a trusted proxy (or the left-most, when every entry
 * is trusted). Unparseable entries end the walk: an address written by a stranger is not believed.
 */
export function clientAddressOf(peer: string | undefined, forwardedFor: string | null | undefined, trusted: readonly Cidr[]): string {
  if (!peer) return 'unknown';
  if (!trusted.length || !inCidr(peer, trusted) || !forwardedFor) return normaliseAddress(peer);
  const hops = forwardedFor.split(',').map((s) => s.trim()).filter(Boolean);
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!ipBytes(hop)) break;
    client = hop;
    if (!inCidr(hop, trusted)) break;
  }
  return normaliseAddress(client);
}
