/** The export context of a web request: the process's reader and app database, the caller, their language. */
import 'server-only';
import { join } from 'node:path';
import type { NextRequest } from 'next/server';
import type { Principal } from '../../roles/access';
import type { ExportContext } from '../exports/service';
import { LANG_COOKIE } from '../i18n';
import { appDb, services } from './services';

export async function exportContext(req: NextRequest, principal: Principal, via = 'web'): Promise<ExportContext> {
  const s = services();
  return {
    reader: s.reader,
    db: await appDb(),
    principal,
    lang: langOf(req),
    via,
    tmpDir: join(s.config.dataDir, 'tmp', 'exports'),
  };
}

/** The language of a request (the switch's cookie; German first). */
export const langOf = (req: NextRequest) => (req.cookies.get(LANG_COOKIE)?.value === 'en' ? 'en' : 'de');
