/** Calls from the browser to the app's own API: the CSRF token from its cookie, JSON in, one sentence out. */
export const csrfToken = () => document.cookie.split('; ').find((c) => c.startsWith('fis_csrf='))?.slice('fis_csrf='.length) ?? '';

/** Sends JSON (with the CSRF token); resolves to the answer's body, or the server's error sentence. */
export async function sendJson<T = unknown>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body: unknown, fallbackError: string): Promise<{ body?: T; error?: string }> {
  try {
    const r = await fetch(url, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), 'x-csrf-token': csrfToken() },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const answer = (await r.json().catch(() => ({}))) as T & { error?: string };
    return r.ok ? { body: answer } : { error: answer.error ?? fallbackError };
  } catch {
    return { error: fallbackError };
  }
}

/** POSTs JSON; resolves to the server's error sentence, or undefined when it succeeded. */
export const postJson = async (url: string, body: unknown, fallbackError: string): Promise<string | undefined> => (await sendJson('POST', url, body, fallbackError)).error;

export { safeNext } from '../safe-next';
