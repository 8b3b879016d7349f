import { ref, watch, type Ref } from 'vue';

/**
 * A class that restarts a short highlight each time `source` changes (not on first render). Two classes with the
 * same animation under different names alternate, because re-adding the same class would not restart it.
 * The styles (`.changed-a`, `.changed-b`) live in styles/base.css and stand still under prefers-reduced-motion.
 */
export function useChangeFlash(source: () => unknown): Ref<'' | 'changed-a' | 'changed-b'> {
  const flash = ref<'' | 'changed-a' | 'changed-b'>('');
  watch(source, (value, previous) => {
    if (value === previous) return;
    flash.value = flash.value === 'changed-a' ? 'changed-b' : 'changed-a';
  });
  return flash;
}
