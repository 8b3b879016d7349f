/** The runtime parts of the live contract the web app uses; everything else from @ioc/core is `import type`. */
export { applyWallPatch, LiveEvents } from '@ioc/core/contracts/live-patch';
