import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './app.vue';
import { useSessionStore } from './auth/session';
import { createAppI18n } from './i18n';
import { createAppRouter } from './router';
import './styles/base.css';

const pinia = createPinia();
const i18n = createAppI18n();
// The server writes its error messages in the interface language, not the browser's.
useSessionStore(pinia).configure({ locale: () => i18n.global.locale.value });
createApp(App).use(pinia).use(i18n).use(createAppRouter()).mount('#app');
