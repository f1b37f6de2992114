'use client';
/**
 * The pinned items of "Mein FIS" in the user's order: drag and drop (pointer) and "Nach oben" /
 * "Nach unten" buttons (keyboard, screen readers — the new position is announced), and "Lösen".
 * Each change is saved at once (PUT /api/me/start); the panels themselves come from the server.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { sendJson } from './api.client';
import { InlineError } from './form-error';

export interface BoardItem {
  id: string;
  title: string;
  span: number;
}

export type BoardLabels = Record<'moveUp' | 'moveDown' | 'unpin' | 'moved' | 'removed' | 'pinActions' | 'dragHint' | 'saveFailed', string>;

const fill = (s: string, v: Record<string, string | number>) => Object.entries(v).reduce((x, [k, val]) => x.split(`{${k}}`).join(String(val)), s);

export function StartBoard({ items, panels, labels }: { items: BoardItem[]; panels: Record<string, ReactNode>; labels: BoardLabels }) {
  const [order, setOrder] = useState(items.map((i) => i.id));
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const [dragging, setDragging] = useState<string | null>(null);
  const byId = new Map(items.map((i) => [i.id, i]));
  // after a move, the keyboard stays with the moved item (set here, applied once the list is drawn)
  const focusNext = useRef<{ id: string; dir: 'up' | 'down' } | null>(null);
  useEffect(() => {
    const f = focusNext.current;
    if (!f) return;
    focusNext.current = null;
    const own = (d: string) => document.querySelector<HTMLButtonElement>(`[data-pin="${f.id}"] [data-move="${d}"]:not([disabled])`);
    (own(f.dir) ?? own(f.dir === 'down' ? 'up' : 'down'))?.focus();
  }, [order]);

  const save = async (next: string[], said: string) => {
    const before = order;
    setOrder(next);
    setError('');
    const r = await sendJson('PUT', '/api/me/start', { order: next }, labels.saveFailed);
    if (r.error) {
      setOrder(before);
      setError(r.error);
    } else setStatus(said);
  };
  const move = (id: string, to: number) => {
    const from = order.indexOf(id);
    if (to < 0 || to >= order.length || to === from) return;
    const next = [...order];
    next.splice(from, 1);
    next.splice(to, 0, id);
    // keep the keyboard with the moved item: on the same button, or the other one at the end of the list
    focusNext.current = { id, dir: to > from ? 'down' : 'up' };
    void save(next, fill(labels.moved, { title: byId.get(id)!.title, n: to + 1, of: next.length }));
  };

  return (
    <>
      <p role="status" className="hint" data-testid="board-status">
        {status}
      </p>
      <InlineError error={error} />
      <ol className="start-board" data-testid="start-board">
        {order.map((id, i) => {
          const item = byId.get(id)!;
          return (
            <li
              key={id}
              data-pin={id}
              className={`start-item span-${item.span}${dragging === id ? ' dragging' : ''}`}
              draggable
              onDragStart={(e) => {
                setDragging(id);
                e.dataTransfer.effectAllowed = 'move';
                e.dataTransfer.setData('text/plain', id);
              }}
              onDragEnd={() => setDragging(null)}
              onDragOver={(e) => e.preventDefault()}
              onDrop={(e) => {
                e.preventDefault();
                const moved = e.dataTransfer.getData('text/plain');
                setDragging(null);
                if (moved && moved !== id) move(moved, order.indexOf(id));
              }}
            >
              <div className="start-item-tools" role="group" aria-label={fill(labels.pinActions, { title: item.title })}>
                <span className="drag-handle" aria-hidden="true" title={labels.dragHint}>
                  ⠿
                </span>
                <button type="button" className="button-secondary" data-move="up" disabled={i === 0} onClick={() => move(id, i - 1)}>
                  {labels.moveUp}
                </button>
                <button type="button" className="button-secondary" data-move="down" disabled={i === order.length - 1} onClick={() => move(id, i + 1)}>
                  {labels.moveDown}
                </button>
                <button type="button" className="link-button" data-unpin={id} onClick={() => void save(order.filter((x) => x !== id), fill(labels.removed, { title: item.title }))}>
                  {labels.unpin}
                </button>
              </div>
              {panels[id]}
            </li>
          );
        })}
      </ol>
    </>
  );
}
