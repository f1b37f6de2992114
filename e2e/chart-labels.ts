/**
 * What ECharts drew on a chart, read from its instance: the labels of the category axis that are
 * drawn (not hidden for colliding, not left out by an interval) against the labels the option
 * asks for and against the categories, and the legend items drawn against the series. One
 * function for the browser tests (passed to page.evaluate: it is self-contained, no closures, no
 * helpers) and the unit tests (called on a server-side SVG instance).
 */
export interface ChartLabelCount {
  /** the category axis' id ('categories': every category labelled; 'time': a scale), or 'none' (a map) */
  axis: string;
  categories: number;
  /** labels the option asks for (non-empty formatter results) */
  intended: number;
  /** labels drawn */
  drawn: number;
  /** drawn labels cut with "…" */
  cut: number;
  legendType: string | null;
  series: number;
  legendDrawn: number;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the instance is ECharts' (the browser side has no types) */
export function countChartLabels(chart: any): ChartLabelCount {
  const o = chart.getOption();
  let axis: any = null;
  let mainType = '';
  for (const [type, list] of [['xAxis', o.xAxis || []], ['yAxis', o.yAxis || []]]) {
    for (const a of list) {
      if (!axis && a.type === 'category') {
        axis = a;
        mainType = type;
      }
    }
  }
  const legend = (o.legend || [])[0];
  const names: string[] = [];
  for (const s of o.series || []) if (names.indexOf(s.name) < 0) names.push(s.name);
  const out = { axis: axis ? String(axis.id) : 'none', categories: axis ? axis.data.length : 0, intended: 0, drawn: 0, cut: 0, legendType: legend ? legend.type || 'plain' : null, series: legend ? names.length : 0, legendDrawn: 0 };
  if (axis) {
    const formatter = axis.axisLabel && axis.axisLabel.formatter;
    for (let i = 0; i < axis.data.length; i++) {
      const value = typeof axis.data[i] === 'object' ? axis.data[i].value : axis.data[i];
      if (typeof formatter === 'function' ? formatter(value, i) : value) out.intended++;
    }
  }
  for (const root of chart.getZr().storage.getRoots()) {
    root.traverse((el: any) => {
      if (el.type !== 'text' || !el.style || !el.style.text) return;
      // the component the text belongs to, and whether it or a group above it is hidden
      let p = el;
      let hidden = false;
      let owner = '';
      while (p) {
        if (p.ignore || p.invisible) hidden = true;
        if (!owner && p.__ecComponentInfo) owner = p.__ecComponentInfo.mainType;
        p = p.parent;
      }
      if (hidden) return;
      if (owner === mainType && /^label_/.test(el.anid || '')) {
        out.drawn++;
        if (el.style.text.indexOf('…') >= 0) out.cut++;
      }
      if (owner === 'legend') out.legendDrawn++;
    });
  }
  return out;
}
/* eslint-enable @typescript-eslint/no-explicit-any */
