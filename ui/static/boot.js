// Loads the Leptos UI (wasm). Kept as a file: the CSP allows no inline script.
import init from './station_ui.js';
init();
