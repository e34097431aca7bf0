import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, isAllowedExternalUrl, isAllowedNavigation, windowOptions } from '../../../main/electron/security';

describe('window options', () => {
  const prefs = windowOptions('/app/preload.cjs').webPreferences!;
  it.each([
    ['contextIsolation', true],
    ['sandbox', true],
    ['nodeIntegration', false],
    ['nodeIntegrationInWorker', false],
    ['nodeIntegrationInSubFrames', false],
    ['webSecurity', true],
    ['allowRunningInsecureContent', false],
    ['webviewTag', false],
    ['navigateOnDragDrop', false],
  ] as const)('%s is %s', (key, value) => {
    expect(prefs[key]).toBe(value);
  });
  it('uses the given preload script', () => {
    expect(prefs.preload).toBe('/app/preload.cjs');
  });
  it('restores saved bounds', () => {
    expect(windowOptions('/p', { x: 10, y: 20, width: 1000, height: 700 })).toMatchObject({ x: 10, y: 20, width: 1000, height: 700 });
  });
});

describe('content security policy', () => {
  const directives = Object.fromEntries(CONTENT_SECURITY_POLICY.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  it('loads everything from the app itself by default', () => {
    expect(directives['default-src']).toEqual(["'self'"]);
  });
  it('allows no inline or eval script', () => {
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval/);
  });
  it('forbids plugins, base-uri changes, forms and framing', () => {
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['base-uri']).toEqual(["'none'"]);
    expect(directives['form-action']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
  });
  it('names no remote host anywhere', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:|\*/);
  });
});

describe('external links', () => {
  it.each([
    ['https://www.tensorflow.org/js/guide/nodejs', true],
    ['https://developer.nvidia.com/cuda-11.2.0-download-archive', true],
    ['http://www.tensorflow.org/', false],
    ['https://evil.example.com/', false],
    ['https://www.tensorflow.org.evil.example/', false],
    ['https://user:pw@github.com/', false],
    ['https://github.com:8443/', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['not a url', false],
  ])('%s -> %s', (url, allowed) => {
    expect(isAllowedExternalUrl(url)).toBe(allowed);
  });
});

describe('navigation lock', () => {
  const app = 'file:///opt/Layerlab/resources/app.asar/out/renderer/index.html';
  it('allows a hash change of the app page', () => {
    expect(isAllowedNavigation(`${app}#/training`, app)).toBe(true);
  });
  it('blocks other files, hosts and schemes', () => {
    expect(isAllowedNavigation('file:///etc/passwd', app)).toBe(false);
    expect(isAllowedNavigation('https://example.com/', app)).toBe(false);
    expect(isAllowedNavigation('garbage', app)).toBe(false);
  });
});
