/**
 * A page where a panel failed is never kept (it may work on the next try): the keeper's test reads
 * the markup the panel frame really draws, and the marker React streams for an error in place of a
 * part — so renaming either breaks this test, not the promise.
 */
import { PassThrough } from 'node:stream';
import { createElement, Suspense, type ReactNode } from 'react';
import { renderToPipeableStream, renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { PanelData } from '../specs';
import { PanelFrame } from '../ui/panels';
import { keepablePage } from './kept-pages';

const frame = (data: PanelData) =>
  renderToStaticMarkup(createElement(PanelFrame, { id: 'applications', title: 'Asylerstanträge', data, lang: 'de', span: 6, ignored: [], suppressBelow: 0, filterKey: 'k' }));

const page = (body: string) => `<!DOCTYPE html><html><body>${body}</body></html>`;

/** A page streamed by React where one part threw (as Next sends it: the error's digest in place of the part). */
async function streamedWithError(): Promise<string> {
  const Broken = (): ReactNode => {
    throw new Error('the panel query failed');
  };
  const tree = createElement('main', null, createElement(Suspense, { fallback: createElement('p', null, 'lädt') }, createElement(Broken)));
  return new Promise((resolve, reject) => {
    const out = new PassThrough();
    let html = '';
    out.on('data', (d) => (html += String(d)));
    out.on('end', () => resolve(html));
    const s = renderToPipeableStream(tree, {
      onError: () => 'digest-1',
      onAllReady: () => s.pipe(out),
      onShellError: reject,
    });
  });
}

describe('kept pages: what the keeper refuses', () => {
  it('keeps a page whose panels drew, never one where a panel failed or React streamed an error', async () => {
    const empty: PanelData = { status: 'ok', kind: 'chart', chart: { type: 'bar' } as never, suppressed: 0, disclosure: 'none', empty: true };
    const ok = frame(empty);
    expect(ok).toContain('data-panel="applications"');
    expect(keepablePage(page(ok))).toBe(true);
    // outside one's rights is a finished answer, not a failure
    expect(keepablePage(page(frame({ status: 'forbidden', message: 'x' })))).toBe(true);

    const failed = frame({ status: 'error', message: 'Die Zahlen konnten nicht geladen werden.' });
    expect(failed).toContain('Die Zahlen konnten nicht geladen werden.');
    expect(keepablePage(page(ok + failed))).toBe(false);

    const streamed = await streamedWithError();
    expect(streamed).toContain('digest-1');
    expect(keepablePage(page(streamed))).toBe(false);
  });
});
