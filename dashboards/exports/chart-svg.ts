/**
 * Server-side chart rendering for PDF exports: the same ECharts option as on the screen
 * (dashboards/chart-option.ts), rendered to an SVG string without a browser.
 */
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, MarkLineComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import { buildOption } from '../chart-option';
import type { Lang } from '../i18n';
import type { ChartSpec } from '../specs';

echarts.use([BarChart, LineChart, AriaComponent, GridComponent, LegendComponent, MarkLineComponent, SVGRenderer]);

export function chartSvg(spec: ChartSpec, lang: Lang, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height, locale: lang === 'de' ? 'DE' : 'EN' });
  try {
    // print: no tooltip (nothing to hover on paper)
    const { tooltip: _none, ...option } = buildOption(spec, lang) as Record<string, unknown>;
    chart.setOption({ ...option, textStyle: { fontFamily: 'sans-serif' } });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
