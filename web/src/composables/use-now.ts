import { onBeforeUnmount, onMounted, shallowRef, type Ref } from 'vue';

/**
 * The current time, refreshed just after each whole second so a clock never skips or repeats a second.
 * `clock` is injectable for tests.
 */
export function useNow(clock: () => number = Date.now): Ref<Date> {
  const now = shallowRef(new Date(clock()));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = () => {
    now.value = new Date(clock());
    timer = setTimeout(tick, 1000 - (now.value.getTime() % 1000) + 5);
  };
  onMounted(tick);
  onBeforeUnmount(() => clearTimeout(timer));
  return now;
}
