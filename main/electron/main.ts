/** Electron entry point (bundled to out/electron/main.js by scripts/build-electron.mjs). */
import { defaultAppRoot, startDesktopApp } from './desktop-app';

startDesktopApp({ appRoot: defaultAppRoot(import.meta.url), isDev: process.env.NODE_ENV === 'development' });
