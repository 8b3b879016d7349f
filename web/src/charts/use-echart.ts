import { init, type ECharts, type EChartsCoreOption } from 'echarts/core';
import { onBeforeUnmount, onMounted, watch, type Ref, type WatchSource } from 'vue';

export interface UseEChartOptions {
  /** Re-renders when this changes (the props the option reads). */
  watch: WatchSource;
  /** `setOption`'s `notMerge`: replace the whole option on every render, or merge into the last one. */
  notMerge: boolean;
}

/**
 * Draws `option()` into `host` with the canvas renderer for as long as the component is mounted: again when
 * `options.watch` changes, and resized and redrawn when the host's box changes (the option reads the root font size,
 * which moves with the screen). The caller registers the chart's series and components with `use([...])`.
 */
export function useEChart(host: Readonly<Ref<HTMLElement | null>>, option: () => EChartsCoreOption, options: UseEChartOptions): void {
  let chart: ECharts | undefined;
  let resizeObserver: ResizeObserver | undefined;

  function render(): void {
    const el = host.value;
    // Initialising on a 0×0 box makes ECharts warn and draw nothing; wait until layout gives the box a size.
    if (!el || el.clientWidth === 0 || el.clientHeight === 0) return;
    if (!chart) chart = init(el, null, { renderer: 'canvas' });
    chart.setOption(option(), { notMerge: options.notMerge });
  }

  onMounted(() => {
    render();
    resizeObserver = new ResizeObserver(() => {
      if (chart) {
        chart.resize();
        chart.setOption(option(), { notMerge: options.notMerge });
      } else render();
    });
    if (host.value) resizeObserver.observe(host.value);
  });

  watch(options.watch, () => render());

  onBeforeUnmount(() => {
    resizeObserver?.disconnect();
    chart?.dispose();
    chart = undefined;
  });
}
