// For tools that read .ts files without Vue's language service (ESLint's type-aware rules): vue-tsc resolves the
// real components and does not use this fallback.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent;
  export default component;
}
