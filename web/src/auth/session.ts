import type { ChangePasswordRequest, LoginRequest, SessionInfo } from '@ioc/core';
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { apiRequest, type ApiError, type ApiResult, type Fetcher } from './api';

/** `unknown`: not asked yet; `anonymous`: no valid session; `authenticated`: `info` holds it. */
export type SessionStatus = 'unknown' | 'anonymous' | 'authenticated';

export interface SessionOptions {
  /** Default: the browser's fetch. */
  fetcher?: Fetcher;
  /** The interface language for the server's messages. */
  locale?: () => string;
}

/**
 * Who is signed in (core/src/contracts/auth.ts `SessionInfo`), and the calls that change it. The session itself is an
 * httpOnly cookie the page cannot read; this store keeps what `/api/auth/me` says about it and the CSRF token that
 * every write must repeat.
 */
export const useSessionStore = defineStore('session', () => {
  const info = shallowRef<SessionInfo | null>(null);
  const status = ref<SessionStatus>('unknown');
  /** Why the person was sent to the sign-in page (the session ended, the account was locked…), shown there once. */
  const notice = ref<ApiError | null>(null);

  const user = computed(() => info.value?.user ?? null);
  const csrfToken = computed(() => info.value?.csrfToken ?? null);
  /** Non-null while a password change is due: the app shows the change-password page and nothing else. */
  const passwordChangeRequired = computed(() => user.value?.passwordChangeRequired ?? null);
  const isDisplay = computed(() => info.value?.session.kind === 'display');

  let fetcher: Fetcher = (input, init) => fetch(input, init);
  let locale: () => string = () => 'vi';
  let loading: Promise<void> | null = null;

  function configure(options: SessionOptions): void {
    if (options.fetcher) fetcher = options.fetcher;
    if (options.locale) locale = options.locale;
  }

  function hydrate(value: SessionInfo | null): void {
    info.value = value;
    status.value = value ? 'authenticated' : 'anonymous';
  }

  function dehydrate(): SessionInfo | null {
    return info.value;
  }

  const call = <T>(method: 'GET' | 'POST', path: string, body?: unknown) =>
    apiRequest<T>(fetcher, { method, path, body, csrfToken: csrfToken.value, locale: locale() });

  /** Asks the server who is signed in (once at a time). A network failure leaves the status as it was. */
  function load(): Promise<void> {
    loading ??= (async () => {
      const result = await call<SessionInfo>('GET', '/api/auth/me');
      if (result.ok) hydrate(result.body);
      else if (result.status === 401) {
        if (result.error.code !== 'auth.required') notice.value = result.error;
        hydrate(null);
      } else if (status.value === 'unknown') hydrate(null);
    })().finally(() => {
      loading = null;
    });
    return loading;
  }

  async function login(body: LoginRequest): Promise<ApiResult<SessionInfo>> {
    const result = await call<SessionInfo>('POST', '/api/auth/login', body);
    if (result.ok) {
      notice.value = null;
      hydrate(result.body);
    }
    return result;
  }

  async function changePassword(body: ChangePasswordRequest): Promise<ApiResult<SessionInfo>> {
    const result = await call<SessionInfo>('POST', '/api/auth/password', body);
    if (result.ok) hydrate(result.body);
    else if (result.status === 401 || result.error.code === 'auth.temporarilyLocked') expire(result.error);
    return result;
  }

  /** Signs out on the server (which closes this session's live sockets) and forgets the session here. */
  async function logout(): Promise<void> {
    await call<null>('POST', '/api/auth/logout');
    notice.value = null;
    hydrate(null);
  }

  /** The server said the session is over (live socket, or a 401): forget it, and say why on the sign-in page. */
  function expire(reason: ApiError | null = null): void {
    notice.value = reason;
    hydrate(null);
  }

  return {
    info,
    status,
    notice,
    user,
    csrfToken,
    passwordChangeRequired,
    isDisplay,
    configure,
    hydrate,
    dehydrate,
    load,
    login,
    changePassword,
    logout,
    expire,
  };
});
