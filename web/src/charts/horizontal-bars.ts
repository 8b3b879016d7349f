import type { BarSeriesOption, DefaultLabelFormatterCallbackParams, YAXisComponentOption } from 'echarts';
import type { ChartTheme } from './chart-theme';

export interface HorizontalBars {
  /** Bar names, top to bottom. */
  categories: string[];
  /** One length per category. */
  values: number[];
  /** The text at the end of each bar. */
  formatLabel: (params: DefaultLabelFormatterCallbackParams) => string;
  /** Truncates longer names to this width (rem); default: names keep their full width. */
  categoryWidthRem?: number;
}

/**
 * The category axis and the series of a list of labelled bars, top to bottom (the wall's per-agency chart and the
 * dashboards' group panels); the caller sets the grid and the value axis, which differ by scale.
 */
export function horizontalBars(
  { rem, text, muted, accent, font }: ChartTheme,
  bars: HorizontalBars,
): { yAxis: YAXisComponentOption; series: BarSeriesOption[] } {
  const truncate = bars.categoryWidthRem === undefined ? {} : { width: rem * bars.categoryWidthRem, overflow: 'truncate' as const };
  return {
    yAxis: {
      type: 'category',
      inverse: true,
      data: bars.categories,
      axisLine: { show: false },
      axisTick: { show: false },
      axisLabel: { color: muted, fontSize: rem * 0.85, fontFamily: font, margin: rem * 0.5, ...truncate },
    },
    series: [
      {
        type: 'bar',
        data: bars.values,
        barCategoryGap: '28%',
        itemStyle: { color: accent, borderRadius: [0, rem * 0.2, rem * 0.2, 0] },
        label: { show: true, position: 'right', color: text, fontSize: rem * 0.85, fontFamily: font, formatter: bars.formatLabel },
      },
    ],
  };
}
