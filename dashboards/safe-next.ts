/**
 * Where to go after the login or the password change: a path of this app, never another site.
 * "//evil.example" and "/\evil.example" (which browsers read as "//evil.example") are refused, so
 * are encoded backslashes, control characters and anything that resolves to another origin.
 */
const BASE = 'http://fis.invalid';

export function safeNext(next: string | null | undefined): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > 2000) return '/';
  let decoded: string;
  try {
    decoded = decodeURIComponent(next);
  } catch {
    return '/';
  }
  const unsafe = (s: string) => [...s].some((ch) => ch === '\\' || ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);
  for (const s of [next, decoded]) {
    if (!s.startsWith('/') || s.startsWith('//') || unsafe(s)) return '/';
  }
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return '/';
  }
  if (url.origin !== BASE) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}
