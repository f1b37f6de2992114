'use client';
/**
 * A chart panel: ECharts (only the parts used, canvas renderer — smaller than SVG —, aria description and decal patterns
 * on) with a toggle to an accessible table of the same numbers. Clicking a bar or a state filters
 * the dashboard by it (through the URL). Suppressed cells show as "·". The layout (orientation,
 * category labels, height) follows the chart's width (dashboards/chart-option.ts); periods the
 * data cover in part are named under the chart and in the table.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart, MapChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendPlainComponent, MarkLineComponent, TooltipComponent, VisualMapContinuousComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { buildOption, chartLayout, initialHeight } from '../chart-option';
import { describeChart } from '../chart-text';
import { formatDate, formatValue, t, type Lang } from '../i18n';
import { tm } from '../i18n-my';
import type { ChartSpec } from '../specs';
import { useFilterNavigation } from './navigation.client';
import { compareRows, SortableHeader, useColumnSort } from './sortable.client';

/** The chart's element carries its ECharts instance (browser tests and debugging read the drawn labels from it). */
export type ChartElement = HTMLDivElement & { fisChart?: echarts.ECharts };

echarts.use([BarChart, LineChart, MapChart, AriaComponent, GridComponent, LegendPlainComponent, MarkLineComponent, TooltipComponent, VisualMapContinuousComponent, CanvasRenderer]);

let geoPromise: Promise<void> | undefined;
function loadStates(): Promise<void> {
  geoPromise ??= fetch('/api/geo/states')
    .then((r) => r.json())
    .then((geo) => echarts.registerMap('de-states', geo));
  return geoPromise;
}

export function Chart({ spec, lang, title }: { spec: ChartSpec; lang: Lang; title: string }) {
  const el = useRef<ChartElement>(null);
  const [table, setTable] = useState(false);
  const { setFilter, pending } = useFilterNavigation();

  // the spec of the moment, for the handlers and the layout of an instance kept across updates
  const current = useRef(spec);
  current.current = spec;
  const relayout = useRef<(() => void) | undefined>(undefined);
  // the filter navigation changes with every URL: the click handler reads the newest, the chart is not rebuilt for it
  const navigate = useRef(setFilter);
  navigate.current = setFilter;
  const kind = spec.type;

  // the ECharts instance lives as long as the element (and the kind of chart): a filter change
  // gives it a new option, it is not built again
  useEffect(() => {
    const node = el.current;
    if (table || !node) return;
    let chart: echarts.ECharts | undefined;
    let disposed = false;
    let drawing = false;
    let width = 0;
    // lay out for the element's width: orientation, labels and the height the chart needs
    const layOut = () => {
      width = node.clientWidth;
      const height = chartLayout(current.current, lang, { width }).height;
      if (node.clientHeight !== height) node.style.height = `${height}px`;
      // a resize draws the chart (with its old option): only when its size changed, so that new figures are drawn once
      if (chart && (chart.getWidth() !== node.clientWidth || chart.getHeight() !== node.clientHeight)) chart.resize();
      chart?.setOption(buildOption(current.current, lang, { width, height }), { notMerge: true });
    };
    // draw once the element has a size (layout can still be settling on tablets), then follow resizes
    const draw = async () => {
      if (drawing || chart || node.clientWidth === 0 || node.clientHeight === 0) return;
      drawing = true;
      if (kind === 'map') await loadStates();
      if (disposed) return;
      chart = echarts.init(node, undefined, { renderer: 'canvas', locale: lang === 'de' ? 'DE' : 'EN' });
      node.fisChart = chart;
      layOut();
      chart.on('click', (p: { dataIndex?: number; name?: string }) => {
        const sp = current.current;
        if (!sp.clickDim) return;
        const code = sp.type === 'map' ? p.name : p.dataIndex !== undefined ? sp.categories[p.dataIndex]?.code : undefined;
        if (code) navigate.current(sp.clickDim, code === sp.selected ? undefined : code);
      });
      relayout.current = layOut;
      node.setAttribute('data-rendered', 'true');
    };
    const observer = new ResizeObserver(() => {
      if (disposed) return;
      // a hidden or detached container (0×0 during a navigation) would break the map's projection
      if (node.clientWidth === 0 || node.clientHeight === 0) return;
      if (!chart) void draw();
      else if (node.clientWidth !== width) layOut();
      else chart.resize();
    });
    observer.observe(node);
    void draw();
    return () => {
      disposed = true;
      relayout.current = undefined;
      observer.disconnect();
      chart?.dispose();
      delete node.fisChart;
    };
  }, [kind, lang, table]);

  // new figures: the same instance, a new option (its layout may change with the categories)
  const drawn = useRef(spec);
  useEffect(() => {
    if (drawn.current === spec) return;
    drawn.current = spec;
    relayout.current?.();
  }, [spec]);

  return (
    <div className="chart" aria-busy={pending}>
      <div className="chart-tools">
        <button type="button" className="link-button" aria-pressed={table} onClick={() => setTable((x) => !x)}>
          {table ? t(lang, 'showChart') : t(lang, 'showTable')}
        </button>
      </div>
      {table ? (
        <DataTable spec={spec} lang={lang} title={title} />
      ) : (
        <>
          <div ref={el} className={spec.type === 'map' ? 'chart-canvas chart-map' : 'chart-canvas'} style={{ height: initialHeight(spec) }} role="img" aria-label={`${describeChart(spec, lang, title)} ${t(lang, 'chartTableHint')}`} />
          {spec.partial?.length ? (
            <p className="chart-note" data-testid="partial-note">
              {spec.partial.map((p) => `* ${spec.categories[p.index]?.label}: ${p.note}`).join(' · ')}
            </p>
          ) : null}
        </>
      )}
      {spec.events?.length ? <EventList spec={spec} lang={lang} chart={() => (table ? undefined : el.current?.fisChart)} /> : null}
      {spec.clickDim && spec.categories.length > 0 && !table ? (
        <CategoryButtons spec={spec} lang={lang} onPick={(code) => setFilter(spec.clickDim!, code === spec.selected ? undefined : code)} />
      ) : null}
    </div>
  );
}

/**
 * The events on the chart's time axis, listed below it (numbered as their flags): focusing or
 * pointing at one shows the tooltip of its period, which names it with its text.
 */
function EventList({ spec, lang, chart }: { spec: ChartSpec; lang: Lang; chart: () => echarts.ECharts | undefined }) {
  const show = (index: number) => chart()?.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: index });
  const hide = () => chart()?.dispatchAction({ type: 'hideTip' });
  return (
    <div className="chart-events" data-testid="chart-events">
      <p className="chart-events-title">{tm(lang, 'eventsOnChart')}</p>
      <ol>
        {spec.events!.map((e, i) => (
          <li key={e.id} data-event={e.id}>
            <button type="button" className="link-button" onFocus={() => show(e.index)} onMouseEnter={() => show(e.index)} onBlur={hide} onMouseLeave={hide} onClick={() => show(e.index)}>
              <span aria-hidden="true">⚑{i + 1} </span>
              <time dateTime={e.date}>{formatDate(e.date, lang)}</time> {e.title}
            </button>
            {e.text ? <span className="chart-event-text"> – {e.text}</span> : null}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** Keyboard and screen-reader access to the click-to-filter of a chart. */
function CategoryButtons({ spec, lang, onPick }: { spec: ChartSpec; lang: Lang; onPick: (code: string) => void }) {
  return (
    <details className="chart-pick">
      <summary>{lang === 'de' ? 'Danach filtern …' : 'Filter by …'}</summary>
      <ul>
        {spec.categories.slice(0, 40).map((c) => (
          <li key={c.code}>
            <button type="button" className="link-button" aria-pressed={spec.selected === c.code} onClick={() => onPick(c.code)}>
              {c.label}
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}

/** A category's name in the table, with the note of a period covered in part. */
const rowLabel = (spec: ChartSpec, i: number) => {
  const note = spec.partial?.find((p) => p.index === i)?.note;
  return note ? `${spec.categories[i]!.label} (${note})` : spec.categories[i]!.label;
};

/**
 * The numbers of a chart as a table (and a league table's only view). `sortable`: a ranking, in
 * the order of its leading (first) column, sortable by any column.
 */
export function DataTable({ spec, lang, title, sortable = false }: { spec: ChartSpec; lang: Lang; title: string; sortable?: boolean }) {
  const { sort, toggle } = useColumnSort((col) => col === 0, sortable ? { col: 1, dir: 'desc' } : null);
  const order = useMemo(() => {
    const rows = spec.categories.map((_, i) => i);
    return sort && sortable ? rows.sort(compareRows<number>(sort, (i) => (sort.col === 0 ? spec.categories[i]!.label : spec.series[sort.col - 1]?.data[i]))) : rows;
  }, [spec, sort, sortable]);
  const headers = [spec.categoryTitle, ...spec.series.map((s) => s.name)];
  const eventsAt = (i: number) => (spec.events ?? []).filter((e) => e.index === i).map((e) => `${formatDate(e.date, lang)} ${e.title}${e.text ? ` – ${e.text}` : ''}`).join('; ');
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={title}>
      <table className="data">
        <caption className="visually-hidden">
          {title}
          {sortable && sort ? `. ${t(lang, 'sortedBy', { col: headers[sort.col]! })}` : ''}
        </caption>
        <thead>
          <tr>
            {headers.map((h, col) =>
              sortable ? (
                <SortableHeader key={col} lang={lang} label={h} col={col} sort={sort} onSort={toggle} numeric={col > 0} />
              ) : (
                <th scope="col" key={col} className={col > 0 ? 'num' : undefined}>
                  {h}
                </th>
              ),
            )}
            {spec.events?.length ? <th scope="col">{tm(lang, 'eventColumn')}</th> : null}
          </tr>
        </thead>
        <tbody>
          {order.map((i) => (
            <tr key={spec.categories[i]!.code}>
              <th scope="row">{rowLabel(spec, i)}</th>
              {spec.series.map((s) => (
                <td key={s.name} className="num">
                  {formatValue(s.data[i], s.format, lang)}
                </td>
              ))}
              {spec.events?.length ? <td>{eventsAt(i)}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
