import './styles.css';
import { startApp } from './app.js';
import { detectCapabilities } from './capabilities.js';


// Everything the page loads comes from its own origin, under the base it is served at.
const base = new URL(import.meta.env.BASE_URL, location.href);

startApp({
  modelsUrl: new URL('models/', base).href,
  wasmPaths: new URL(__ORT_RUNTIME_DIR__, base).href,
  apiUrl: new URL('/api/v1/', location.origin).href,
  capabilities: await detectCapabilities(),
});
