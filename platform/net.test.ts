import { describe, expect, it } from 'vitest';
import { clientAddressOf, inCidr, ipBytes, parseCidrList } from './net';

describe('client addresses', () => {
  const proxies = parseCidrList('10.0.0.0/8, 127.0.0.1, ::1');

  it('parses IPv4, IPv6 and mapped addresses and refuses anything else', () => {
    expect([...ipBytes('192.168.1.2')!]).toEqual([192, 168, 1, 2]);
    expect([...ipBytes('::ffff:192.168.1.2')!]).toEqual([192, 168, 1, 2]);
    expect(ipBytes('::1')![15]).toBe(1);
    expect(ipBytes('2001:db8::8a2e:370:7334')!.length).toBe(16);
    expect(ipBytes('evil.example')).toBeUndefined();
    expect(() => parseCidrList('10.0.0.0/33')).toThrow();
    expect(() => parseCidrList('10.0.0.0/x')).toThrow();
    expect(() => parseCidrList('localhost')).toThrow();
    expect(parseCidrList('')).toEqual([]);
  });

  it('matches ranges by prefix', () => {
    expect(inCidr('10.200.3.4', proxies)).toBe(true);
    expect(inCidr('11.0.0.1', proxies)).toBe(false);
    expect(inCidr('::ffff:127.0.0.1', proxies)).toBe(true);
    expect(inCidr('::1', proxies)).toBe(true);
    expect(inCidr('::2', proxies)).toBe(false);
    expect(inCidr('1.2.3.4', parseCidrList('0.0.0.0/0'))).toBe(true);
    expect(inCidr('172.16.5.1', parseCidrList('172.16.0.0/12'))).toBe(true);
    expect(inCidr('172.32.0.1', parseCidrList('172.16.0.0/12'))).toBe(false);
  });

  it('believes no header from a peer that is not a trusted proxy', () => {
    expect(clientAddressOf('203.0.113.9', '1.1.1.1', [])).toBe('203.0.113.9');
    expect(clientAddressOf('203.0.113.9', '1.1.1.1', proxies)).toBe('203.0.113.9');
    expect(clientAddressOf('::ffff:203.0.113.9', undefined, proxies)).toBe('203.0.113.9');
    expect(clientAddressOf(undefined, '1.1.1.1', proxies)).toBe('unknown');
  });

  it('takes the right-most untrusted entry behind trusted proxies, whatever the client wrote to the left', () => {
    // the client wrote "6.6.6.6, 7.7.7.7"; nginx appended the address it saw (198.51.100.7)
    expect(clientAddressOf('127.0.0.1', '6.6.6.6, 7.7.7.7, 198.51.100.7', proxies)).toBe('198.51.100.7');
    // two proxies: the inner one is trusted too
    expect(clientAddressOf('127.0.0.1', '198.51.100.7, 10.1.1.1', proxies)).toBe('198.51.100.7');
    // garbage written by the client ends the walk at the last believable hop
    expect(clientAddressOf('127.0.0.1', 'not-an-ip, 198.51.100.7', proxies)).toBe('198.51.100.7');
    expect(clientAddressOf('127.0.0.1', '198.51.100.7, not-an-ip', proxies)).toBe('127.0.0.1');
    // everything trusted: the left-most
    expect(clientAddressOf('127.0.0.1', '10.9.9.9, 10.1.1.1', proxies)).toBe('10.9.9.9');
  });
});
