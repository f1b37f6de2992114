/** The pipeline monitor's section on answering: cache memory and hit ratio (answers and kept filter changes), the queue, the last warm-up. */
import { Fragment } from 'react';
import type { AnswersStatus } from '../server/answers';
import { formatDate, formatValue, type Lang } from '../i18n';
import { ta } from '../i18n-admin';

export function AnswersSection({ lang, s }: { lang: Lang; s: AnswersStatus }) {
  const mb = (b: number) => formatValue(Math.round((b / 2 ** 20) * 10) / 10, 'count', lang);
  const pct = (x: number | null) => (x === null ? '—' : `${formatValue(Math.round(x * 1000) / 10, 'count', lang)} %`);
  const items: Array<[string, string]> = [
    [ta(lang, 'cacheMemory'), ta(lang, 'cacheMemoryValue', { used: mb(s.cache.bytes), max: mb(s.cache.maxBytes), n: formatValue(s.cache.entries, 'count', lang) })],
    [ta(lang, 'cacheHits'), `${pct(s.cache.hitRatio)} (${formatValue(s.cache.hits + s.cache.joined, 'count', lang)} / ${formatValue(s.cache.hits + s.cache.joined + s.cache.misses, 'count', lang)})`],
    [ta(lang, 'viewHits'), ta(lang, 'viewHitsValue', { ratio: pct(s.cache.views.hits + s.cache.views.misses ? s.cache.views.hits / (s.cache.views.hits + s.cache.views.misses) : null), n: formatValue(s.cache.views.entries, 'count', lang) })],
    [ta(lang, 'cacheEvictions'), formatValue(s.cache.evictions, 'count', lang)],
    [ta(lang, 'queueNow'), ta(lang, 'queueValue', { running: String(s.queue.running), slots: String(s.queue.slots), waiting: String(s.queue.waiting.interactive + s.queue.waiting.export + s.queue.waiting.background), waited: formatValue(s.queue.waited, 'count', lang) })],
    [
      ta(lang, 'warmUp'),
      s.warmUp
        ? ta(lang, 'warmUpValue', { at: formatDate(s.warmUp.at, lang), answers: formatValue(s.warmUp.answers, 'count', lang), scopes: String(s.warmUp.scopes), pages: formatValue(s.warmUp.pages ?? 0, 'count', lang), seconds: formatValue(Math.round(s.warmUp.seconds * 10) / 10, 'count', lang) }) + (s.warmUp.timedOut ? ` ${ta(lang, 'warmUpTimedOut')}` : '')
        : '—',
    ],
  ];
  return (
    <section className="panel" aria-labelledby="answers" style={{ marginTop: 'var(--gap)' }}>
      <h2 id="answers">{ta(lang, 'answersTitle')}</h2>
      <dl className="facts" data-testid="answers">
        {items.map(([k, v]) => (
          <Fragment key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </Fragment>
        ))}
      </dl>
    </section>
  );
}
