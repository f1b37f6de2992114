/**
 * Panel frames (rendered on the server for the first view, in the browser after a filter change): title, the chart or the KPI tiles, the legend for withheld cells,
 * notes on filters a panel cannot apply, and one sentence when something is wrong.
 */
import { disclosureLegend } from '../disclosure-legend';
import { formatValue, t, type Lang } from '../i18n';
import type { KpiTile, PanelData, PanelView } from '../specs';
import { Chart, DataTable } from './chart.client';
import { ExportMenu } from './export-menu';
import { PinButton } from './pin-button.client';

/** The last 24 months; a last month covered in part is drawn dashed. */
function Sparkline({ values, label, partialLast }: { values: Array<number | null>; label: string; partialLast?: boolean }) {
  const nums = values.map((v) => v ?? 0);
  const max = Math.max(1, ...nums);
  const min = Math.min(0, ...nums);
  const w = 120;
  const h = 28;
  const pts = nums.map((v, i) => `${((i / Math.max(1, nums.length - 1)) * w).toFixed(1)},${(h - ((v - min) / (max - min || 1)) * h).toFixed(1)}`);
  const solid = partialLast && pts.length > 1 ? pts.slice(0, -1) : pts;
  return (
    <svg className="spark" width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label}>
      <polyline points={solid.join(' ')} fill="none" stroke="currentColor" strokeWidth="1.5" />
      {solid !== pts ? <polyline points={pts.slice(-2).join(' ')} fill="none" stroke="currentColor" strokeWidth="1.5" strokeDasharray="3 2" /> : null}
    </svg>
  );
}

/**
 * The change against the same span a year before: an arrow for its direction, and — where the
 * metric declares which direction is favourable — colour and the words "günstiger"/"ungünstiger"
 * (never colour alone, WCAG 1.4.1).
 */
function Change({ tile, lang }: { tile: KpiTile; lang: Lang }) {
  if (tile.changePct === null)
    return (
      <div className="kpi-change" data-judgement="neutral">
        – <span className="muted">{t(lang, 'changeVsPreviousYear')}</span>
      </div>
    );
  const rounded = Math.round(tile.changePct * 10) / 10 || 0;
  const up = rounded > 0;
  const judged = tile.direction !== 'neutral' && rounded !== 0;
  const good = judged && up === (tile.direction === 'up-good');
  return (
    <div className={`kpi-change${judged ? (good ? ' delta-good' : ' delta-bad') : ''}`} data-judgement={judged ? (good ? 'good' : 'bad') : 'neutral'}>
      <span aria-hidden="true">{rounded === 0 ? '► ' : up ? '▲ ' : '▼ '}</span>
      {`${up ? '+' : ''}${formatValue(rounded, 'percent', lang)}`}
      {judged ? <strong className="delta-word"> {t(lang, good ? 'favourable' : 'unfavourable')}</strong> : null} <span className="muted">{t(lang, 'changeVsPreviousYear')}</span>
    </div>
  );
}

function Tile({ tile, lang }: { tile: KpiTile; lang: Lang }) {
  return (
    <div className="kpi" data-metric={tile.metric}>
      <div className="kpi-label">{tile.label}</div>
      <div className="kpi-value" data-value={tile.value ?? ''}>
        {formatValue(tile.value, tile.format, lang)}
      </div>
      <Change tile={tile} lang={lang} />
      <Sparkline values={tile.spark} partialLast={tile.sparkPartial} label={`${tile.label}: ${t(lang, tile.sparkPartial ? 'sparkPartial' : 'spark')}`} />
    </div>
  );
}

function PanelBody({ data, lang, title, pin }: { data: PanelData; lang: Lang; title: string; pin?: PanelView['pin'] }) {
  if (data.status !== 'ok') {
    if (data.status === 'forbidden') return <p className="panel-message muted">{t(lang, 'notInRights')}</p>;
    return (
      <p className="panel-message" role="alert">
        {data.message}
      </p>
    );
  }
  if (data.kind === 'kpis') {
    return (
      <div className="kpis">
        {/* tiles outside the user's rights are left out */}
        {data.tiles
          .filter((tile) => tile.allowed)
          .map((tile) => (
            <div className="kpi-slot" key={tile.metric}>
              <Tile tile={tile} lang={lang} />
              {pin ? <PinButton {...pin} tile={tile.metric} name={`${pin.labels.pin}: ${tile.label}`} /> : null}
            </div>
          ))}
      </div>
    );
  }
  if (data.empty) return <p className="panel-message">{t(lang, data.subtitle ? 'noneQualify' : 'noData')}</p>;
  if (data.league) return <DataTable spec={data.chart} lang={lang} title={title} sortable />;
  return <Chart spec={data.chart} lang={lang} title={title} />;
}

export function PanelFrame(props: Omit<PanelView, 'exportBase' | 'exportFormats'> & {
  exportBase?: string;
  exportFormats?: readonly string[];
  /** new figures are on their way (the old ones stay until they arrive) */
  busy?: boolean;
}) {
  const { id, title, data, lang, span, ignored, note, suppressBelow, filterKey, exportBase, exportFormats, busy, pin } = props;
  return (
    <section className={`panel span-${span}${busy ? ' refreshing' : ''}`} aria-labelledby={`panel-${id}`} aria-busy={busy || undefined} data-panel={id} data-status={data.status} data-filters={filterKey}>
      <h2 id={`panel-${id}`}>{title}</h2>
      {note ? <p className="panel-note">{note}</p> : null}
      {data.status === 'ok' && data.kind === 'chart' && data.subtitle ? (
        <p className="panel-note" data-testid="ranking-rule">
          {data.subtitle}
        </p>
      ) : null}
      <PanelBody data={data} lang={lang} title={title} pin={pin} />
      {data.status === 'ok' ? disclosureLegend(lang, data.disclosure, data.suppressed, suppressBelow).map((line) => (
            <p className="legend" key={line}>
              {line}
            </p>
          ))
        : null}
      {ignored.length ? (
        <p className="panel-note">
          {lang === 'de' ? 'Nicht anwendbar: ' : 'Not applicable: '}
          {ignored.join(', ')}
        </p>
      ) : null}
      {data.status === 'ok' && data.kind === 'chart' && data.chart.type === 'map' ? <p className="attribution">{t(lang, 'mapAttribution')}</p> : null}
      {data.status === 'ok' && ((exportBase && exportFormats?.length) || pin) ? (
        <div className="panel-tools">
          {exportBase && exportFormats?.length ? <ExportMenu lang={lang} base={exportBase} formats={exportFormats} label={t(lang, 'exportPanel')} /> : null}
          {pin ? <PinButton {...pin} name={`${pin.labels.pin}: ${title}`} /> : null}
        </div>
      ) : null}
    </section>
  );
}

export function PanelSkeleton({ title, span }: { title: string; span: number }) {
  return (
    <section className={`panel span-${span} skeleton`} aria-busy="true">
      <h2>{title}</h2>
      <div className="skeleton-block" />
    </section>
  );
}
