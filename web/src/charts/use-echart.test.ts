import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent } from 'echarts/components';
import { getInstanceByDom, use, type EChartsCoreOption } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineComponent, h, nextTick, useTemplateRef, type PropType } from 'vue';
import { useEChart } from './use-echart';

use([BarChart, LineChart, GridComponent, CanvasRenderer]);

// jsdom lays nothing out and has no ResizeObserver: the test plays the browser, giving the box a size and reporting it.
let boxSize = 0;
const jsdomGetContext = HTMLCanvasElement.prototype.getContext;
const observers: { callback: ResizeObserverCallback; observed: Element[]; connected: boolean }[] = [];
class FakeResizeObserver {
  private readonly entry: (typeof observers)[number];
  constructor(callback: ResizeObserverCallback) {
    this.entry = { callback, observed: [], connected: true };
    observers.push(this.entry);
  }
  observe(el: Element) {
    this.entry.observed.push(el);
  }
  unobserve() {}
  disconnect() {
    this.entry.connected = false;
  }
}
/** jsdom's canvas has no 2D context: this one accepts every drawing call and draws nothing. */
function fakeContext2d(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const state: Record<string | symbol, unknown> = { canvas };
  const context: CanvasRenderingContext2D = new Proxy(state, {
    get: (target, key) =>
      key in target ? target[key] : key === 'measureText' ? (text: string) => ({ width: text.length * 6 }) : () => context,
    set: (target, key, value) => {
      target[key] = value;
      return true;
    },
  }) as unknown as CanvasRenderingContext2D;
  return context;
}

function resizeBox(size: number) {
  boxSize = size;
  for (const o of observers) if (o.connected) o.callback([], o as unknown as ResizeObserver);
}

const Chart = defineComponent({
  props: {
    values: { type: Array as PropType<number[]>, required: true },
    withLine: { type: Boolean, default: false },
    notMerge: { type: Boolean, required: true },
  },
  setup(props) {
    const host = useTemplateRef<HTMLDivElement>('host');
    const option = (): EChartsCoreOption => ({
      xAxis: { type: 'category', data: props.values.map(String) },
      yAxis: { type: 'value' },
      series: [{ type: 'bar', data: props.values }, ...(props.withLine ? [{ type: 'line', data: props.values }] : [])],
    });
    useEChart(host, option, { watch: () => [props.values, props.withLine], notMerge: props.notMerge });
    return () => h('div', { ref: 'host' });
  },
});

function seriesOf(el: HTMLElement): { type: string; data: number[] }[] {
  const chart = getInstanceByDom(el);
  if (!chart) throw new Error('no chart on the host');
  return (chart.getOption() as { series: { type: string; data: number[] }[] }).series;
}

describe('useEChart', () => {
  beforeEach(() => {
    boxSize = 0;
    observers.length = 0;
    globalThis.ResizeObserver = FakeResizeObserver;
    HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement) {
      return fakeContext2d(this);
    } as unknown as typeof HTMLCanvasElement.prototype.getContext;
    for (const key of ['clientWidth', 'clientHeight'])
      Object.defineProperty(HTMLElement.prototype, key, { configurable: true, get: () => boxSize });
  });
  afterEach(() => {
    HTMLCanvasElement.prototype.getContext = jsdomGetContext;
    for (const key of ['clientWidth', 'clientHeight']) delete (HTMLElement.prototype as unknown as Record<string, unknown>)[key];
  });

  it('draws no chart while the host has no size, then draws once layout gives it one', async () => {
    const wrapper = mount(Chart, { props: { values: [3, 5], notMerge: true }, attachTo: document.body });
    expect(getInstanceByDom(wrapper.element as HTMLElement)).toBeUndefined();
    await wrapper.setProps({ values: [4, 6] });
    expect(getInstanceByDom(wrapper.element as HTMLElement)).toBeUndefined();

    resizeBox(300);
    expect(seriesOf(wrapper.element as HTMLElement).map((s) => s.data)).toEqual([[4, 6]]);
    wrapper.unmount();
  });

  it('redraws with the new props when a watched prop changes', async () => {
    boxSize = 300;
    const wrapper = mount(Chart, { props: { values: [3, 5], notMerge: true }, attachTo: document.body });
    expect(seriesOf(wrapper.element as HTMLElement)[0]?.data).toEqual([3, 5]);
    await wrapper.setProps({ values: [7, 1, 2] });
    await nextTick();
    expect(seriesOf(wrapper.element as HTMLElement)[0]?.data).toEqual([7, 1, 2]);
    wrapper.unmount();
  });

  it('replaces the whole option with notMerge, and keeps a dropped series when merging', async () => {
    boxSize = 300;
    const replaced = mount(Chart, { props: { values: [1], withLine: true, notMerge: true }, attachTo: document.body });
    const merged = mount(Chart, { props: { values: [1], withLine: true, notMerge: false }, attachTo: document.body });
    await replaced.setProps({ withLine: false });
    await merged.setProps({ withLine: false });
    expect(seriesOf(replaced.element as HTMLElement).map((s) => s.type)).toEqual(['bar']);
    expect(seriesOf(merged.element as HTMLElement).map((s) => s.type)).toEqual(['bar', 'line']);
    replaced.unmount();
    merged.unmount();
  });

  it('disposes the chart and stops observing the host on unmount', () => {
    boxSize = 300;
    const wrapper = mount(Chart, { props: { values: [3], notMerge: true }, attachTo: document.body });
    const el = wrapper.element as HTMLElement;
    expect(getInstanceByDom(el)).toBeDefined();
    expect(observers.map((o) => o.observed)).toEqual([[el]]);
    wrapper.unmount();
    expect(getInstanceByDom(el)).toBeUndefined();
    expect(observers.every((o) => !o.connected)).toBe(true);
  });
});
