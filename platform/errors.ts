/**
 * Errors a user can cause (bad argument, unreachable source, wrong password …) carry one sentence
 * for the person and a status for the edge (CLI exit code, HTTP status). Everything else is a bug
 * and is logged with its stack, but still shown to the user as one sentence.
 */
export class UserError extends Error {
  readonly httpStatus: number;
  readonly exitCode: number;

  constructor(message: string, opts: { httpStatus?: number; exitCode?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'UserError';
    this.httpStatus = opts.httpStatus ?? 400;
    this.exitCode = opts.exitCode ?? 1;
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError || (e instanceof Error && e.name === 'UserError');
}

/** A one-line description of any thrown value, without a stack. */
export function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0]!.trim();
}

/** Hides the password in a connection URL before it is shown anywhere. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid URL>';
  }
}
