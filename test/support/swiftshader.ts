/**
 * WebGPU tests run on SwiftShader, the software Vulkan driver Debian's chromium package ships (CI installs chromium):
 * this points the Vulkan loader at it for the test process, before Dawn starts. It must be set in the process the
 * native code runs in (vitest's forks pool; a spawned CLI inherits it), never from a worker thread.
 *
 * Where no driver or no Vulkan loader exists, `webgpuSkip` holds the reason; the suites put it in their title and
 * print it, so a skip is never silent.
 */
import { findSwiftshaderIcd, probeWebgpu } from '../../main/engine/webgpu';

const icd = process.env.VK_ICD_FILENAMES || findSwiftshaderIcd();
if (icd) process.env.VK_ICD_FILENAMES = icd;

/** The environment for a spawned `layerlab` that should see the same driver. */
export const swiftshaderEnv: Record<string, string> = icd ? { VK_ICD_FILENAMES: icd } : {};

async function why(): Promise<string | null> {
  const probe = await probeWebgpu();
  if (probe.adapters.some((a) => a.preferences.includes('high-performance'))) return null;
  const noDriver = icd ? '' : '; no SwiftShader Vulkan driver either (apt-get install chromium)';
  return `${probe.problem ?? 'Dawn offered no adapter'}${noDriver}`;
}

/** Null when WebGPU can run here (on SwiftShader or a real GPU); otherwise why the suite is skipped. */
export const webgpuSkip: string | null = await why();
if (webgpuSkip) console.warn(`WebGPU tests skipped: ${webgpuSkip}`);

/** A suite title that carries the skip reason, so the report shows it. */
export const webgpuTitle = (title: string): string => (webgpuSkip ? `${title} (skipped: ${webgpuSkip})` : title);
