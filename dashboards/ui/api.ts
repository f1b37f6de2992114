/** Calls from the browser to the app's own API: the CSRF token from its cookie, JSON in, one sentence out. */
export const csrfToken = () => document.cookie.split('; ').find((c) => c.startsWith('fis_csrf='))?.slice('fis_csrf='.length) ?? '';

/** POSTs JSON (with the CSRF token when there is one); resolves to the server's error sentence, or undefined when it succeeded. */
export async function postJson(url: string, body: unknown, fallbackError: string): Promise<string | undefined> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken() }, body: JSON.stringify(body) });
  if (r.ok) return undefined;
  return ((await r.json().catch(() => ({}))) as { error?: string }).error ?? fallbackError;
}

/** Where to go after a form: only paths of this app. */
export const safeNext = (next: string) => (next.startsWith('/') && !next.startsWith('//') ? next : '/');
