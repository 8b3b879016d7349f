/** The page's theme as ECharts needs it: plain values, since the canvas cannot read CSS variables itself. */
export interface ChartTheme {
  /** The root font size in px: chart text follows it, so a 4K wall shows the same chart twice as large. */
  rem: number;
  /** The visitor asked for less motion: charts then draw without animation. */
  reduceMotion: boolean;
  text: string;
  muted: string;
  line: string;
  accent: string;
  font: string;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** Reads the theme at the moment of the call; the fallbacks repeat styles/base.css. */
export function readChartTheme(): ChartTheme {
  return {
    rem: parseFloat(getComputedStyle(document.documentElement).fontSize) || 16,
    reduceMotion: window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false,
    text: cssVar('--text') || '#eef3fa',
    muted: cssVar('--text-muted') || '#adbdd4',
    line: cssVar('--line') || '#213652',
    accent: cssVar('--accent') || '#5cc8ff',
    font: cssVar('--font') || 'sans-serif',
  };
}
