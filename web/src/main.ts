import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './app.vue';
import { createAppI18n } from './i18n';
import { createAppRouter } from './router';
import './styles/base.css';

createApp(App).use(createPinia()).use(createAppI18n()).use(createAppRouter()).mount('#app');
