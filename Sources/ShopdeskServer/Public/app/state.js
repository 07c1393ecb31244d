// The constants the agent app's modules agree on, and the store's state for those that import it from here.

export { VIEWS } from './router.js';
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
export const LANGUAGES = [['en', 'English'], ['pt-BR', 'Português (Brasil)'], ['ru', 'Русский'], ['hr', 'Hrvatski']];

// The state itself lives in the store: read `state`, change it with `dispatch`.
export { state, dispatch, subscribe } from './store.js';

export const app = document.getElementById('app');
