'use client';
/** The small interactive parts of the administration pages: restore a role version, run the pipeline now, refresh while it runs. */
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import type { Lang } from '../i18n';
import { ta } from '../i18n-admin';
import { sendJson } from './api.client';
import { InlineError } from './form-error';

/** One button that sends a request and refreshes the page, or says why not. */
function ActionButton({ lang, label, method, url, body, confirm, testId }: { lang: Lang; label: string; method: 'POST'; url: string; body: unknown; confirm?: string; testId?: string }) {
  const router = useRouter();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <span className="action">
      <button
        type="button"
        className="button-secondary"
        data-testid={testId}
        disabled={busy}
        onClick={async () => {
          if (confirm && !window.confirm(confirm)) return;
          setBusy(true);
          setError('');
          const r = await sendJson(method, url, body, ta(lang, 'errorTitle'));
          setBusy(false);
          if (r.error) setError(r.error);
          else router.refresh();
        }}
      >
        {label}
      </button>
      <InlineError error={error} />
    </span>
  );
}

export function RestoreButton({ lang, name, version, current }: { lang: Lang; name: string; version: number; current: number | null }) {
  return (
    <ActionButton
      lang={lang}
      label={ta(lang, 'restoreVersion', { n: version })}
      method="POST"
      url={`/api/admin/roles/${encodeURIComponent(name)}/restore`}
      body={{ version, expectedVersion: current }}
      confirm={ta(lang, 'restoreConfirm', { n: version })}
      testId={`restore-${version}`}
    />
  );
}

export function RunNowButtons({ lang }: { lang: Lang }) {
  return (
    <div className="filter-actions">
      <ActionButton lang={lang} label={ta(lang, 'runNow')} method="POST" url="/api/admin/pipeline" body={{ full: false }} testId="run-now" />
      <ActionButton lang={lang} label={ta(lang, 'runNowFull')} method="POST" url="/api/admin/pipeline" body={{ full: true }} testId="run-now-full" />
    </div>
  );
}

/** Refreshes the page every few seconds while `active` (a run in progress). */
export function AutoRefresh({ active, seconds = 3 }: { active: boolean; seconds?: number }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => router.refresh(), seconds * 1000);
    return () => clearInterval(timer);
  }, [active, seconds, router]);
  return null;
}
