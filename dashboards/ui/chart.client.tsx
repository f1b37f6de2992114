'use client';
/**
 * A chart panel: ECharts (only the parts used, canvas renderer — smaller than SVG —, aria description and decal patterns
 * on) with a toggle to an accessible table of the same numbers. Clicking a bar or a state filters
 * the dashboard by it (through the URL). Suppressed cells show as "·".
 */
import { useEffect, useRef, useState } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart, MapChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent, VisualMapContinuousComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { buildOption } from '../chart-option';
import { formatValue, t, type Lang } from '../i18n';
import type { ChartSpec } from '../specs';
import { useFilterNavigation } from './navigation.client';

echarts.use([BarChart, LineChart, MapChart, AriaComponent, GridComponent, LegendComponent, TooltipComponent, VisualMapContinuousComponent, CanvasRenderer]);

let geoPromise: Promise<void> | undefined;
function loadStates(): Promise<void> {
  geoPromise ??= fetch('/api/geo/states')
    .then((r) => r.json())
    .then((geo) => echarts.registerMap('de-states', geo));
  return geoPromise;
}

export function Chart({ spec, lang, title }: { spec: ChartSpec; lang: Lang; title: string }) {
  const el = useRef<HTMLDivElement>(null);
  const [table, setTable] = useState(false);
  const { setFilter, pending } = useFilterNavigation();

  useEffect(() => {
    const node = el.current;
    if (table || !node) return;
    let chart: echarts.ECharts | undefined;
    let disposed = false;
    let drawing = false;
    // draw once the element has a size (layout can still be settling on tablets), then follow resizes
    const draw = async () => {
      if (drawing || chart || node.clientWidth === 0 || node.clientHeight === 0) return;
      drawing = true;
      if (spec.type === 'map') await loadStates();
      if (disposed) return;
      chart = echarts.init(node, undefined, { renderer: 'canvas', locale: lang === 'de' ? 'DE' : 'EN' });
      chart.setOption(buildOption(spec, lang));
      if (spec.clickDim) {
        chart.on('click', (p: { dataIndex?: number; name?: string }) => {
          const code = spec.type === 'map' ? p.name : p.dataIndex !== undefined ? spec.categories[p.dataIndex]?.code : undefined;
          if (code) setFilter(spec.clickDim!, code === spec.selected ? undefined : code);
        });
      }
      node.setAttribute('data-rendered', 'true');
    };
    const observer = new ResizeObserver(() => {
      if (disposed) return;
      // a hidden or detached container (0×0 during a navigation) would break the map's projection
      if (node.clientWidth === 0 || node.clientHeight === 0) return;
      if (chart) chart.resize();
      else void draw();
    });
    observer.observe(node);
    void draw();
    return () => {
      disposed = true;
      observer.disconnect();
      chart?.dispose();
    };
  }, [spec, lang, table, setFilter]);

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
        <div ref={el} className={spec.type === 'map' ? 'chart-canvas chart-map' : 'chart-canvas'} role="img" aria-label={`${title}: ${t(lang, 'showTable')} …`} />
      )}
      {spec.clickDim && spec.categories.length > 0 && !table ? (
        <CategoryButtons spec={spec} lang={lang} onPick={(code) => setFilter(spec.clickDim!, code === spec.selected ? undefined : code)} />
      ) : null}
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

export function DataTable({ spec, lang, title }: { spec: ChartSpec; lang: Lang; title: string }) {
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={title}>
      <table className="data">
        <caption className="visually-hidden">{title}</caption>
        <thead>
          <tr>
            <th scope="col">{spec.categoryTitle}</th>
            {spec.series.map((s) => (
              <th scope="col" key={s.name} className="num">
                {s.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {spec.categories.map((c, i) => (
            <tr key={c.code}>
              <th scope="row">{c.label}</th>
              {spec.series.map((s) => (
                <td key={s.name} className="num">
                  {formatValue(s.data[i], s.format, lang)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
